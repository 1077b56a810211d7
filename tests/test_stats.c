/* test_stats.c - the statistics module against values computed by hand,
 * published t tables, closed forms and an independent quadrature. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stats.h"

#define PI 3.14159265358979323846

/* |actual - expected| <= rel * |expected|, with both values printed on failure. */
#define assert_rel(actual, expected, rel)                                           \
    do {                                                                            \
        double a_ = (actual), e_ = (expected);                                      \
        if (!(fabs(a_ - e_) <= (rel) * fabs(e_)))                                   \
            fail_msg("%s = %.17g, expected %.17g (rel tol %.3g)", #actual, a_, e_,  \
                     (double)(rel));                                                \
    } while (0)

#define assert_nan(x) assert_true(isnan(x))

/* ------------------------------------------------------------------ tally */

static void test_tally_empty_has_no_statistics(void **state)
{
    (void)state;
    stats_tally t;
    stats_tally_init(&t);
    assert_int_equal(t.n, 0);
    assert_nan(stats_tally_mean(&t));
    assert_nan(stats_tally_variance(&t));
    assert_nan(stats_tally_sd(&t));
    assert_nan(stats_tally_min(&t));
    assert_nan(stats_tally_max(&t));
}

static void test_tally_single_value_has_mean_but_no_variance(void **state)
{
    (void)state;
    stats_tally t;
    stats_tally_init(&t);
    stats_tally_add(&t, 4.25);
    assert_rel(stats_tally_mean(&t), 4.25, 0);
    assert_rel(stats_tally_min(&t), 4.25, 0);
    assert_rel(stats_tally_max(&t), 4.25, 0);
    assert_nan(stats_tally_variance(&t));
}

static void test_tally_matches_hand_computed_moments(void **state)
{
    (void)state;
    /* Sum 40, mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, variance 32/7. */
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    stats_tally t;
    stats_tally_init(&t);
    for (size_t i = 0; i < 8; i++)
        stats_tally_add(&t, x[i]);
    assert_int_equal(t.n, 8);
    assert_rel(stats_tally_mean(&t), 5.0, 1e-15);
    assert_rel(stats_tally_variance(&t), 32.0 / 7.0, 1e-15);
    assert_rel(stats_tally_sd(&t), sqrt(32.0 / 7.0), 1e-15);
    assert_rel(stats_tally_min(&t), 2.0, 0);
    assert_rel(stats_tally_max(&t), 9.0, 0);
}

static void test_tally_is_exact_for_values_near_1e9(void **state)
{
    (void)state;
    /* 1e9 + {4, 7, 13, 16}: variance 30. Sums of squares (~4e18, rounding
     * ~512) get this badly wrong. */
    const double off[] = {4, 7, 13, 16};
    stats_tally t;
    stats_tally_init(&t);
    for (size_t i = 0; i < 4; i++)
        stats_tally_add(&t, 1e9 + off[i]);
    assert_rel(stats_tally_mean(&t), 1e9 + 10.0, 1e-15);
    assert_rel(stats_tally_variance(&t), 30.0, 1e-12);

    /* 1e9 + k, k = 1..N: sample variance N(N+1)/12. */
    const uint64_t n = 1000000;
    stats_tally_init(&t);
    for (uint64_t k = 1; k <= n; k++)
        stats_tally_add(&t, 1e9 + (double)k);
    assert_rel(stats_tally_mean(&t), 1e9 + (double)(n + 1) / 2.0, 1e-15);
    assert_rel(stats_tally_variance(&t), (double)n * (double)(n + 1) / 12.0, 1e-9);
}

/* A fixed pseudo-random sequence (64-bit LCG), so the test is reproducible. */
static double lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1.0p-53;
}

static void test_tally_merge_equals_adding_sequentially(void **state)
{
    (void)state;
    double x[1000];
    uint64_t seed = 42;
    for (size_t i = 0; i < 1000; i++)
        x[i] = 1e6 + 100.0 * lcg_next(&seed);
    stats_tally all;
    stats_tally_init(&all);
    for (size_t i = 0; i < 1000; i++)
        stats_tally_add(&all, x[i]);

    const size_t splits[] = {1, 2, 333, 500, 999};
    for (size_t s = 0; s < 5; s++) {
        stats_tally a, b;
        stats_tally_init(&a);
        stats_tally_init(&b);
        for (size_t i = 0; i < splits[s]; i++)
            stats_tally_add(&a, x[i]);
        for (size_t i = splits[s]; i < 1000; i++)
            stats_tally_add(&b, x[i]);
        stats_tally_merge(&a, &b);
        assert_int_equal(a.n, all.n);
        assert_rel(stats_tally_mean(&a), stats_tally_mean(&all), 1e-14);
        assert_rel(stats_tally_variance(&a), stats_tally_variance(&all), 1e-10);
        assert_rel(stats_tally_min(&a), stats_tally_min(&all), 0);
        assert_rel(stats_tally_max(&a), stats_tally_max(&all), 0);
    }
}

