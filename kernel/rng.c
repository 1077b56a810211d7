/* PCG32 seeding, bounded integers and the continuous distributions of sim_rng.h.
 * Every function checks its arguments before drawing, so bad input costs no draws and
 * returns NaN (or 0 / SIM_RNG_NO_CHOICE for the integer results).                     */
#include "sim_rng.h"

#include <math.h>

/* Erlang with at most this many phases multiplies uniforms; above, gamma is cheaper
 * (measured: both about 25 ns at k = 8, the product 40 ns at k = 16).               */
#define ERLANG_DIRECT_MAX 8u

void sim_rng_seed(sim_rng *rng, uint64_t initstate, uint64_t initseq)
{
    if (!rng)
        return;
    rng->state = 0u;
    rng->inc = (initseq << 1) | 1u;
    (void)sim_rng_u32(rng);
    rng->state += initstate;
    (void)sim_rng_u32(rng);
}

uint32_t sim_rng_bounded(sim_rng *rng, uint32_t n)
{
    if (!rng || n == 0)
        return 0;
    /* Lemire: the high word of x * n is uniform once the low words that would make some
     * results one draw more likely (low < 2^32 mod n) are rejected. The modulo is only
     * computed on the rare path where low < n.                                        */
    uint64_t m = (uint64_t)sim_rng_u32(rng) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (0u - n) % n;
        while (low < threshold) {
            m = (uint64_t)sim_rng_u32(rng) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double sim_rng_uniform(sim_rng *rng, double a, double b)
{
    double width = b - a;
    if (!rng || !isfinite(a) || !isfinite(width) || width < 0.0)
        return NAN;
    double x = a + width * sim_rng_double(rng);
    /* a + width * u can round up to b when b is a few ulps above a; keep [a, b). */
    return (x < b || width == 0.0) ? x : nextafter(b, a);
}

double sim_rng_exponential(sim_rng *rng, double rate)
{
    if (!rng || !(rate > 0.0) || isinf(rate))
        return NAN;
    /* u is on the 2^-53 grid in [0, 1), so 1 - u is exact and in (0, 1]: log is as
     * accurate as log1p here, finite, +0 for u == 0, and half log1p's cost. */
    return 0.0 - log(1.0 - sim_rng_double(rng)) / rate; /* 0.0 - x: +0, never -0 */
}

/* Standard normal by Leva's ratio of uniforms: (u, v) uniform on (0,1] x (-b, b) with
 * b = sqrt(2/e) (1.7156 / 2 rounds up, harmless: the exact test decides). The ellipses
 * q < 0.27597 (inside the region) and q > 0.27846 (outside) settle almost every pair
 * without the exact test v^2 <= -4 u^2 log u.                                          */
static double std_normal(sim_rng *rng)
{
    for (;;) {
        double u = 1.0 - sim_rng_double(rng); /* (0, 1]: log(u) finite */
        double v = 1.7156 * (sim_rng_double(rng) - 0.5);
        double x = u - 0.449871;
        double y = fabs(v) + 0.386595;
        double q = x * x + y * (0.19600 * y - 0.25472 * x);
        if (q < 0.27597)
            return v / u;
        if (q <= 0.27846 && v * v <= -4.0 * log(u) * u * u)
            return v / u;
    }
}

double sim_rng_normal(sim_rng *rng, double mean, double sd)
{
    if (!rng || !isfinite(mean) || !isfinite(sd) || sd < 0.0)
        return NAN;
    return mean + sd * std_normal(rng);
}

double sim_rng_lognormal(sim_rng *rng, double mu, double sigma)
{
    if (!rng || !isfinite(mu) || !isfinite(sigma) || sigma < 0.0)
        return NAN;
    return exp(mu + sigma * std_normal(rng));
}

double sim_rng_triangular(sim_rng *rng, double low, double mode, double high)
{
    double width = high - low;
    if (!rng || !isfinite(low) || !isfinite(mode) || !isfinite(width) || mode < low ||
        high < mode)
        return NAN;
    double u = sim_rng_double(rng);
    if (width == 0.0)
        return low;
    /* The CDF is (x-low)^2 / (width (mode-low)) up to mode, and symmetric from high. */
    if (u * width < mode - low)
        return low + sqrt(u * width * (mode - low));
    return high - sqrt((1.0 - u) * width * (high - mode));
}

/* Marsaglia-Tsang for shape >= 1: a cubed, shifted normal accepted by a squeeze
 * (cheap) or the exact log test; about 1.02-1.05 normals per result.               */
static double std_gamma_ge1(sim_rng *rng, double shape)
{
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = std_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = sim_rng_double(rng);
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2)
            return d * v;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v;
    }
}

