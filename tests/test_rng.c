/* sim_rng generator: PCG32 against the reference outputs, seeding, bounded integers,
 * the 53-bit unit draw and the seed mixer. Fixed seeds make the statistical checks
 * (5 standard errors, chi-square) deterministic, not flaky; test_rng_dist.c covers the
 * distributions.                                                                     */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "sim_rng.h"
#include "rng_primed.h"

#define N_DRAWS 1000000L

/* ---- the generator -------------------------------------------------------------- */

/* ../shared/reference/pcg32.txt, embedded so the test never depends on the file. */
static const struct {
    uint64_t initstate, initseq;
    uint32_t out[24];
} reference[] = {
    {UINT64_C(42), UINT64_C(54),
     {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e,
      0xbfc6a3ad, 0x812fff6d, 0xe61f305a, 0xf9384b90, 0x32db86fe, 0x1dc035f9,
      0xed786826, 0x3822441d, 0x2ba113d7, 0x1c5b818b, 0xa233956a, 0x84da65e3,
      0xced67292, 0xb2c0fe06, 0x91817130, 0x55fe8917, 0x47e92091, 0x486af299}},
    {UINT64_C(0), UINT64_C(0),
     {0xe4c14788, 0x379c6516, 0x5c4ab3bb, 0x601d23e0, 0x1c382b8c, 0xd1faab16,
      0x67680a2d, 0x92014a6e, 0x628ae389, 0xa794034d, 0x5cc38cd9, 0xfc913a3b,
      0x81c851dc, 0x90c820e4, 0x60dfa703, 0xd613ae14, 0x38ea1699, 0x51f04d1b,
      0xc4ef01a1, 0x321eec02, 0x4c37a737, 0x6bfd1aa8, 0x71a28325, 0x4656d6e9}},
    {UINT64_C(1), UINT64_C(1),
     {0xc9828f91, 0x1592e274, 0xc0262657, 0xa5c2b6d3, 0xaf811256, 0x6c1c2879,
      0x30130b26, 0x9cc21c33, 0xd137ef42, 0x908262ab, 0xd24d7799, 0xaa1118ab,
      0xe16c3ebd, 0xbd77a511, 0x87d285e4, 0x260276e8, 0x85ba6bec, 0xdbd99009,
      0xe423632e, 0x1debdda4, 0x40b36957, 0x0cbe7582, 0x88c64fed, 0xe3e7b790}},
    {UINT64_C(16045690984503111693), UINT64_C(81985529216486895),
     {0x7ec25c70, 0xa1b51ed1, 0xc7dff686, 0x11e66fd0, 0xe519e019, 0xfceaffe0,
      0xca066228, 0x5d2b8eae, 0x2f1f0a56, 0x56c25c8a, 0xe51c2756, 0x14c5c2e2,
      0x8474baca, 0xeb897ccf, 0x5c229a28, 0x8fd2ab8a, 0xf0afb4f0, 0x66dabb26,
      0x44e09dd8, 0xdeee128d, 0x707e6ae5, 0x2f569499, 0xd5e75d1d, 0x9ca6983b}},
    {UINT64_C(18446744073709551615), UINT64_C(9223372036854775807),
     {0x2675c047, 0x7779a837, 0xa145aa13, 0x5f6be726, 0x523c44c5, 0x75a406d6,
      0xe6643b13, 0x8e3d51a0, 0x45bdd0c6, 0x157fd45c, 0xc5899fc0, 0x1f7821df,
      0x85e92559, 0xbb68a3ff, 0x1d80c5de, 0x80b7742f, 0x708be50e, 0xd987bcd8,
      0xe2308784, 0x0a205ab6, 0x1433521d, 0xc95abd89, 0x59af0dfe, 0xcea28c20}},
};

static void test_u32_matches_pcg32_reference_outputs(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof reference / sizeof reference[0]; s++) {
        sim_rng rng;
        sim_rng_seed(&rng, reference[s].initstate, reference[s].initseq);
        for (size_t i = 0; i < 24; i++)
            if (sim_rng_u32(&rng) != reference[s].out[i])
                fail_msg("seed set %zu, output %zu differs", s, i);
    }
}

static void test_same_seed_gives_identical_streams(void **state)
{
    (void)state;
    sim_rng a, b;
    sim_rng_seed(&a, 777, 3);
    sim_rng_seed(&b, 777, 3);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(sim_rng_u32(&a), sim_rng_u32(&b));
    /* A copy is a fork: sim_rng is a value type. */
    sim_rng c = a;
    for (int i = 0; i < 1000; i++)
        assert_true(sim_rng_double(&a) == sim_rng_double(&c));
}

static int differing_outputs(uint64_t s1, uint64_t q1, uint64_t s2, uint64_t q2)
{
    sim_rng a, b;
    sim_rng_seed(&a, s1, q1);
    sim_rng_seed(&b, s2, q2);
    int differ = 0;
    for (int i = 0; i < 100; i++)
        differ += sim_rng_u32(&a) != sim_rng_u32(&b);
    return differ;
}

static void test_different_initseq_gives_different_streams(void **state)
{
    (void)state;
    assert_true(differing_outputs(42, 54, 42, 55) >= 99);
    assert_true(differing_outputs(0, 0, 0, 1) >= 99);
}

static void test_different_initstate_gives_different_streams(void **state)
{
    (void)state;
    assert_true(differing_outputs(42, 54, 43, 54) >= 99);
}

/* ---- bounded integers ------------------------------------------------------------ */

