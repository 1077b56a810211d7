/* pingpong: two processes hand a fresh event back and forth N times through a shared
 * box, so every round creates, triggers and waits on two events. Mirrors
 * shared/bench/simpy/pingpong.py (argument N, same result line).
 *
 * The box holds one reference on each event it names; whoever replaces an event in the
 * box drops the box's reference on the old one, so memory stays flat over any N.    */
#include <stdint.h>
#include <stdio.h>

#include "bench.h"
#include "sim.h"

typedef struct {
    sim_event *ping; /* pong waits on it, ping triggers it */
    sim_event *pong; /* ping waits on it, pong triggers it */
    long rounds;
} box;

static void replace(sim_event **slot, sim_event *ev)
{
    sim_event *old = *slot;
    *slot = ev;
    if (old)
        sim_unref(old);
}

static void *ping(sim_proc *self, void *arg)
{
    box *b = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < b->rounds; i++) {
        sim_event *ev = sim_event_new(env);
        bench_check(env, ev != NULL, "sim_event_new");
        replace(&b->pong, ev);
        bench_check(env, sim_succeed(b->ping, (void *)(intptr_t)i) == SIM_OK, "sim_succeed");
        bench_check(env, sim_wait(self, ev, NULL) == SIM_OK, "sim_wait");
    }
    return NULL;
}

static void *pong(sim_proc *self, void *arg)
{
    box *b = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < b->rounds; i++) {
        void *v = NULL;
        bench_check(env, sim_wait(self, b->ping, &v) == SIM_OK, "sim_wait");
        sim_event *ev = sim_event_new(env);
        bench_check(env, ev != NULL, "sim_event_new");
        replace(&b->ping, ev);
        bench_check(env, sim_succeed(b->pong, v) == SIM_OK, "sim_succeed");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long N = bench_arg(argc, argv, 1, 200000, 1000000000, "bench_pingpong [N]");

    sim_env *env = sim_env_new(NULL);
    bench_check(NULL, env != NULL, "sim_env_new");
    box b = {sim_event_new(env), NULL, N};
    bench_check(env, b.ping != NULL, "sim_event_new");
    /* Same creation order as pingpong.py: pong first, so it waits before ping triggers. */
    bench_check(env, sim_spawn(env, "pong", pong, &b) == SIM_OK, "sim_spawn");
    bench_check(env, sim_spawn(env, "ping", ping, &b) == SIM_OK, "sim_spawn");

    double t0 = bench_seconds();
    sim_status st = sim_run(env, -1);
    double dt = bench_seconds() - t0;
    bench_check(env, st == SIM_OK, "sim_run");
    replace(&b.ping, NULL);
    replace(&b.pong, NULL);
    sim_env_free(env);

    printf("workload=pingpong rounds=%ld seconds=%.3f rounds_per_s=%.0f\n", N, dt,
           (double)N / dt);
    return 0;
}
