/* procsim: the stock command-line program over the demo models (experiments/list.h);
 * plugins named as PATH[:NAME] find the whole library here: this program links all of
 * its objects and exports the public API (runner/plugin_exports.list). */
#include <stdio.h>
#include <stdlib.h>

#include "procsim.h"
#include "registry.h"

int main(int argc, char **argv)
{
    /* Under mpirun every rank would run the whole plan and write the same files. */
    const char *ranks = getenv("OMPI_COMM_WORLD_SIZE");
    if (ranks == NULL)
        ranks = getenv("PMI_SIZE");
    if (ranks && atoi(ranks) > 1) {
        fprintf(stderr, "procsim: started as one of %s MPI ranks, each of which would run "
                        "the whole plan; run procsim-mpi under mpirun (built when MPI is "
                        "installed: libopenmpi-dev openmpi-bin)\n", ranks);
        return 2;
    }
    size_t n;
    const exp_experiment *const *exps = exp_registry(&n);
    return procsim_main(argc, argv, exps, n, "procsim");
}
