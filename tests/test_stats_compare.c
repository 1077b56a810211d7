/* test_stats_compare.c - the intervals procsim uses to decide between configurations:
 * paired differences (common random numbers) against values computed by hand, and
 * Wilson's score interval against published tables, also as the runner applies it to
 * metrics an experiment marks as proportions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "runner.h"
#include "sim_rng.h"

#define assert_near(actual, expected, tol)                                          \
    do {                                                                            \
        double a_ = (actual), e_ = (expected);                                      \
        if (!(fabs(a_ - e_) <= (tol)))                                              \
            fail_msg("%s = %.17g, expected %.17g (tol %.3g)", #actual, a_, e_,      \
                     (double)(tol));                                                \
    } while (0)

/* ---- paired differences ----------------------------------------------------------- */

/* x = 5 7 6 9, y = 4 5 5 6: d = 1 2 1 3, mean 1.75, var 2.75 / 3, sd 0.9574271;
 * t(0.975, 3) = 3.1824463 gives half-width 3.1824463 x 0.9574271 / 2 = 1.5234802.
 * var x = 8.75 / 3, var y = 2 / 3: reduction (35 / 12 + 8 / 12) / (11 / 12) = 43 / 11. */
static void paired_difference_matches_hand_computation(void **state)
{
    (void)state;
    const double x[] = {5, 7, 6, 9}, y[] = {4, 5, 5, 6};
    stats_paired_summary s;
    assert_int_equal(stats_paired(x, y, 4, 0.95, &s), 0);
    assert_int_equal(s.diff.n, 4);
    assert_near(s.diff.mean, 1.75, 1e-15);
    assert_near(s.diff.sd, 0.95742710775633810, 1e-12);
    assert_near(s.diff.half_width, 1.5234802, 1e-6);
    assert_near(s.diff.ci_low, 1.75 - 1.5234802, 1e-6);
    assert_near(s.diff.ci_high, 1.75 + 1.5234802, 1e-6);
    assert_near(s.var_x, 8.75 / 3, 1e-12);
    assert_near(s.var_y, 2.0 / 3, 1e-12);
    assert_near(s.var_reduction, 43.0 / 11, 1e-12);
}

/* Pairs that move together exactly: the difference is constant, its interval has no
 * width and the pairing removed all the variance. */
static void paired_constant_difference_is_an_infinite_reduction(void **state)
{
    (void)state;
    const double x[] = {3, 5, 4}, y[] = {1, 3, 2};
    stats_paired_summary s;
    assert_int_equal(stats_paired(x, y, 3, 0.95, &s), 0);
    assert_near(s.diff.mean, 2.0, 0);
    assert_near(s.diff.half_width, 0.0, 0);
    assert_true(isinf(s.var_reduction));
}

/* Independent columns: var(x - y) is about var x + var y, a reduction near 1. */
static void paired_independent_columns_reduce_nothing(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    sim_rng a, b;
    sim_rng_seed(&a, 1, 1);
    sim_rng_seed(&b, 2, 7);
    for (size_t i = 0; i < N; i++) {
        x[i] = sim_rng_double(&a);
        y[i] = sim_rng_double(&b);
    }
    stats_paired_summary s;
    assert_int_equal(stats_paired(x, y, N, 0.95, &s), 0);
    assert_near(s.var_reduction, 1.0, 0.05);
    free(x);
    free(y);
}

static void paired_refuses_non_finite_values(void **state)
{
    (void)state;
    const double x[] = {1, NAN}, y[] = {1, 2};
    stats_paired_summary s;
    assert_int_equal(stats_paired(x, y, 2, 0.95, &s), -1);
    assert_true(isnan(s.diff.mean));
    assert_true(isnan(s.var_reduction));
}

static void bonferroni_splits_the_error_rate(void **state)
{
    (void)state;
    assert_near(stats_bonferroni_level(0.95, 1), 0.95, 1e-15);
    assert_near(stats_bonferroni_level(0.95, 5), 0.99, 1e-15);
    assert_near(stats_bonferroni_level(0.9, 4), 0.975, 1e-15);
    assert_true(isnan(stats_bonferroni_level(0.95, 0)));
    assert_true(isnan(stats_bonferroni_level(1.0, 3)));
}

/* ---- Wilson's interval -------------------------------------------------------------- */

/* Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
 * seven methods", Statistics in Medicine 17 (1998) 857-872, Table I, method 3 (score
 * interval without continuity correction), 95%: printed to 4 decimals. */
static void wilson_matches_newcombe_1998_table_1(void **state)
{
    (void)state;
    static const struct {
        double x, n, lo, hi;
    } t[] = {
        {81, 263, 0.2553, 0.3662},
        {15, 148, 0.0624, 0.1605},
        {0, 20, 0.0000, 0.1611},
        {1, 29, 0.0061, 0.1718},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        double lo, hi;
        assert_int_equal(stats_wilson(t[i].x / t[i].n, t[i].n, 0.95, &lo, &hi), 0);
        assert_near(lo, t[i].lo, 0.00005);
        assert_near(hi, t[i].hi, 0.00005);
    }
}

/* All successes mirror no successes; the interval never leaves [0, 1]. */
static void wilson_is_symmetric_and_stays_in_the_unit_interval(void **state)
{
    (void)state;
    double lo0, hi0, lo1, hi1;
    assert_int_equal(stats_wilson(0.0, 20, 0.95, &lo0, &hi0), 0);
    assert_int_equal(stats_wilson(1.0, 20, 0.95, &lo1, &hi1), 0);
    assert_near(lo0, 0.0, 0);
    assert_near(hi1, 1.0, 0);
    assert_near(lo1, 1.0 - hi0, 1e-15);
    assert_true(hi0 > 0.0);
}

