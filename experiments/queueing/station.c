/* The service station behind mm1, mmc and md1: a source, one process per customer, and
 * a Resource for the servers (see station.h for the model and its warm-up rule).
 *
 * Collectors live in the station and are fed by the customers: a tally of waits and of
 * times in system for customers past the warm-up, and time averages of the Resource's
 * queue length and busy slots, read back from the Resource after every change a
 * customer makes (arrival, start of service, departure). A grant made by a release
 * shows up when the granted customer resumes, at the same simulated time, so the
 * integrals are exact.                                                              */
#include <math.h>

#include "sim_resource.h"
#include "station.h"
#include "stats.h"

#define TRACE_CUSTOMERS 20 /* `procsim trace` tells the story of the first few */
#define MAX_COUNT 9007199254740992.0 /* 2^53: every whole double below is exact */

const exp_metric exp_station_metrics[EXP_STATION_N_METRICS] = {
    {"wait", "mean time in queue of the customers after the warm-up", 0},
    {"system_time", "mean time in system (queue + service) of the same customers", 0},
    {"queue_length", "time-weighted mean number waiting, warm-up'th departure to last arrival", 0},
    {"utilization", "time-weighted mean busy servers / servers over the same window", 1},
};

typedef struct {
    sim_resource *servers;
    sim_rng *arrivals, *services; /* streams 0 and 1 */
    double lambda, mu;
    int deterministic;
    long n_servers, customers, warmup;
    long arrived, departed; /* customers so far; an arrival's count is its number */
    double end;             /* the last arrival: the time averages stop there */
    int warm;               /* the time-average window is open (warm-up over) */
    int closed;             /* the time-average window is closed */
    int tracing;            /* sim_tracing(env), read once */
    sim_status spawn_error; /* why the source had to stop early, or SIM_OK */
    long in_system;         /* customers present when it stopped */
    stats_tally wait, system_time;
    stats_timeavg queue, busy;
} station;

/* Record the Resource's current queue and busy slots as the levels from now on.
 * The time averages cover [departure of the warm-up'th customer, last arrival]. Both ends
 * avoid a bias of O(1/run length): just after a departure the state has the stationary
 * distribution (departures, like Poisson arrivals, see time averages), whereas just
 * after an arrival it holds one customer more; and after the last arrival the system
 * only drains, busier than in steady state. */
static void observe(station *s, double now)
{
    if (s->closed)
        return;
    stats_timeavg_set(&s->queue, now, (double)sim_resource_queue_length(s->servers));
    stats_timeavg_set(&s->busy, now, (double)sim_resource_count(s->servers));
}

static void *customer(sim_proc *self, void *arg)
{
    station *s = arg;
    sim_env *env = sim_proc_env(self);
    long id = ++s->arrived; /* processes start in creation order: this is arrival order */
    double arrive = sim_now(env);
    int traced = s->tracing && id <= TRACE_CUSTOMERS;

    if (traced) /* what the customer finds on arrival */
        sim_trace(env, "%.4f customer %ld arrives (queue %zu, %ld of %ld servers busy)\n",
                  arrive, id, sim_resource_queue_length(s->servers),
                  sim_resource_count(s->servers), s->n_servers);
    sim_event *req = sim_request(s->servers);
    if (req == NULL)
        return sim_exit_fail(self, (int)SIM_ENOMEM);
    observe(s, arrive);
    if (id == s->customers && s->warm) { /* else it closes at the last departure */
        s->end = arrive;
        s->closed = 1;
    }

    sim_status st = sim_wait(self, req, NULL);
    double start = sim_now(env);
    if (st == SIM_OK) {
        observe(s, start);
        if (traced)
            sim_trace(env, "%.4f customer %ld starts service after waiting %.4f\n", start, id,
                      start - arrive);
        st = sim_sleep(self, s->deterministic ? 1.0 / s->mu
                                              : sim_rng_exponential(s->services, s->mu));
    }
    /* Release even on failure, as SimPy's `with` block would. */
    sim_release(s->servers, req);
    sim_unref(req);
    if (st != SIM_OK)
        return sim_exit_fail(self, (int)st);

    double leave = sim_now(env);
    observe(s, leave);
    if (++s->departed == s->warmup && !s->closed) { /* warm-up over: measure from now */
        stats_timeavg_reset(&s->queue, leave);
        stats_timeavg_reset(&s->busy, leave);
        s->warm = 1;
    }
    if (s->departed == s->customers && !s->closed) {
        s->end = leave;
        s->closed = 1;
    }
    if (id > s->warmup) {
        stats_tally_add(&s->wait, start - arrive);
        stats_tally_add(&s->system_time, leave - arrive);
    }
    if (traced)
        sim_trace(env, "%.4f customer %ld departs after %.4f in the system\n", leave, id,
                  leave - arrive);
    return NULL;
}

static void *source(sim_proc *self, void *arg)
{
    station *s = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < s->customers; i++) {
        sim_status st = sim_sleep(self, sim_rng_exponential(s->arrivals, s->lambda));
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
        /* Every customer present holds a stack: under heavy overload they run out. Stop
         * arriving and let replicate() explain, rather than fail with a bare code. */
        if ((st = sim_spawn(env, "customer", customer, s)) != SIM_OK) {
            s->spawn_error = st;
            s->in_system = s->arrived - s->departed;
            return NULL;
        }
    }
    return NULL;
}

