/* A coffee bar, written against the installed procsim (a model of one's own).
 *
 * Customers arrive at random (Poisson) and queue for a barista (a Resource). Each has a
 * limited patience: a small "patience" process sleeps that long and, if the customer is
 * still queueing, interrupts it; the interrupted customer withdraws its request and leaves
 * (reneging). A customer who reaches a barista first interrupts its patience process
 * instead, so neither outlives the other's stack frame. The barista then pulls one or two
 * shots from the bean hopper (a Container); when the hopper falls to the reorder level a
 * delivery is ordered, which fills it after the lead time. An empty hopper keeps the
 * barista waiting, busy but idle: that is the "bean_wait" metric.
 *
 * Measured after the warm-up: mean wait of served customers, the fraction who reneged,
 * barista utilisation (time-averaged busy baristas / baristas) and the mean wait for beans.
 * check() refuses parameter points no replication could make sense of (warm-up not before
 * the end, reorder level not below the hopper size), at plan time: one usage error, exit 2.
 *
 * Random streams: 0 arrivals, 1 patience, 2 service times, 3 shots per order.        */
#include <math.h>

#include "cafe.h"

enum { RATE, BARISTAS, SERVE, PATIENCE, HOPPER, REORDER, LEAD, HOURS, WARMUP };

static const exp_param cafe_params[] = {
    [RATE] = {"arrival_rate", 50, 0.01, 1e4, 0, "customers per hour (Poisson)"},
    [BARISTAS] = {"baristas", 2, 1, 100, 1, "baristas at the bar"},
    [SERVE] = {"serve_min", 2, 0.01, 600, 0, "mean preparation time, minutes (exponential)"},
    [PATIENCE] = {"patience_min", 5, 0.01, 600, 0, "mean patience in the queue, minutes"},
    [HOPPER] = {"hopper", 60, 2, 1e6, 1, "shots the bean hopper holds (starts full)"},
    [REORDER] = {"reorder_at", 15, 0, 1e6, 1, "order beans when the hopper is down to this"},
    [LEAD] = {"lead_min", 30, 0, 1e4, 0, "minutes from order to delivery"},
    [HOURS] = {"hours", 10, 0.1, 1e5, 0, "opening hours simulated"},
    [WARMUP] = {"warmup_hours", 1, 0, 1e5, 0, "first hours left out of the metrics"},
};

enum { M_WAIT, M_RENEGED, M_UTIL, M_BEAN_WAIT, M_SERVED };

static const exp_metric cafe_metrics[] = {
    [M_WAIT] = {"wait_min", "mean queueing time of served customers, minutes", 0},
    [M_RENEGED] = {"reneged", "fraction of arrivals who left before being served", 1},
    [M_UTIL] = {"utilisation", "time-averaged busy baristas / baristas", 1},
    [M_BEAN_WAIT] = {"bean_wait_min", "mean time a served customer's barista waited for beans", 0},
    [M_SERVED] = {"served", "customers served (after the warm-up)", 0},
};

typedef struct {
    const double *p;
    sim_resource *bar;
    sim_container *hopper;
    sim_rng *arrivals, *patience, *service, *shots;
    int measuring, delivery_due;
    long arrived, reneged, served, next_id;
    stats_tally wait, bean_wait;
    stats_timeavg busy;
} cafe;

/* What a customer and its patience process share; lives on the customer's stack. */
typedef struct {
    sim_proc *customer;
    int queueing; /* 1 while the request waits: only then may patience interrupt */
    long id;
    cafe *c;
} ticket;

static double minutes(double m) { return m / 60.0; } /* the clock runs in hours */

static void *patience(sim_proc *self, void *arg)
{
    ticket *t = arg;
    double limit = sim_rng_exponential(t->c->patience, 1.0 / minutes(t->c->p[PATIENCE]));
    /* Interrupted means the customer was served first: t may be gone, touch nothing. */
    if (sim_sleep(self, limit) == SIM_OK && t->queueing)
        sim_interrupt(t->customer, "out of patience");
    return NULL;
}

