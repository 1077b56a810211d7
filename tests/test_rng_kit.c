/* The modelling kit's distributions (sim_rng.h): exact mean and variance within 5
 * standard errors, a Kolmogorov-Smirnov distance below the 1% critical value, the
 * documented number of draws, and bad arguments. Seeds are fixed: nothing flakes.  */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "sim_rng.h"
#include "rng_moments.h"

#define N_MOMENTS 200000L
#define N_KS 20000L
#define KS_CRITICAL_1PCT 1.628 /* sqrt(N) D is below this with 99% (asymptotic) */

typedef double (*cdf_fn)(double x);

static sim_rng fresh(void)
{
    sim_rng rng;
    sim_rng_seed(&rng, 20261201, 11);
    return rng;
}

static void assert_moments(draw_fn draw, double mean, double var, double kurtosis)
{
    sim_rng rng = fresh();
    assert_moments_of(draw, &rng, N_MOMENTS, mean, var, kurtosis);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sup |F_n - F| over a sorted sample: F_n jumps only at sample values, so the sup is at
 * a value v (F_n(v) against F(v)) or just below it (F_n(v-) against left(v) = P(X < v)). */
static void assert_ks(draw_fn draw, cdf_fn cdf, cdf_fn left)
{
    sim_rng rng = fresh();
    double *x = malloc(N_KS * sizeof *x);
    assert_non_null(x);
    for (long i = 0; i < N_KS; i++)
        x[i] = draw(&rng);
    qsort(x, N_KS, sizeof *x, cmp_double);
    double d = 0.0;
    for (long i = 0; i < N_KS;) {
        long j = i;
        while (j < N_KS && x[j] == x[i])
            j++;
        d = fmax(d, fabs((double)j / N_KS - cdf(x[i])));
        d = fmax(d, fabs((double)i / N_KS - (left ? left(x[i]) : cdf(x[i]))));
        i = j;
    }
    free(x);
    if (sqrt((double)N_KS) * d > KS_CRITICAL_1PCT)
        fail_msg("KS distance %.5g above %.5g", d, KS_CRITICAL_1PCT / sqrt((double)N_KS));
}

/* 32-bit outputs one call consumed: step a twin until it reaches the same state. */
static int draws_of(draw_fn draw)
{
    sim_rng rng = fresh(), twin = fresh();
    (void)draw(&rng);
    for (int k = 0; k < 10000; k++) {
        if (twin.state == rng.state)
            return k;
        (void)sim_rng_u32(&twin);
    }
    return -1;
}

/* ---- the laws under test and their CDFs ---------------------------------------- */

static double lognormal_sigma2(void) { return log1p(0.25); }
static double d_lognormal_mcv(sim_rng *r) { return sim_rng_lognormal_mean_cv(r, 2.0, 0.5); }
static double c_lognormal_mcv(double x)
{
    double s2 = lognormal_sigma2(), mu = log(2.0) - 0.5 * s2;
    return x <= 0.0 ? 0.0 : 0.5 * erfc(-(log(x) - mu) / sqrt(2.0 * s2));
}

/* cv 0.5: shape 4, scale 0.75, so the Erlang-4 CDF applies. */
static double d_gamma_mcv(sim_rng *r) { return sim_rng_gamma_mean_cv(r, 3.0, 0.5); }
static double erlang_cdf(double x, int k, double scale)
{
    if (x <= 0.0)
        return 0.0;
    double y = x / scale, term = 1.0, sum = 0.0;
    for (int j = 0; j < k; j++) {
        sum += term;
        term *= y / (j + 1);
    }
    return 1.0 - exp(-y) * sum;
}
static double c_gamma_mcv(double x) { return erlang_cdf(x, 4, 0.75); }
static double d_gamma_mcv_small_shape(sim_rng *r) { return sim_rng_gamma_mean_cv(r, 1.0, 2.0); }
static double d_erlang_mean(sim_rng *r) { return sim_rng_erlang_mean(r, 3, 6.0); }
static double c_erlang_mean(double x) { return erlang_cdf(x, 3, 2.0); }

static double d_weibull(sim_rng *r) { return sim_rng_weibull(r, 1.5, 2.0); }
static double c_weibull(double x) { return x <= 0.0 ? 0.0 : 1.0 - exp(-pow(x / 2.0, 1.5)); }

static double d_beta23(sim_rng *r) { return sim_rng_beta(r, 2.0, 3.0); }
static double c_beta23(double x) { return x * x * (6.0 - 8.0 * x + 3.0 * x * x); }
static double d_beta_half(sim_rng *r) { return sim_rng_beta(r, 0.5, 0.5); }
static double c_beta_half(double x) { return 2.0 / M_PI * asin(sqrt(x)); }

static double d_bernoulli(sim_rng *r) { return sim_rng_bernoulli(r, 0.3); }
static double c_bernoulli(double x) { return x < 0.0 ? 0.0 : x < 1.0 ? 0.7 : 1.0; }
static double l_bernoulli(double x) { return c_bernoulli(x - 0.5); }

static double d_geometric(sim_rng *r) { return sim_rng_geometric(r, 0.2); }
static double c_geometric(double x) { return x < 1.0 ? 0.0 : 1.0 - pow(0.8, floor(x)); }
static double l_geometric(double x) { return c_geometric(x - 1.0); }

static double poisson_cdf(double x, double mean)
{
    double sum = 0.0;
    for (double k = 0.0; k <= x; k += 1.0)
        sum += exp(k * log(mean) - mean - lgamma(k + 1.0));
    return fmin(sum, 1.0);
}
static double d_poisson_small(sim_rng *r) { return sim_rng_poisson(r, 3.5); }
static double c_poisson_small(double x) { return poisson_cdf(x, 3.5); }
static double l_poisson_small(double x) { return poisson_cdf(x - 1.0, 3.5); }
static double d_poisson_large(sim_rng *r) { return sim_rng_poisson(r, 250.0); }
static double c_poisson_large(double x) { return poisson_cdf(x, 250.0); }
static double l_poisson_large(double x) { return poisson_cdf(x - 1.0, 250.0); }

static double binomial_cdf(double x, double n, double p)
{
    double sum = 0.0;
    for (double k = 0.0; k <= x && k <= n; k += 1.0)
        sum += exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) +
                   (n - k) * log1p(-p));
    return fmin(sum, 1.0);
}
static double d_binomial_small(sim_rng *r) { return sim_rng_binomial(r, 20, 0.3); }
static double c_binomial_small(double x) { return binomial_cdf(x, 20, 0.3); }
static double l_binomial_small(double x) { return binomial_cdf(x - 1.0, 20, 0.3); }
static double d_binomial_large(sim_rng *r) { return sim_rng_binomial(r, 1000, 0.7); }
static double c_binomial_large(double x) { return binomial_cdf(x, 1000, 0.7); }
static double l_binomial_large(double x) { return binomial_cdf(x - 1.0, 1000, 0.7); }

