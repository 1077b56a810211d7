/* procsim: the stock command-line program over the demo models (experiments/list.h);
 * plugins named as PATH[:NAME] find the whole library here: this program links all of
 * its objects and exports the public API (runner/plugin_exports.list). */
#include "procsim.h"
#include "registry.h"

int main(int argc, char **argv)
{
    size_t n;
    const exp_experiment *const *exps = exp_registry(&n);
    return procsim_main(argc, argv, exps, n, "procsim");
}
