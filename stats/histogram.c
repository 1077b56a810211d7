/* histogram.c - fixed-bin histogram with quantiles, exact for small samples.
 *
 * Bins give O(1) insertion and bounded memory for any number of samples, but
 * their quantiles are only as fine as a bin. Most replications of small models
 * produce few samples of a given kind, and there interpolation within bins would
 * throw accuracy away for nothing, so the first exact_limit samples are also kept
 * sorted (insertion by binary search and memmove: O(exact_limit) per sample, a
 * few kB of copying at most) and quantiles come from them until the sample
 * outgrows the buffer. The buffer is kept for reuse after a reset.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct stats_histogram {
    double lo, hi;         /* binned range [lo, hi) */
    size_t nbins;          /* number of equal bins over [lo, hi) */
    uint64_t *counts;      /* nbins counts */
    uint64_t under, over;  /* samples below lo / at or above hi */
    uint64_t n;            /* samples counted, under and over included */
    uint64_t nan_count;    /* NaN samples, refused */
    double min, max;       /* extremes of the counted samples */
    double *exact;         /* first samples in ascending order; NULL if exact_limit == 0 */
    size_t exact_n;        /* samples stored in exact */
    size_t exact_limit;    /* capacity of exact */
};

stats_histogram *stats_histogram_new_exact(double lo, double hi, size_t bins,
                                           size_t exact_limit)
{
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi) || bins == 0)
        return NULL;
    if (!isfinite(hi - lo))   /* the bin width must be representable */
        return NULL;
    stats_histogram *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->lo = lo;
    h->hi = hi;
    h->nbins = bins;
    h->counts = calloc(bins, sizeof *h->counts);
    if (exact_limit > 0 && exact_limit <= SIZE_MAX / sizeof *h->exact)
        h->exact = malloc(exact_limit * sizeof *h->exact);
    if (!h->counts || (exact_limit > 0 && !h->exact)) {
        stats_histogram_free(h);
        return NULL;
    }
    h->exact_limit = exact_limit;
    stats_histogram_reset(h);
    return h;
}

stats_histogram *stats_histogram_new(double lo, double hi, size_t bins)
{
    return stats_histogram_new_exact(lo, hi, bins, STATS_HISTOGRAM_EXACT_DEFAULT);
}

void stats_histogram_free(stats_histogram *h)
{
    if (!h)
        return;
    free(h->counts);
    free(h->exact);
    free(h);
}

void stats_histogram_reset(stats_histogram *h)
{
    if (!h)
        return;
    memset(h->counts, 0, h->nbins * sizeof *h->counts);
    h->under = h->over = h->n = h->nan_count = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
    h->exact_n = 0;
}

static size_t bin_of(const stats_histogram *h, double x)
{
    /* Scale before dividing so that x just below hi cannot round to nbins; the
     * clamp catches what rounding still produces. */
    double pos = (x - h->lo) / (h->hi - h->lo) * (double)h->nbins;
    size_t i = (size_t)pos;
    return i < h->nbins ? i : h->nbins - 1;
}

static void exact_insert(stats_histogram *h, double x)
{
    size_t lo = 0, hi = h->exact_n;   /* first index with exact[i] > x */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->exact[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(h->exact + lo + 1, h->exact + lo, (h->exact_n - lo) * sizeof *h->exact);
    h->exact[lo] = x;
    h->exact_n++;
}

void stats_histogram_add(stats_histogram *h, double x)
{
    if (!h)
        return;
    if (isnan(x)) {
        h->nan_count++;
        return;
    }
    if (x < h->lo)
        h->under++;
    else if (x >= h->hi)
        h->over++;
    else
        h->counts[bin_of(h, x)]++;
    /* The exact buffer stays valid only while it holds every sample. */
    if (h->n == h->exact_n && h->exact_n < h->exact_limit)
        exact_insert(h, x);
    h->n++;
    if (x < h->min)
        h->min = x;
    if (x > h->max)
        h->max = x;
}

int stats_histogram_is_exact(const stats_histogram *h)
{
    return h && h->n == h->exact_n;
}

static double exact_quantile(const stats_histogram *h, double p)
{
    double pos = p * (double)(h->exact_n - 1);
    size_t k = (size_t)pos;
    if (k + 1 >= h->exact_n)
        return h->exact[h->exact_n - 1];
    double frac = pos - (double)k;
    if (frac == 0.0 || h->exact[k] == h->exact[k + 1])
        return h->exact[k];   /* also keeps infinite samples from making inf - inf */
    return h->exact[k] + frac * (h->exact[k + 1] - h->exact[k]);
}

/* Find the cell (underflow, a bin, or overflow) where the cumulative count first
 * reaches p*n, and interpolate linearly across that cell's edges narrowed to
 * [min, max]. Cells are numbered 0 (underflow) .. nbins+1 (overflow). O(nbins). */
static double binned_quantile(const stats_histogram *h, double p)
{
    double target = p * (double)h->n;
    double width = (h->hi - h->lo) / (double)h->nbins;
    double before = 0.0;
    for (size_t cell = 0; cell < h->nbins + 2; cell++) {
        uint64_t c;
        double left, right;
        if (cell == 0) {
            c = h->under;
            left = h->min;
            right = h->lo;
        } else if (cell == h->nbins + 1) {
            c = h->over;
            left = h->hi;
            right = h->max;
        } else {
            c = h->counts[cell - 1];
            left = h->lo + (double)(cell - 1) * width;
            right = cell == h->nbins ? h->hi : h->lo + (double)cell * width;
        }
        if (c == 0)
            continue;
        if (left < h->min)
            left = h->min;
        if (right > h->max)
            right = h->max;
        if (before + (double)c >= target) {
            double frac = (target - before) / (double)c;
            if (frac < 0.0)
                frac = 0.0;
            if (!isfinite(right - left))   /* an infinite sample is an edge */
                return frac >= 1.0 ? right : left;
            return left + frac * (right - left);
        }
        before += (double)c;
    }
    return h->max;   /* only reached through rounding of target at p == 1 */
}

double stats_histogram_quantile(const stats_histogram *h, double p)
{
    if (!h || h->n == 0 || !(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0)
        return h->min;
    if (p == 1.0)
        return h->max;
    return stats_histogram_is_exact(h) ? exact_quantile(h, p) : binned_quantile(h, p);
}

uint64_t stats_histogram_count(const stats_histogram *h)
{
    return h ? h->n : 0;
}

uint64_t stats_histogram_bin(const stats_histogram *h, size_t i)
{
    return (h && i < h->nbins) ? h->counts[i] : 0;
}

size_t stats_histogram_bins(const stats_histogram *h)
{
    return h ? h->nbins : 0;
}

uint64_t stats_histogram_underflow(const stats_histogram *h)
{
    return h ? h->under : 0;
}

uint64_t stats_histogram_overflow(const stats_histogram *h)
{
    return h ? h->over : 0;
}

uint64_t stats_histogram_nan_count(const stats_histogram *h)
{
    return h ? h->nan_count : 0;
}

double stats_histogram_min(const stats_histogram *h)
{
    return (h && h->n > 0) ? h->min : NAN;
}

double stats_histogram_max(const stats_histogram *h)
{
    return (h && h->n > 0) ? h->max : NAN;
}