/* Data {1, 2, 4, 8}: three linear pieces of the CDF, each a uniform of weight 1/3. */
static const double emp_data[] = {8.0, 1.0, 4.0, 2.0}; /* unsorted on purpose */
static sim_empirical *emp;
static double d_empirical(sim_rng *r) { return sim_rng_empirical(r, emp); }
static double c_empirical(double x)
{
    static const double k[] = {1.0, 2.0, 4.0, 8.0};
    if (x <= 1.0)
        return 0.0;
    for (int i = 0; i < 3; i++)
        if (x <= k[i + 1])
            return (i + (x - k[i]) / (k[i + 1] - k[i])) / 3.0;
    return 1.0;
}

static const double disc_values[] = {10.0, 20.0, 30.0, 40.0};
static const double disc_weights[] = {1.0, 0.0, 3.0, 6.0};
static sim_discrete *disc;
static double d_discrete(sim_rng *r) { return sim_rng_discrete(r, disc); }
static double c_discrete(double x)
{
    double sum = 0.0;
    for (int i = 0; i < 4; i++)
        if (disc_values[i] <= x)
            sum += disc_weights[i] / 10.0;
    return sum;
}
static double l_discrete(double x) { return c_discrete(x - 1.0); }

/* ---- moments and KS, one law per test ---------------------------------------------- */

static void test_lognormal_by_mean_cv_has_that_mean_and_cv(void **state)
{
    (void)state;
    double w = 1.25; /* exp(sigma^2) */
    assert_moments(d_lognormal_mcv, 2.0, 1.0, w * w * w * w + 2 * w * w * w + 3 * w * w - 3);
    assert_ks(d_lognormal_mcv, c_lognormal_mcv, NULL);
}

