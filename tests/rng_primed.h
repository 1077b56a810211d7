/* Test helpers shared by the sim_rng tests: a generator primed to emit chosen outputs,
 * so edge cases of the unit draw (all-zero and all-one words) can be tested directly.
 * Include after <cmocka.h> and "sim_rng.h".                                          */
#ifndef PROCSIM_TESTS_RNG_PRIMED_H
#define PROCSIM_TESTS_RNG_PRIMED_H

#define TWO53 9007199254740992.0
#define PCG_MULT UINT64_C(6364136223846793005)

/* A state whose next output is v: with the top 5 bits clear the rotation is 0, and
 * s ^ (s >> 18) must hold v in bits 27..58, so invert that xorshift on v << 27.     */
static inline uint64_t state_emitting(uint32_t v)
{
    uint64_t t = (uint64_t)v << 27;
    return t ^ (t >> 18) ^ (t >> 36) ^ (t >> 54);
}

/* A generator whose next two outputs are a then b: the increment is chosen to step from
 * one state to the other (bit 0 of a state does not reach the output; it makes inc odd). */
static inline sim_rng primed(uint32_t a, uint32_t b)
{
    uint64_t first = state_emitting(a), second = state_emitting(b);
    if (((second - first * PCG_MULT) & 1u) == 0)
        second ^= 1u;
    sim_rng rng = {first, second - first * PCG_MULT};
    sim_rng copy = rng;
    assert_int_equal(sim_rng_u32(&copy), a);
    assert_int_equal(sim_rng_u32(&copy), b);
    return rng;
}

static inline int same_rng(sim_rng a, sim_rng b)
{
    return a.state == b.state && a.inc == b.inc;
}

#endif