static void test_tally_merge_with_empty_changes_nothing(void **state)
{
    (void)state;
    stats_tally a, empty, c;
    stats_tally_init(&a);
    stats_tally_init(&empty);
    stats_tally_add(&a, 1.0);
    stats_tally_add(&a, 3.0);
    stats_tally_merge(&a, &empty);
    assert_int_equal(a.n, 2);
    assert_rel(stats_tally_mean(&a), 2.0, 0);
    assert_rel(stats_tally_variance(&a), 2.0, 0);
    stats_tally_init(&c);
    stats_tally_merge(&c, &a);   /* empty <- full: a copy */
    assert_int_equal(c.n, 2);
    assert_rel(stats_tally_variance(&c), 2.0, 0);
    assert_rel(stats_tally_min(&c), 1.0, 0);
    assert_rel(stats_tally_max(&c), 3.0, 0);
}

static void test_tally_handles_billions_of_observations(void **state)
{
    (void)state;
    /* {1e9+1, 1e9+2, 1e9+3} merged with itself 30 times is 3 * 2^30 (3.2e9)
     * observations: mean 1e9+2, m2 = 2 * 2^30, variance 2^31 / (3*2^30 - 1). */
    stats_tally t;
    stats_tally_init(&t);
    for (int k = 1; k <= 3; k++)
        stats_tally_add(&t, 1e9 + k);
    for (int i = 0; i < 30; i++) {
        stats_tally copy = t;
        stats_tally_merge(&t, &copy);
    }
    assert_true(t.n == 3ULL << 30);
    assert_rel(stats_tally_mean(&t), 1e9 + 2.0, 1e-15);
    assert_rel(stats_tally_variance(&t), 0x1.0p31 / (3.0 * 0x1.0p30 - 1.0), 1e-12);
}

/* ---------------------------------------------------------- time average */

/* Level 0 on [0,2), 3 on [2,5), 1 on [5,9), 0 from 9. */
static void staircase(stats_timeavg *a)
{
    stats_timeavg_init(a, 0.0, 0.0);
    stats_timeavg_set(a, 2.0, 3.0);
    stats_timeavg_set(a, 5.0, 1.0);
    stats_timeavg_set(a, 9.0, 0.0);
}

static void test_timeavg_matches_hand_computed_area(void **state)
{
    (void)state;
    stats_timeavg a;
    staircase(&a);
    /* Area 0*2 + 3*3 + 1*4 + 0*1 = 13 over [0,10]. */
    assert_rel(stats_timeavg_area(&a, 10.0), 13.0, 1e-15);
    assert_rel(stats_timeavg_mean(&a, 10.0), 1.3, 1e-15);
    assert_rel(a.min, 0.0, 0);
    assert_rel(a.max, 3.0, 0);
}

static void test_timeavg_current_level_lasts_until_the_end(void **state)
{
    (void)state;
    stats_timeavg a;
    staircase(&a);
    stats_timeavg_set(&a, 9.0, 2.0);   /* same instant: 2 replaces 0 from t = 9 */
    /* 13 + 2*(12-9) = 19 over [0,12]. */
    assert_rel(stats_timeavg_mean(&a, 12.0), 19.0 / 12.0, 1e-15);
}

static void test_timeavg_reset_forgets_the_warmup(void **state)
{
    (void)state;
    stats_timeavg a;
    stats_timeavg_init(&a, 0.0, 0.0);
    stats_timeavg_set(&a, 2.0, 3.0);
    stats_timeavg_set(&a, 5.0, 1.0);
    stats_timeavg_reset(&a, 6.0);   /* level 1 carries on from 6 */
    assert_rel(a.start, 6.0, 0);
    stats_timeavg_set(&a, 9.0, 0.0);
    /* 1*(9-6) + 0*(10-9) = 3 over [6,10]. */
    assert_rel(stats_timeavg_mean(&a, 10.0), 0.75, 1e-15);
    assert_rel(a.max, 1.0, 0);   /* the 3 held before the reset is forgotten */
    assert_rel(a.min, 0.0, 0);
}

static void test_timeavg_time_running_backwards_adds_no_area(void **state)
{
    (void)state;
    stats_timeavg a;
    stats_timeavg_init(&a, 0.0, 1.0);
    stats_timeavg_set(&a, 4.0, 2.0);
    stats_timeavg_set(&a, 3.0, 5.0);   /* taken as t = 4 */
    stats_timeavg_set(&a, NAN, 5.0);   /* likewise */
    /* 1*4 + 5*(6-4) = 14 over [0,6]. */
    assert_rel(stats_timeavg_area(&a, 6.0), 14.0, 1e-15);
}

static void test_timeavg_empty_or_past_window_is_nan(void **state)
{
    (void)state;
    stats_timeavg a;
    stats_timeavg_init(&a, 5.0, 2.0);
    assert_nan(stats_timeavg_mean(&a, 5.0));   /* zero-length window */
    stats_timeavg_set(&a, 8.0, 1.0);
    assert_nan(stats_timeavg_mean(&a, 7.0));   /* before the latest change */
    assert_rel(stats_timeavg_mean(&a, 8.0), 2.0, 0);
}

