/* Gas station: cars queue for a few pumps that draw from one fuel tank; a tank truck
 * refills the tank when it runs low.
 *
 * The pumps are a Resource and the station's tank a Container. A car arrives with 5 to
 * 25 litres in its 50-litre tank, takes a pump, gets the fuel it needs from the
 * Container (waiting there, pump held, while the station is dry) and leaves after
 * pumping at 2 litres per second. A control process looks at the level every 10 seconds;
 * below the threshold it calls the tank truck and waits for it to finish (a process is
 * an event): the truck drives for truck_time and fills the tank up with one put.
 *
 * The level's time average comes from the Container's monitor.
 *
 * Streams: 0 inter-arrival times, 1 fuel left in the arriving cars' tanks.           */
#include <math.h>

#include "experiments.h"
#include "stats.h"

#define CAR_TANK 50.0   /* litres */
#define CAR_LEVEL_MIN 5 /* litres left on arrival, uniform */
#define CAR_LEVEL_MAX 25
#define PUMP_SPEED 2.0   /* litres per second */
#define CHECK_EVERY 10.0 /* seconds between the control process's looks */

enum { PUMPS, STATION_SIZE, THRESHOLD, TRUCK_TIME, T_INTER_MIN, T_INTER_MAX, SIM_TIME };

static const exp_param gas_params[] = {
    [PUMPS] = {"pumps", 2, 1, 1000, 1, "fuel pumps"},
    [STATION_SIZE] = {"station_size", 200, 50, 1e9, 0, "litres the station's tank holds"},
    [THRESHOLD] = {"threshold", 25, 0, 100, 0, "level (% of the tank) that calls the truck"},
    [TRUCK_TIME] = {"truck_time", 300, 0, 1e6, 0, "seconds the tank truck needs to arrive"},
    [T_INTER_MIN] = {"t_inter_min", 30, 0, 1e6, 0, "shortest time between cars (uniform)"},
    [T_INTER_MAX] = {"t_inter_max", 300, 1e-6, 1e6, 0, "longest time between cars"},
    [SIM_TIME] = {"sim_time", 3000, 1e-6, 1e9, 0, "seconds simulated"},
};

enum { M_ARRIVED, M_REFUELED, M_WAIT, M_TRUCKS, M_SOLD, M_LEVEL };

static const exp_metric gas_metrics[] = {
    [M_ARRIVED] = {"arrived", "cars that arrived", 0},
    [M_REFUELED] = {"refueled", "cars that left with a full tank", 0},
    [M_WAIT] = {"wait", "mean time from arrival to getting the fuel (NaN if none)", 0},
    [M_TRUCKS] = {"truck_calls", "times the tank truck was called", 0},
    [M_SOLD] = {"fuel_sold", "litres taken from the station's tank", 0},
    [M_LEVEL] = {"mean_level", "time-weighted mean litres in the station's tank", 0},
};

typedef struct {
    sim_resource *pumps;
    sim_container *tank;
    sim_rng *arrivals, *car_levels;
    const double *p;
    long arrived, refueled, trucks;
    double sold;
    stats_tally wait;
} station;

