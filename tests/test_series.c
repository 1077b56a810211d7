/* Series and records: sim_series hands points to the environment's sink in the order
 * the model emits them, costs nothing without one, and --series-reps lists parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner.h"
#include "sim.h"

typedef struct {
    char names[8][16];
    double t[8], v[8];
    int n;
} sink;

static void collect(void *ctx, const char *name, double t, double value)
{
    sink *s = ctx;
    if (s->n < 8) {
        strncpy(s->names[s->n], name, sizeof s->names[0] - 1);
        s->t[s->n] = t;
        s->v[s->n++] = value;
    }
}

static void *emit(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_series(env, "queue", sim_now(env), 3);
    sim_sleep(self, 2);
    sim_series(env, "wait", 7, 1.5);
    return NULL;
}

static void test_series_points_reach_the_sink_in_emission_order(void **state)
{
    (void)state;
    sink s = {0};
    sim_config cfg = {.series = collect, .series_ctx = &s};
    sim_env *env = sim_env_new(&cfg);
    assert_true(sim_series_on(env));
    sim_spawn(env, "emit", emit, NULL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[0], "queue");
    assert_true(s.t[0] == 0 && s.v[0] == 3);
    assert_string_equal(s.names[1], "wait");
    assert_true(s.t[1] == 7 && s.v[1] == 1.5);
    sim_env_free(env);
}

static void test_series_without_a_sink_is_off(void **state)
{
    (void)state;
    sim_env *env = sim_env_new(NULL);
    assert_false(sim_series_on(env));
    sim_spawn(env, "emit", emit, NULL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_series(NULL, "x", 0, 0);
    sim_env_free(env);
}

static void test_rep_list_parses_replication_numbers(void **state)
{
    (void)state;
    size_t *reps, n;
    assert_int_equal(runner_parse_rep_list("3,0,12", &reps, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(reps[0], 3);
    assert_int_equal(reps[1], 0);
    assert_int_equal(reps[2], 12);
    free(reps);
}

static void test_rep_list_rejects_empty_fields_and_non_numbers(void **state)
{
    (void)state;
    size_t *reps, n;
    static const char *const bad[] = {"", "1,,2", ",1", "1,", "a", "-1", "1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (runner_parse_rep_list(bad[i], &reps, &n) == 0)
            fail_msg("'%s' was accepted", bad[i]);
        assert_null(reps);
    }
}

static void test_series_selection_follows_the_rep_list(void **state)
{
    (void)state;
    runner_options opt;
    runner_options_init(&opt);
    assert_false(runner_series_selected(&opt, 0));
    opt.series = 1;
    assert_true(runner_series_selected(&opt, 5));
    static const size_t some[] = {1, 3};
    opt.series_reps = some;
    opt.n_series_reps = 2;
    assert_true(runner_series_selected(&opt, 3));
    assert_false(runner_series_selected(&opt, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_series_points_reach_the_sink_in_emission_order),
        cmocka_unit_test(test_series_without_a_sink_is_off),
        cmocka_unit_test(test_rep_list_parses_replication_numbers),
        cmocka_unit_test(test_rep_list_rejects_empty_fields_and_non_numbers),
        cmocka_unit_test(test_series_selection_follows_the_rep_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