static void test_timeavg_keeps_small_rectangles_after_a_huge_area(void **state)
{
    (void)state;
    /* Level 1e9 for 1e9 time units makes the area 1e18, whose ulp is 128;
     * then a million changes alternating 1 and 0 every 1/8 add 62500 in pieces
     * of 1/8, each of which a plain running sum would round away. */
    stats_timeavg a;
    stats_timeavg_init(&a, 0.0, 1e9);
    double t = 1e9;
    for (int k = 0; k < 1000000; k++, t += 0.125)
        stats_timeavg_set(&a, t, k % 2 == 0 ? 1.0 : 0.0);
    assert_rel(stats_timeavg_area(&a, t), 1e18 + 62500.0, 1e-16);
}

/* -------------------------------------------------------------- histogram */

static void test_histogram_rejects_bad_ranges(void **state)
{
    (void)state;
    assert_null(stats_histogram_new(1.0, 1.0, 10));
    assert_null(stats_histogram_new(2.0, 1.0, 10));
    assert_null(stats_histogram_new(0.0, 1.0, 0));
    assert_null(stats_histogram_new(NAN, 1.0, 10));
    assert_null(stats_histogram_new(0.0, INFINITY, 10));
    assert_null(stats_histogram_new(-1e308, 1e308, 10));   /* width overflows */
    stats_histogram_free(NULL);   /* harmless */
}

static void test_histogram_counts_bins_and_out_of_range(void **state)
{
    (void)state;
    stats_histogram *h = stats_histogram_new(0.0, 10.0, 10);
    assert_non_null(h);
    const double x[] = {-1.0, 0.0, 9.999999999999998, 10.0, 5.5, NAN};
    for (size_t i = 0; i < 6; i++)
        stats_histogram_add(h, x[i]);
    assert_int_equal(stats_histogram_count(h), 5);
    assert_int_equal(stats_histogram_underflow(h), 1);
    assert_int_equal(stats_histogram_overflow(h), 1);
    assert_int_equal(stats_histogram_nan_count(h), 1);
    assert_int_equal(stats_histogram_bin(h, 0), 1);
    assert_int_equal(stats_histogram_bin(h, 5), 1);
    assert_int_equal(stats_histogram_bin(h, 9), 1);
    assert_int_equal(stats_histogram_bin(h, 10), 0);   /* out of range: 0 */
    assert_int_equal(stats_histogram_bins(h), 10);
    assert_rel(stats_histogram_min(h), -1.0, 0);
    assert_rel(stats_histogram_max(h), 10.0, 0);
    stats_histogram_free(h);
}

static void test_histogram_value_just_below_hi_lands_in_last_bin(void **state)
{
    (void)state;
    /* x - lo rounds up to exactly hi - lo here, so a plain scaled index would
     * be one past the last bin. */
    stats_histogram *h = stats_histogram_new(-1.0, 1.0, 4);
    stats_histogram_add(h, nextafter(1.0, 0.0));
    assert_int_equal(stats_histogram_bin(h, 3), 1);
    assert_int_equal(stats_histogram_overflow(h), 0);
    stats_histogram_free(h);
}

static void test_histogram_small_sample_quantiles_are_exact(void **state)
{
    (void)state;
    /* Sorted: 1 1 2 3 4 5 6 9; quantile p at position 7p, interpolated. */
    stats_histogram *h = stats_histogram_new(0.0, 100.0, 4);
    const double x[] = {3, 1, 4, 1, 5, 9, 2, 6};
    for (size_t i = 0; i < 8; i++)
        stats_histogram_add(h, x[i]);
    assert_true(stats_histogram_is_exact(h));
    assert_rel(stats_histogram_quantile(h, 0.5), 3.5, 1e-15);    /* pos 3.5 */
    assert_rel(stats_histogram_quantile(h, 0.9), 6.9, 1e-15);    /* pos 6.3 */
    assert_rel(stats_histogram_quantile(h, 0.99), 8.79, 1e-15);  /* pos 6.93 */
    assert_rel(stats_histogram_quantile(h, 0.0), 1.0, 0);
    assert_rel(stats_histogram_quantile(h, 1.0), 9.0, 0);
    stats_histogram_free(h);
}

static void test_histogram_binned_quantiles_interpolate_within_bins(void **state)
{
    (void)state;
    /* One sample at the middle of each unit bin; min 0.5 and max 9.5 narrow
     * the outer bins to [0.5,1) and [9,9.5]. */
    stats_histogram *h = stats_histogram_new_exact(0.0, 10.0, 10, 0);
    for (int i = 0; i < 10; i++)
        stats_histogram_add(h, i + 0.5);
    assert_false(stats_histogram_is_exact(h));
    assert_rel(stats_histogram_quantile(h, 0.05), 0.75, 1e-15); /* half of [0.5,1) */
    assert_rel(stats_histogram_quantile(h, 0.5), 5.0, 1e-15);   /* 5 of 10 below 5 */
    assert_rel(stats_histogram_quantile(h, 0.25), 2.5, 1e-15);  /* half of bin [2,3) */
    assert_rel(stats_histogram_quantile(h, 0.9), 9.0, 1e-15);
    assert_rel(stats_histogram_quantile(h, 0.99), 9.45, 1e-15); /* 0.9 of [9,9.5] */
    assert_rel(stats_histogram_quantile(h, 0.0), 0.5, 0);
    assert_rel(stats_histogram_quantile(h, 1.0), 9.5, 0);
    stats_histogram_free(h);
}

