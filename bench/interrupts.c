/* interrupts: a worker sleeps 10 in a loop; an interrupter interrupts it every time unit,
 * N times. Each interruption is an URGENT event, and each interrupted sleep leaves a stale
 * timeout in the queue that fires later and must be ignored. Mirrors
 * shared/bench/simpy/interrupts.py (argument N, same result line).                  */
#include <stdio.h>

#include "bench.h"
#include "sim.h"

typedef struct {
    sim_proc *worker;
    long n;
    long caught;
} state;

static void *worker(sim_proc *self, void *arg)
{
    state *s = arg;
    for (;;) {
        sim_status st = sim_sleep(self, 10);
        if (st == SIM_INTERRUPTED)
            s->caught++;
        else if (st != SIM_OK)
            return NULL;
    }
}

static void *interrupter(sim_proc *self, void *arg)
{
    state *s = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < s->n; i++) {
        bench_check(env, sim_sleep(self, 1) == SIM_OK, "sim_sleep");
        bench_check(env, sim_interrupt(s->worker, "tick") == SIM_OK, "sim_interrupt");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long N = bench_arg(argc, argv, 1, 200000, 1000000000, "bench_interrupts [N]");

    sim_env *env = sim_env_new(NULL);
    bench_check(NULL, env != NULL, "sim_env_new");
    state s = {NULL, N, 0};
    s.worker = sim_process(env, "worker", worker, &s);
    bench_check(env, s.worker != NULL, "sim_process");
    bench_check(env, sim_spawn(env, "interrupter", interrupter, &s) == SIM_OK, "sim_spawn");

    double t0 = bench_seconds();
    sim_status st = sim_run(env, (double)N + 0.5);
    double dt = bench_seconds() - t0;
    bench_check(env, st == SIM_OK, "sim_run");
    sim_unref(sim_proc_event(s.worker));
    sim_env_free(env);

    printf("workload=interrupts interrupts=%ld seconds=%.3f interrupts_per_s=%.0f\n",
           s.caught, dt, (double)s.caught / dt);
    return 0;
}
