/* proportion.c - Wilson's score interval for a proportion.
 *
 * For a metric that is a 0/1 indicator per replication, the mean over n replications
 * is a binomial proportion, and the t interval fails where it matters most: 0 successes
 * in 200 replications give sd 0 and the interval [0, 0]. Wilson's interval inverts the
 * score test instead (Wilson 1927; Newcombe 1998, method 3): with z the normal quantile,
 *     centre = (p + z^2 / 2n) / (1 + z^2 / n)
 *     half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
 * which stays inside [0, 1] and is never empty. A metric that is a fraction in [0, 1]
 * per replication (not an indicator) has var(X) <= p (1 - p) for any X in [0, 1] with
 * mean p. For such a fraction, n is the effective number of trials (Korn and Graubard
 * 1998): the n with p (1 - p) / n equal to the observed variance of the mean, never
 * below the number of replications (runner_summarize). For 0/1 values that is the
 * number of replications and the interval is the textbook one. */
#include "stats.h"

#include <math.h>

int stats_wilson(double p, double n, double confidence, double *lo, double *hi)
{
    if (!lo || !hi)
        return -1;
    *lo = *hi = NAN;
    if (!(n > 0) || isinf(n) || !(confidence > 0.0 && confidence < 1.0) || !(p >= 0.0 && p <= 1.0))
        return -1;
    double z = stats_normal_quantile(0.5 + 0.5 * confidence);
    double nn = n, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
    if (p == 0.0)
        *lo = 0.0; /* exactly: centre == half analytically, rounding aside */
    if (p == 1.0)
        *hi = 1.0;
    return 0;
}