static void test_histogram_out_of_range_cells_reach_to_min_and_max(void **state)
{
    (void)state;
    stats_histogram *h = stats_histogram_new_exact(0.0, 10.0, 10, 0);
    const double x[] = {-10.0, 1.5, 2.5, 20.0};
    for (size_t i = 0; i < 4; i++)
        stats_histogram_add(h, x[i]);
    /* Rank 0.5 is half-way through the underflow cell [-10, 0); rank 3.5 is
     * half-way through the overflow cell [10, 20]. */
    assert_rel(stats_histogram_quantile(h, 0.125), -5.0, 1e-15);
    assert_rel(stats_histogram_quantile(h, 0.875), 15.0, 1e-15);
    stats_histogram_free(h);
}

static void test_histogram_switches_to_bins_beyond_exact_limit(void **state)
{
    (void)state;
    stats_histogram *h = stats_histogram_new_exact(0.0, 4.0, 4, 4);
    for (int i = 0; i < 4; i++)
        stats_histogram_add(h, i + 0.25);   /* 0.25 1.25 2.25 3.25 */
    assert_true(stats_histogram_is_exact(h));
    assert_rel(stats_histogram_quantile(h, 0.5), 1.75, 1e-15);
    stats_histogram_add(h, 3.75);
    assert_false(stats_histogram_is_exact(h));
    /* Rank 2.5 of 5: half-way through bin [2,3). */
    assert_rel(stats_histogram_quantile(h, 0.5), 2.5, 1e-15);
    stats_histogram_free(h);
}

static void test_histogram_large_sample_quantiles(void **state)
{
    (void)state;
    /* 100000 evenly spread values over [0,10), 1000 per bin of width 0.1. */
    stats_histogram *h = stats_histogram_new(0.0, 10.0, 100);
    for (int i = 0; i < 100000; i++)
        stats_histogram_add(h, (i + 0.5) / 10000.0);
    assert_int_equal(stats_histogram_count(h), 100000);
    assert_rel(stats_histogram_quantile(h, 0.5), 5.0, 1e-12);
    assert_rel(stats_histogram_quantile(h, 0.9), 9.0, 1e-12);
    assert_rel(stats_histogram_quantile(h, 0.99), 9.9, 1e-12);
    assert_rel(stats_histogram_quantile(h, 0.123), 1.23, 1e-12);
    stats_histogram_free(h);
}

static void test_histogram_reset_forgets_samples(void **state)
{
    (void)state;
    stats_histogram *h = stats_histogram_new_exact(0.0, 10.0, 10, 2);
    for (int i = 0; i < 50; i++)
        stats_histogram_add(h, 9.0);
    stats_histogram_add(h, NAN);
    stats_histogram_reset(h);
    assert_int_equal(stats_histogram_count(h), 0);
    assert_int_equal(stats_histogram_nan_count(h), 0);
    assert_int_equal(stats_histogram_bin(h, 9), 0);
    assert_nan(stats_histogram_quantile(h, 0.5));
    stats_histogram_add(h, 1.0);
    stats_histogram_add(h, 3.0);
    assert_true(stats_histogram_is_exact(h));   /* exact again after a reset */
    assert_rel(stats_histogram_quantile(h, 0.5), 2.0, 1e-15);
    assert_rel(stats_histogram_min(h), 1.0, 0);
    stats_histogram_free(h);
}

static void test_histogram_bad_quantile_requests_are_nan(void **state)
{
    (void)state;
    stats_histogram *h = stats_histogram_new(0.0, 1.0, 10);
    assert_nan(stats_histogram_quantile(h, 0.5));   /* empty */
    stats_histogram_add(h, 0.5);
    assert_nan(stats_histogram_quantile(h, -0.1));
    assert_nan(stats_histogram_quantile(h, 1.1));
    assert_nan(stats_histogram_quantile(h, NAN));
    assert_nan(stats_histogram_quantile(NULL, 0.5));
    stats_histogram_free(h);
}

/* ---------------------------------------------------------------- summary */

static void test_summary_of_one_to_ten_matches_hand_computation(void **state)
{
    (void)state;
    /* mean 5.5; squared deviations sum to 82.5, so sd = sqrt(82.5/9);
     * t_{0.975,9} = 2.262157162798205 (closed form A(t|9), A&S 26.7.3);
     * half width = t * sd / sqrt(10) = 2.165850589668169. */
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    stats_summary s;
    assert_int_equal(stats_summarize(x, 10, 0.95, &s), 0);
    assert_int_equal(s.n, 10);
    assert_rel(s.mean, 5.5, 1e-15);
    assert_rel(s.sd, 3.0276503540974917, 1e-14);
    assert_rel(s.half_width, 2.165850589668169, 1e-12);
    assert_rel(s.ci_low, 3.334149410331831, 1e-12);
    assert_rel(s.ci_high, 7.665850589668169, 1e-12);
    assert_rel(s.min, 1.0, 0);
    assert_rel(s.max, 10.0, 0);
}

