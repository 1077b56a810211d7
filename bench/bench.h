/* Helpers shared by the benchmark programs: a monotonic clock, argument parsing, and the
 * replication loop of the M/M/1 benchmarks.
 *
 * Each benchmark is one small program that mirrors a SimPy workload of
 * shared/bench/simpy/ (same arguments, same result line), so bench/compare.sh can time
 * both in one run. Timing covers sim_run only, as the SimPy scripts time env.run().
 * Everything here is static inline: the programs link only procsim_kernel.          */
#ifndef PROCSIM_BENCH_H
#define PROCSIM_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim.h"

static inline double bench_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* argv[i] as a count in [1, max], or `def` when absent. Bad input prints `usage` and
 * exits with status 2 (as the CLI does), never a crash or a silent zero. */
static inline long bench_arg(int argc, char **argv, int i, long def, long max,
                             const char *usage)
{
    if (i >= argc)
        return def;
    char *end = NULL;
    errno = 0;
    long v = strtol(argv[i], &end, 10);
    if (errno != 0 || end == argv[i] || *end != '\0' || v < 1 || v > max) {
        fprintf(stderr, "%s: bad argument '%s' (want an integer in 1..%ld)\nusage: %s\n",
                argv[0], argv[i], max, usage);
        exit(2);
    }
    return v;
}

/* Give up with a message (and the kernel's, when env is known) when the kernel refuses
 * something a benchmark needs: a wrong figure is worse than none. */
static inline void bench_check(sim_env *env, int ok, const char *what)
{
    if (!ok) {
        const char *msg = env ? sim_env_error_message(env) : NULL;
        fprintf(stderr, "benchmark failed: %s%s%s\n", what, msg && *msg ? ": " : "",
                msg ? msg : "");
        exit(1);
    }
}

/* The M/M/1 benchmarks' driver (mm1, mm1_queue): arguments N R, R replications seeded
 * 0..R-1 of N customers each, timed together, and SimPy's result line: the mean over
 * replications of `metric` (what `replicate` returns for one environment) next to its
 * analytic value, plus events_per_s. */
typedef double (*bench_replicate_fn)(sim_env *env, long customers);

static inline int bench_replications_main(int argc, char **argv, const char *workload,
                                          const char *metric, double analytic,
                                          bench_replicate_fn replicate)
{
    char usage[64];
    snprintf(usage, sizeof usage, "bench_%s [N [R]]", workload);
    long N = bench_arg(argc, argv, 1, 100000, 1000000000, usage);
    long R = bench_arg(argc, argv, 2, 1, 1000000, usage);

    unsigned long long events = 0;
    double sum = 0.0;
    double t0 = bench_seconds();
    for (long r = 0; r < R; r++) {
        sim_config cfg = {0};
        cfg.seed = (unsigned long)r;
        sim_env *env = sim_env_new(&cfg);
        bench_check(NULL, env != NULL, "sim_env_new");
        sum += replicate(env, N);
        events += sim_events_processed(env);
        sim_env_free(env);
    }
    double dt = bench_seconds() - t0;

    printf("workload=%s customers=%ld replications=%ld %s=%.3f analytic=%.3f seconds=%.3f "
           "customers_per_s=%.0f events_per_s=%.0f\n",
           workload, N, R, metric, sum / (double)R, analytic, dt, (double)N * (double)R / dt,
           (double)events / dt);
    return 0;
}

#endif
