/* stats.h - statistics for simulation output: collectors within one replication
 * and summaries across replications.
 *
 * Design. Collectors that need no memory of individual observations are plain
 * value types (stats_tally, stats_timeavg) living in the model's own state: no
 * allocation, no teardown, copyable, and they merge. A tally uses Welford's update
 * and Chan et al.'s pairwise formula for merging, so the mean and variance stay
 * accurate for 10^9 observations far from zero, where sum-of-squares formulas lose
 * every digit. A time-weighted average integrates a piecewise-constant level (queue
 * length, busy servers) with a compensated sum. Warm-up deletion is a reset at a
 * time: everything before it is forgotten, the current state is kept.
 * The histogram owns memory (stats_histogram_new/free): fixed bins plus under- and
 * overflow counts, and while few samples have arrived it also keeps them sorted, so
 * quantiles of small samples are exact and those of large ones are interpolated
 * within bins. Batch means (stats_batchmeans_init/fini) turn one long run into
 * approximately independent observations. Across replications, stats_summarize gives
 * the mean, sample standard deviation and a Student-t confidence interval whose
 * quantile is computed here (regularized incomplete beta by Lentz's continued
 * fraction, inverted by safeguarded Newton), accurate to ~1e-11 relative.
 * Nothing here knows about the kernel, keeps global state or is unsafe to use from
 * several threads on distinct objects. Bad input never crashes: undefined results
 * are NaN, bad arguments return -1 or NULL.
 */
#ifndef PROCSIM_STATS_H
#define PROCSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- tally: count, mean, variance, min, max of observations -------------- */

typedef struct {
    uint64_t n;    /* observations so far */
    double mean;   /* running mean (Welford) */
    double m2;     /* sum of squared deviations from the mean */
    double min;    /* smallest observation; +inf while n == 0 */
    double max;    /* largest observation; -inf while n == 0 */
} stats_tally;

void stats_tally_init(stats_tally *t);   /* also the warm-up reset */
void stats_tally_add(stats_tally *t, double x);
/* Fold `other` into `into` as if its observations had been added there (Chan et
 * al.); exact up to rounding, and the way to combine partial results. */
void stats_tally_merge(stats_tally *into, const stats_tally *other);
double stats_tally_mean(const stats_tally *t);      /* NaN if n == 0 */
double stats_tally_variance(const stats_tally *t);  /* sample variance (n-1); NaN if n < 2 */
double stats_tally_sd(const stats_tally *t);        /* sqrt of the above */
double stats_tally_min(const stats_tally *t);       /* NaN if n == 0 */
double stats_tally_max(const stats_tally *t);       /* NaN if n == 0 */

/* ---- time-weighted average of a piecewise-constant level ------------------ */

typedef struct {
    double start;   /* opening time of the averaging window (init or last reset) */
    double last_t;  /* time of the latest level change, >= start */
    double level;   /* current level, held since last_t */
    double area;    /* integral of the level over [start, last_t] */
    double area_c;  /* compensation term of the area sum (Neumaier) */
    double min;     /* smallest level set in the window, even for zero time */
    double max;     /* largest level set in the window, even for zero time */
} stats_timeavg;

void stats_timeavg_init(stats_timeavg *a, double t0, double level0);
/* The level becomes `level` at time t. A time before the latest change (or NaN)
 * is taken as the latest change's time: simulated time never runs backwards,
 * and a bad time must not subtract area. */
void stats_timeavg_set(stats_timeavg *a, double t, double level);
/* Warm-up deletion: forget everything before t; the current level carries on. */
void stats_timeavg_reset(stats_timeavg *a, double t);
/* Integral of the level over [start, t_end]; NaN if t_end < last_t. */
double stats_timeavg_area(const stats_timeavg *a, double t_end);
/* area / (t_end - start); NaN if t_end < last_t or the window is empty. */
double stats_timeavg_mean(const stats_timeavg *a, double t_end);

/* ---- histogram with quantiles --------------------------------------------- */

typedef struct stats_histogram stats_histogram;

/* Samples kept for exact quantiles by stats_histogram_new. */
#define STATS_HISTOGRAM_EXACT_DEFAULT 1024

/* `bins` equal bins over [lo, hi), plus underflow and overflow counts. NULL if
 * lo >= hi, either is not finite, bins == 0, or memory runs out. */
stats_histogram *stats_histogram_new(double lo, double hi, size_t bins);
/* As above, keeping up to `exact_limit` samples for exact quantiles (0: never). */
stats_histogram *stats_histogram_new_exact(double lo, double hi, size_t bins,
                                           size_t exact_limit);
void stats_histogram_free(stats_histogram *h);
/* NaN samples are not counted (see stats_histogram_nan_count). O(1) once more
 * than exact_limit samples arrived; O(exact_limit) before. */
void stats_histogram_add(stats_histogram *h, double x);
/* Quantile at p in [0, 1]. While at most exact_limit samples arrived: linear
 * interpolation between order statistics (x[(n-1)p], the R/numpy default).
 * Afterwards: inverse of the piecewise-linear CDF through the bin edges, where
 * the underflow bin spans [min, lo), the overflow bin [hi, max], and the
 * extreme bins are narrowed to [min, max]. NaN if empty or p is outside [0,1]. */
