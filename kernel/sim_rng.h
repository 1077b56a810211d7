/* PCG32 random streams and the distributions models draw from.
 *
 * sim_rng is a value type (16 bytes) so hot draws inline nothing but the generator step:
 * sim_rng_u32 and sim_rng_double are static inline below, everything else is in rng.c.
 * Streams: pcg32 with (initstate, initseq); an environment hands out stream k of its seed
 * through sim_env_rng(env, k). Doubles take 53 random bits (two 32-bit outputs).
 *
 * Conventions every distribution follows:
 *  - Bad arguments (listed per function; any NaN or infinite parameter is bad) return
 *    NaN and consume no draws. Nothing here crashes or loops on bad input.
 *  - Good arguments always consume the same draws whatever their values (a degenerate
 *    sd == 0 or a == b still draws), so streams stay in step across a parameter sweep.
 *  - A NULL rng (sim_env_rng's answer to a bad substream) is bad input everywhere:
 *    integer draws return 0, double draws NaN, seeding does nothing. The checks cost
 *    nothing measurable (u32 about 1.2 ns, double 2.4 ns, with or without them).
 *  - Results are bit-identical for a given stream on one platform; transcendental
 *    functions come from libm, so another libm may differ in the last bits.          */
#ifndef PROCSIM_SIM_RNG_H
#define PROCSIM_SIM_RNG_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t state;
    uint64_t inc; /* stream selector, always odd */
} sim_rng;

/* What sim_rng_choice returns for bad arguments: never a valid index. */
#define SIM_RNG_NO_CHOICE SIZE_MAX

/* Seed exactly as the PCG authors' pcg32_srandom_r(rng, initstate, initseq).
 * Streams are not independent for every pair of arguments: initseq values differing
 * only in bit 62 give increments differing only in bit 63, and then every other output
 * coincides. Small counters as initseq pass simple cross-correlation checks, but
 * passing both arguments through sim_rng_mix is the safer habit.                    */
void sim_rng_seed(sim_rng *rng, uint64_t initstate, uint64_t initseq);

