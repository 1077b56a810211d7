/* The queueing experiments mm1, mmc and md1: their analytic values against numbers worked
 * out by hand, and their simulations against those values, against each other and
 * against themselves (same seed, same numbers). Each test calls replicate() on a fresh
 * environment the way the runner does. The long runs use a fixed seed, so they are
 * deterministic checks with a 5% margin, never flaky. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"
#include "sim.h"

#define MAX_PARAMS 8
enum { WAIT, SYSTEM_TIME, QUEUE_LENGTH, UTILIZATION, N_METRICS };

typedef struct {
    const exp_experiment *e;
    double p[MAX_PARAMS];
} model;

/* The experiment `name` with its default parameters. */
static model model_of(const char *name)
{
    model m = {exp_find(name), {0}};
    assert_non_null(m.e);
    assert_true(m.e->n_params <= MAX_PARAMS);
    assert_int_equal(m.e->n_metrics, N_METRICS);
    for (size_t i = 0; i < m.e->n_params; i++)
        m.p[i] = m.e->params[i].def;
    return m;
}

static void set(model *m, const char *param, double v)
{
    int i = exp_param_index(m->e, param);
    assert_true(i >= 0);
    m->p[i] = v;
}

/* One replication with `seed`; the trace, if any, goes to `trace`, and the environment's
 * error message to `why` (if not NULL). */
static sim_status run_why(const model *m, uint64_t seed, FILE *trace, double *metrics,
                          char why[256])
{
    sim_config cfg = {.stack_size = 0, .start_time = 0, .seed = seed, .trace = trace};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    sim_status st = m->e->replicate(env, m->p, metrics);
    if (why)
        snprintf(why, 256, "%s", sim_env_error_message(env));
    else if (st != SIM_OK)
        print_message("%s: %s (%s)\n", m->e->name, sim_strerror(st),
                      sim_env_error_message(env));
    sim_env_free(env);
    return st;
}

static sim_status run(const model *m, uint64_t seed, FILE *trace, double *metrics)
{
    return run_why(m, seed, trace, metrics, NULL);
}

/* The analytic value of metric `metric`, failing the test if it is unknown. */
static double analytic(const model *m, size_t metric)
{
    double v = NAN;
    assert_non_null(m->e->analytic);
    assert_int_equal(m->e->analytic(m->p, metric, &v), 1);
    return v;
}

static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.12g, want %.12g within %g%%", got, want, rel * 100);
}

/* ---- analytic values ---------------------------------------------------------------- */

static void mm1_analytic_values_match_the_textbook(void **state)
{
    (void)state;
    model m = model_of("mm1"); /* lambda 0.9, mu 1: rho 0.9 */
    assert_close(analytic(&m, WAIT), 9.0, 1e-12);
    assert_close(analytic(&m, SYSTEM_TIME), 10.0, 1e-12);
    assert_close(analytic(&m, QUEUE_LENGTH), 8.1, 1e-12);
    assert_close(analytic(&m, UTILIZATION), 0.9, 1e-12);
}

static void mmc_analytic_wait_is_erlang_c_over_spare_capacity(void **state)
{
    (void)state;
    model m = model_of("mmc"); /* c 2, lambda 1.8, mu 1: C = 16.2 / 19 by the direct sum */
    assert_close(analytic(&m, WAIT), (16.2 / 19) / 0.2, 1e-12); /* 4.263157... */
    assert_close(analytic(&m, SYSTEM_TIME), 81.0 / 19 + 1, 1e-12);
    assert_close(analytic(&m, QUEUE_LENGTH), 1.8 * 81.0 / 19, 1e-12);
    assert_close(analytic(&m, UTILIZATION), 0.9, 1e-12);
}

static void mmc_with_one_server_agrees_with_mm1(void **state)
{
    (void)state;
    model c = model_of("mmc"), one = model_of("mm1");
    set(&c, "servers", 1);
    set(&c, "lambda", 0.9);
    for (size_t k = 0; k < N_METRICS; k++)
        assert_close(analytic(&c, k), analytic(&one, k), 1e-12);
}

static void mmc_analytic_stays_finite_with_a_thousand_servers(void **state)
{
    (void)state;
    model m = model_of("mmc");
    set(&m, "servers", 1000);
    set(&m, "lambda", 990); /* a^c / c! alone would overflow a double */
    double wq = analytic(&m, WAIT);
    assert_true(isfinite(wq) && wq > 0 && wq < 1 / (1000.0 - 990.0));
}

