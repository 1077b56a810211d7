/* M/D/1: Poisson arrivals, one server, every service takes exactly 1/mu.
 *
 * Pollaczek-Khinchine gives the mean wait of M/G/1 as lambda E[S^2] / (2 (1 - rho));
 * a constant service time has E[S^2] = 1/mu^2, so Wq = rho / (2 mu (1 - rho)): half the
 * M/M/1 wait at the same load, because only the arrivals are random. Arrivals come from
 * the same stream as in mm1, so at equal seeds the two see the same customers.      */
#include "station.h"

enum { LAMBDA, MU, CUSTOMERS, WARMUP };

static const exp_param md1_params[] = {
    [LAMBDA] = {"lambda", 0.9, 1e-9, 1e6, 0, "arrival rate (> 0)"},
    [MU] = {"mu", 1.0, 1e-9, 1e6, 0, "service rate (> 0): each service takes 1/mu"},
    [CUSTOMERS] = {"customers", 10000, 1, 1e12, 1, "customers served in one replication"},
    [WARMUP] = {"warmup", 1000, 0, 1e12, 1, "unmeasured customers at the start (< customers)"},
};

static sim_status md1_replicate(sim_env *env, const double *params, double *metrics)
{
    exp_station_config c = {.lambda = params[LAMBDA], .mu = params[MU], .servers = 1,
                            .customers = params[CUSTOMERS], .warmup = params[WARMUP],
                            .deterministic = 1};
    return exp_station_replicate(env, &c, metrics);
}

static int md1_analytic(const double *params, size_t m, double *value)
{
    double lambda = params[LAMBDA], mu = params[MU], rho = lambda / mu;
    if (!(lambda > 0 && lambda < mu)) /* no steady state; also false for NaN */
        return 0;
    return exp_station_analytic(lambda, mu, 1, rho / (2 * mu * (1 - rho)), m, value);
}

static const char *md1_check(const double *params)
{
    return exp_station_check(params[CUSTOMERS], params[WARMUP]);
}

const exp_experiment exp_queueing_md1 = {
    .name = "md1",
    .help = "M/D/1 queue: Poisson arrivals, one server with constant service time 1/mu",
    .params = md1_params,
    .n_params = sizeof md1_params / sizeof md1_params[0],
    .metrics = exp_station_metrics,
    .n_metrics = EXP_STATION_N_METRICS,
    .replicate = md1_replicate,
    .analytic = md1_analytic,
    .check = md1_check,
};
