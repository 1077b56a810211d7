/* The result store shared by pool.c (which fills it) and result.c (which reads it).
 * Rows live per point, indexed by rep - first, so workers write disjoint memory and
 * nothing depends on the order in which replications finish. */
#ifndef PROCSIM_RESULT_INT_H
#define PROCSIM_RESULT_INT_H

#include "runner.h"

/* One replication's sim_series points (series.c). */
typedef struct runneri_series runneri_series;
runneri_series *runneri_series_new(void);
void runneri_series_free(runneri_series *s);
void runneri_series_collect(void *ctx, const char *name, double t, double value);
int runneri_series_failed(const runneri_series *s); /* points lost to lack of memory */

typedef struct {
    size_t first, end;     /* replications [first, end) planned so far */
    size_t cap;            /* slots allocated (>= end - first) */
    double *metrics;       /* cap x n_metrics, NaN until filled by the model */
    unsigned char *state;  /* cap, runner_rep_state */
    char **errors;         /* cap, malloc'ed message of a failed replication */
    runneri_series **series; /* cap, points of replications chosen by --series, or NULL */
    int met;               /* precision target met (precision runs only) */
    int open;              /* still asks for more replications (precision runs) */
} runneri_point;

struct runner_result {
    const exp_experiment *exp;
    size_t n_points;
    double *params;        /* n_points x n_params */
    runneri_point *pts;
    uint64_t seed;         /* base seed */
    int crn;
    double precision;      /* relative target; 0: none */
    double abs_precision;  /* absolute target; 0: none (both 0: fixed replications) */
    size_t completed, failed, planned;
    int stopped;           /* poll() asked to stop */
};

/* Make room for replications up to `end` at a point (slots start NaN / pending). */
int runneri_point_grow(runneri_point *pt, size_t n_metrics, size_t end);

#endif
