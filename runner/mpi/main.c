/* procsim-mpi: the stock command line over the demo models, spread over MPI ranks
 * (mpirun -n N procsim-mpi run EXP ...; mpi.c). Built only when MPI is found. */
#include "mpi_int.h"
#include "registry.h"

int main(int argc, char **argv)
{
    size_t n;
    const exp_experiment *const *exps = exp_registry(&n);
    return runneri_mpi_main(argc, argv, exps, n, "procsim-mpi");
}
