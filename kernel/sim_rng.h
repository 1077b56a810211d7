/* PCG32 random streams and the distributions models draw from.
 *
 * sim_rng is a value type (16 bytes) so hot draws inline nothing but the generator step.
 * Streams: pcg32 with (initstate, initseq); an environment hands out stream k of its seed
 * through sim_env_rng(env, k). Doubles take 53 random bits (two 32-bit outputs).        */
#ifndef PROCSIM_SIM_RNG_H
#define PROCSIM_SIM_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t state;
    uint64_t inc; /* stream selector, always odd */
} sim_rng;

/* Seed exactly as the PCG authors' pcg32_srandom_r(rng, initstate, initseq). */
void sim_rng_seed(sim_rng *rng, uint64_t initstate, uint64_t initseq);
uint32_t sim_rng_u32(sim_rng *rng);                 /* pcg32_random_r */
uint32_t sim_rng_bounded(sim_rng *rng, uint32_t n); /* uniform in [0, n), unbiased; n > 0 */
double sim_rng_double(sim_rng *rng);                /* uniform in [0, 1), 53 bits */

double sim_rng_uniform(sim_rng *rng, double a, double b);        /* [a, b) */
double sim_rng_exponential(sim_rng *rng, double rate);           /* mean 1/rate */
double sim_rng_normal(sim_rng *rng, double mean, double sd);
double sim_rng_lognormal(sim_rng *rng, double mu, double sigma); /* exp(N(mu, sigma)) */
double sim_rng_triangular(sim_rng *rng, double low, double mode, double high);
double sim_rng_erlang(sim_rng *rng, unsigned k, double rate);    /* sum of k exp(rate) */
double sim_rng_gamma(sim_rng *rng, double shape, double scale);  /* mean shape*scale */
/* Index i with probability weights[i] / sum(weights); weights >= 0, sum > 0. */
size_t sim_rng_choice(sim_rng *rng, const double *weights, size_t n);

/* 64-bit mixer (splitmix64 finaliser) used to derive independent seeds from indices. */
uint64_t sim_rng_mix(uint64_t x);

#ifdef __cplusplus
}
#endif
#endif
