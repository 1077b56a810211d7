/* M/M/1: Poisson arrivals, one server, exponential service, first come first served.
 *
 * The textbook check of a simulator: with rho = lambda/mu < 1 the steady state is known
 * in closed form, Wq = rho / (mu - lambda), and the rest follows from W = Wq + 1/mu and
 * Little's law Lq = lambda Wq. With rho >= 1 the queue grows without bound; the model
 * still runs (overload is worth studying) but there is no analytic value.            */
#include "station.h"

enum { LAMBDA, MU, CUSTOMERS, WARMUP };

static const exp_param mm1_params[] = {
    [LAMBDA] = {"lambda", 0.9, 1e-9, 1e6, 0, "arrival rate (> 0)"},
    [MU] = {"mu", 1.0, 1e-9, 1e6, 0, "service rate (> 0)"},
    [CUSTOMERS] = {"customers", 10000, 1, 1e12, 1, "customers served in one replication"},
    [WARMUP] = {"warmup", 1000, 0, 1e12, 1, "unmeasured customers at the start (< customers)"},
};

static sim_status mm1_replicate(sim_env *env, const double *params, double *metrics)
{
    exp_station_config c = {.lambda = params[LAMBDA], .mu = params[MU], .servers = 1,
                            .customers = params[CUSTOMERS], .warmup = params[WARMUP]};
    return exp_station_replicate(env, &c, metrics);
}

static int mm1_analytic(const double *params, size_t m, double *value)
{
    double lambda = params[LAMBDA], mu = params[MU];
    if (!(lambda > 0 && lambda < mu)) /* also false for NaN */
        return 0;
    return exp_station_analytic(lambda, mu, 1, (lambda / mu) / (mu - lambda), m, value);
}

static const char *mm1_check(const double *params)
{
    return exp_station_check(params[CUSTOMERS], params[WARMUP]);
}

const exp_experiment exp_queueing_mm1 = {
    .name = "mm1",
    .help = "M/M/1 queue: Poisson arrivals, one exponential server (analytic answers known)",
    .params = mm1_params,
    .n_params = sizeof mm1_params / sizeof mm1_params[0],
    .metrics = exp_station_metrics,
    .n_metrics = EXP_STATION_N_METRICS,
    .replicate = mm1_replicate,
    .analytic = mm1_analytic,
    .check = mm1_check,
};
