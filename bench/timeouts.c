/* timeouts: event churn. P processes each sleep 1 time unit in a loop until time T, so
 * the run is P*T wakeups through the event queue and the coroutine switch. Mirrors
 * shared/bench/simpy/timeouts.py (arguments P T, same result line). An optional third
 * argument sets sim_config.stack_size (default 64 KiB): with many processes the stacks'
 * spread over pages (TLB reach) is much of the cost, and the floors' stacks are 16 KiB. A
 * fourth, `packed`, sets sim_config.stack_layout = SIM_STACKS_PACKED (huge-page slabs). */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "sim.h"

static void *ticker(sim_proc *self, void *arg)
{
    long *count = arg;
    while (sim_sleep(self, 1) == SIM_OK)
        ++*count;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *usage = "bench_timeouts [P [T [STACK_BYTES [guarded|packed]]]]";
    long P = bench_arg(argc, argv, 1, 1000, 10000000, usage);
    long T = bench_arg(argc, argv, 2, 1000, 1000000000, usage);
    long stack = bench_arg(argc, argv, 3, SIM_DEFAULT_STACK, 1L << 30, usage);

    int packed = argc > 4 && strcmp(argv[4], "packed") == 0;
    if (argc > 4 && !packed && strcmp(argv[4], "guarded") != 0) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    sim_config cfg = {.stack_size = (size_t)stack,
                      .stack_layout = packed ? SIM_STACKS_PACKED : SIM_STACKS_GUARDED};
    sim_env *env = sim_env_new(&cfg);
    bench_check(NULL, env != NULL, "sim_env_new");
    long count = 0;
    for (long i = 0; i < P; i++)
        bench_check(env, sim_spawn(env, "ticker", ticker, &count) == SIM_OK, "sim_spawn");

    double t0 = bench_seconds();
    sim_status st = sim_run(env, (double)T + 0.5);
    double dt = bench_seconds() - t0;
    bench_check(env, st == SIM_OK, "sim_run");
    sim_env_free(env);

    printf("workload=timeouts processes=%ld until=%ld wakeups=%ld seconds=%.3f "
           "wakeups_per_s=%.0f",
           P, T, count, dt, (double)count / dt);
    if (argc > 3)
        printf(" stack_size=%ld", stack);
    if (argc > 4)
        printf(" stack_layout=%s", argv[4]);
    printf("\n");
    return 0;
}