double stats_histogram_quantile(const stats_histogram *h, double p);
void stats_histogram_reset(stats_histogram *h);   /* warm-up deletion */
uint64_t stats_histogram_count(const stats_histogram *h);  /* includes under/overflow */
uint64_t stats_histogram_bin(const stats_histogram *h, size_t i);  /* 0 if i out of range */
size_t stats_histogram_bins(const stats_histogram *h);
uint64_t stats_histogram_underflow(const stats_histogram *h);
uint64_t stats_histogram_overflow(const stats_histogram *h);
uint64_t stats_histogram_nan_count(const stats_histogram *h);
double stats_histogram_min(const stats_histogram *h);  /* NaN if empty */
double stats_histogram_max(const stats_histogram *h);  /* NaN if empty */
int stats_histogram_is_exact(const stats_histogram *h);  /* quantiles exact now? */

/* ---- across replications: mean, sd, Student-t confidence interval ---------- */

typedef struct {
    size_t n;           /* number of values */
    double mean;        /* NaN if n == 0 */
    double sd;          /* sample standard deviation; NaN if n < 2 */
    double ci_low;      /* mean - half_width */
    double ci_high;     /* mean + half_width */
    double half_width;  /* t_{(1+c)/2, n-1} * sd / sqrt(n); NaN if n < 2 */
    double min, max;    /* NaN if n == 0 */
} stats_summary;

/* Summarise n values with a Student-t CI at `confidence` (0 < c < 1).
 * n == 1: sd and CI fields NaN; n == 0: all NaN. Returns 0, or -1 on bad
 * arguments (NULL out, NULL x with n > 0, confidence not in (0,1) or NaN, a
 * value that is NaN or infinite); on -1 a non-NULL out is filled with NaN, n = 0.
 * O(n), one pass. */
int stats_summarize(const double *x, size_t n, double confidence, stats_summary *out);
/* The same from a tally (e.g. merged partial results); -1 also if its mean is NaN. */
int stats_summarize_tally(const stats_tally *t, double confidence, stats_summary *out);
/* half_width / |mean|, for relative-precision stopping; NaN if undefined. */
double stats_summary_rel_precision(const stats_summary *s);

/* ---- paired comparisons (common random numbers) ----------------------------- */

typedef struct {
    stats_summary diff; /* of x[i] - y[i]: mean difference and its t interval */
    double var_x, var_y; /* sample variances of the two columns; NaN if n < 2 */
    /* (var_x + var_y) / var(x - y): how many times the variance of an independent
     * comparison of the same size the pairing removed. > 1 when CRN helped; inf when
     * the differences are constant; NaN if n < 2 or nothing varies. */
    double var_reduction;
} stats_paired_summary;

/* Paired summary of n pairs (x[i], y[i]). Returns 0, or -1 on bad arguments or a
 * non-finite value (out filled with NaN). O(n), one pass. */
int stats_paired(const double *x, const double *y, size_t n, double confidence,
                 stats_paired_summary *out);
/* Level of each of k intervals so that all hold together with probability at least
 * `family` (Bonferroni): 1 - (1 - family) / k. NaN on bad arguments. */
double stats_bonferroni_level(double family, size_t k);

/* ---- proportions ----------------------------------------------------------- */

/* Wilson score interval of a proportion p observed over n trials (n > 0, finite; it may
 * be an effective number, not a whole one), at `confidence`, within [0, 1]; [0, hi]
 * with hi > 0 when p == 0. 0, or -1 on bad arguments (*lo = *hi = NaN). */
int stats_wilson(double p, double n, double confidence, double *lo, double *hi);

/* ---- distributions used by the intervals ---------------------------------- */

/* Inverse CDF of Student's t with df > 0 (real df allowed); p in [0, 1],
 * p == 0 -> -inf, p == 1 -> +inf; NaN on bad arguments. df == +inf is normal. */
double stats_t_quantile(double p, double df);
double stats_t_cdf(double t, double df);       /* NaN if df <= 0 or NaN */
double stats_normal_quantile(double p);        /* inverse standard normal CDF */
double stats_normal_cdf(double x);

/* ---- batch means for one long run ------------------------------------------ */

typedef struct {
    uint64_t batch_size;  /* observations per batch */
    stats_tally current;  /* the batch being filled */
    double *means;        /* means of the completed batches */
    size_t n_means;       /* completed batches */
    size_t cap;           /* allocated length of means */
    int oom;              /* nonzero once a batch was lost to allocation failure */
} stats_batchmeans;

/* -1 if b is NULL or batch_size == 0. Allocates nothing until a batch completes. */
int stats_batchmeans_init(stats_batchmeans *b, uint64_t batch_size);
void stats_batchmeans_fini(stats_batchmeans *b);
/* Returns 0, or -1 if the completed batch could not be stored (out of memory). */
int stats_batchmeans_add(stats_batchmeans *b, double x);
void stats_batchmeans_reset(stats_batchmeans *b);   /* warm-up deletion */
size_t stats_batchmeans_count(const stats_batchmeans *b);  /* completed batches */
/* stats_summarize over the completed batch means; the partial batch is ignored. */
int stats_batchmeans_summarize(const stats_batchmeans *b, double confidence,
                               stats_summary *out);
/* Lag-1 autocorrelation of the batch means: near 0 when batches are long enough
 * to be treated as independent. NaN with fewer than 3 batches or no variation. */
double stats_batchmeans_lag1(const stats_batchmeans *b);

#ifdef __cplusplus
}
#endif
#endif /* PROCSIM_STATS_H */
