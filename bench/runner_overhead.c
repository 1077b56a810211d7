/* What the runner itself costs, and how it scales.
 *
 * runner_overhead: replications of an experiment that does nothing, through the whole
 * runner (plan, pool, sim_env_new/free, result slots), on one thread: microseconds per
 * replication (target: under 5).
 * runner_scaling: a CPU-bound replication (random draws, no process) and a replication
 * with one process (so a stack is mapped), run with -j 1 and -j 2; speedup = time(1) /
 * time(2) (target: at least 1.9 on 2 cores). Best of three runs each, since a shared
 * machine adds noise in one direction only. On a loaded machine the wall-clock speedup
 * says little; cpu_ratio = CPU time(2) / CPU time(1) still shows contention: near 1.0
 * means the second thread did the same work at the same cost (no shared hot lock).
 *
 * usage: bench_runner_overhead [REPS]     (default 1000000 empty replications) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "runner.h"

static sim_status empty_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)env;
    (void)params;
    metrics[0] = 0.0;
    return SIM_OK;
}

static sim_status spin_replicate(sim_env *env, const double *params, double *metrics)
{
    sim_rng *rng = sim_env_rng(env, 0);
    double sum = 0.0;
    (void)params;
    for (int i = 0; i < 200000; i++)
        sum += sim_rng_double(rng);
    metrics[0] = sum;
    return SIM_OK;
}

static void *sleeper(sim_proc *self, void *arg)
{
    sim_rng *rng = sim_env_rng(sim_proc_env(self), 0);
    (void)arg;
    for (int i = 0; i < 20000; i++)
        sim_sleep(self, sim_rng_exponential(rng, 1.0));
    return NULL;
}

static sim_status proc_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    sim_status st = sim_spawn(env, "sleeper", sleeper, NULL);
    if (st == SIM_OK)
        st = sim_run(env, -1);
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric one_metric[] = {{"value", "what the replication computed", 0}};
static const exp_experiment empty = {"empty", "nothing", NULL, 0, one_metric, 1,
                                     empty_replicate, NULL, NULL, 0, 0};
static const exp_experiment spin = {"spin", "200k draws", NULL, 0, one_metric, 1,
                                    spin_replicate, NULL, NULL, 0, 0};
static const exp_experiment proc = {"proc", "one process, 20k sleeps", NULL, 0, one_metric,
                                    1, proc_replicate, NULL, NULL, 0, 0};

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best wall time of three runs of `reps` replications on `threads` threads; the CPU
 * time of the process during that best run in *cpu. */
static double best_time(const exp_experiment *e, size_t reps, unsigned threads, double *cpu)
{
    double best = 1e300, best_cpu = 0.0;
    for (int k = 0; k < 3; k++) {
        runner_plan *plan = runner_plan_new(e);
        runner_options opt;
        runner_err err;
        runner_options_init(&opt);
        opt.reps = reps;
        opt.threads = threads;
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        runner_result *res = runner_run(plan, &opt, &err);
        double t = clock_s(CLOCK_MONOTONIC) - t0, c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (res == NULL || runner_result_failed(res) != 0) {
            fprintf(stderr, "bench_runner_overhead: %s failed: %s\n", e->name,
                    res ? "replications failed" : err.msg);
            exit(1);
        }
        runner_result_free(res);
        runner_plan_free(plan);
        if (t < best) {
            best = t;
            best_cpu = c;
        }
    }
    if (cpu)
        *cpu = best_cpu;
    return best;
}

int main(int argc, char **argv)
{
    size_t reps = 1000000;
    if (argc > 1 && (runner_parse_size(argv[1], &reps) != 0 || reps == 0)) {
        fprintf(stderr, "usage: bench_runner_overhead [REPS]\n");
        return 2;
    }
    double t = best_time(&empty, reps, 1, NULL);
    printf("workload=runner_overhead reps=%zu seconds=%.3f us_per_rep=%.3f\n", reps, t,
           t / (double)reps * 1e6);

    const exp_experiment *scaled[] = {&spin, &proc};
    for (int i = 0; i < 2; i++) {
        size_t n = 200;
        double c1, c2;
        double t1 = best_time(scaled[i], n, 1, &c1), t2 = best_time(scaled[i], n, 2, &c2);
        printf("workload=runner_scaling model=%s reps=%zu seconds_j1=%.3f seconds_j2=%.3f "
               "speedup=%.2f cpu_ratio=%.2f\n",
               scaled[i]->name, n, t1, t2, t1 / t2, c2 / c1);
    }
    return 0;
}
