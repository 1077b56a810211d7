/* Lookups on one experiment's description, shared by the runner and by models. */
#include <string.h>

#include "experiments.h"

int exp_param_index(const exp_experiment *e, const char *name)
{
    for (size_t i = 0; i < e->n_params; i++)
        if (strcmp(e->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

int exp_metric_index(const exp_experiment *e, const char *name)
{
    for (size_t i = 0; i < e->n_metrics; i++)
        if (strcmp(e->metrics[i].name, name) == 0)
            return (int)i;
    return -1;
}
