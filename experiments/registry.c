/* The experiment registry: the demo models' table, built from list.h. */
#include <string.h>

#include "registry.h"

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

const exp_experiment *const *exp_registry(size_t *n)
{
    *n = exp_count();
    return registry;
}

const exp_experiment *exp_at(size_t i) { return i < exp_count() ? registry[i] : NULL; }

const exp_experiment *exp_find(const char *name)
{
    for (size_t i = 0; i < exp_count(); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}