static void test_summary_width_follows_confidence_level(void **state)
{
    (void)state;
    /* Same data; t_{0.95,9} = 1.833113, t_{0.995,9} = 3.249836 (table). */
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    double se = 3.0276503540974917 / sqrt(10.0);
    stats_summary s;
    assert_int_equal(stats_summarize(x, 10, 0.90, &s), 0);
    assert_rel(s.half_width, 1.833113 * se, 1e-6);
    assert_int_equal(stats_summarize(x, 10, 0.99, &s), 0);
    assert_rel(s.half_width, 3.249836 * se, 1e-6);
}

static void test_summary_of_one_value_has_no_interval(void **state)
{
    (void)state;
    double x = 7.0;
    stats_summary s;
    assert_int_equal(stats_summarize(&x, 1, 0.95, &s), 0);
    assert_int_equal(s.n, 1);
    assert_rel(s.mean, 7.0, 0);
    assert_rel(s.min, 7.0, 0);
    assert_rel(s.max, 7.0, 0);
    assert_nan(s.sd);
    assert_nan(s.half_width);
    assert_nan(s.ci_low);
    assert_nan(s.ci_high);
}

static void test_summary_of_no_values_is_all_nan(void **state)
{
    (void)state;
    stats_summary s;
    assert_int_equal(stats_summarize(NULL, 0, 0.95, &s), 0);
    assert_int_equal(s.n, 0);
    assert_nan(s.mean);
    assert_nan(s.sd);
    assert_nan(s.ci_low);
    assert_nan(s.ci_high);
    assert_nan(s.half_width);
    assert_nan(s.min);
    assert_nan(s.max);
}

static void test_summary_rejects_bad_arguments(void **state)
{
    (void)state;
    double x[3] = {1.0, 2.0, 3.0};
    const double bad_conf[] = {0.0, 1.0, -0.5, 1.5, NAN};
    stats_summary s;
    for (size_t i = 0; i < 5; i++) {
        s.mean = 42.0;
        assert_int_equal(stats_summarize(x, 3, bad_conf[i], &s), -1);
        assert_nan(s.mean);   /* never left looking valid */
    }
    assert_int_equal(stats_summarize(x, 3, 0.95, NULL), -1);
    assert_int_equal(stats_summarize(NULL, 3, 0.95, &s), -1);
    x[1] = NAN;
    assert_int_equal(stats_summarize(x, 3, 0.95, &s), -1);
    x[1] = INFINITY;
    assert_int_equal(stats_summarize(x, 3, 0.95, &s), -1);
    assert_int_equal(stats_summarize_tally(NULL, 0.95, &s), -1);
}

static void test_summary_of_tally_equals_summary_of_values(void **state)
{
    (void)state;
    const double x[] = {3.5, 1.25, 8.0, 2.0, 4.75};
    stats_tally a, b;
    stats_tally_init(&a);
    stats_tally_init(&b);
    for (size_t i = 0; i < 5; i++)
        stats_tally_add(i < 2 ? &a : &b, x[i]);
    stats_tally_merge(&a, &b);   /* partial results combined */
    stats_summary from_values, from_tally;
    assert_int_equal(stats_summarize(x, 5, 0.95, &from_values), 0);
    assert_int_equal(stats_summarize_tally(&a, 0.95, &from_tally), 0);
    assert_int_equal(from_tally.n, 5);
    assert_rel(from_tally.mean, from_values.mean, 1e-15);
    assert_rel(from_tally.half_width, from_values.half_width, 1e-14);
    assert_rel(from_tally.min, 1.25, 0);
    assert_rel(from_tally.max, 8.0, 0);
}

static void test_summary_relative_precision(void **state)
{
    (void)state;
    stats_summary s = {.n = 10, .mean = -4.0, .half_width = 0.5};
    assert_rel(stats_summary_rel_precision(&s), 0.125, 0);
    s.mean = 0.0;
    assert_nan(stats_summary_rel_precision(&s));
    assert_nan(stats_summary_rel_precision(NULL));
}

/* ------------------------------------------------------ t and normal */

/* Equal when both are rounded to `digits` significant digits (half an ulp of
 * the last digit of the table value). */
static int same_sig_digits(double value, double table, int digits)
{
    double unit = pow(10.0, floor(log10(fabs(table))) - (digits - 1));
    return fabs(value - table) <= 0.5 * unit;
}

