/* What runner_run checks before it starts (runner_check): option values that cannot
 * work together, and whether the results fit in the memory and the address space left;
 * and how many worker threads the address space allows (runneri_threads_for). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "result_int.h"
#include "runner_int.h"

/* Address space left under RLIMIT_AS (ulimit -v), or +infinity without a limit. */
static double address_space_left(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return 1e300;
    double used = 0;
    unsigned long long vm_pages;
    long page = sysconf(_SC_PAGESIZE);
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%llu", &vm_pages) == 1 && page > 0)
            used = (double)vm_pages * (double)page;
        fclose(f);
    }
    double left = (double)rl.rlim_cur - used;
    return left > 0 ? left : 0;
}

/* Bytes this process can still allocate: MemAvailable (total RAM says nothing about
 * what other programs hold), and under RLIMIT_AS what is left of the address space. */
static double available_memory(void)
{
    double have = 1e300;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[128];
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
                have = (double)kb * 1024.0;
        fclose(f);
    }
    if (have == 1e300) {
        long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        if (pages > 0 && page > 0)
            have = (double)pages * (double)page;
    }
    double left = address_space_left();
    return left < have ? left : have;
}

/* Worker threads for this run. Under RLIMIT_AS every running replication may come to
 * hold its whole memory budget, so no more run at once than the address space holds:
 * otherwise which replication fails would depend on -j (results never do). */
unsigned runneri_threads_for(const runner_options *opt)
{
    unsigned threads = opt->threads ? opt->threads : runner_default_threads();
    double left = address_space_left();
    if (opt->memory_limit && left < 1e300) {
        double fit = left / (double)opt->memory_limit;
        if (fit < (double)threads)
            threads = fit >= 1.0 ? (unsigned)fit : 1u;
    }
    return threads;
}

int runner_check(const runner_plan *plan, const runner_options *opt, runner_err *err)
{
    if (plan == NULL || opt == NULL)
        return runneri_fail(err, "no plan or options");
    const exp_experiment *e = runner_plan_experiment(plan);
    if (e->replicate == NULL)
        return runneri_fail(err, "experiment %s cannot run", e->name);
    if (opt->only_rep < 0 && opt->reps == 0)
        return runneri_fail(err, "the number of replications must be at least 1");
    if (opt->precision < 0 || !isfinite(opt->precision) || opt->abs_precision < 0 ||
        !isfinite(opt->abs_precision) ||
        ((opt->precision > 0 || opt->abs_precision > 0) &&
         (opt->only_rep >= 0 || opt->shards > 1)))
        return runneri_fail(err, "a precision target needs all replications, not one");
    if (opt->shards > 1 && opt->shard >= opt->shards)
        return runneri_fail(err, "shard %zu of %zu does not exist (shards count from 0)",
                            opt->shard, opt->shards);
    if (!(opt->confidence > 0 && opt->confidence < 1))
        return runneri_fail(err, "the confidence level must be between 0 and 1");
    /* Every (point, rep) has a slot: metrics, a state byte and an error pointer, and
     * summarising a point copies its values once more (runner_summarize). */
    double nm = e->n_metrics ? (double)e->n_metrics : 1.0;
    double stored = nm * sizeof(double) + 1.0 + sizeof(char *) + sizeof(double);
    double per_rep = runner_streams(opt) ? 0.0 : stored;
    double reps = opt->only_rep >= 0 ? 1.0 : (double)opt->reps; /* precision grows lazily */
    double points = (double)runner_plan_points(plan);
    double need = points * (reps * per_rep + (double)e->n_params * sizeof(double) +
                            sizeof(runneri_point));
    if (opt->memory_limit && (double)opt->memory_limit > address_space_left())
        return runneri_fail(err, "the memory budget of one replication (%.2f GiB) is more "
                                 "than the %.2f GiB of address space left under ulimit -v; "
                                 "lower it (--max-memory)",
                            (double)opt->memory_limit / 1073741824.0,
                            address_space_left() / 1073741824.0);
    double have = available_memory();
    if (need > have || need > (double)SIZE_MAX / 2)
        return runneri_fail(err, "%zu points x %zu replications need %.1f GiB for their "
                                 "results, more than the %.1f GiB of memory available",
                            runner_plan_points(plan), opt->only_rep >= 0 ? (size_t)1 : opt->reps,
                            need / 1073741824.0, have / 1073741824.0);
    return 0;
}
