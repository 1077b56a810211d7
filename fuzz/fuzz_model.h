/* A model for the fuzz harnesses: two parameters (one whole), two metrics, no
 * processes, so a replication costs next to nothing; n == 7 fails, to reach the
 * failure paths. Header-only: each harness has its own copy.                      */
#ifndef PROCSIM_FUZZ_MODEL_H
#define PROCSIM_FUZZ_MODEL_H

#include "experiments.h"

static sim_status fuzz_model_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)env;
    if (params[1] == 7)
        return SIM_EINVAL;
    metrics[0] = params[0] * params[1];
    metrics[1] = params[0] - params[1];
    return SIM_OK;
}

static const char *fuzz_model_check(const double *params)
{
    return params[0] > 9 && params[1] < 1 ? "x above 9 needs n of at least 1" : NULL;
}

static const exp_param fuzz_model_params[] = {
    {"x", 1.0, -10.0, 10.0, 0, "a real parameter"},
    {"n", 3, 0, 100, 1, "a whole parameter"},
};
static const exp_metric fuzz_model_metrics[] = {{"prod", "x * n", 0}, {"diff", "x - n", 0}};
static const exp_experiment fuzz_model = {
    "t", "fuzz model", fuzz_model_params, 2, fuzz_model_metrics, 2,
    fuzz_model_replicate, NULL, fuzz_model_check, 0, 0};

#endif
