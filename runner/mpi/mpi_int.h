/* procsim-mpi (mpi.c): MPI_Init, then rank 0 runs the command line with the other ranks
 * as remote workers of its pool, and the other ranks serve it until it is done. */
#ifndef PROCSIM_MPI_INT_H
#define PROCSIM_MPI_INT_H

#include <stddef.h>

#include "experiments.h"

int runneri_mpi_main(int argc, char **argv, const exp_experiment *const *exps, size_t n,
                     const char *prog);

#endif
