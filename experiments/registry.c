/* The experiment registry: the table the CLI reads, built from list.h. */
#include <string.h>

#include "experiments.h"

#define X(sym) extern const exp_experiment sym;
#include "list.h"
#undef X

static const exp_experiment *const registry[] = {
#define X(sym) &sym,
#include "list.h"
#undef X
    NULL,
};

size_t exp_count(void) { return sizeof registry / sizeof registry[0] - 1; }

const exp_experiment *exp_at(size_t i) { return i < exp_count() ? registry[i] : NULL; }

const exp_experiment *exp_find(const char *name)
{
    for (size_t i = 0; i < exp_count(); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

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
