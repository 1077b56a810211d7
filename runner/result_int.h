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
/* Its points in the order they came (procsim-mpi sends them to rank 0). */
size_t runneri_series_len(const runneri_series *s);
void runneri_series_at(const runneri_series *s, size_t i, const char **name, double *t,
                       double *value);

typedef struct {
    size_t first, end;     /* replications [first, end) planned so far */
    size_t cap;            /* slots allocated (>= end - first) */
    double *metrics;       /* cap x n_metrics, NaN until filled by the model */
    unsigned char *state;  /* cap, runner_rep_state */
    char **errors;         /* cap, malloc'ed message of a failed replication */
    runneri_series **series; /* cap, points of replications chosen by --series, or NULL */
    int met;               /* precision target met (precision runs only) */
    int open;              /* still asks for more replications (precision runs) */
    /* Streaming runs only (metrics, state, errors stay NULL): per metric a tally of
     * the finite values in rep order and whether an infinite one was seen (which makes
     * the summary undefined, as stats_summarize says), and replications finished. */
    stats_tally *tally;
    unsigned char *inf;
    size_t ran;
} runneri_point;

typedef struct {
    size_t point, rep;
    char *msg;
} runneri_failure;

struct runner_result {
    const exp_experiment *exp;
    size_t n_points;
    double *params;        /* n_points x n_params */
    runneri_point *pts;
    uint64_t seed;         /* base seed */
    int crn;
    size_t shard, shards;  /* runner_options' (shards >= 1) */
    double precision;      /* relative target; 0: none */
    double abs_precision;  /* absolute target; 0: none (both 0: fixed replications) */
    size_t completed, failed, planned;
    int stopped;           /* poll() asked to stop */
    int stream;            /* rows went to options.rows; pts hold tallies, not rows */
    runneri_failure fails[RUNNER_FAILURES_KEPT]; /* streaming: the first failures */
};

/* Streaming: fold a finished replication into its point (tallies, failures, counts). */
void runneri_point_fold(runner_result *res, const runner_row *row, char *msg);

/* Make room for replications up to `end` at a point (slots start NaN / pending). */
int runneri_point_grow(runneri_point *pt, size_t n_metrics, size_t end);

/* With res->precision: 1 if every metric's half-width over the point's successful
 * replications is at most precision x |mean| (a constant metric counts as met), else 0,
 * and *worst the largest (half_width / target)^2 among those that missed (infinite
 * when one has under two values or a zero mean). One rule for the run's stopping and
 * for procsim summarize. */
int runneri_point_met(const runner_result *res, size_t point, double confidence,
                      const unsigned char *metrics_mask,
                      double *worst);

#endif
