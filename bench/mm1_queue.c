/* mm1_queue: M/M/1 with passive customers (the shape of Cimba's M/M/1 benchmark). One
 * arrival process puts each arrival time into a Store, one server process gets it,
 * serves for an exponential time and adds the time in system. N customers, R
 * replications seeded 0..R-1, arrival rate 0.9, service rate 1. Mirrors
 * shared/bench/simpy/mm1_queue.py (arguments N R, same result line) and adds
 * events_per_s. The analytic mean time in system is 1 / (mu - lambda) = 10.0.
 *
 * The arrival time travels as the item pointer itself (its bit pattern), so a customer
 * costs no allocation and memory does not grow with N.                               */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "sim.h"
#include "sim_resource.h"
#include "sim_rng.h"

#define LAM 0.9
#define MU 1.0

_Static_assert(sizeof(double) == sizeof(uintptr_t), "a double must fit in an item pointer");

static void *encode(double t)
{
    uintptr_t bits;
    memcpy(&bits, &t, sizeof bits);
    return (void *)bits;
}

static double decode(void *item)
{
    uintptr_t bits = (uintptr_t)item;
    double t;
    memcpy(&t, &bits, sizeof t);
    return t;
}

typedef struct {
    sim_store *queue;
    sim_rng *rng;
    long customers;
    double total; /* summed time in system */
} model;

static void *arrivals(sim_proc *self, void *arg)
{
    model *m = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < m->customers; i++) {
        bench_check(env, sim_sleep(self, sim_rng_exponential(m->rng, LAM)) == SIM_OK,
                    "sim_sleep");
        sim_event *put = sim_store_put(m->queue, encode(sim_now(env)));
        bench_check(env, put != NULL, "sim_store_put");
        bench_check(env, sim_wait(self, put, NULL) == SIM_OK, "sim_wait(put)");
        sim_unref(put);
    }
    return NULL;
}

static void *server(sim_proc *self, void *arg)
{
    model *m = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < m->customers; i++) {
        sim_event *get = sim_store_get(m->queue);
        bench_check(env, get != NULL, "sim_store_get");
        void *item = NULL;
        bench_check(env, sim_wait(self, get, &item) == SIM_OK, "sim_wait(get)");
        sim_unref(get);
        double arrived = decode(item);
        bench_check(env, sim_sleep(self, sim_rng_exponential(m->rng, MU)) == SIM_OK,
                    "sim_sleep");
        m->total += sim_now(env) - arrived;
    }
    return NULL;
}

/* One replication: its mean time in system; adds its processed events to *events. */
static double replicate(long customers, unsigned long seed, unsigned long long *events)
{
    sim_config cfg = {0};
    cfg.seed = seed;
    sim_env *env = sim_env_new(&cfg);
    bench_check(NULL, env != NULL, "sim_env_new");
    model m = {sim_store_new(env, SIM_UNLIMITED), sim_env_rng(env, 0), customers, 0.0};
    bench_check(env, m.queue != NULL && m.rng != NULL, "sim_store_new / sim_env_rng");
    bench_check(env, sim_spawn(env, "arrivals", arrivals, &m) == SIM_OK, "sim_spawn");
    bench_check(env, sim_spawn(env, "server", server, &m) == SIM_OK, "sim_spawn");
    bench_check(env, sim_run(env, -1) == SIM_OK, "sim_run");
    *events += sim_events_processed(env);
    sim_store_free(m.queue);
    sim_env_free(env);
    return m.total / (double)customers;
}

int main(int argc, char **argv)
{
    const char *usage = "bench_mm1_queue [N [R]]";
    long N = bench_arg(argc, argv, 1, 100000, 1000000000, usage);
    long R = bench_arg(argc, argv, 2, 1, 1000000, usage);

    unsigned long long events = 0;
    double sum = 0.0;
    double t0 = bench_seconds();
    for (long r = 0; r < R; r++)
        sum += replicate(N, (unsigned long)r, &events);
    double dt = bench_seconds() - t0;

    printf("workload=mm1_queue customers=%ld replications=%ld mean_system_time=%.3f "
           "analytic=10.000 seconds=%.3f customers_per_s=%.0f events_per_s=%.0f\n",
           N, R, sum / (double)R, dt, (double)N * (double)R / dt, (double)events / dt);
    return 0;
}