static void md1_analytic_values_follow_pollaczek_khinchine(void **state)
{
    (void)state;
    model m = model_of("md1"); /* lambda 0.9, mu 1: half the M/M/1 wait */
    assert_close(analytic(&m, WAIT), 4.5, 1e-12);
    assert_close(analytic(&m, SYSTEM_TIME), 5.5, 1e-12);
    assert_close(analytic(&m, QUEUE_LENGTH), 4.05, 1e-12);
    assert_close(analytic(&m, UTILIZATION), 0.9, 1e-12);
}

static void analytic_values_are_unknown_without_a_steady_state(void **state)
{
    (void)state;
    double v;
    model m1 = model_of("mm1"), mc = model_of("mmc"), d1 = model_of("md1");
    set(&m1, "lambda", 1.0);
    set(&mc, "lambda", 2.5);
    set(&d1, "lambda", 1.5);
    for (size_t k = 0; k < N_METRICS; k++) {
        assert_int_equal(m1.e->analytic(m1.p, k, &v), 0);
        assert_int_equal(mc.e->analytic(mc.p, k, &v), 0);
        assert_int_equal(d1.e->analytic(d1.p, k, &v), 0);
    }
    assert_int_equal(m1.e->analytic(model_of("mm1").p, N_METRICS, &v), 0); /* no such metric */
}

/* ---- simulation ----------------------------------------------------------------------- */

static void same_seed_gives_identical_metrics(void **state)
{
    (void)state;
    const char *names[] = {"mm1", "mmc", "md1"};
    for (size_t i = 0; i < 3; i++) {
        model m = model_of(names[i]);
        set(&m, "customers", 3000);
        double a[N_METRICS], b[N_METRICS];
        assert_int_equal(run(&m, 42, NULL, a), SIM_OK);
        assert_int_equal(run(&m, 42, NULL, b), SIM_OK);
        assert_memory_equal(a, b, sizeof a);
    }
}

static void different_seeds_give_different_customers(void **state)
{
    (void)state;
    model m = model_of("mm1");
    set(&m, "customers", 3000);
    double a[N_METRICS], b[N_METRICS];
    assert_int_equal(run(&m, 1, NULL, a), SIM_OK);
    assert_int_equal(run(&m, 2, NULL, b), SIM_OK);
    assert_true(a[WAIT] != b[WAIT]);
}

/* Fixed seed: a long run lands within 5% of the steady state on every metric. */
static void assert_long_run_matches_theory(model *m)
{
    set(m, "customers", 200000);
    double got[N_METRICS];
    assert_int_equal(run(m, 7, NULL, got), SIM_OK);
    for (size_t k = 0; k < N_METRICS; k++) {
        print_message("%s %s: simulated %.6f analytic %.6f\n", m->e->name,
                      m->e->metrics[k].name, got[k], analytic(m, k));
        assert_close(got[k], analytic(m, k), 0.05);
    }
}

static void mm1_long_run_matches_theory(void **state)
{
    (void)state;
    model m = model_of("mm1");
    set(&m, "lambda", 0.5); /* Wq 1, W 2, Lq 0.5, utilization 0.5 */
    assert_long_run_matches_theory(&m);
}

static void mmc_long_run_matches_theory(void **state)
{
    (void)state;
    model m = model_of("mmc");
    set(&m, "servers", 3);
    set(&m, "lambda", 2.0); /* rho 2/3 */
    assert_long_run_matches_theory(&m);
}

static void md1_long_run_matches_theory(void **state)
{
    (void)state;
    model m = model_of("md1");
    set(&m, "lambda", 0.5); /* Wq 0.5 */
    assert_long_run_matches_theory(&m);
}

static void md1_waits_less_than_mm1_with_the_same_arrivals(void **state)
{
    (void)state;
    model d = model_of("md1"), m = model_of("mm1");
    double dm[N_METRICS], mm[N_METRICS];
    assert_int_equal(run(&d, 11, NULL, dm), SIM_OK);
    assert_int_equal(run(&m, 11, NULL, mm), SIM_OK);
    assert_true(dm[WAIT] < mm[WAIT]);
    assert_true(dm[QUEUE_LENGTH] < mm[QUEUE_LENGTH]);
}

/* Common random numbers: a higher arrival rate scales every interarrival time of the same
 * stream down, and by Lindley's recursion no customer can then wait less. */
