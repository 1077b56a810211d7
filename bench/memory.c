/* memory: two questions about the kernel's footprint.
 *
 *   bench_memory events E   E timeout events (1000 processes sleeping 1 in a loop) in one
 *                           run, then the peak RSS of the whole program. Run it once with
 *                           10^6 and once with 10^8 (fresh processes each): pooled events
 *                           mean the two peaks are close, a leak means they are not.
 *   bench_memory procs P    resident memory added by P processes that each wait on one
 *                           never-triggered shared event, per process: the cost of a
 *                           waiting process (its stack pages actually touched, its struct,
 *                           its waiter link).
 *
 * Peak RSS comes from getrusage (ru_maxrss, KiB on Linux); current RSS from
 * /proc/self/statm (resident pages times the page size).                             */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"
#include "sim.h"

#define TICKERS 1000L

static long peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* Resident bytes now, or -1 where /proc is missing. */
static long long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    long long size = 0, resident = -1;
    if (fscanf(f, "%lld %lld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return resident < 0 || page <= 0 ? -1 : resident * page;
}

static void *ticker(sim_proc *self, void *arg)
{
    long long *count = arg;
    while (sim_sleep(self, 1) == SIM_OK)
        ++*count;
    return NULL;
}

static int events_mode(long long events)
{
    long procs = events < TICKERS ? (long)events : TICKERS;
    long long until = events / procs;
    sim_env *env = sim_env_new(NULL);
    bench_check(NULL, env != NULL, "sim_env_new");
    long long count = 0;
    for (long i = 0; i < procs; i++)
        bench_check(env, sim_spawn(env, "ticker", ticker, &count) == SIM_OK, "sim_spawn");
    double t0 = bench_seconds();
    bench_check(env, sim_run(env, (double)until + 0.5) == SIM_OK, "sim_run");
    double dt = bench_seconds() - t0;
    long peak = peak_rss_kib(); /* before freeing: the figure is the run's */
    sim_env_free(env);
    printf("workload=memory events=%lld processes=%ld until=%lld peak_rss_kib=%ld "
           "seconds=%.3f\n",
           count, procs, until, peak, dt);
    return 0;
}

static void *waiter(sim_proc *self, void *arg)
{
    sim_wait(self, arg, NULL); /* never triggered: stays suspended until the env is freed */
    return NULL;
}

/* stack 0: the default; packed: SIM_STACKS_PACKED (with huge pages a slab is resident
 * whole, so this is what the layout costs). */
static int procs_mode(long procs, long stack, int packed)
{
    sim_config cfg = {.stack_size = (size_t)stack,
                      .stack_layout = packed ? SIM_STACKS_PACKED : SIM_STACKS_GUARDED};
    sim_env *env = sim_env_new(&cfg);
    bench_check(NULL, env != NULL, "sim_env_new");
    sim_event *never = sim_event_new(env);
    bench_check(env, never != NULL, "sim_event_new");
    long long before = resident_bytes();
    for (long i = 0; i < procs; i++)
        bench_check(env, sim_spawn(env, "waiter", waiter, never) == SIM_OK, "sim_spawn");
    bench_check(env, sim_run(env, 1) == SIM_OK, "sim_run"); /* all start and wait */
    long long after = resident_bytes();
    bench_check(env, before >= 0 && after >= 0, "reading /proc/self/statm");
    sim_unref(never);
    sim_env_free(env);
    printf("workload=proc_memory processes=%ld stack_size=%ld%s rss_added_kib=%lld "
           "bytes_per_process=%.0f\n",
           procs, stack ? stack : (long)SIM_DEFAULT_STACK, packed ? " stack_layout=packed" : "",
           (after - before) / 1024, (double)(after - before) / (double)procs);
    return 0;
}

int main(int argc, char **argv)
{
    const char *usage = "bench_memory events E | bench_memory procs P [STACK_BYTES [packed]]";
    if (argc == 3 && strcmp(argv[1], "events") == 0)
        return events_mode(bench_arg(argc, argv, 2, 0, 4000000000000000000L, usage));
    if (argc >= 3 && argc <= 5 && strcmp(argv[1], "procs") == 0 &&
        (argc < 5 || strcmp(argv[4], "packed") == 0))
        return procs_mode(bench_arg(argc, argv, 2, 0, 10000000, usage),
                          bench_arg(argc, argv, 3, 0, 1L << 30, usage), argc == 5);
    fprintf(stderr, "usage: %s\n", usage);
    return 2;
}
