/* Paired comparisons between the points of a run (internal, prefix runneri_): compare.c
 * computes them from a per-replication file read back (csvtab.h); cli_compare.c is the
 * `compare` command and `run --compare-to`.
 *
 * Every point whose parameter k differs from the baseline value v is paired with the
 * point that has k = v and the same other parameters, replication by replication (rep r
 * with rep r: the same streams under common random numbers). Per metric that gives the
 * mean difference, its t interval and the variance reduction (stats_paired). With K
 * intervals each is at level 1 - (1 - family) / K, so all K hold together with
 * probability at least `family` (Bonferroni).                                    */
#ifndef PROCSIM_COMPARE_INT_H
#define PROCSIM_COMPARE_INT_H

#include "csvtab.h"

typedef struct {
    size_t point, base;     /* indices into runneri_cmp.pts */
    size_t metric;          /* column in the table */
    stats_paired_summary s; /* n == 0 when no replication pairs up */
} runneri_cmp_row;

typedef struct {
    size_t id;        /* the point number in the file */
    size_t first, end; /* its rows in runneri_cmp.order */
} runneri_cmp_point;

typedef struct {
    const runneri_csvtab *t;
    size_t n_params;       /* columns 3 .. 3 + n_params - 1 */
    size_t key;            /* column of the baseline parameter */
    double key_value;
    const char *key_text;  /* v as given */
    runneri_cmp_point *pts;
    size_t n_pts;
    size_t *order;         /* row indices sorted by (point, rep) */
    double *vals;          /* n_rows x n_cols numbers (NaN where empty) */
    runneri_cmp_row *rows;
    size_t n_rows;
    size_t unmatched;      /* points without a baseline of the same other parameters */
    double family, level;
} runneri_cmp;

/* `baseline` is "k=v"; metrics[] names (n_metrics 0: every metric). 0, or -1 with err. */
int runneri_compare_build(runneri_cmp *c, const runneri_csvtab *t, const char *baseline,
                          const char *const *metrics, size_t n_metrics, double family,
                          runner_err *err);
void runneri_compare_free(runneri_cmp *c);
/* point,<params>,baseline,metric,n,mean_diff,sd_diff,ci_low,ci_high,half_width,level,
 * family_level,var_reduction. 0, or -1 on a write error. */
int runneri_compare_write_csv(FILE *f, const runneri_cmp *c);
/* The same for people, with the family level in the header. */
int runneri_compare_print(FILE *f, const runneri_cmp *c);

#endif