static void *car(sim_proc *self, void *arg)
{
    station *g = arg;
    sim_env *env = sim_proc_env(self);
    long id = ++g->arrived; /* processes start in creation order */
    double arrive = sim_now(env);
    double litres = CAR_TANK - sim_rng_uniform(g->car_levels, CAR_LEVEL_MIN, CAR_LEVEL_MAX);
    sim_trace(env, "%8.2f car %ld arrives needing %.1f litres\n", arrive, id, litres);

    sim_event *pump = sim_request(g->pumps);
    sim_status st = pump ? sim_wait(self, pump, NULL) : SIM_ENOMEM;
    if (st == SIM_OK) {
        sim_event *fuel = sim_container_get(g->tank, litres);
        st = fuel ? sim_wait(self, fuel, NULL) : SIM_ENOMEM;
        sim_unref(fuel);
    }
    if (st == SIM_OK) {
        g->sold += litres;
        stats_tally_add(&g->wait, sim_now(env) - arrive);
        st = sim_sleep(self, litres / PUMP_SPEED);
    }
    if (st == SIM_OK) {
        g->refueled++;
        sim_trace(env, "%8.2f car %ld leaves, refueled in %.1f seconds\n", sim_now(env), id,
                  sim_now(env) - arrive);
    }
    if (pump)
        sim_release(g->pumps, pump);
    sim_unref(pump);
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static void *tank_truck(sim_proc *self, void *arg)
{
    station *g = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st = sim_sleep(self, g->p[TRUCK_TIME]);
    double amount = sim_container_capacity(g->tank) - sim_container_level(g->tank);
    if (st == SIM_OK && amount > 0) {
        sim_trace(env, "%8.2f tank truck arrives and delivers %.1f litres\n", sim_now(env),
                  amount);
        sim_event *put = sim_container_put(g->tank, amount);
        st = put ? sim_wait(self, put, NULL) : SIM_ENOMEM;
        sim_unref(put);
    }
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static void *control(sim_proc *self, void *arg)
{
    station *g = arg;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        sim_status st = SIM_OK;
        double level = sim_container_level(g->tank);
        if (level / sim_container_capacity(g->tank) * 100 < g->p[THRESHOLD]) {
            g->trucks++;
            sim_trace(env, "%8.2f control: %.1f litres left, calling the tank truck\n",
                      sim_now(env), level);
            sim_proc *truck = sim_process(env, "tank truck", tank_truck, g);
            st = truck ? sim_wait(self, sim_proc_event(truck), NULL) : SIM_ENOMEM;
            if (truck)
                sim_unref(sim_proc_event(truck));
        }
        if (st == SIM_OK)
            st = sim_sleep(self, CHECK_EVERY);
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
}

static void *source(sim_proc *self, void *arg)
{
    station *g = arg;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        sim_status st =
            sim_sleep(self, sim_rng_uniform(g->arrivals, g->p[T_INTER_MIN], g->p[T_INTER_MAX]));
        if (st == SIM_OK)
            st = sim_spawn(env, "car", car, g);
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
}

static sim_status gas_replicate(sim_env *env, const double *params, double *metrics)
{
    if (params[T_INTER_MAX] < params[T_INTER_MIN]) {
        sim_env_set_error(env, "gas_station: t_inter_max must be >= t_inter_min");
        return SIM_EINVAL;
    }
    station g = {.pumps = sim_resource_new(env, (long)params[PUMPS]),
                 .tank = sim_container_new(env, params[STATION_SIZE], params[STATION_SIZE]),
                 .arrivals = sim_env_rng(env, 0),
                 .car_levels = sim_env_rng(env, 1),
                 .p = params};
    sim_status st = g.pumps && g.tank ? SIM_OK : SIM_EINVAL;
    stats_tally_init(&g.wait);
    sim_monitor *level = sim_container_monitor(g.tank);

    if (st == SIM_OK)
        st = sim_spawn(env, "control", control, &g);
    if (st == SIM_OK)
        st = sim_spawn(env, "source", source, &g);
    if (st == SIM_OK)
        st = sim_run(env, sim_now(env) + params[SIM_TIME]);

    metrics[M_ARRIVED] = (double)g.arrived;
    metrics[M_REFUELED] = (double)g.refueled;
    metrics[M_WAIT] = stats_tally_mean(&g.wait);
    metrics[M_TRUCKS] = (double)g.trucks;
    metrics[M_SOLD] = g.sold;
    sim_monitor_report rep = {.level_mean = NAN};
    sim_monitor_read(level, &rep);
    metrics[M_LEVEL] = rep.level_mean;
    sim_container_free(g.tank);
    sim_resource_free(g.pumps);
    return st;
}

static const char *gas_check(const double *params)
{
    return params[T_INTER_MAX] < params[T_INTER_MIN] ? "t_inter_max must be >= t_inter_min" : NULL;
}

const exp_experiment exp_classic_gas_station = {
    .name = "gas_station",
    .help = "cars share pumps and a fuel tank (Container) that a tank truck refills",
    .params = gas_params,
    .n_params = sizeof gas_params / sizeof gas_params[0],
    .metrics = gas_metrics,
    .n_metrics = sizeof gas_metrics / sizeof gas_metrics[0],
    .replicate = gas_replicate,
    .check = gas_check,
};
