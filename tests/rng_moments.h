/* Moment checks shared by the distribution tests (test_rng_dist.c, test_rng_kit.c):
 * the sample mean and variance of n draws from rng within 5 standard errors of theory.
 * Welford sums; the standard error of the sample variance is var sqrt((kurtosis - 1) / n),
 * with kurtosis the fourth standardised moment. Include after cmocka.h and sim_rng.h. */
#ifndef PROCSIM_TEST_RNG_MOMENTS_H
#define PROCSIM_TEST_RNG_MOMENTS_H

#include <math.h>

typedef double (*draw_fn)(sim_rng *rng);

static void assert_moments_of(draw_fn draw, sim_rng *rng, long n, double mean, double var,
                              double kurtosis)
{
    double m = 0.0, s2 = 0.0;
    for (long i = 1; i <= n; i++) {
        double x = draw(rng);
        double d = x - m;
        m += d / (double)i;
        s2 += d * (x - m);
    }
    double sample_var = s2 / (double)(n - 1);
    double se_mean = sqrt(var / (double)n);
    double se_var = var * sqrt((kurtosis - 1.0) / (double)n);
    if (fabs(m - mean) > 5.0 * se_mean)
        fail_msg("mean %.9g, theory %.9g (se %.3g)", m, mean, se_mean);
    if (fabs(sample_var - var) > 5.0 * se_var)
        fail_msg("variance %.9g, theory %.9g (se %.3g)", sample_var, var, se_var);
}

#endif
