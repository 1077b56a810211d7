/* paired.c - the paired comparison of two configurations run on the same streams.
 *
 * Replication r of a point and replication r of its baseline share their random
 * numbers under common random numbers, so the differences d_r = x_r - y_r are
 * independent across r and their Student-t interval is exact for normal d (and
 * asymptotically otherwise), whatever the correlation between x and y. CRN helps by
 * making that correlation positive: var(d) = var(x) + var(y) - 2 cov(x, y). The
 * variance-reduction factor compares var(d) with var(x) + var(y), the variance of a
 * difference of two independent runs of the same length. */
#include "stats.h"

#include <math.h>

int stats_paired(const double *x, const double *y, size_t n, double confidence,
                 stats_paired_summary *out)
{
    if (!out)
        return -1;
    stats_tally tx, ty, td;
    stats_tally_init(&tx);
    stats_tally_init(&ty);
    stats_tally_init(&td);
    out->var_x = out->var_y = out->var_reduction = NAN;
    int bad = (!x || !y) && n > 0;
    for (size_t i = 0; i < n && !bad; i++) {
        bad = !isfinite(x[i]) || !isfinite(y[i]);
        if (!bad) {
            stats_tally_add(&tx, x[i]);
            stats_tally_add(&ty, y[i]);
            stats_tally_add(&td, x[i] - y[i]);
        }
    }
    if (bad) {
        stats_summarize(NULL, 0, 0.0, &out->diff); /* all NaN */
        return -1;
    }
    if (stats_summarize_tally(&td, confidence, &out->diff) != 0)
        return -1;
    if (n >= 2) {
        double vx = stats_tally_variance(&tx), vy = stats_tally_variance(&ty);
        double vd = stats_tally_variance(&td);
        out->var_x = vx;
        out->var_y = vy;
        /* identical columns (vd = 0) share everything: an infinite reduction, unless
         * nothing varies at all (0 / 0, undefined) */
        out->var_reduction = vd > 0 ? (vx + vy) / vd : (vx + vy > 0 ? INFINITY : NAN);
    }
    return 0;
}

double stats_bonferroni_level(double family, size_t k)
{
    if (!(family > 0.0 && family < 1.0) || k == 0)
        return NAN;
    return 1.0 - (1.0 - family) / (double)k;
}
