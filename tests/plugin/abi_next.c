/* A plugin built for the next plugin ABI: the loader must refuse it by its version alone,
 * before it reads the (here empty) table. */
#include <procsim/procsim.h>

static const exp_experiment *const table[] = {NULL};

PROCSIM_EXPORT const procsim_plugin_info procsim_plugin = {PROCSIM_ABI_VERSION + 1, table, 0};
