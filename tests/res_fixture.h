/* Shared fixture of the shared-resource tests (tests/test_resource.c, test_store.c,
 * test_container.c).
 *
 * Every test gets a fresh environment as its state. Processes record what happened in a
 * tlog, one formatted line per step, and the test compares the whole log with the lines
 * the same scenario printed under SimPy 3.0.11. Everything is static inline, as in
 * tests/kernel_fixture.h, so a test file that leaves a helper unused gets no warning. */
#ifndef PROCSIM_TESTS_RES_FIXTURE_H
#define PROCSIM_TESTS_RES_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

/* The current time as SimPy prints it; valid until the end of the full expression. */
#define NOW(env) (sim_fmt_time(sim_now(env)).s)

/* ---- a log of what happened, compared line by line ---------------------------------- */
typedef struct {
    char line[32][96];
    int n;
} tlog;

static inline void logf_(tlog *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void logf_(tlog *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (l->n < 32)
        vsnprintf(l->line[l->n++], sizeof l->line[0], fmt, ap);
    va_end(ap);
}

static inline void assert_log(const tlog *l, const char *const *want, int n)
{
    for (int i = 0; i < n && i < l->n; i++)
        assert_string_equal(l->line[i], want[i]);
    assert_int_equal(l->n, n);
}

/* ---- one environment per test --------------------------------------------------------- */

/* A fixed seed, so scenarios that draw random numbers (the container's stress test) run
 * the same every time. */
#define RES_SEED 7

static inline int res_setup(void **state)
{
    sim_config cfg = {.seed = RES_SEED};
    *state = sim_env_new(&cfg);
    return *state ? 0 : -1;
}

static inline int res_teardown(void **state)
{
    sim_env_free(*state);
    return 0;
}

#define RES_TEST(fn) cmocka_unit_test_setup_teardown(fn, res_setup, res_teardown)

#endif