static void test_t_quantile_matches_published_table(void **state)
{
    (void)state;
    /* Standard two-decimal-place-of-confidence t tables (e.g. Abramowitz &
     * Stegun table 26.10, NIST/SEMATECH handbook 1.3.6.7.2). */
    static const struct { double p, df, t; } table[] = {
        {0.975, 1, 12.706}, {0.975, 2, 4.303},   {0.975, 5, 2.571},
        {0.975, 10, 2.228}, {0.975, 30, 2.042},  {0.975, 120, 1.980},
        {0.95, 1, 6.314},   {0.95, 10, 1.812},   {0.95, 60, 1.671},
        {0.995, 1, 63.657}, {0.995, 3, 5.841},   {0.995, 20, 2.845},
        {0.99, 4, 3.747},   {0.99, 25, 2.485},   {0.9, 7, 1.415},
        {0.9995, 2, 31.599}, {0.9995, 15, 4.073}, {0.75, 1, 1.000},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        double t = stats_t_quantile(table[i].p, table[i].df);
        if (!same_sig_digits(t, table[i].t, 4))
            fail_msg("t_{%g, df=%g} = %.8g, table %g", table[i].p, table[i].df, t,
                     table[i].t);
        /* and the lower tail by symmetry */
        if (!same_sig_digits(-stats_t_quantile(1.0 - table[i].p, table[i].df),
                             table[i].t, 4))
            fail_msg("lower t_{%g, df=%g} disagrees", 1.0 - table[i].p, table[i].df);
    }
}

static void test_t_quantile_large_df_is_normal(void **state)
{
    (void)state;
    assert_true(same_sig_digits(stats_t_quantile(0.975, 1e7), 1.95996, 6));
    assert_rel(stats_t_quantile(0.975, INFINITY), 1.9599639845400536, 1e-15);
    /* Continuous across the switch to the asymptotic expansion at df = 1e5. */
    double above = nextafter(1e5, INFINITY);
    assert_rel(stats_t_quantile(0.975, 1e5), stats_t_quantile(0.975, above), 1e-11);
    assert_rel(stats_t_quantile(1e-50, 1e5), stats_t_quantile(1e-50, above), 1e-11);
}

static void test_t_quantile_matches_closed_forms(void **state)
{
    (void)state;
    /* df = 1 (Cauchy): tan(pi (p - 1/2)), written -cot(pi p) and cot(pi (1-p))
     * so that p - 1/2 does not cancel; df = 2: (2p - 1) / sqrt(2 p (1 - p)). */
    const double ps[] = {1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.45, 0.6, 0.9, 0.975, 0.999};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double p = ps[i];
        double cauchy = p < 0.5 ? -1.0 / tan(PI * p) : 1.0 / tan(PI * (1.0 - p));
        assert_rel(stats_t_quantile(p, 1.0), cauchy, 1e-12);
        assert_rel(stats_t_quantile(p, 2.0), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-12);
    }
    /* Far Cauchy tail: -cot(pi p) ~ -1/(pi p), no overflow on the way. */
    assert_rel(stats_t_quantile(1e-300, 1.0), -1.0 / (PI * 1e-300), 1e-12);
}

static void test_t_cdf_matches_closed_forms(void **state)
{
    (void)state;
    /* df = 1: 1/2 + atan(t)/pi; df = 2: 1/2 + t / (2 sqrt(2 + t^2)). For t < 0
     * both are rewritten without the cancelling 1/2 - ...: atan(1/|t|)/pi and
     * 1 / ((s + |t|) s) with s = sqrt(2 + t^2). */
    const double ts[] = {-1e4, -30, -4, -1.5, -0.2, 0.7, 2.5, 12};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        double t = ts[i], s = sqrt(2 + t * t);
        double cauchy = t < 0 ? atan(-1.0 / t) / PI : 0.5 + atan(t) / PI;
        double two = t < 0 ? 1.0 / ((s - t) * s) : 0.5 + t / (2 * s);
        assert_rel(stats_t_cdf(t, 1.0), cauchy, 1e-13);
        assert_rel(stats_t_cdf(t, 2.0), two, 1e-13);
    }
    assert_true(stats_t_cdf(0.0, 1.0) == 0.5);
}

static void test_t_cdf_matches_quadrature_for_real_df(void **state)
{
    (void)state;
    /* P(T <= t) = int_0^atan(sqrt(df)/|t|) sin(u)^(df-1) du / B(df/2, 1/2),
     * evaluated independently by tanh-sinh quadrature. */
    static const struct { double df, t, p; } ref[] = {
        {0.5, -1.96, 0.22486148886918952}, {0.5, -100, 0.032069857021536662},
        {1.5, -1, 0.22556768363835517},    {1.5, -1e4, 3.770852401714753e-07},
        {4.7, -0.1, 0.46223420636739704},  {4.7, -10, 0.00012062747310595586},
        {4.7, -1e4, 1.0504035319213039e-18}, {30, -1.96, 0.029671156448025031},
        {30, -100, 9.9230589836350266e-40},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        assert_rel(stats_t_cdf(ref[i].t, ref[i].df), ref[i].p, 1e-12);
        assert_rel(stats_t_cdf(-ref[i].t, ref[i].df), 1.0 - ref[i].p, 1e-12);
    }
}

