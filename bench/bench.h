/* Helpers shared by the benchmark programs: a monotonic clock and argument parsing.
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

#endif
