/* A service station shared by the mm1, mmc and md1 experiments (private to queueing/).
 *
 * The model is written the way a SimPy user writes it: a source process sleeps an
 * exponential interarrival time and spawns one customer process per arrival; a customer
 * requests a Resource with `servers` slots, waits for it, holds it for its service time
 * (exponential with rate mu, or exactly 1/mu for deterministic service) and releases it.
 * The run ends when the last customer has left.
 *
 * Warm-up deletion: the first `warmup` customers are not tallied, and the time averages
 * (queue length, busy servers) are reset when the `warmup`-th customer arrives (at the
 * start when warmup is 0), so they cover the same stretch of the run as the tallies.
 * Random numbers: stream 0 for arrivals, stream 1 for service times, so a parameter
 * sweep compares the same customers (common random numbers).                       */
#ifndef PROCSIM_EXP_STATION_H
#define PROCSIM_EXP_STATION_H

#include <stddef.h>

#include "experiments.h"

/* The metrics every station experiment reports, in this order. */
enum {
    EXP_STATION_WAIT,         /* mean time in queue */
    EXP_STATION_SYSTEM_TIME,  /* mean time in system */
    EXP_STATION_QUEUE_LENGTH, /* time-weighted mean number waiting */
    EXP_STATION_UTILIZATION,  /* time-weighted busy servers / servers */
    EXP_STATION_N_METRICS
};
extern const exp_metric exp_station_metrics[EXP_STATION_N_METRICS];

/* Parameters as the runner hands them over (doubles); exp_station_replicate checks them
 * all, since replicate() may be called with values no range check has seen. */
typedef struct {
    double lambda;     /* arrival rate, > 0 */
    double mu;         /* service rate of one server, > 0 */
    double servers;    /* whole number >= 1 */
    double customers;  /* whole number >= 1 */
    double warmup;     /* whole number, 0 <= warmup < customers */
    int deterministic; /* 1: service takes exactly 1/mu (M/D/c), 0: exponential (M/M/c) */
} exp_station_config;

/* One replication of the station in env; fills metrics[EXP_STATION_N_METRICS].
 * SIM_EINVAL for bad parameters, otherwise what the run returned. */
sim_status exp_station_replicate(sim_env *env, const exp_station_config *cfg, double *metrics);

/* The rule between parameters every station shares, for exp_experiment.check: NULL, or
 * the sentence a usage error shows. */
const char *exp_station_check(double customers, double warmup);

/* The steady-state value of metric m from the mean wait in queue wq (Little's law and
 * W = Wq + 1/mu); returns 0 if wq is not a steady-state value (NaN or infinite). */
int exp_station_analytic(double lambda, double mu, double servers, double wq, size_t m,
                         double *value);

#endif