static int is_count(double v, double lo) { return v >= lo && v <= MAX_COUNT && v == floor(v); }

/* Everything replicate() must refuse before building anything: 1 if all is well, else 0
 * and the reason in the environment. */
static int check(sim_env *env, const exp_station_config *c)
{
    const char *bad = NULL;
    if (!(c->lambda > 0 && isfinite(c->lambda)))
        bad = "lambda (arrival rate) must be a finite number > 0";
    else if (!(c->mu > 0 && isfinite(c->mu)))
        bad = "mu (service rate) must be a finite number > 0";
    else if (!is_count(c->servers, 1))
        bad = "servers must be a whole number >= 1";
    else if (!is_count(c->customers, 1))
        bad = "customers must be a whole number >= 1";
    else if (!is_count(c->warmup, 0))
        bad = "warmup must be a whole number >= 0";
    if (bad) {
        sim_env_set_error(env, "%s", bad);
        return 0;
    }
    if (c->warmup >= c->customers) {
        sim_env_set_error(env, "warmup must be smaller than customers (got %.0f >= %.0f): no "
                               "customer would be measured", c->warmup, c->customers);
        return 0;
    }
    return 1;
}

const char *exp_station_check(double customers, double warmup)
{
    return warmup < customers ? NULL
                              : "warmup must be smaller than customers: no customer would be "
                                "measured";
}

sim_status exp_station_replicate(sim_env *env, const exp_station_config *cfg, double *metrics)
{
    if (!check(env, cfg))
        return SIM_EINVAL;
    double t0 = sim_now(env);
    /* The processes may still wait when a failed run stops; the environment frees them
     * and they never run again, so the station can live on this stack. */
    station s = {
        .arrivals = sim_env_rng(env, 0),
        .services = sim_env_rng(env, 1),
        .lambda = cfg->lambda,
        .mu = cfg->mu,
        .deterministic = cfg->deterministic,
        .n_servers = (long)cfg->servers,
        .customers = (long)cfg->customers,
        .warmup = (long)cfg->warmup,
        .end = t0,
        .warm = cfg->warmup == 0,
        .tracing = sim_tracing(env),
    };
    stats_tally_init(&s.wait);
    stats_tally_init(&s.system_time);
    stats_timeavg_init(&s.queue, t0, 0);
    stats_timeavg_init(&s.busy, t0, 0);
    s.servers = sim_resource_new(env, s.n_servers);
    if (s.servers == NULL || s.arrivals == NULL || s.services == NULL) {
        sim_resource_free(s.servers);
        return SIM_ENOMEM;
    }

    if (s.tracing)
        sim_trace(env, "%.4f %ld customers arrive at rate %g; %ld server(s), %s service at "
                       "rate %g; the first %d are traced, %ld are warm-up\n",
                  t0, s.customers, s.lambda, s.n_servers,
                  s.deterministic ? "deterministic" : "exponential", s.mu, TRACE_CUSTOMERS,
                  s.warmup);
    sim_status st = sim_spawn(env, "source", source, &s);
    if (st == SIM_OK)
        st = sim_run(env, -1); /* the source stops after the last arrival: run dry */
    sim_resource_free(s.servers);
    if (st != SIM_OK)
        return st;
    if (s.spawn_error != SIM_OK) {
        sim_env_set_error(env, "could not start customer %ld (%s) with %ld customers in the "
                               "system, each a process with its own stack: is the load "
                               "lambda / (servers mu) = %g far above 1?",
                          s.arrived + 1, sim_strerror(s.spawn_error), s.in_system,
                          s.lambda / ((double)s.n_servers * s.mu));
        return s.spawn_error;
    }
    if (s.departed != s.customers) { /* cannot happen with a FIFO Resource: say so loudly */
        sim_env_set_error(env, "the run ended with %ld of %ld customers departed", s.departed,
                          s.customers);
        return SIM_ESTATE;
    }

    metrics[EXP_STATION_WAIT] = stats_tally_mean(&s.wait);
    metrics[EXP_STATION_SYSTEM_TIME] = stats_tally_mean(&s.system_time);
    metrics[EXP_STATION_QUEUE_LENGTH] = stats_timeavg_mean(&s.queue, s.end);
    metrics[EXP_STATION_UTILIZATION] = stats_timeavg_mean(&s.busy, s.end) / (double)s.n_servers;
    if (s.tracing)
        sim_trace(env, "%.4f all %ld customers have left; mean wait %.4f over the %llu "
                       "after the warm-up\n",
                  sim_now(env), s.customers, metrics[EXP_STATION_WAIT],
                  (unsigned long long)s.wait.n);
    return SIM_OK;
}

int exp_station_analytic(double lambda, double mu, double servers, double wq, size_t m,
                         double *value)
{
    if (!isfinite(wq) || wq < 0)
        return 0;
    switch (m) {
    case EXP_STATION_WAIT: *value = wq; return 1;
    case EXP_STATION_SYSTEM_TIME: *value = wq + 1.0 / mu; return 1;
    case EXP_STATION_QUEUE_LENGTH: *value = lambda * wq; return 1;
    case EXP_STATION_UTILIZATION: *value = lambda / (servers * mu); return 1;
    default: return 0;
    }
}