/* pcg32_random_r: one step of the 64-bit LCG, output by XSH-RR of the old state. */
static inline uint32_t sim_rng_u32(sim_rng *rng)
{
    if (!rng)
        return 0;
    uint64_t old = rng->state;
    rng->state = old * UINT64_C(6364136223846793005) + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

/* Uniform in [0, 1) on the grid k * 2^-53: the first output gives the high 32 bits of a
 * 64-bit word, the second the low 32, and the top 53 bits of that word are k.        */
static inline double sim_rng_double(sim_rng *rng)
{
    if (!rng)
        return NAN;
    uint64_t hi = sim_rng_u32(rng);
    uint64_t lo = sim_rng_u32(rng);
    return (double)(((hi << 32) | lo) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n), unbiased (Lemire's multiply-shift with rejection); n == 0 is bad
 * input: returns 0 and consumes no draw.                                             */
uint32_t sim_rng_bounded(sim_rng *rng, uint32_t n);

/* [a, b); bad: a > b, b - a not finite. a == b returns a. One double. */
double sim_rng_uniform(sim_rng *rng, double a, double b);
/* Mean 1/rate, -log(1 - u)/rate (1 - u exact, never 0); bad: rate <= 0 or infinite. One double. */
double sim_rng_exponential(sim_rng *rng, double rate);
/* Ratio of uniforms with Leva's quadratic bounds (ACM TOMS 18:4, 1992): a rejection loop
 * over pairs of doubles, 73% accepted, a log in about 1% of pairs; bad: sd < 0.       */
double sim_rng_normal(sim_rng *rng, double mean, double sd);
/* exp(N(mu, sigma)) from the normal above; bad: sigma < 0. */
double sim_rng_lognormal(sim_rng *rng, double mu, double sigma);
/* Inverse CDF, result in [low, high]; bad: not low <= mode <= high, high - low not
 * finite. low == high returns low. One double.                                        */
double sim_rng_triangular(sim_rng *rng, double low, double mode, double high);
/* Sum of k exp(rate): for k <= 8, -log of a product of k uniforms (k doubles); above,
 * gamma(k, 1/rate) as below. Bad: k == 0, rate <= 0 or infinite.                     */
double sim_rng_erlang(sim_rng *rng, unsigned k, double rate);
/* Mean shape*scale. Marsaglia-Tsang (ACM TOMS 26:3, 2000) with the normal above;
 * shape < 1 draws gamma(shape + 1) times u^(1/shape). Bad: shape <= 0, scale <= 0.  */
double sim_rng_gamma(sim_rng *rng, double shape, double scale);
/* Index i with probability weights[i] / sum(weights), never an index of weight 0; one
 * double, linear scan. Bad (returns SIM_RNG_NO_CHOICE, no draw): weights NULL, n == 0,
 * a weight negative, NaN or infinite, sum zero or overflowing.                      */
size_t sim_rng_choice(sim_rng *rng, const double *weights, size_t n);

/* ---- the modelling kit: parameterisations by mean, more laws, tables -------------
 * Integer-valued laws return a double holding an integer (exact below 2^53), so bad
 * input can still answer NaN; sim_rng_bernoulli alone answers 0/1.                  */

/* Lognormal with the given mean and coefficient of variation (sd / mean):
 * sigma^2 = log(1 + cv^2), mu = log(mean) - sigma^2 / 2, then as sim_rng_lognormal.
 * cv == 0 returns mean (still drawing). Bad: mean <= 0, cv < 0.                     */
double sim_rng_lognormal_mean_cv(sim_rng *rng, double mean, double cv);
/* Gamma with the given mean and cv: shape 1/cv^2, scale mean cv^2, as sim_rng_gamma.
 * Bad: mean <= 0, cv <= 0.                                                          */
double sim_rng_gamma_mean_cv(sim_rng *rng, double mean, double cv);
/* Erlang with k phases and the given mean (rate k / mean), as sim_rng_erlang; its cv is
 * 1/sqrt(k). Bad: k == 0, mean <= 0.                                                */
double sim_rng_erlang_mean(sim_rng *rng, unsigned k, double mean);
/* Weibull, CDF 1 - exp(-(x/scale)^shape): scale (-log(1-u))^(1/shape). One double.
 * Bad: shape <= 0, scale <= 0.                                                      */
double sim_rng_weibull(sim_rng *rng, double shape, double scale);
/* Beta(a, b) in [0, 1] as X / (X + Y), X ~ gamma(a), Y ~ gamma(b): the draws of two
 * sim_rng_gamma calls. Bad: a <= 0, b <= 0.                                          */
double sim_rng_beta(sim_rng *rng, double a, double b);
/* 1 with probability p, else 0: one double (u < p). Bad (returns 0, no draw): p
 * outside [0, 1] or NaN.                                                            */
int sim_rng_bernoulli(sim_rng *rng, double p);
/* Trials up to and including the first success (support 1, 2, ...; numpy's
 * convention), mean 1/p: inversion, one double. Bad: p <= 0, p > 1.               */
double sim_rng_geometric(sim_rng *rng, double p);
/* Poisson with the given mean. Below mean 16: inversion by sequential search, one
 * double, O(mean). Above: Ahrens-Dieter's gamma recursion (one gamma of shape
 * 7/8 of the mean, then a binomial or a smaller Poisson), O(log mean) gammas.
 * mean == 0 returns 0 (still one double). Bad: mean < 0, mean > 2^52.           */
double sim_rng_poisson(sim_rng *rng, double mean);
/* Successes in n trials of probability p. While min(p, 1-p) n < 16: inversion, one
 * double, O(n p). Above: Devroye's beta recursion (a beta order statistic splits the
 * trials), O(log n) betas. Bad: p outside [0, 1], n > 2^53.                        */
double sim_rng_binomial(sim_rng *rng, uint64_t n, double p);

/* An empirical continuous law built from data: the piecewise-linear CDF through the
 * sorted points x_(0..n-1) at heights i / (n-1) (R's quantile type 7), so every draw
 * lies in [min, max]. Built once (sorts a copy, O(n log n)); a draw is one double and
 * an O(1) lookup. Bad for _new (returns NULL): data NULL, n < 2, a value not finite,
 * or no memory.                                                                    */
typedef struct sim_empirical sim_empirical;
sim_empirical *sim_empirical_new(const double *data, size_t n);
void sim_empirical_free(sim_empirical *emp);
/* Bad: emp NULL. */
double sim_rng_empirical(sim_rng *rng, const sim_empirical *emp);

/* A discrete law over values[i] with probability weights[i] / sum, by Walker's alias
 * method (Vose's construction, O(n) once): a draw is one double and O(1), where
 * sim_rng_choice scans. values NULL means the values are the indices 0..n-1. Bad for
 * _new (returns NULL): weights NULL, n == 0 or >= 2^32, a weight negative or not
 * finite, sum zero or overflowing, a value not finite, or no memory. A weight-0 entry
 * is never drawn.                                                                  */
typedef struct sim_discrete sim_discrete;
sim_discrete *sim_discrete_new(const double *values, const double *weights, size_t n);
void sim_discrete_free(sim_discrete *d);
/* The drawn entry's index (SIM_RNG_NO_CHOICE, no draw, for a NULL table or rng). */
size_t sim_rng_discrete_index(sim_rng *rng, const sim_discrete *d);
/* The drawn entry's value; NaN for a NULL table or rng. */
double sim_rng_discrete(sim_rng *rng, const sim_discrete *d);

/* 64-bit mixer (splitmix64 finaliser) used to derive independent seeds from indices.
 * A bijection with mix(0) == 0: add an odd constant first if index 0 must not map to 0. */
uint64_t sim_rng_mix(uint64_t x);

#ifdef __cplusplus
}
#endif
#endif
