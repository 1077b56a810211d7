/* Bank renege: customers queue for a counter, but each one has a limited patience.
 *
 * A customer requests a counter and waits for it at most its patience, in one call
 * (sim_request_within: SimPy's `req | env.timeout(patience)` and its `req in results`
 * test). If it was granted the customer is served; otherwise the call has already
 * withdrawn the request, so no ghost stays in the queue.
 *
 * Streams: 0 arrivals, 1 patience, 2 service times. Every customer ends served or
 * reneged, so served + reneged == customers.                                          */
#include <math.h>

#include "experiments.h"
#include "stats.h"

enum { CUSTOMERS, INTERVAL, COUNTERS, SERVICE, MIN_PATIENCE, MAX_PATIENCE };

static const exp_param bank_params[] = {
    [CUSTOMERS] = {"customers", 10, 1, 1e7, 1, "customers arriving in one replication"},
    [INTERVAL] = {"interval", 10, 1e-6, 1e6, 0, "mean time between arrivals (exponential)"},
    [COUNTERS] = {"counters", 1, 1, 1000, 1, "counters serving customers"},
    [SERVICE] = {"time_in_bank", 12, 1e-6, 1e6, 0, "mean service time (exponential)"},
    [MIN_PATIENCE] = {"min_patience", 1, 0, 1e6, 0, "shortest patience (uniform)"},
    [MAX_PATIENCE] = {"max_patience", 3, 0, 1e6, 0, "longest patience (>= min_patience)"},
};

enum { M_SERVED, M_RENEGED, M_RENEGE_FRACTION, M_WAIT, M_SERVED_WAIT, M_LAST };

static const exp_metric bank_metrics[] = {
    [M_SERVED] = {"served", "customers who got a counter", 0},
    [M_RENEGED] = {"reneged", "customers who gave up waiting", 0},
    [M_RENEGE_FRACTION] = {"renege_fraction", "reneged / customers", 1},
    [M_WAIT] = {"wait", "mean time until a customer got a counter or gave up", 0},
    [M_SERVED_WAIT] = {"served_wait", "mean wait of the served customers (NaN if none)", 0},
    [M_LAST] = {"last_departure", "time the last customer left, served or not", 0},
};

typedef struct {
    sim_resource *counter;
    sim_rng *arrivals, *patience, *service;
    const double *p;
    long arrived, served, reneged;
    double last_departure;
    stats_tally wait, served_wait;
} bank;

static void *customer(sim_proc *self, void *arg)
{
    bank *b = arg;
    sim_env *env = sim_proc_env(self);
    long id = ++b->arrived; /* processes start in creation order */
    double arrive = sim_now(env);
    sim_trace(env, "%8.3f customer %ld: here I am\n", arrive, id);

    sim_event *req = sim_request(b->counter);
    double patience = sim_rng_uniform(b->patience, b->p[MIN_PATIENCE], b->p[MAX_PATIENCE]);
    int got_counter = 0;
    sim_status st = req ? sim_request_within(self, b->counter, req, patience, &got_counter)
                        : SIM_ENOMEM;
    double wait = sim_now(env) - arrive;
    if (st == SIM_OK) {
        stats_tally_add(&b->wait, wait);
        sim_series(env, "wait", (double)id, wait); /* a record per customer (--series) */
    }
    if (st == SIM_OK && got_counter) {
        b->served++;
        stats_tally_add(&b->served_wait, wait);
        sim_trace(env, "%8.3f customer %ld: waited %.3f\n", sim_now(env), id, wait);
        st = sim_sleep(self, sim_rng_exponential(b->service, 1.0 / b->p[SERVICE]));
        if (st == SIM_OK)
            sim_trace(env, "%8.3f customer %ld: finished\n", sim_now(env), id);
        sim_release(b->counter, req);
    } else if (st == SIM_OK) {
        b->reneged++;
        sim_trace(env, "%8.3f customer %ld: reneged after %.3f\n", sim_now(env), id, wait);
    }
    b->last_departure = sim_now(env);
    sim_unref(req);
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static void *source(sim_proc *self, void *arg)
{
    bank *b = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < (long)b->p[CUSTOMERS]; i++) {
        sim_status st = sim_spawn(env, "customer", customer, b);
        if (st == SIM_OK)
            st = sim_sleep(self, sim_rng_exponential(b->arrivals, 1.0 / b->p[INTERVAL]));
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
    return NULL;
}

static sim_status bank_replicate(sim_env *env, const double *params, double *metrics)
{
    if (params[MAX_PATIENCE] < params[MIN_PATIENCE]) {
        sim_env_set_error(env, "bank_renege: max_patience must be >= min_patience");
        return SIM_EINVAL;
    }
    bank b = {.counter = sim_resource_new(env, (long)params[COUNTERS]),
              .arrivals = sim_env_rng(env, 0),
              .patience = sim_env_rng(env, 1),
              .service = sim_env_rng(env, 2),
              .p = params};
    if (!b.counter)
        return SIM_EINVAL;
    stats_tally_init(&b.wait);
    stats_tally_init(&b.served_wait);

    sim_status st = sim_spawn(env, "source", source, &b);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    metrics[M_SERVED] = (double)b.served;
    metrics[M_RENEGED] = (double)b.reneged;
    metrics[M_RENEGE_FRACTION] = b.arrived ? (double)b.reneged / (double)b.arrived : NAN;
    metrics[M_WAIT] = stats_tally_mean(&b.wait);
    metrics[M_SERVED_WAIT] = stats_tally_mean(&b.served_wait);
    metrics[M_LAST] = b.last_departure;
    sim_resource_free(b.counter);
    return st;
}

static const char *bank_check(const double *params)
{
    return params[MAX_PATIENCE] < params[MIN_PATIENCE] ? "max_patience must be >= min_patience"
                                                         : NULL;
}

const exp_experiment exp_classic_bank_renege = {
    .name = "bank_renege",
    .help = "bank customers with limited patience leave the counter queue (sim_request_within)",
    .params = bank_params,
    .n_params = sizeof bank_params / sizeof bank_params[0],
    .metrics = bank_metrics,
    .n_metrics = sizeof bank_metrics / sizeof bank_metrics[0],
    .replicate = bank_replicate,
    .check = bank_check,
};
