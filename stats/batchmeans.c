/* batchmeans.c - batch means for one long run.
 *
 * Successive observations of one run are correlated, so their sample variance
 * understates the error of their mean. Means of long consecutive batches are
 * nearly independent and nearly normal, and a t interval over them is valid;
 * the lag-1 autocorrelation of the batch means says whether the batches are
 * long enough. Storage grows by doubling, one double per completed batch.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

int stats_batchmeans_init(stats_batchmeans *b, uint64_t batch_size)
{
    if (!b)
        return -1;
    b->batch_size = batch_size;
    stats_tally_init(&b->current);
    b->means = NULL;
    b->n_means = 0;
    b->cap = 0;
    b->oom = 0;
    return batch_size > 0 ? 0 : -1;
}

void stats_batchmeans_fini(stats_batchmeans *b)
{
    if (!b)
        return;
    free(b->means);
    b->means = NULL;
    b->n_means = b->cap = 0;
}

void stats_batchmeans_reset(stats_batchmeans *b)
{
    if (!b)
        return;
    stats_tally_init(&b->current);
    b->n_means = 0;   /* keep the allocation for the batches to come */
    b->oom = 0;
}

int stats_batchmeans_add(stats_batchmeans *b, double x)
{
    if (!b || b->batch_size == 0)
        return -1;
    stats_tally_add(&b->current, x);
    if (b->current.n < b->batch_size)
        return 0;
    double mean = b->current.mean;
    stats_tally_init(&b->current);
    if (b->n_means == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        double *grown = cap <= SIZE_MAX / sizeof *grown
                        ? realloc(b->means, cap * sizeof *grown) : NULL;
        if (!grown) {
            b->oom = 1;
            return -1;
        }
        b->means = grown;
        b->cap = cap;
    }
    b->means[b->n_means++] = mean;
    return 0;
}

size_t stats_batchmeans_count(const stats_batchmeans *b)
{
    return b ? b->n_means : 0;
}

int stats_batchmeans_summarize(const stats_batchmeans *b, double confidence,
                               stats_summary *out)
{
    if (!b)
        return stats_summarize_tally(NULL, confidence, out);   /* -1, out NaN */
    return stats_summarize(b->means, b->n_means, confidence, out);
}

double stats_batchmeans_lag1(const stats_batchmeans *b)
{
    if (!b || b->n_means < 3)
        return NAN;
    stats_tally t;
    stats_tally_init(&t);
    for (size_t i = 0; i < b->n_means; i++)
        stats_tally_add(&t, b->means[i]);
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < b->n_means; i++) {
        double d = b->means[i] - t.mean;
        den += d * d;
        if (i + 1 < b->n_means)
            num += d * (b->means[i + 1] - t.mean);
    }
    return den > 0.0 ? num / den : NAN;
}
