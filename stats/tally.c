/* tally.c - count, mean, variance, min and max of observations.
 *
 * Welford's update keeps the mean and the sum of squared deviations (m2) instead
 * of sum(x) and sum(x^2): with values near 1e9 the squares are near 1e18, whose
 * rounding error (~100) swamps a variance of order 1; Welford only ever squares
 * deviations from the running mean. Merging uses the pairwise form of Chan, Golub
 * and LeVeque, which is the same update applied to a whole block at once.
 */
#include "stats.h"

#include <math.h>

void stats_tally_init(stats_tally *t)
{
    if (!t)
        return;
    t->n = 0;
    t->mean = 0.0;
    t->m2 = 0.0;
    t->min = INFINITY;   /* identities for min/max, so merging an empty tally is a no-op */
    t->max = -INFINITY;
}

void stats_tally_add(stats_tally *t, double x)
{
    if (!t)
        return;
    t->n++;
    double delta = x - t->mean;
    t->mean += delta / (double)t->n;
    /* (x - old mean) * (x - new mean) equals delta^2 (n-1)/n without a division. */
    t->m2 += delta * (x - t->mean);
    if (x < t->min)
        t->min = x;
    if (x > t->max)
        t->max = x;
}

void stats_tally_merge(stats_tally *into, const stats_tally *other)
{
    if (!into || !other || other->n == 0)
        return;
    if (into->n == 0) {
        *into = *other;
        return;
    }
    double na = (double)into->n, nb = (double)other->n;
    double n = na + nb;
    double delta = other->mean - into->mean;
    /* Weighted by nb/n so the larger block moves the mean least. */
    into->mean += delta * (nb / n);
    into->m2 += other->m2 + delta * delta * (na * nb / n);
    into->n += other->n;
    if (other->min < into->min)
        into->min = other->min;
    if (other->max > into->max)
        into->max = other->max;
}

double stats_tally_mean(const stats_tally *t)
{
    return (t && t->n > 0) ? t->mean : NAN;
}

double stats_tally_variance(const stats_tally *t)
{
    if (!t || t->n < 2)
        return NAN;
    double v = t->m2 / (double)(t->n - 1);
    return v < 0.0 ? 0.0 : v;   /* m2 never goes negative in exact arithmetic; NaN stays NaN */
}

double stats_tally_sd(const stats_tally *t)
{
    return sqrt(stats_tally_variance(t));
}

double stats_tally_min(const stats_tally *t)
{
    return (t && t->n > 0) ? t->min : NAN;
}

double stats_tally_max(const stats_tally *t)
{
    return (t && t->n > 0) ? t->max : NAN;
}
