/* Integer-valued laws of sim_rng.h: Bernoulli, geometric, Poisson, binomial.
 * Small means invert the CDF from one double (monotone in u, so common random numbers
 * keep working across a sweep); large means use the exact recursions of Ahrens-Dieter
 * (Poisson) and Devroye (binomial), which split the problem with one gamma or beta
 * order statistic per level instead of walking O(mean) terms.                       */
#include "sim_rng.h"

#include <math.h>

/* Below this mean (Poisson) or n min(p, 1-p) (binomial), inversion walks at most a few
 * dozen terms and exp(-mean) or (1-p)^n stays far from underflow.                  */
#define COUNT_INVERSION_MAX 16.0

int sim_rng_bernoulli(sim_rng *rng, double p)
{
    if (!rng || !(p >= 0.0 && p <= 1.0))
        return 0;
    return sim_rng_double(rng) < p;
}

double sim_rng_geometric(sim_rng *rng, double p)
{
    if (!rng || !(p > 0.0 && p <= 1.0))
        return NAN;
    /* P(X > k) = (1-p)^k: X > k exactly when 1 - u <= (1-p)^k, and 1 - u is uniform
     * on (0, 1]. For p == 1, log1p(-1) is -inf and the ratio is 0: always 1.        */
    return floor(log(1.0 - sim_rng_double(rng)) / log1p(-p)) + 1.0;
}

/* Sequential search of the Poisson CDF: the smallest x with u < F(x). The pmf is
 * checked so rounding (F stalling just below a u near 1) cannot loop for long.  */
static double poisson_invert(sim_rng *rng, double mean)
{
    double u = sim_rng_double(rng);
    double pmf = exp(-mean), cdf = pmf, x = 0.0;
    while (u >= cdf && pmf > 0.0) {
        x += 1.0;
        pmf *= mean / x;
        cdf += pmf;
    }
    return x;
}

/* Sequential search of the binomial CDF for p <= 1/2. */
static double binomial_invert(sim_rng *rng, double n, double p)
{
    double u = sim_rng_double(rng);
    double q = 1.0 - p, ratio = p / q;
    double pmf = pow(q, n), cdf = pmf, x = 0.0;
    while (u >= cdf && x < n && pmf > 0.0) {
        pmf *= (n - x) / (x + 1.0) * ratio;
        x += 1.0;
        cdf += pmf;
    }
    return x;
}

/* Devroye (1986, X.4.3): U_(a), the a-th smallest of n uniforms, is beta(a, n+1-a).
 * If U_(a) >= p the successes are among the a-1 below it, each uniform on
 * (0, U_(a)); otherwise the a below all succeed and the rest are uniform on
 * (U_(a), 1). Each level halves n.                                                */
static double binomial_draw(sim_rng *rng, double n, double p)
{
    double k = 0.0;
    while (n * fmin(p, 1.0 - p) >= COUNT_INVERSION_MAX) {
        double a = 1.0 + floor(n / 2.0);
        double x = sim_rng_beta(rng, a, n + 1.0 - a);
        if (x >= p) {
            n = a - 1.0;
            p /= x;
        } else {
            k += a;
            n -= a;
            p = (p - x) / (1.0 - x);
        }
    }
    if (p > 0.5)
        return k + n - binomial_invert(rng, n, 1.0 - p);
    return k + binomial_invert(rng, n, p);
}

double sim_rng_poisson(sim_rng *rng, double mean)
{
    if (!rng || !(mean >= 0.0) || mean > 0x1p52)
        return NAN;
    /* Ahrens-Dieter (Knuth 3.4.1): X, the m-th arrival of a unit-rate Poisson process,
     * is gamma(m). X < mean: m arrivals, then Poisson(mean - X) more; else the
     * arrivals before mean are binomial among the m-1 uniform on (0, X).           */
    double k = 0.0;
    while (mean >= COUNT_INVERSION_MAX) {
        double m = floor(0.875 * mean);
        double x = sim_rng_gamma(rng, m, 1.0);
        if (x >= mean)
            return k + binomial_draw(rng, m - 1.0, mean / x);
        k += m;
        mean -= x;
    }
    return k + poisson_invert(rng, mean);
}

double sim_rng_binomial(sim_rng *rng, uint64_t n, double p)
{
    if (!rng || !(p >= 0.0 && p <= 1.0) || n > (UINT64_C(1) << 53))
        return NAN;
    return binomial_draw(rng, (double)n, p);
}