static void test_bounded_stays_below_n(void **state)
{
    (void)state;
    const uint32_t ns[] = {1, 2, 3, 7, 1000, 0x80000001u, 0xC0000000u, UINT32_MAX};
    sim_rng rng;
    sim_rng_seed(&rng, 5, 6);
    for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
        for (int i = 0; i < 100000; i++)
            if (sim_rng_bounded(&rng, ns[j]) >= ns[j])
                fail_msg("bounded(%u) out of range", ns[j]);
}

static void test_bounded_is_uniform_by_chi_square(void **state)
{
    (void)state;
    long count[10] = {0};
    sim_rng rng;
    sim_rng_seed(&rng, 8, 9);
    for (long i = 0; i < N_DRAWS; i++)
        count[sim_rng_bounded(&rng, 10)]++;
    double chi2 = 0.0, expect = N_DRAWS / 10.0;
    for (int k = 0; k < 10; k++)
        chi2 += (count[k] - expect) * (count[k] - expect) / expect;
    /* 9 degrees of freedom: P(chi2 > 40) is below 1e-5. */
    if (chi2 > 40.0)
        fail_msg("chi-square %.2f", chi2);
}

/* n = 3 * 2^30 exposes both classic biases: u32 % n puts half the mass below 2^30, and
 * multiply-shift without rejection maps two words to every result divisible by 3.   */
static void test_bounded_has_no_modulo_or_multiply_bias(void **state)
{
    (void)state;
    const uint32_t n = 0xC0000000u;
    long low_third = 0, divisible_by_3 = 0;
    sim_rng rng;
    sim_rng_seed(&rng, 10, 11);
    for (long i = 0; i < N_DRAWS; i++) {
        uint32_t x = sim_rng_bounded(&rng, n);
        low_third += x < 0x40000000u;
        divisible_by_3 += x % 3 == 0;
    }
    double se = sqrt(1.0 / 3 * 2.0 / 3 / N_DRAWS);
    assert_true(fabs((double)low_third / N_DRAWS - 1.0 / 3) < 5 * se);
    assert_true(fabs((double)divisible_by_3 / N_DRAWS - 1.0 / 3) < 5 * se);
}

static void test_bounded_zero_returns_zero_without_drawing(void **state)
{
    (void)state;
    sim_rng rng, before;
    sim_rng_seed(&rng, 1, 2);
    before = rng;
    assert_int_equal(sim_rng_bounded(&rng, 0), 0);
    assert_true(same_rng(rng, before));
}

/* ---- doubles --------------------------------------------------------------------- */

static void test_double_is_in_unit_interval(void **state)
{
    (void)state;
    sim_rng rng;
    sim_rng_seed(&rng, 12, 13);
    for (long i = 0; i < N_DRAWS; i++) {
        double u = sim_rng_double(&rng);
        if (!(u >= 0.0 && u < 1.0))
            fail_msg("draw %ld is %.17g", i, u);
    }
}

static void test_double_uses_all_53_bits(void **state)
{
    (void)state;
    sim_rng rng;
    sim_rng_seed(&rng, 14, 15);
    uint64_t any = 0, all = ~UINT64_C(0);
    for (int i = 0; i < 10000; i++) {
        double k = sim_rng_double(&rng) * TWO53; /* exact: a power-of-two scale */
        assert_true(k == floor(k));
        any |= (uint64_t)k;
        all &= (uint64_t)k;
    }
    assert_true(any == (UINT64_C(1) << 53) - 1); /* every bit, the lowest included, varies */
    assert_true(all == 0);
}

static void test_double_takes_high_bits_from_first_output(void **state)
{
    (void)state;
    sim_rng rng = primed(0, 0);
    assert_true(sim_rng_double(&rng) == 0.0);
    rng = primed(UINT32_MAX, UINT32_MAX);
    assert_true(sim_rng_double(&rng) == 1.0 - 1.0 / TWO53);
    rng = primed(0x80000000u, 0);
    assert_true(sim_rng_double(&rng) == 0.5);
    rng = primed(0, 0x800u); /* the lowest of the 53 bits */
    assert_true(sim_rng_double(&rng) == 1.0 / TWO53);
    rng = primed(0, 0x7FFu); /* the 11 discarded bits */
    assert_true(sim_rng_double(&rng) == 0.0);
}

/* ---- seed mixing ----------------------------------------------------------------- */

static void test_mix_matches_splitmix64_outputs(void **state)
{
    (void)state;
    /* splitmix64 from state 0 outputs mix(k * golden gamma) for k = 1, 2, 3. */
    const uint64_t gamma = UINT64_C(0x9e3779b97f4a7c15);
    assert_true(sim_rng_mix(0) == 0);
    assert_true(sim_rng_mix(gamma) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(sim_rng_mix(2 * gamma) == UINT64_C(0x6e789e6aa1b965f4));
    assert_true(sim_rng_mix(3 * gamma) == UINT64_C(0x06c45d188009454f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u32_matches_pcg32_reference_outputs),
        cmocka_unit_test(test_same_seed_gives_identical_streams),
        cmocka_unit_test(test_different_initseq_gives_different_streams),
        cmocka_unit_test(test_different_initstate_gives_different_streams),
        cmocka_unit_test(test_bounded_stays_below_n),
        cmocka_unit_test(test_bounded_is_uniform_by_chi_square),
        cmocka_unit_test(test_bounded_has_no_modulo_or_multiply_bias),
        cmocka_unit_test(test_bounded_zero_returns_zero_without_drawing),
        cmocka_unit_test(test_double_is_in_unit_interval),
        cmocka_unit_test(test_double_uses_all_53_bits),
        cmocka_unit_test(test_double_takes_high_bits_from_first_output),
        cmocka_unit_test(test_mix_matches_splitmix64_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
