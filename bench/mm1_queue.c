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

/* One replication: its mean time in system. */
static double replicate(sim_env *env, long customers)
{
    model m = {sim_store_new(env, SIM_UNLIMITED), sim_env_rng(env, 0), customers, 0.0};
    bench_check(env, m.queue != NULL && m.rng != NULL, "sim_store_new / sim_env_rng");
    bench_check(env, sim_spawn(env, "arrivals", arrivals, &m) == SIM_OK, "sim_spawn");
    bench_check(env, sim_spawn(env, "server", server, &m) == SIM_OK, "sim_spawn");
    bench_check(env, sim_run(env, -1) == SIM_OK, "sim_run");
    sim_store_free(m.queue);
    return m.total / (double)customers;
}

int main(int argc, char **argv)
{
    return bench_replications_main(argc, argv, "mm1_queue", "mean_system_time", 10.0,
                                   replicate);
}