static void wilson_refuses_bad_arguments(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(stats_wilson(0.5, 0, 0.95, &lo, &hi), -1);
    assert_true(isnan(lo) && isnan(hi));
    assert_int_equal(stats_wilson(1.5, 10, 0.95, &lo, &hi), -1);
    assert_int_equal(stats_wilson(0.5, 10, 1.0, &lo, &hi), -1);
}

/* ---- proportions in the runner ------------------------------------------------------- */

/* metric 0: a rare 0/1 event (probability params[0]); metric 1: a fraction, the share of
 * 100 draws below params[1]; metric 2: the same fraction, not marked. */
static sim_status coin_replicate(sim_env *env, const double *params, double *metrics)
{
    sim_rng *r = sim_env_rng(env, 0);
    metrics[0] = sim_rng_double(r) < params[0];
    int below = 0;
    for (int i = 0; i < 100; i++)
        below += sim_rng_double(r) < params[1];
    metrics[1] = metrics[2] = below / 100.0;
    return SIM_OK;
}

static const exp_param coin_params[] = {{"p", 0.0, 0.0, 1.0, 0, "event probability"},
                                        {"q", 0.5, 0.0, 1.0, 0, "draw probability"}};
static const exp_metric coin_metrics[] = {{"event", "1 if it happened", 1},
                                          {"share", "draws below q", 1},
                                          {"share_t", "the same, t interval", 0}};
static const exp_experiment coin = {"coin", "indicators and fractions", coin_params, 2,
                                    coin_metrics, 3, coin_replicate, NULL, NULL, 0, 0};

static runner_result *run_coin(const char *assignment, size_t reps)
{
    runner_plan *plan = runner_plan_new(&coin);
    runner_err err;
    assert_int_equal(runner_plan_set(plan, assignment, &err), 0);
    runner_options opt;
    runner_options_init(&opt);
    opt.reps = reps;
    opt.threads = 2;
    runner_result *res = runner_run(plan, &opt, &err);
    assert_non_null(res);
    runner_plan_free(plan);
    return res;
}

/* The case of the issue: 0 in all 200 replications is not [0, 0] but Wilson's
 * [0, 0.0188] (3.84 / 203.84: "the rule of three" in its score form). */
static void indicator_that_never_happened_gets_a_wilson_interval(void **state)
{
    (void)state;
    runner_result *res = run_coin("p=0", 200);
    stats_summary s;
    assert_int_equal(runner_summarize(res, 0, 0, 0.95, &s), 0);
    assert_near(s.mean, 0.0, 0);
    assert_near(s.ci_low, 0.0, 0);
    assert_near(s.ci_high, 0.0188, 0.00005);
    assert_near(s.half_width, s.ci_high / 2, 1e-15);
    runner_result_free(res);
}

/* 0/1 values: exactly Wilson with n = replications. */
static void indicator_interval_is_wilson_with_n_replications(void **state)
{
    (void)state;
    runner_result *res = run_coin("p=0.3", 150);
    stats_summary s;
    double lo, hi;
    assert_int_equal(runner_summarize(res, 0, 0, 0.9, &s), 0);
    assert_int_equal(stats_wilson(s.mean, 150, 0.9, &lo, &hi), 0);
    assert_near(s.ci_low, lo, 1e-15);
    assert_near(s.ci_high, hi, 1e-15);
    assert_true(s.mean > 0.2 && s.mean < 0.4);
    runner_result_free(res);
}

/* A fraction with much less spread than a coin: about the t interval's width (the
 * effective number of trials with the degrees-of-freedom correction), not the far
 * wider Wilson interval of 40 coin flips. */
static void fraction_interval_has_about_the_t_width(void **state)
{
    (void)state;
    runner_result *res = run_coin("q=0.5", 40);
    stats_summary w, t;
    double lo, hi;
    assert_int_equal(runner_summarize(res, 0, 1, 0.95, &w), 0);
    assert_int_equal(runner_summarize(res, 0, 2, 0.95, &t), 0);
    assert_near(w.mean, t.mean, 0);
    assert_near(w.half_width, t.half_width, 0.02 * t.half_width);
    assert_int_equal(stats_wilson(w.mean, 40, 0.95, &lo, &hi), 0);
    assert_true(w.half_width < 0.5 * (hi - lo) / 5);
    runner_result_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paired_difference_matches_hand_computation),
        cmocka_unit_test(paired_constant_difference_is_an_infinite_reduction),
        cmocka_unit_test(paired_independent_columns_reduce_nothing),
        cmocka_unit_test(paired_refuses_non_finite_values),
        cmocka_unit_test(bonferroni_splits_the_error_rate),
        cmocka_unit_test(wilson_matches_newcombe_1998_table_1),
        cmocka_unit_test(wilson_is_symmetric_and_stays_in_the_unit_interval),
        cmocka_unit_test(wilson_refuses_bad_arguments),
        cmocka_unit_test(indicator_that_never_happened_gets_a_wilson_interval),
        cmocka_unit_test(indicator_interval_is_wilson_with_n_replications),
        cmocka_unit_test(fraction_interval_has_about_the_t_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
