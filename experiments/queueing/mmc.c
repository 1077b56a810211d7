/* M/M/c: Poisson arrivals, c identical exponential servers sharing one FIFO queue.
 *
 * With offered load a = lambda/mu and rho = a/c < 1, an arrival waits with the Erlang C
 * probability C(c, a), and then for the time the c servers take to clear the queue
 * ahead: Wq = C(c, a) / (c mu - lambda). C comes from Erlang B, whose recursion
 * B(k) = a B(k-1) / (k + a B(k-1)) stays in [0, 1] for any c, where the textbook sum
 * of a^k / k! overflows long before c = 1000.                                       */
#include <math.h>

#include "station.h"

enum { LAMBDA, MU, SERVERS, CUSTOMERS, WARMUP };

static const exp_param mmc_params[] = {
    [LAMBDA] = {"lambda", 1.8, 1e-9, 1e6, 0, "arrival rate (> 0)"},
    [MU] = {"mu", 1.0, 1e-9, 1e6, 0, "service rate of each server (> 0)"},
    [SERVERS] = {"servers", 2, 1, 1000, 1, "servers sharing the queue"},
    [CUSTOMERS] = {"customers", 10000, 1, 1e12, 1, "customers served in one replication"},
    [WARMUP] = {"warmup", 1000, 0, 1e12, 1, "unmeasured customers at the start (< customers)"},
};

static sim_status mmc_replicate(sim_env *env, const double *params, double *metrics)
{
    exp_station_config c = {.lambda = params[LAMBDA], .mu = params[MU],
                            .servers = params[SERVERS], .customers = params[CUSTOMERS],
                            .warmup = params[WARMUP]};
    return exp_station_replicate(env, &c, metrics);
}

static int mmc_analytic(const double *params, size_t m, double *value)
{
    double lambda = params[LAMBDA], mu = params[MU], c = params[SERVERS];
    /* No steady state unless lambda < c mu; every test is also false for NaN. */
    if (!(c >= 1 && c <= 1000 && c == floor(c) && lambda > 0 && lambda < c * mu))
        return 0;
    double a = lambda / mu, rho = a / c, b = 1.0;
    for (double k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    double erlang_c = b / (1 - rho * (1 - b));
    return exp_station_analytic(lambda, mu, c, erlang_c / (c * mu - lambda), m, value);
}

static const char *mmc_check(const double *params)
{
    return exp_station_check(params[CUSTOMERS], params[WARMUP]);
}

const exp_experiment exp_queueing_mmc = {
    .name = "mmc",
    .help = "M/M/c queue: Poisson arrivals, c exponential servers, one queue (Erlang C)",
    .params = mmc_params,
    .n_params = sizeof mmc_params / sizeof mmc_params[0],
    .metrics = exp_station_metrics,
    .n_metrics = EXP_STATION_N_METRICS,
    .replicate = mmc_replicate,
    .analytic = mmc_analytic,
    .check = mmc_check,
};