static void test_gamma_by_mean_cv_has_that_mean_and_cv(void **state)
{
    (void)state;
    assert_moments(d_gamma_mcv, 3.0, 2.25, 3.0 + 6.0 / 4.0);
    assert_ks(d_gamma_mcv, c_gamma_mcv, NULL);
    assert_moments(d_gamma_mcv_small_shape, 1.0, 4.0, 3.0 + 6.0 / 0.25);
}

static void test_erlang_by_mean_has_that_mean(void **state)
{
    (void)state;
    assert_moments(d_erlang_mean, 6.0, 12.0, 5.0);
    assert_ks(d_erlang_mean, c_erlang_mean, NULL);
}

static void test_weibull_matches_moments_and_cdf(void **state)
{
    (void)state;
    double g[5];
    for (int i = 1; i <= 4; i++)
        g[i] = tgamma(1.0 + i / 1.5);
    double var1 = g[2] - g[1] * g[1];
    double m4 = g[4] - 4 * g[1] * g[3] + 6 * g[1] * g[1] * g[2] - 3 * pow(g[1], 4);
    assert_moments(d_weibull, 2.0 * g[1], 4.0 * var1, m4 / (var1 * var1));
    assert_ks(d_weibull, c_weibull, NULL);
}

static void test_beta_matches_moments_and_cdf(void **state)
{
    (void)state;
    assert_moments(d_beta23, 0.4, 0.04, 3.0 - 36.0 * 6.0 / 336.0);
    assert_ks(d_beta23, c_beta23, NULL);
    assert_moments(d_beta_half, 0.5, 0.125, 1.5);
    assert_ks(d_beta_half, c_beta_half, NULL);
}

static void test_bernoulli_matches_moments_and_cdf(void **state)
{
    (void)state;
    assert_moments(d_bernoulli, 0.3, 0.21, (1.0 - 6 * 0.21) / 0.21 + 3.0);
    assert_ks(d_bernoulli, c_bernoulli, l_bernoulli);
}

static void test_geometric_counts_trials_to_first_success(void **state)
{
    (void)state;
    assert_moments(d_geometric, 5.0, 20.0, 9.0 + 0.04 / 0.8);
    assert_ks(d_geometric, c_geometric, l_geometric);
}

static void test_poisson_by_inversion_matches_moments_and_cdf(void **state)
{
    (void)state;
    assert_moments(d_poisson_small, 3.5, 3.5, 3.0 + 1.0 / 3.5);
    assert_ks(d_poisson_small, c_poisson_small, l_poisson_small);
}

static void test_poisson_by_recursion_matches_moments_and_cdf(void **state)
{
    (void)state;
    assert_moments(d_poisson_large, 250.0, 250.0, 3.0 + 1.0 / 250.0);
    assert_ks(d_poisson_large, c_poisson_large, l_poisson_large);
}

static void test_binomial_by_inversion_matches_moments_and_cdf(void **state)
{
    (void)state;
    assert_moments(d_binomial_small, 6.0, 4.2, 3.0 + (1.0 - 6 * 0.21) / 4.2);
    assert_ks(d_binomial_small, c_binomial_small, l_binomial_small);
}

static void test_binomial_by_recursion_matches_moments_and_cdf(void **state)
{
    (void)state;
    assert_moments(d_binomial_large, 700.0, 210.0, 3.0 + (1.0 - 6 * 0.21) / 210.0);
    assert_ks(d_binomial_large, c_binomial_large, l_binomial_large);
}

static void test_empirical_follows_piecewise_linear_cdf_of_data(void **state)
{
    (void)state;
    emp = sim_empirical_new(emp_data, 4);
    assert_non_null(emp);
    /* Raw moments of the three uniforms, averaged: E[X^k] = mean of
     * (b^(k+1) - a^(k+1)) / ((k+1)(b-a)).                                        */
    static const double k[] = {1.0, 2.0, 4.0, 8.0};
    double raw[5] = {1.0, 0, 0, 0, 0};
    for (int p = 1; p <= 4; p++)
        for (int i = 0; i < 3; i++)
            raw[p] += (pow(k[i + 1], p + 1) - pow(k[i], p + 1)) / ((p + 1) * (k[i + 1] - k[i])) / 3.0;
    double m = raw[1], var = raw[2] - m * m;
    double m4 = raw[4] - 4 * m * raw[3] + 6 * m * m * raw[2] - 3 * m * m * m * m;
    assert_moments(d_empirical, m, var, m4 / (var * var));
    assert_ks(d_empirical, c_empirical, NULL);
    sim_empirical_free(emp);
}