static void test_t_cdf_inverts_quantile(void **state)
{
    (void)state;
    const double dfs[] = {0.3, 1, 2.5, 3, 7, 29, 120, 1e4, 9e4, 2e5, 1e8, 1e15};
    const double ps[] = {1e-200, 1e-12, 1e-6, 0.001, 0.025, 0.3, 0.4999, 0.5001, 0.7,
                         0.975, 0.999, 1 - 1e-9};
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++)
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            double p = ps[j], df = dfs[i];
            double t = stats_t_quantile(p, df);
            if (isinf(t))
                continue;   /* beyond DBL_MAX (tiny df with tiny p) */
            double back = stats_t_cdf(t, df);
            /* Compare the smaller tail, where the information is. */
            double tail = p < 0.5 ? p : 1.0 - p;
            double back_tail = p < 0.5 ? back : 1.0 - back;
            if (!(fabs(back_tail - tail) <= 1e-9 * tail))
                fail_msg("df=%g p=%g: t=%.17g, cdf(t)=%.17g", df, p, t, back);
        }
    /* Only the tiniest df overflows: t_{1e-200} at df 0.3 is ~1e-667. */
    assert_true(isinf(stats_t_quantile(1e-200, 0.3)));
}

static void test_t_bad_arguments_give_nan_or_limits(void **state)
{
    (void)state;
    assert_nan(stats_t_quantile(-0.1, 5));
    assert_nan(stats_t_quantile(1.1, 5));
    assert_nan(stats_t_quantile(NAN, 5));
    assert_nan(stats_t_quantile(0.9, 0));
    assert_nan(stats_t_quantile(0.9, -3));
    assert_nan(stats_t_quantile(0.9, NAN));
    assert_nan(stats_t_cdf(1.0, 0));
    assert_nan(stats_t_cdf(NAN, 3));
    assert_true(stats_t_quantile(0.0, 5) == -INFINITY);
    assert_true(stats_t_quantile(1.0, 5) == INFINITY);
    assert_true(stats_t_quantile(0.5, 5) == 0.0);
    assert_true(stats_t_cdf(-INFINITY, 5) == 0.0);
    assert_true(stats_t_cdf(INFINITY, 5) == 1.0);
    assert_nan(stats_normal_quantile(2.0));
}

static void test_normal_quantile_matches_known_values(void **state)
{
    (void)state;
    assert_rel(stats_normal_quantile(0.975), 1.9599639845400536, 1e-15);
    assert_rel(stats_normal_quantile(0.995), 2.5758293035489, 1e-15);
    assert_rel(stats_normal_quantile(0.999), 3.090232306167813, 1e-15);
    assert_rel(stats_normal_quantile(1e-10), -6.361340902404056, 1e-15);
    assert_rel(stats_normal_quantile(0.025), -stats_normal_quantile(0.975), 1e-15);
    assert_true(stats_normal_quantile(0.5) == 0.0);
    assert_rel(stats_normal_cdf(stats_normal_quantile(1e-300)), 1e-300, 1e-13);
}

/* ----------------------------------------------------------- batch means */

static void test_batchmeans_of_known_sequence(void **state)
{
    (void)state;
    /* 1..10 in batches of 3: means 2, 5, 8; the lone 10 is an unfinished
     * batch and ignored. Mean 5, sd 3, half width t_{0.975,2} * 3 / sqrt(3)
     * with t_{0.975,2} = 0.95 / sqrt(2 * 0.975 * 0.025). */
    stats_batchmeans b;
    assert_int_equal(stats_batchmeans_init(&b, 3), 0);
    for (int i = 1; i <= 10; i++)
        assert_int_equal(stats_batchmeans_add(&b, i), 0);
    assert_int_equal(stats_batchmeans_count(&b), 3);
    stats_summary s;
    assert_int_equal(stats_batchmeans_summarize(&b, 0.95, &s), 0);
    assert_int_equal(s.n, 3);
    assert_rel(s.mean, 5.0, 1e-15);
    assert_rel(s.sd, 3.0, 1e-15);
    double t2 = 0.95 / sqrt(2 * 0.975 * 0.025);
    assert_rel(s.half_width, t2 * 3.0 / sqrt(3.0), 1e-12);
    assert_rel(s.min, 2.0, 0);
    assert_rel(s.max, 8.0, 0);
    stats_batchmeans_fini(&b);
}

static void test_batchmeans_lag1_autocorrelation(void **state)
{
    (void)state;
    /* Means 1 2 3 4: deviations -1.5 -.5 .5 1.5, products .75 - .25 + .75 =
     * 1.25 over squares 5: 0.25. Alternating 1 -1 1 -1: -3 / 4. */
    stats_batchmeans b;
    stats_batchmeans_init(&b, 1);
    assert_nan(stats_batchmeans_lag1(&b));
    for (int i = 1; i <= 4; i++)
        stats_batchmeans_add(&b, i);
    assert_rel(stats_batchmeans_lag1(&b), 0.25, 1e-15);
    stats_batchmeans_reset(&b);
    for (int i = 0; i < 4; i++)
        stats_batchmeans_add(&b, i % 2 ? -1.0 : 1.0);
    assert_rel(stats_batchmeans_lag1(&b), -0.75, 1e-15);
    stats_batchmeans_fini(&b);
}

