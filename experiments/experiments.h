/* Experiments: the models procsim runs, described as data plus one function.
 *
 * The runner never looks inside a model: it builds a sim_env per replication, hands it the
 * parameter values (in the order of `params`) and collects one value per metric. Trace
 * output goes through sim_trace(), which prints only when the environment was created
 * for `procsim trace`. A table of experiments reaches the command line in one of three
 * ways, all served by the same code: the demo models (experiments/list.h) in the stock
 * `procsim`, a plugin's PROCSIM_EXPERIMENTS(...) table, or procsim_main() in a user's own
 * program (procsim.h).                                                               */
#ifndef PROCSIM_EXPERIMENTS_H
#define PROCSIM_EXPERIMENTS_H

#include <stddef.h>

#include "sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;
    double def, min, max; /* default and the inclusive range a value must lie in */
    int integer;          /* 1: value must be a whole number */
    const char *help;
} exp_param;

typedef struct {
    const char *name;
    const char *help;
    /* 1: the value of a replication is a proportion in [0, 1] (a 0/1 indicator, or a
     * fraction such as reneged / arrived). Its interval across replications is then
     * Wilson's score interval, which stays in [0, 1] and is not [0, 0] when every
     * replication gave 0; for fractions with the effective number of trials (stats.h).
     * Last in the struct, so {"name", "help"} initialisers still mean 0. */
    int proportion;
} exp_metric;

typedef struct exp_experiment {
    const char *name;
    const char *help; /* one line */
    const exp_param *params;
    size_t n_params;
    const exp_metric *metrics;
    size_t n_metrics;
    /* One replication: build the model in env, run it, fill metrics[n_metrics]. Returns
     * SIM_OK or an error status (the message in sim_env_error_message(env)); a run that
     * returned SIM_ESTOPPED (the runner is stopping) must not come back as SIM_OK. */
    sim_status (*replicate)(sim_env *env, const double *params, double *metrics);
    /* Optional: analytic value of metric m at these parameters; returns 0 if unknown. */
    int (*analytic)(const double *params, size_t m, double *value);
    /* Optional: rules that tie parameters together (warmup < customers, min <= max).
     * Called for every point of a plan before anything runs; returns NULL when the
     * values are valid, else one sentence saying which rule they break (static storage).
     * A broken rule is a usage error, not a failed replication. */
    const char *(*check)(const double *params);
    /* Optional: what the model's processes need (sim.h). stack_size: usable bytes per
     * process stack, 0 = the kernel's 64 KiB; raise it for deep recursion, lower it with
     * many processes. stack_layout: SIM_STACKS_PACKED for tens of thousands of live
     * processes (stacks on huge pages, several times fewer TLB misses per wakeup). */
    size_t stack_size;
    sim_stack_layout stack_layout;
} exp_experiment;

/* Index of parameter / metric `name`, or -1. */
int exp_param_index(const exp_experiment *e, const char *name);
int exp_metric_index(const exp_experiment *e, const char *name);

#ifdef __cplusplus
}
#endif
#endif