static void test_discrete_alias_follows_values_and_weights(void **state)
{
    (void)state;
    disc = sim_discrete_new(disc_values, disc_weights, 4);
    assert_non_null(disc);
    assert_moments(d_discrete, 34.0, 84.0, 34032.0 / 7056.0);
    assert_ks(d_discrete, c_discrete, l_discrete);
    sim_discrete_free(disc);
}

static void test_discrete_never_draws_a_zero_weight_entry(void **state)
{
    (void)state;
    static const double w[] = {0.0, 1.0, 0.0, 1e-300, 0.0, 2.0, 0.0};
    sim_discrete *d = sim_discrete_new(NULL, w, 7);
    assert_non_null(d);
    sim_rng rng = fresh();
    long seen[7] = {0};
    for (long i = 0; i < N_MOMENTS; i++) {
        size_t k = sim_rng_discrete_index(&rng, d);
        assert_true(k < 7);
        seen[k]++;
    }
    assert_int_equal(seen[0] + seen[2] + seen[4] + seen[6], 0);
    assert_true(seen[1] > 0 && seen[5] > seen[1]);
    sim_discrete_free(d);
}

static void test_discrete_without_values_answers_indices(void **state)
{
    (void)state;
    static const double w[] = {0.0, 0.0, 5.0};
    sim_discrete *d = sim_discrete_new(NULL, w, 3);
    sim_rng rng = fresh();
    assert_true(sim_rng_discrete(&rng, d) == 2.0);
    sim_discrete_free(d);
}

/* ---- draw counts ------------------------------------------------------------------ */

static double d_poisson_zero(sim_rng *r) { return sim_rng_poisson(r, 0.0); }
static double d_binomial_certain(sim_rng *r) { return sim_rng_binomial(r, 7, 1.0); }
static double d_geometric_certain(sim_rng *r) { return sim_rng_geometric(r, 1.0); }

static void test_inversion_laws_draw_exactly_one_double(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        draw_fn draw;
    } one[] = {{"weibull", d_weibull},         {"bernoulli", d_bernoulli},
               {"geometric", d_geometric},     {"geometric(1)", d_geometric_certain},
               {"poisson(3.5)", d_poisson_small}, {"poisson(0)", d_poisson_zero},
               {"binomial(20)", d_binomial_small}, {"binomial(p=1)", d_binomial_certain}};
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
        if (draws_of(one[i].draw) != 2)
            fail_msg("%s used %d outputs, not 2", one[i].name, draws_of(one[i].draw));
}

static void test_table_laws_draw_exactly_one_double(void **state)
{
    (void)state;
    emp = sim_empirical_new(emp_data, 4);
    disc = sim_discrete_new(disc_values, disc_weights, 4);
    assert_int_equal(draws_of(d_empirical), 2);
    assert_int_equal(draws_of(d_discrete), 2);
    sim_empirical_free(emp);
    sim_discrete_free(disc);
}

static void test_certain_outcomes_are_exact(void **state)
{
    (void)state;
    sim_rng rng = fresh();
    assert_true(sim_rng_poisson(&rng, 0.0) == 0.0);
    assert_true(sim_rng_binomial(&rng, 7, 1.0) == 7.0);
    assert_true(sim_rng_binomial(&rng, 7, 0.0) == 0.0);
    assert_true(sim_rng_binomial(&rng, 0, 0.5) == 0.0);
    assert_true(sim_rng_geometric(&rng, 1.0) == 1.0);
    assert_int_equal(sim_rng_bernoulli(&rng, 1.0), 1);
    assert_int_equal(sim_rng_bernoulli(&rng, 0.0), 0);
    assert_true(sim_rng_lognormal_mean_cv(&rng, 3.0, 0.0) == 3.0);
}

