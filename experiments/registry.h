/* The demo models shipped with procsim (experiments/list.h), for the stock `procsim`
 * program and the tests. Not installed: the library and user programs never need it;
 * they hand the command line their own table (runner_cli_io, procsim_main). */
#ifndef PROCSIM_REGISTRY_H
#define PROCSIM_REGISTRY_H

#include "experiments.h"

/* The table in `procsim list` order; *n gets its length. */
const exp_experiment *const *exp_registry(size_t *n);
size_t exp_count(void);
const exp_experiment *exp_at(size_t i);
const exp_experiment *exp_find(const char *name); /* NULL if unknown */

#endif
