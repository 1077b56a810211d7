/* sim_series: hand a model's time-series and record points to the environment's sink. */
#include "simi.h"

void sim_series(sim_env *env, const char *name, double t, double value)
{
    if (env && env->series && name)
        env->series(env->series_ctx, name, t, value);
}

int sim_series_on(const sim_env *env)
{
    return env && env->series != NULL;
}
