/* mm1: an M/M/1 queue with a process per customer on a Resource of capacity 1 (arrival
 * rate 0.9, service rate 1), N customers, R replications seeded 0..R-1. Stresses process
 * creation, resource requests and releases. Mirrors shared/bench/simpy/mm1.py (arguments
 * N R, same result line) and adds events_per_s. The analytic mean wait in queue is
 * rho / (mu - lambda) = 9.0; the printed mean converges to it as N*R grows.          */

#include "bench.h"
#include "sim.h"
#include "sim_resource.h"
#include "sim_rng.h"

#define LAM 0.9
#define MU 1.0

typedef struct {
    sim_resource *server;
    sim_rng *rng;
    long customers;
    double wait_sum; /* sum of waits in queue */
    long waits;
} model;

static void *customer(sim_proc *self, void *arg)
{
    model *m = arg;
    sim_env *env = sim_proc_env(self);
    double arrive = sim_now(env);
    sim_event *req = sim_request(m->server);
    bench_check(env, req != NULL, "sim_request");
    bench_check(env, sim_wait(self, req, NULL) == SIM_OK, "sim_wait(request)");
    m->wait_sum += sim_now(env) - arrive;
    m->waits++;
    bench_check(env, sim_sleep(self, sim_rng_exponential(m->rng, MU)) == SIM_OK, "sim_sleep");
    bench_check(env, sim_release(m->server, req) == SIM_OK, "sim_release");
    sim_unref(req);
    return NULL;
}

static void *source(sim_proc *self, void *arg)
{
    model *m = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < m->customers; i++) {
        bench_check(env, sim_spawn(env, "customer", customer, m) == SIM_OK, "sim_spawn");
        bench_check(env, sim_sleep(self, sim_rng_exponential(m->rng, LAM)) == SIM_OK,
                    "sim_sleep");
    }
    return NULL;
}

/* One replication: its mean wait in queue. */
static double replicate(sim_env *env, long customers)
{
    model m = {sim_resource_new(env, 1), sim_env_rng(env, 0), customers, 0.0, 0};
    bench_check(env, m.server != NULL && m.rng != NULL, "sim_resource_new / sim_env_rng");
    bench_check(env, sim_spawn(env, "source", source, &m) == SIM_OK, "sim_spawn");
    bench_check(env, sim_run(env, -1) == SIM_OK, "sim_run");
    bench_check(env, m.waits == customers, "every customer was served");
    sim_resource_free(m.server);
    return m.wait_sum / (double)m.waits;
}

int main(int argc, char **argv)
{
    return bench_replications_main(argc, argv, "mm1", "mean_wait", 9.0, replicate);
}