static void test_kit_bad_arguments_return_nan_without_drawing(void **state)
{
    (void)state;
    sim_rng rng = fresh(), before = rng;
    assert_true(isnan(sim_rng_lognormal_mean_cv(&rng, 0.0, 1.0)));
    assert_true(isnan(sim_rng_lognormal_mean_cv(&rng, 1.0, -1.0)));
    assert_true(isnan(sim_rng_gamma_mean_cv(&rng, 1.0, 0.0)));
    assert_true(isnan(sim_rng_gamma_mean_cv(&rng, -1.0, 1.0)));
    assert_true(isnan(sim_rng_erlang_mean(&rng, 0, 1.0)));
    assert_true(isnan(sim_rng_erlang_mean(&rng, 2, INFINITY)));
    assert_true(isnan(sim_rng_weibull(&rng, 0.0, 1.0)));
    assert_true(isnan(sim_rng_weibull(&rng, 1.0, NAN)));
    assert_true(isnan(sim_rng_beta(&rng, 0.0, 1.0)));
    assert_true(isnan(sim_rng_beta(&rng, 1.0, -2.0)));
    assert_true(isnan(sim_rng_geometric(&rng, 0.0)));
    assert_true(isnan(sim_rng_geometric(&rng, 1.5)));
    assert_true(isnan(sim_rng_poisson(&rng, -1.0)));
    assert_true(isnan(sim_rng_poisson(&rng, NAN)));
    assert_true(isnan(sim_rng_poisson(&rng, INFINITY)));
    assert_true(isnan(sim_rng_binomial(&rng, 10, -0.1)));
    assert_true(isnan(sim_rng_binomial(&rng, 10, NAN)));
    assert_true(isnan(sim_rng_binomial(&rng, UINT64_MAX, 0.5)));
    assert_int_equal(sim_rng_bernoulli(&rng, 1.5), 0);
    assert_int_equal(sim_rng_bernoulli(&rng, NAN), 0);
    assert_true(isnan(sim_rng_empirical(&rng, NULL)));
    assert_true(isnan(sim_rng_discrete(&rng, NULL)));
    assert_true(rng.state == before.state);
    assert_true(isnan(sim_rng_weibull(NULL, 1.0, 1.0)));
    assert_true(isnan(sim_rng_poisson(NULL, 1.0)));
}

static void test_table_constructors_reject_bad_input(void **state)
{
    (void)state;
    static const double two[] = {1.0, 2.0}, inf[] = {1.0, INFINITY};
    static const double neg[] = {1.0, -1.0}, zero[] = {0.0, 0.0};
    assert_null(sim_empirical_new(NULL, 2));
    assert_null(sim_empirical_new(two, 1));
    assert_null(sim_empirical_new(inf, 2));
    assert_null(sim_discrete_new(NULL, NULL, 2));
    assert_null(sim_discrete_new(NULL, two, 0));
    assert_null(sim_discrete_new(NULL, neg, 2));
    assert_null(sim_discrete_new(NULL, zero, 2));
    assert_null(sim_discrete_new(NULL, inf, 2));
    assert_null(sim_discrete_new(inf, two, 2));
    sim_empirical_free(NULL);
    sim_discrete_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lognormal_by_mean_cv_has_that_mean_and_cv),
        cmocka_unit_test(test_gamma_by_mean_cv_has_that_mean_and_cv),
        cmocka_unit_test(test_erlang_by_mean_has_that_mean),
        cmocka_unit_test(test_weibull_matches_moments_and_cdf),
        cmocka_unit_test(test_beta_matches_moments_and_cdf),
        cmocka_unit_test(test_bernoulli_matches_moments_and_cdf),
        cmocka_unit_test(test_geometric_counts_trials_to_first_success),
        cmocka_unit_test(test_poisson_by_inversion_matches_moments_and_cdf),
        cmocka_unit_test(test_poisson_by_recursion_matches_moments_and_cdf),
        cmocka_unit_test(test_binomial_by_inversion_matches_moments_and_cdf),
        cmocka_unit_test(test_binomial_by_recursion_matches_moments_and_cdf),
        cmocka_unit_test(test_empirical_follows_piecewise_linear_cdf_of_data),
        cmocka_unit_test(test_discrete_alias_follows_values_and_weights),
        cmocka_unit_test(test_discrete_never_draws_a_zero_weight_entry),
        cmocka_unit_test(test_discrete_without_values_answers_indices),
        cmocka_unit_test(test_inversion_laws_draw_exactly_one_double),
        cmocka_unit_test(test_table_laws_draw_exactly_one_double),
        cmocka_unit_test(test_certain_outcomes_are_exact),
        cmocka_unit_test(test_kit_bad_arguments_return_nan_without_drawing),
        cmocka_unit_test(test_table_constructors_reject_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