static void *delivery(sim_proc *self, void *arg)
{
    cafe *c = arg;
    sim_status st = sim_sleep(self, minutes(c->p[LEAD]));
    double room = sim_container_capacity(c->hopper) - sim_container_level(c->hopper);
    sim_event *put = st == SIM_OK && room > 0 ? sim_container_put(c->hopper, room) : NULL;
    if (put)
        st = sim_wait(self, put, NULL);
    sim_trace(sim_proc_env(self), "%7.3f delivery: %g shots\n", sim_now(sim_proc_env(self)),
              room);
    sim_unref(put);
    c->delivery_due = 0;
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static sim_status brew(sim_proc *self, cafe *c, double *bean_wait)
{
    sim_env *env = sim_proc_env(self);
    double shots = 1.0 + (double)sim_rng_bounded(c->shots, 2);
    double asked = sim_now(env);
    sim_event *get = sim_container_get(c->hopper, shots);
    sim_status st = get ? sim_wait(self, get, NULL) : SIM_ENOMEM;
    sim_unref(get);
    *bean_wait = sim_now(env) - asked;
    if (st == SIM_OK && !c->delivery_due && sim_container_level(c->hopper) <= c->p[REORDER]) {
        c->delivery_due = 1;
        st = sim_spawn(env, "delivery", delivery, c);
    }
    if (st == SIM_OK)
        st = sim_sleep(self, sim_rng_exponential(c->service, 1.0 / minutes(c->p[SERVE])));
    return st;
}

static void *customer(sim_proc *self, void *arg)
{
    cafe *c = arg;
    sim_env *env = sim_proc_env(self);
    ticket t = {self, 1, ++c->next_id, c};
    int measured = c->measuring;
    double arrive = sim_now(env);
    c->arrived += measured;
    sim_trace(env, "%7.3f customer %ld arrives\n", arrive, t.id);

    sim_event *req = sim_request(c->bar);
    sim_proc *timer = req ? sim_process(env, "patience", patience, &t) : NULL;
    sim_status st = timer ? sim_wait(self, req, NULL) : SIM_ENOMEM;
    t.queueing = 0;
    if (st == SIM_INTERRUPTED) { /* patience ran out: leave the queue */
        c->reneged += measured;
        sim_trace(env, "%7.3f customer %ld leaves after %.3f h\n", sim_now(env), t.id,
                  sim_now(env) - arrive);
        st = SIM_OK;
    } else if (st == SIM_OK) {
        if (sim_proc_is_alive(timer))
            st = sim_interrupt(timer, NULL);
        double waited = sim_now(env) - arrive, bean_wait = 0;
        sim_trace(env, "%7.3f customer %ld at the bar after %.3f h\n", sim_now(env), t.id,
                  waited);
        stats_timeavg_set(&c->busy, sim_now(env), (double)sim_resource_count(c->bar));
        if (st == SIM_OK)
            st = brew(self, c, &bean_wait);
        if (st == SIM_OK && measured) {
            c->served++;
            stats_tally_add(&c->wait, waited);
            stats_tally_add(&c->bean_wait, bean_wait);
        }
        sim_trace(env, "%7.3f customer %ld leaves with a coffee\n", sim_now(env), t.id);
    }
    if (req)
        sim_release(c->bar, req); /* frees the barista, or leaves the queue */
    stats_timeavg_set(&c->busy, sim_now(env), (double)sim_resource_count(c->bar));
    if (timer)
        sim_unref(sim_proc_event(timer));
    sim_unref(req);
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static void *door(sim_proc *self, void *arg)
{
    cafe *c = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st = SIM_OK;
    while (st == SIM_OK) {
        st = sim_sleep(self, sim_rng_exponential(c->arrivals, c->p[RATE]));
        if (st == SIM_OK)
            st = sim_spawn(env, "customer", customer, c);
    }
    return sim_exit_fail(self, (int)st);
}

static void *warmup(sim_proc *self, void *arg)
{
    cafe *c = arg;
    sim_status st = sim_sleep(self, c->p[WARMUP]);
    if (st != SIM_OK)
        return sim_exit_fail(self, (int)st);
    c->measuring = 1;
    stats_timeavg_reset(&c->busy, sim_now(sim_proc_env(self)));
    return NULL;
}

static sim_status cafe_replicate(sim_env *env, const double *p, double *metrics)
{
    cafe c = {.p = p,
              .bar = sim_resource_new(env, (long)p[BARISTAS]),
              .hopper = sim_container_new(env, p[HOPPER], p[HOPPER]),
              .arrivals = sim_env_rng(env, 0),
              .patience = sim_env_rng(env, 1),
              .service = sim_env_rng(env, 2),
              .shots = sim_env_rng(env, 3),
              .measuring = p[WARMUP] == 0};
    stats_tally_init(&c.wait);
    stats_tally_init(&c.bean_wait);
    stats_timeavg_init(&c.busy, 0, 0);
    sim_status st = c.bar && c.hopper ? SIM_OK : SIM_ENOMEM;
    if (st == SIM_OK)
        st = sim_spawn(env, "door", door, &c);
    if (st == SIM_OK && p[WARMUP] > 0)
        st = sim_spawn(env, "warmup", warmup, &c);
    if (st == SIM_OK)
        st = sim_run(env, p[HOURS]);
    metrics[M_WAIT] = stats_tally_mean(&c.wait) * 60;
    metrics[M_RENEGED] = c.arrived ? (double)c.reneged / (double)c.arrived : NAN;
    metrics[M_UTIL] = stats_timeavg_mean(&c.busy, p[HOURS]) / p[BARISTAS];
    metrics[M_BEAN_WAIT] = stats_tally_mean(&c.bean_wait) * 60;
    metrics[M_SERVED] = (double)c.served;
    sim_container_free(c.hopper);
    sim_resource_free(c.bar);
    return st;
}

/* Rules between parameters, checked for every point before anything runs. */
static const char *cafe_check(const double *p)
{
    if (p[WARMUP] >= p[HOURS])
        return "warmup_hours must be shorter than hours (nothing would be measured)";
    if (p[REORDER] >= p[HOPPER])
        return "reorder_at must be below hopper (the hopper would always be reordering)";
    return NULL;
}

const exp_experiment exp_cafe = {
    .name = "cafe",
    .help = "coffee bar: baristas, impatient customers, a bean hopper with reorders",
    .params = cafe_params,
    .n_params = sizeof cafe_params / sizeof cafe_params[0],
    .metrics = cafe_metrics,
    .n_metrics = sizeof cafe_metrics / sizeof cafe_metrics[0],
    .replicate = cafe_replicate,
    .check = cafe_check,
};

/* The plugin route: `procsim run ./cafe.so ...` finds this table. */
PROCSIM_EXPERIMENTS(&exp_cafe);
