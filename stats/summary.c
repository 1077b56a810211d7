/* summary.c - mean, sd and Student-t confidence interval across replications.
 *
 * Values are folded through a tally (Welford), so a column of replication
 * results near 1e9 summarises as accurately as one near 0, and a summary of
 * merged partial tallies is the same computation.
 */
#include "stats.h"

#include <math.h>

static void fill_nan(stats_summary *out, size_t n)
{
    out->n = n;
    out->mean = out->sd = out->ci_low = out->ci_high = out->half_width = NAN;
    out->min = out->max = NAN;
}

int stats_summarize_tally(const stats_tally *t, double confidence, stats_summary *out)
{
    if (!out)
        return -1;
    if (!t || !(confidence > 0.0 && confidence < 1.0) || isnan(t->mean)) {
        fill_nan(out, 0);
        return -1;
    }
    fill_nan(out, (size_t)t->n);
    if (t->n == 0)
        return 0;
    out->mean = t->mean;
    out->min = t->min;
    out->max = t->max;
    if (t->n < 2)
        return 0;
    out->sd = stats_tally_sd(t);
    double q = stats_t_quantile(0.5 + 0.5 * confidence, (double)(t->n - 1));
    out->half_width = q * out->sd / sqrt((double)t->n);
    out->ci_low = out->mean - out->half_width;
    out->ci_high = out->mean + out->half_width;
    return 0;
}

int stats_summarize(const double *x, size_t n, double confidence, stats_summary *out)
{
    if (!out)
        return -1;
    if ((!x && n > 0) || !(confidence > 0.0 && confidence < 1.0)) {
        fill_nan(out, 0);
        return -1;
    }
    stats_tally t;
    stats_tally_init(&t);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {   /* a failed replication must be left out, not averaged */
            fill_nan(out, 0);
            return -1;
        }
        stats_tally_add(&t, x[i]);
    }
    return stats_summarize_tally(&t, confidence, out);
}

double stats_summary_rel_precision(const stats_summary *s)
{
    if (!s || !(s->mean != 0.0))
        return NAN;
    return s->half_width / fabs(s->mean);
}