static void higher_arrival_rate_never_shortens_the_wait_at_one_seed(void **state)
{
    (void)state;
    model lo = model_of("mm1"), hi = model_of("mm1");
    set(&lo, "lambda", 0.8);
    double a[N_METRICS], b[N_METRICS];
    for (uint64_t seed = 1; seed <= 5; seed++) {
        assert_int_equal(run(&lo, seed, NULL, a), SIM_OK);
        assert_int_equal(run(&hi, seed, NULL, b), SIM_OK);
        assert_true(a[WAIT] < b[WAIT]);
    }
}

static void a_lone_customer_never_waits(void **state)
{
    (void)state;
    model m = model_of("mmc");
    set(&m, "customers", 1);
    set(&m, "warmup", 0);
    double got[N_METRICS];
    assert_int_equal(run(&m, 3, NULL, got), SIM_OK);
    assert_true(got[WAIT] == 0.0);
    assert_true(got[QUEUE_LENGTH] == 0.0);
    assert_true(got[SYSTEM_TIME] > 0);
    /* The time averages end at the last arrival, before any service: nobody was busy. */
    assert_true(got[UTILIZATION] == 0.0);
}

/* ---- bad input -------------------------------------------------------------------------- */

static void warmup_not_below_customers_is_rejected_with_a_reason(void **state)
{
    (void)state;
    model m = model_of("mm1");
    set(&m, "customers", 500);
    set(&m, "warmup", 500);
    double got[N_METRICS];
    char why[256];
    assert_int_equal(run_why(&m, 1, NULL, got, why), SIM_EINVAL);
    assert_non_null(strstr(why, "warmup must be smaller than customers"));
}

static void bad_parameters_are_rejected_not_crashed_on(void **state)
{
    (void)state;
    const struct {
        const char *param;
        double v;
    } bad[] = {{"lambda", 0},      {"lambda", NAN},     {"mu", -1},
               {"mu", INFINITY},   {"servers", 0},      {"servers", 2.5},
               {"customers", 0},   {"customers", 1e300}, {"warmup", -1}};
    double got[N_METRICS];
    char why[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        model m = model_of("mmc");
        set(&m, bad[i].param, bad[i].v);
        assert_int_equal(run_why(&m, 1, NULL, got, why), SIM_EINVAL);
        assert_non_null(strstr(why, bad[i].param)); /* the message names the culprit */
    }
}

/* ---- trace ------------------------------------------------------------------------------- */

static void trace_tells_the_story_of_the_first_twenty_customers(void **state)
{
    (void)state;
    model m = model_of("mm1");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    double traced[N_METRICS], quiet[N_METRICS];
    assert_int_equal(run(&m, 5, out, traced), SIM_OK);
    fclose(out);
    assert_non_null(strstr(buf, " customer 1 arrives (queue 0, 0 of 1 servers busy)\n"));
    assert_non_null(strstr(buf, " customer 20 departs after "));
    assert_null(strstr(buf, " customer 21 "));
    assert_non_null(strstr(buf, " all 10000 customers have left; mean wait "));
    free(buf);
    assert_int_equal(run(&m, 5, NULL, quiet), SIM_OK); /* tracing changes nothing */
    assert_memory_equal(traced, quiet, sizeof quiet);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_analytic_values_match_the_textbook),
        cmocka_unit_test(mmc_analytic_wait_is_erlang_c_over_spare_capacity),
        cmocka_unit_test(mmc_with_one_server_agrees_with_mm1),
        cmocka_unit_test(mmc_analytic_stays_finite_with_a_thousand_servers),
        cmocka_unit_test(md1_analytic_values_follow_pollaczek_khinchine),
        cmocka_unit_test(analytic_values_are_unknown_without_a_steady_state),
        cmocka_unit_test(same_seed_gives_identical_metrics),
        cmocka_unit_test(different_seeds_give_different_customers),
        cmocka_unit_test(mm1_long_run_matches_theory),
        cmocka_unit_test(mmc_long_run_matches_theory),
        cmocka_unit_test(md1_long_run_matches_theory),
        cmocka_unit_test(md1_waits_less_than_mm1_with_the_same_arrivals),
        cmocka_unit_test(higher_arrival_rate_never_shortens_the_wait_at_one_seed),
        cmocka_unit_test(a_lone_customer_never_waits),
        cmocka_unit_test(warmup_not_below_customers_is_rejected_with_a_reason),
        cmocka_unit_test(bad_parameters_are_rejected_not_crashed_on),
        cmocka_unit_test(trace_tells_the_story_of_the_first_twenty_customers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
