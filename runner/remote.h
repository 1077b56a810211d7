/* Tasks run outside this process (internal, prefix runneri_): what procsim-mpi's rank 0
 * plugs into the pool (mpi.c). The pool calls serve() from the thread inside runner_run
 * while its own workers run; serve() hands chunks of task indices to other ranks as they
 * ask (runneri_pool_claim takes them from the counter the local workers take from, so
 * local and remote work balance on demand) and stores their results by task index
 * (runneri_pool_store), the same slots a local worker fills: output does not depend on
 * who ran what. Without a remote (procsim, or procsim-mpi on one rank) nothing changes. */
#ifndef PROCSIM_REMOTE_H
#define PROCSIM_REMOTE_H

#include "runner_int.h"

typedef struct pool runneri_pool;
typedef struct runneri_series runneri_series; /* result_int.h */

typedef struct runneri_remote runneri_remote;
struct runneri_remote {
    /* A run starts (the experiment and options every chunk uses); 0 or -1 with err. */
    int (*begin)(runneri_remote *rm, const exp_experiment *e, const runner_options *opt,
                 runner_err *err);
    /* Progress without blocking: 2 if it did something, 1 if chunks are still out, 0 when
     * no remote work is left (the round may end), -1 when a rank is lost (err says which;
     * the run must end without output). */
    int (*serve)(runneri_remote *rm, runneri_pool *pl, runner_err *err);
    size_t capacity; /* tasks it may hold at once (streaming window room) */
};

/* The process's remote, or NULL (procsim-mpi sets it before runner_cli_main). */
void runneri_remote_set(runneri_remote *rm);

/* Up to `want` tasks [*t0, *t0 + n) not yet taken; returns n (0: none left, or stopping). */
size_t runneri_pool_claim(runneri_pool *pl, size_t want, size_t *t0);
size_t runneri_pool_left(runneri_pool *pl); /* tasks not taken yet */
unsigned runneri_pool_threads(const runneri_pool *pl); /* local workers */
/* What task t is: its point, rep, seed and the point's parameters. */
void runneri_pool_task(const runneri_pool *pl, size_t t, size_t *point, size_t *rep,
                       uint64_t *seed, const double **params);
/* Task t's outcome (state RUNNER_REP_*, PENDING if a stop cut it; metrics n_metrics
 * values; error malloc'ed or NULL, taken over). 0, or 1 when the streaming window has
 * no room for t yet (nothing taken; try again after other results). */
int runneri_pool_store(runneri_pool *pl, size_t t, unsigned char state, const double *metrics,
                       char *error, runneri_series *series /* or NULL, taken over too */);
int runneri_pool_stopping(const runneri_pool *pl);

/* One replication as a local worker runs it (pool.c), for remote ranks' own threads. */
void runneri_replicate(const exp_experiment *e, const double *params, uint64_t seed,
                       size_t stack_size, size_t memory_limit, atomic_int *stop,
                       sim_stack_cache *stacks, double *row, unsigned char *state,
                       char **error, runneri_series *series /* or NULL */);

#endif