double sim_rng_gamma(sim_rng *rng, double shape, double scale)
{
    if (!rng || !(shape > 0.0) || isinf(shape) || !(scale > 0.0) || isinf(scale))
        return NAN;
    if (shape >= 1.0)
        return std_gamma_ge1(rng, shape) * scale;
    /* Boost: gamma(shape) = gamma(shape + 1) * u^(1/shape), u in (0, 1]. */
    double g = std_gamma_ge1(rng, shape + 1.0);
    double u = 1.0 - sim_rng_double(rng);
    return g * pow(u, 1.0 / shape) * scale;
}

double sim_rng_erlang(sim_rng *rng, unsigned k, double rate)
{
    if (!rng || k == 0 || !(rate > 0.0) || isinf(rate))
        return NAN;
    if (k > ERLANG_DIRECT_MAX)
        return std_gamma_ge1(rng, (double)k) / rate;
    /* Sum of -log(1 - u_i) as one log of the product; each factor is >= 2^-53, so
     * folding the product into a log sum below 2^-900 keeps it from underflowing.  */
    double product = 1.0, logsum = 0.0;
    for (unsigned i = 0; i < k; i++) {
        product *= 1.0 - sim_rng_double(rng);
        if (product < 0x1p-900) {
            logsum += log(product);
            product = 1.0;
        }
    }
    return (0.0 - (logsum + log(product))) / rate;
}

size_t sim_rng_choice(sim_rng *rng, const double *weights, size_t n)
{
    if (!rng || !weights || n == 0)
        return SIM_RNG_NO_CHOICE;
    double total = 0.0;
    size_t last = 0; /* the last index of positive weight: the rounding fallback */
    for (size_t i = 0; i < n; i++) {
        double w = weights[i];
        if (!(w >= 0.0) || isinf(w))
            return SIM_RNG_NO_CHOICE;
        if (w > 0.0)
            last = i;
        total += w;
    }
    if (!(total > 0.0) || isinf(total))
        return SIM_RNG_NO_CHOICE;
    double target = sim_rng_double(rng) * total;
    double cumulative = 0.0;
    /* A zero weight leaves cumulative unchanged, so it can never be the first index
     * where target < cumulative.                                                        */
    for (size_t i = 0; i < last; i++) {
        cumulative += weights[i];
        if (target < cumulative)
            return i;
    }
    return last;
}

uint64_t sim_rng_mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* ---- parameterisations by mean and cv, Weibull, beta ------------------------------ */

double sim_rng_lognormal_mean_cv(sim_rng *rng, double mean, double cv)
{
    if (!rng || !(mean > 0.0) || isinf(mean) || !(cv >= 0.0) || isinf(cv))
        return NAN;
    /* log1p keeps sigma accurate for the small cv a nearly constant time has. */
    double s2 = log1p(cv * cv);
    if (s2 == 0.0) { /* exp(log(mean)) may miss mean by an ulp; draw as usual anyway */
        (void)std_normal(rng);
        return mean;
    }
    return sim_rng_lognormal(rng, log(mean) - 0.5 * s2, sqrt(s2));
}

double sim_rng_gamma_mean_cv(sim_rng *rng, double mean, double cv)
{
    if (!rng || !(mean > 0.0) || isinf(mean) || !(cv > 0.0) || isinf(cv))
        return NAN;
    double c2 = cv * cv;
    return sim_rng_gamma(rng, 1.0 / c2, mean * c2);
}

double sim_rng_erlang_mean(sim_rng *rng, unsigned k, double mean)
{
    if (!rng || k == 0 || !(mean > 0.0) || isinf(mean))
        return NAN;
    return sim_rng_erlang(rng, k, (double)k / mean);
}

double sim_rng_weibull(sim_rng *rng, double shape, double scale)
{
    if (!rng || !(shape > 0.0) || isinf(shape) || !(scale > 0.0) || isinf(scale))
        return NAN;
    double e = 0.0 - log(1.0 - sim_rng_double(rng)); /* exp(1), +0 at u == 0 */
    return scale * pow(e, 1.0 / shape);
}

double sim_rng_beta(sim_rng *rng, double a, double b)
{
    if (!rng || !(a > 0.0) || isinf(a) || !(b > 0.0) || isinf(b))
        return NAN;
    double x = sim_rng_gamma(rng, a, 1.0);
    double y = sim_rng_gamma(rng, b, 1.0);
    /* Both can underflow to 0 for tiny shapes; the mean a / (a + b) is then the least
     * surprising answer and keeps the result in [0, 1].                              */
    double s = x + y;
    return s > 0.0 ? x / s : a / (a + b);
}