static void test_batchmeans_reset_drops_the_warmup(void **state)
{
    (void)state;
    stats_batchmeans b;
    stats_batchmeans_init(&b, 2);
    for (int i = 0; i < 7; i++)   /* three batches and a half-filled one */
        stats_batchmeans_add(&b, 100.0);
    stats_batchmeans_reset(&b);
    assert_int_equal(stats_batchmeans_count(&b), 0);
    stats_batchmeans_add(&b, 1.0);
    stats_batchmeans_add(&b, 3.0);   /* the half batch did not carry over */
    stats_summary s;
    stats_batchmeans_summarize(&b, 0.95, &s);
    assert_int_equal(s.n, 1);
    assert_rel(s.mean, 2.0, 0);
    stats_batchmeans_fini(&b);
}

static void test_batchmeans_stores_many_batches(void **state)
{
    (void)state;
    stats_batchmeans b;
    stats_batchmeans_init(&b, 2);
    for (int i = 0; i < 20000; i++)   /* batch k holds 2k and 2k+1: mean 2k + 0.5 */
        assert_int_equal(stats_batchmeans_add(&b, i), 0);
    assert_int_equal(stats_batchmeans_count(&b), 10000);
    stats_summary s;
    assert_int_equal(stats_batchmeans_summarize(&b, 0.95, &s), 0);
    assert_rel(s.mean, 9999.5, 1e-14);   /* mean of 2k + 0.5, k < 10000 */
    assert_rel(s.max, 19998.5, 0);
    stats_batchmeans_fini(&b);
}

static void test_batchmeans_rejects_zero_batch_size(void **state)
{
    (void)state;
    stats_batchmeans b;
    assert_int_equal(stats_batchmeans_init(&b, 0), -1);
    assert_int_equal(stats_batchmeans_add(&b, 1.0), -1);
    assert_int_equal(stats_batchmeans_init(NULL, 5), -1);
    stats_summary s;
    assert_int_equal(stats_batchmeans_summarize(NULL, 0.95, &s), -1);
    stats_batchmeans_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tally_empty_has_no_statistics),
        cmocka_unit_test(test_tally_single_value_has_mean_but_no_variance),
        cmocka_unit_test(test_tally_matches_hand_computed_moments),
        cmocka_unit_test(test_tally_is_exact_for_values_near_1e9),
        cmocka_unit_test(test_tally_merge_equals_adding_sequentially),
        cmocka_unit_test(test_tally_merge_with_empty_changes_nothing),
        cmocka_unit_test(test_tally_handles_billions_of_observations),
        cmocka_unit_test(test_timeavg_matches_hand_computed_area),
        cmocka_unit_test(test_timeavg_current_level_lasts_until_the_end),
        cmocka_unit_test(test_timeavg_reset_forgets_the_warmup),
        cmocka_unit_test(test_timeavg_time_running_backwards_adds_no_area),
        cmocka_unit_test(test_timeavg_empty_or_past_window_is_nan),
        cmocka_unit_test(test_timeavg_keeps_small_rectangles_after_a_huge_area),
        cmocka_unit_test(test_histogram_rejects_bad_ranges),
        cmocka_unit_test(test_histogram_counts_bins_and_out_of_range),
        cmocka_unit_test(test_histogram_value_just_below_hi_lands_in_last_bin),
        cmocka_unit_test(test_histogram_small_sample_quantiles_are_exact),
        cmocka_unit_test(test_histogram_binned_quantiles_interpolate_within_bins),
        cmocka_unit_test(test_histogram_out_of_range_cells_reach_to_min_and_max),
        cmocka_unit_test(test_histogram_switches_to_bins_beyond_exact_limit),
        cmocka_unit_test(test_histogram_large_sample_quantiles),
        cmocka_unit_test(test_histogram_reset_forgets_samples),
        cmocka_unit_test(test_histogram_bad_quantile_requests_are_nan),
        cmocka_unit_test(test_summary_of_one_to_ten_matches_hand_computation),
        cmocka_unit_test(test_summary_width_follows_confidence_level),
        cmocka_unit_test(test_summary_of_one_value_has_no_interval),
        cmocka_unit_test(test_summary_of_no_values_is_all_nan),
        cmocka_unit_test(test_summary_rejects_bad_arguments),
        cmocka_unit_test(test_summary_of_tally_equals_summary_of_values),
        cmocka_unit_test(test_summary_relative_precision),
        cmocka_unit_test(test_t_quantile_matches_published_table),
        cmocka_unit_test(test_t_quantile_large_df_is_normal),
        cmocka_unit_test(test_t_quantile_matches_closed_forms),
        cmocka_unit_test(test_t_cdf_matches_closed_forms),
        cmocka_unit_test(test_t_cdf_matches_quadrature_for_real_df),
        cmocka_unit_test(test_t_cdf_inverts_quantile),
        cmocka_unit_test(test_t_bad_arguments_give_nan_or_limits),
        cmocka_unit_test(test_normal_quantile_matches_known_values),
        cmocka_unit_test(test_batchmeans_of_known_sequence),
        cmocka_unit_test(test_batchmeans_lag1_autocorrelation),
        cmocka_unit_test(test_batchmeans_reset_drops_the_warmup),
        cmocka_unit_test(test_batchmeans_stores_many_batches),
        cmocka_unit_test(test_batchmeans_rejects_zero_batch_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
