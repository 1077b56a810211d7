/* Carwash: cars arrive at a carwash with a few washing machines and queue for one.
 *
 * The machines are a Resource. A few cars are already there at the start; then a car
 * arrives every t_inter +- 2 (uniform). Each car requests a machine, is washed for
 * wash_time, and releases the machine, which the next car in line gets. The run stops
 * at sim_time: cars still in line or in a machine then are simply left there.
 *
 * Besides counts and the mean wait, the Resource's monitor gives the time averages of
 * the cars waiting and of the busy machines, with no bookkeeping in the cars.
 *
 * Streams: 0 inter-arrival times, 1 the share of dirt a wash removes (for the story). */
#include "experiments.h"
#include "stats.h"

enum { MACHINES, WASH_TIME, T_INTER, INITIAL_CARS, SIM_TIME };

static const exp_param carwash_params[] = {
    [MACHINES] = {"machines", 2, 1, 1000, 1, "washing machines"},
    [WASH_TIME] = {"wash_time", 5, 0, 1e6, 0, "time one wash takes"},
    [T_INTER] = {"t_inter", 7, 2, 1e6, 0, "mean time between arrivals (uniform +- 2)"},
    [INITIAL_CARS] = {"initial_cars", 4, 0, 1e6, 1, "cars waiting when the carwash opens"},
    [SIM_TIME] = {"sim_time", 100, 1e-6, 1e9, 0, "length of the day"},
};

enum { M_ARRIVED, M_WASHED, M_WAIT, M_QUEUE, M_UTIL };

static const exp_metric carwash_metrics[] = {
    [M_ARRIVED] = {"arrived", "cars that arrived, the initial ones included", 0},
    [M_WASHED] = {"washed", "cars washed by the end of the day", 0},
    [M_WAIT] = {"wait", "mean wait of the cars that got a machine (NaN if none)", 0},
    [M_QUEUE] = {"queue_length", "time-weighted mean number of cars waiting", 0},
    [M_UTIL] = {"utilization", "time-weighted mean busy machines / machines", 1},
};

typedef struct {
    sim_resource *machines;
    sim_rng *arrivals, *dirt;
    const double *p;
    long arrived, washed;
    stats_tally wait;
} carwash;

static void *car(sim_proc *self, void *arg)
{
    carwash *w = arg;
    sim_env *env = sim_proc_env(self);
    long id = ++w->arrived; /* processes start in creation order */
    double arrive = sim_now(env);
    sim_trace(env, "%8.2f car %ld arrives at the carwash\n", arrive, id);

    sim_event *req = sim_request(w->machines);
    if (!req)
        return sim_exit_fail(self, SIM_ENOMEM);
    sim_series(env, "queue_length", arrive, (double)sim_resource_queue_length(w->machines));
    sim_status st = sim_wait(self, req, NULL);
    if (st == SIM_OK) {
        stats_tally_add(&w->wait, sim_now(env) - arrive);
        sim_trace(env, "%8.2f car %ld enters the carwash\n", sim_now(env), id);
        st = sim_sleep(self, w->p[WASH_TIME]);
    }
    if (st == SIM_OK) {
        w->washed++;
        sim_trace(env, "%8.2f carwash removed %d%% of car %ld's dirt\n", sim_now(env),
                  50 + (int)sim_rng_bounded(w->dirt, 50), id);
        sim_trace(env, "%8.2f car %ld leaves the carwash\n", sim_now(env), id);
    }
    sim_release(w->machines, req);
    sim_unref(req);
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static void *source(sim_proc *self, void *arg)
{
    carwash *w = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st = SIM_OK;
    for (long i = 0; i < (long)w->p[INITIAL_CARS] && st == SIM_OK; i++)
        st = sim_spawn(env, "car", car, w);
    while (st == SIM_OK) {
        double t = w->p[T_INTER];
        st = sim_sleep(self, sim_rng_uniform(w->arrivals, t - 2, t + 2));
        if (st == SIM_OK)
            st = sim_spawn(env, "car", car, w);
    }
    return sim_exit_fail(self, (int)st);
}

static sim_status carwash_replicate(sim_env *env, const double *params, double *metrics)
{
    carwash w = {.machines = sim_resource_new(env, (long)params[MACHINES]),
                 .arrivals = sim_env_rng(env, 0),
                 .dirt = sim_env_rng(env, 1),
                 .p = params};
    sim_monitor *mon = sim_resource_monitor(w.machines);
    if (!mon)
        return sim_env_status(env);
    stats_tally_init(&w.wait);

    sim_trace(env, "carwash with %ld machines opens\n", (long)params[MACHINES]);
    sim_status st = sim_spawn(env, "source", source, &w);
    if (st == SIM_OK)
        st = sim_run(env, sim_now(env) + params[SIM_TIME]);

    sim_monitor_report rep;
    sim_monitor_read(mon, &rep);
    metrics[M_ARRIVED] = (double)w.arrived;
    metrics[M_WASHED] = (double)w.washed;
    metrics[M_WAIT] = stats_tally_mean(&w.wait);
    metrics[M_QUEUE] = rep.queue_mean;
    metrics[M_UTIL] = rep.utilisation;
    sim_resource_free(w.machines);
    return st;
}

const exp_experiment exp_classic_carwash = {
    .name = "carwash",
    .help = "cars queue for a few washing machines (Resource with several slots)",
    .params = carwash_params,
    .n_params = sizeof carwash_params / sizeof carwash_params[0],
    .metrics = carwash_metrics,
    .n_metrics = sizeof carwash_metrics / sizeof carwash_metrics[0],
    .replicate = carwash_replicate,
};
