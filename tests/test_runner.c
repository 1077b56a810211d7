/* The runner library: plan expansion (sweeps, grids, parameter checks), seeds, and runs
 * through the worker pool (determinism for any -j and for one replication alone,
 * failures, stopping, sequential stopping on precision). The experiments are small
 * in-test models (test_runner_models.h), so these tests need no real model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "test_runner_models.h"

/* ---- helpers ------------------------------------------------------------------ */

static runner_plan *plan_with(const exp_experiment *e, const char *sweep1, const char *sweep2)
{
    runner_plan *plan = runner_plan_new(e);
    runner_err err;
    assert_non_null(plan);
    if (sweep1 && runner_plan_sweep(plan, sweep1, &err) != 0)
        fail_msg("sweep %s: %s", sweep1, err.msg);
    if (sweep2 && runner_plan_sweep(plan, sweep2, &err) != 0)
        fail_msg("sweep %s: %s", sweep2, err.msg);
    return plan;
}

static void assert_values(const runner_plan *plan, size_t param, const double *want, size_t n)
{
    double v[8];
    assert_int_equal(runner_plan_points(plan), n);
    for (size_t p = 0; p < n; p++) {
        runner_plan_point(plan, p, v);
        if (v[param] != want[p])
            fail_msg("point %zu: got %.17g, want %.17g", p, v[param], want[p]);
    }
}

/* The error message of a rejected sweep (or set, when is_set). */
static const char *rejected(const exp_experiment *e, int is_set, const char *spec)
{
    static runner_err err; /* test thread only */
    runner_plan *plan = runner_plan_new(e);
    int rc = is_set ? runner_plan_set(plan, spec, &err) : runner_plan_sweep(plan, spec, &err);
    runner_plan_free(plan);
    if (rc == 0)
        fail_msg("'%s' was accepted", spec);
    return err.msg;
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("'%s' does not mention '%s'", text, part);
}

static runner_result *run_plan(const runner_plan *plan, unsigned threads, size_t reps,
                               long only_rep)
{
    runner_options opt;
    runner_err err;
    runner_options_init(&opt);
    opt.threads = threads;
    opt.reps = reps;
    opt.only_rep = only_rep;
    runner_result *res = runner_run(plan, &opt, &err);
    if (res == NULL)
        fail_msg("runner_run: %s", err.msg);
    return res;
}

/* Every planned replication of a and b: same state, seed and metric bits. */
static void assert_same_results(const runner_result *a, const runner_result *b)
{
    size_t nm = runner_result_experiment(a)->n_metrics;
    assert_int_equal(runner_result_points(a), runner_result_points(b));
    for (size_t p = 0; p < runner_result_points(a); p++) {
        size_t fa, ea, fb, eb;
        runner_result_reps(a, p, &fa, &ea);
        runner_result_reps(b, p, &fb, &eb);
        assert_int_equal(fa, fb);
        assert_int_equal(ea, eb);
        for (size_t r = fa; r < ea; r++) {
            assert_int_equal(runner_result_state(a, p, r), runner_result_state(b, p, r));
            assert_memory_equal(runner_result_metrics(a, p, r), runner_result_metrics(b, p, r),
                                nm * sizeof(double));
        }
    }
}

/* ---- plan --------------------------------------------------------------------- */

static void sweep_range_includes_stop_exactly(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "rate=0.5:0.9:0.1", NULL);
    const double want[] = {0.5, 0.6, 0.7, 0.8, 0.9};
    assert_values(plan, 0, want, 5);
    runner_plan_free(plan);
}

static void sweep_range_does_not_accumulate_step_error(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "rate=0.1:1.1:0.1", NULL);
    double want[11];
    for (int i = 0; i < 11; i++)
        want[i] = (i + 1) / 10.0;
    assert_values(plan, 0, want, 11);
    runner_plan_free(plan);
}

static void sweep_range_in_exponent_form_tolerates_rounding(void **state)
{
    (void)state;
    /* 3e-1 / 1e-1 is 2.9999999999999996 in doubles: still three steps. */
    runner_plan *plan = plan_with(tm_sleepy(), "rate=1e-1:4e-1:1e-1", NULL);
    assert_int_equal(runner_plan_points(plan), 4);
    double v[2];
    runner_plan_point(plan, 3, v);
    assert_true(v[0] == 4e-1);
    runner_plan_free(plan);
}

static void sweep_range_may_descend(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "sleeps=5:1:-2", NULL);
    const double want[] = {5, 3, 1};
    assert_values(plan, 1, want, 3);
    runner_plan_free(plan);
}

static void sweep_range_stops_before_overshooting(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "sleeps=1:10:4", NULL);
    const double want[] = {1, 5, 9};
    assert_values(plan, 1, want, 3);
    runner_plan_free(plan);
}

static void sweep_list_keeps_its_order(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "rate=2,0.5,1", NULL);
    const double want[] = {2, 0.5, 1};
    assert_values(plan, 0, want, 3);
    runner_plan_free(plan);
}

static void two_sweeps_make_a_grid_with_the_first_varying_slowest(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "rate=1,2", "sleeps=10,20,30");
    assert_int_equal(runner_plan_points(plan), 6);
    const double want[6][2] = {{1, 10}, {1, 20}, {1, 30}, {2, 10}, {2, 20}, {2, 30}};
    for (size_t p = 0; p < 6; p++) {
        double v[2];
        runner_plan_point(plan, p, v);
        assert_true(v[0] == want[p][0] && v[1] == want[p][1]);
    }
    runner_plan_free(plan);
}

static void params_not_swept_keep_default_or_set_value(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_sleepy());
    runner_err err;
    double v[2];
    runner_plan_point(plan, 0, v);
    assert_true(v[0] == 1.0 && v[1] == 1.0);
    assert_int_equal(runner_plan_set(plan, "sleeps=7", &err), 0);
    assert_int_equal(runner_plan_sweep(plan, "rate=3,4", &err), 0);
    runner_plan_point(plan, 1, v);
    assert_true(v[0] == 4.0 && v[1] == 7.0);
    runner_plan_free(plan);
}

static void unknown_parameter_is_rejected_naming_the_known_ones(void **state)
{
    (void)state;
    const char *msg = rejected(tm_sleepy(), 1, "lambda=3");
    assert_contains(msg, "unknown parameter 'lambda'");
    assert_contains(msg, "rate, sleeps");
}

static void malformed_numbers_are_rejected(void **state)
{
    (void)state;
    assert_contains(rejected(tm_sleepy(), 1, "rate=abc"), "'abc' is not a number");
    assert_contains(rejected(tm_sleepy(), 1, "rate=1.5x"), "not a number");
    assert_contains(rejected(tm_sleepy(), 1, "rate="), "not a number");
    assert_contains(rejected(tm_sleepy(), 1, "rate=nan"), "not a number");
    assert_contains(rejected(tm_sleepy(), 1, "rate= 2"), "not a number");
    assert_contains(rejected(tm_sleepy(), 0, "rate=1:2"), "START:STOP:STEP");
    assert_contains(rejected(tm_sleepy(), 0, "rate=1:x:1"), "'x' is not a number");
    assert_contains(rejected(tm_sleepy(), 1, "rate"), "NAME=VALUE");
}

static void out_of_range_and_fractional_whole_numbers_are_rejected(void **state)
{
    (void)state;
    assert_contains(rejected(tm_sleepy(), 1, "rate=5000"), "out of range [0.001, 1000]");
    assert_contains(rejected(tm_sleepy(), 1, "sleeps=2.5"), "whole number");
    /* a sweep is checked value by value */
    assert_contains(rejected(tm_sleepy(), 0, "rate=500:2000:500"), "1500");
    assert_contains(rejected(tm_sleepy(), 0, "sleeps=1,2.5"), "whole number");
}

static void empty_sweeps_are_rejected(void **state)
{
    (void)state;
    assert_contains(rejected(tm_sleepy(), 0, "rate=2:1:0.5"), "empty");
    assert_contains(rejected(tm_sleepy(), 0, "rate="), "empty");
    assert_contains(rejected(tm_sleepy(), 0, "rate=1,,2"), "empty value");
    assert_contains(rejected(tm_sleepy(), 0, "rate=1:2:0"), "step must not be zero");
}

static void a_parameter_given_twice_is_rejected(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_sleepy());
    runner_err err;
    assert_int_equal(runner_plan_set(plan, "rate=2", &err), 0);
    assert_int_equal(runner_plan_sweep(plan, "rate=1,2", &err), -1);
    assert_contains(err.msg, "more than once");
    runner_plan_free(plan);
}

static void oversized_grids_are_rejected(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_sleepy());
    runner_err err;
    assert_int_equal(runner_plan_sweep(plan, "rate=1:1000:0.001", &err), 0);
    assert_int_equal(runner_plan_sweep(plan, "sleeps=1:1000:1", &err), -1);
    assert_contains(err.msg, "more than");
    runner_plan_free(plan);
}

/* ---- seeds -------------------------------------------------------------------- */

static void seeds_follow_the_documented_formula(void **state)
{
    (void)state;
    for (uint64_t base = 0; base < 3; base++)
        for (size_t r = 0; r < 5; r++) {
            uint64_t crn = sim_rng_mix(base ^ sim_rng_mix(r + 1));
            for (size_t p = 0; p < 4; p++) {
                assert_true(runner_seed(base, p, r, 1) == crn);
                assert_true(runner_seed(base, p, r, 0) == sim_rng_mix(crn ^ sim_rng_mix(p + 1)));
            }
        }
}

static void seeds_differ_between_reps_and_without_crn_between_points(void **state)
{
    (void)state;
    assert_true(runner_seed(1, 0, 0, 1) != runner_seed(1, 0, 1, 1));
    assert_true(runner_seed(1, 0, 0, 1) != runner_seed(2, 0, 0, 1));
    assert_true(runner_seed(1, 0, 0, 0) != runner_seed(1, 1, 0, 0));
}

static void results_carry_the_seed_each_env_was_given(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "rate=1,2", NULL);
    runner_result *res = run_plan(plan, 2, 3, -1);
    for (size_t p = 0; p < 2; p++)
        for (size_t r = 0; r < 3; r++)
            assert_true(runner_result_seed(res, p, r) == runner_seed(1, p, r, 1));
    /* common random numbers: the same draws at both rates, so end times scale by 2 */
    assert_true(runner_result_metrics(res, 0, 2)[0] == 2.0 * runner_result_metrics(res, 1, 2)[0]);
    runner_result_free(res);
    runner_plan_free(plan);
}

/* ---- runs --------------------------------------------------------------------- */

/* The runner gives every replication the stacks its experiment declares: 256 KiB (a
 * 160 KiB frame fits; the default 64 KiB would overflow), packed (two processes' frames
 * one stack + 384 bytes apart, the process record), on one thread and on two, with stacks reused. */
static void replications_get_the_stacks_their_experiment_declares(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_packed());
    for (unsigned threads = 1; threads <= 2; threads++) {
        runner_result *res = run_plan(plan, threads, 6, -1);
        for (size_t r = 0; r < 6; r++) {
            assert_int_equal(runner_result_state(res, 0, r), RUNNER_REP_OK);
            const double *m = runner_result_metrics(res, 0, r);
            assert_true(m[0] == 256.0 * 1024 + 384);
            assert_true(m[1] == 1.0);
        }
        runner_result_free(res);
    }
    runner_plan_free(plan);
}

static void an_experiment_declaring_impossible_stacks_is_refused_at_plan_time(void **state)
{
    (void)state;
    exp_experiment bad = *tm_packed();
    bad.stack_layout = (sim_stack_layout)5;
    runner_plan *plan = runner_plan_new(&bad);
    runner_err err;
    assert_int_not_equal(runner_plan_check(plan, &err), 0);
    assert_contains(err.msg, "experiment 'packed' declares stacks the kernel refuses");
    assert_contains(err.msg, "stack_layout 5");
    runner_plan_free(plan);
    bad.stack_layout = SIM_STACKS_GUARDED;
    bad.stack_size = SIM_MAX_STACK + 1;
    plan = runner_plan_new(&bad);
    assert_int_not_equal(runner_plan_check(plan, &err), 0);
    assert_contains(err.msg, "stack_size 1073741825");
    runner_plan_free(plan);
    plan = runner_plan_new(tm_packed());
    assert_int_equal(runner_plan_check(plan, &err), 0);
    runner_plan_free(plan);
}

static void results_are_identical_for_one_and_two_threads(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "rate=0.5,1,2", "sleeps=1,5");
    runner_result *one = run_plan(plan, 1, 40, -1);
    runner_result *two = run_plan(plan, 2, 40, -1);
    runner_result *many = run_plan(plan, 7, 40, -1);
    assert_int_equal(runner_result_completed(one), 6 * 40);
    assert_int_equal(runner_result_failed(one), 0);
    assert_same_results(one, two);
    assert_same_results(one, many);
    runner_result_free(one);
    runner_result_free(two);
    runner_result_free(many);
    runner_plan_free(plan);
}

static void one_replication_alone_matches_the_full_run(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "sleeps=1,3", NULL);
    runner_result *full = run_plan(plan, 2, 10, -1);
    runner_result *alone = run_plan(plan, 1, 1, 7);
    size_t first, end;
    runner_result_reps(alone, 1, &first, &end);
    assert_int_equal(first, 7);
    assert_int_equal(end, 8);
    assert_int_equal(runner_result_completed(alone), 2);
    for (size_t p = 0; p < 2; p++) {
        assert_int_equal(runner_result_state(alone, p, 7), RUNNER_REP_OK);
        assert_true(runner_result_seed(alone, p, 7) == runner_result_seed(full, p, 7));
        assert_memory_equal(runner_result_metrics(alone, p, 7),
                            runner_result_metrics(full, p, 7), 2 * sizeof(double));
    }
    runner_result_free(full);
    runner_result_free(alone);
    runner_plan_free(plan);
}

static void a_failed_replication_is_recorded_and_the_others_complete(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_flaky(), "rate=1,2", NULL);
    runner_result *res = run_plan(plan, 2, 6, -1);
    assert_int_equal(runner_result_completed(res), 12);
    assert_int_equal(runner_result_failed(res), 2);
    for (size_t p = 0; p < 2; p++)
        for (size_t r = 0; r < 6; r++) {
            if (r == TM_FLAKY_REP) {
                assert_int_equal(runner_result_state(res, p, r), RUNNER_REP_FAILED);
                assert_non_null(runner_result_error(res, p, r));
                assert_true(strlen(runner_result_error(res, p, r)) > 0);
            } else {
                assert_int_equal(runner_result_state(res, p, r), RUNNER_REP_OK);
                assert_null(runner_result_error(res, p, r));
            }
        }
    /* the summary counts the successful replications only */
    stats_summary s;
    assert_int_equal(runner_summarize(res, 0, 0, 0.95, &s), 0);
    assert_int_equal(s.n, 5);
    runner_result_free(res);
    runner_plan_free(plan);
}

static void summary_leaves_out_undefined_values(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), NULL, NULL);
    runner_result *res = run_plan(plan, 2, 50, -1);
    size_t late = 0;
    for (size_t r = 0; r < 50; r++)
        late += !isnan(runner_result_metrics(res, 0, r)[1]);
    stats_summary s;
    assert_int_equal(runner_summarize(res, 0, 1, 0.95, &s), 0);
    assert_int_equal(s.n, late);
    assert_true(late > 0 && late < 50);
    assert_true(s.min > 1.0);
    runner_result_free(res);
    runner_plan_free(plan);
}

/* Stop at the first poll that sees a finished replication: stopping at the very first
 * poll left nothing finished when a slow machine (valgrind, a loaded CI box) had not
 * completed one replication in its first tenth of a second. */
static int stop_at_once(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    (void)total;
    return done > 0;
}

static void a_stop_request_keeps_the_finished_replications(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_spin());
    runner_err err;
    assert_int_equal(runner_plan_set(plan, "work=2000", &err), 0); /* ~10 ms each */
    runner_options opt;
    runner_options_init(&opt);
    opt.threads = 2;
    opt.reps = 1000;
    opt.poll = stop_at_once;
    runner_result *res = runner_run(plan, &opt, &err);
    assert_non_null(res);
    assert_true(runner_result_stopped(res));
    size_t done = runner_result_completed(res), ok = 0;
    assert_true(done > 0 && done < 1000);
    for (size_t r = 0; r < 1000; r++)
        ok += runner_result_state(res, 0, r) == RUNNER_REP_OK;
    assert_int_equal(ok, done);
    runner_result_free(res);
    runner_plan_free(plan);
}

/* A replication that never ends on its own: one process sleeping forever. */
static void *tick_forever(sim_proc *self, void *arg)
{
    (void)arg;
    while (sim_sleep(self, 1.0) == SIM_OK)
        ;
    return NULL;
}

static sim_status forever_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    sim_status st = sim_spawn(env, "ticker", tick_forever, NULL);
    metrics[0] = 0.0;
    return st == SIM_OK ? sim_run(env, -1) : st;
}

static int set_stop_flag(void *ctx, size_t done, size_t total)
{
    (void)done;
    (void)total;
    atomic_store((atomic_int *)ctx, 1); /* as a signal handler would */
    return 0;
}

/* The stop flag reaches into running replications: endless ones return, are not
 * recorded (neither ok nor failed), and the run reports the stop. Without the kernel's
 * check this test never ends. */
static void the_stop_flag_ends_replications_that_would_never_end(void **state)
{
    (void)state;
    static const exp_metric metrics[] = {{"zero", "always 0", 0}};
    static const exp_experiment forever = {"forever", "never ends", NULL, 0, metrics, 1,
                                           forever_replicate, NULL, NULL, 0, 0};
    runner_plan *plan = runner_plan_new(&forever);
    atomic_int stop = 0;
    runner_options opt;
    runner_options_init(&opt);
    opt.threads = 2;
    opt.reps = 4;
    opt.stop = &stop;
    opt.poll = set_stop_flag;
    opt.poll_ctx = &stop;
    runner_err err;
    runner_result *res = runner_run(plan, &opt, &err);
    assert_non_null(res);
    assert_true(runner_result_stopped(res));
    assert_int_equal(runner_result_completed(res), 0);
    assert_int_equal(runner_result_failed(res), 0);
    assert_false(runner_result_point_ran(res, 0));
    runner_result_free(res);
    runner_plan_free(plan);
}

static runner_result *run_precise(const runner_plan *plan, unsigned threads, double precision,
                                  size_t max_reps)
{
    runner_options opt;
    runner_err err;
    runner_options_init(&opt);
    opt.threads = threads;
    opt.reps = 10;
    opt.precision = precision;
    opt.max_reps = max_reps;
    runner_result *res = runner_run(plan, &opt, &err);
    if (res == NULL)
        fail_msg("runner_run: %s", err.msg);
    return res;
}

static void precision_stopping_meets_the_target_and_does_not_depend_on_threads(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "sleeps=2,20", NULL);
    runner_result *one = run_precise(plan, 1, 0.05, 100000);
    runner_result *two = run_precise(plan, 2, 0.05, 100000);
    assert_same_results(one, two);
    for (size_t p = 0; p < 2; p++) {
        size_t first, end;
        runner_result_reps(one, p, &first, &end);
        assert_int_equal(runner_result_precision_met(one, p), 1);
        assert_true(end > 10 && end < 100000);
        for (size_t m = 0; m < 2; m++) {
            stats_summary s;
            runner_summarize(one, p, m, 0.95, &s);
            assert_true(s.half_width <= 0.05 * fabs(s.mean));
        }
    }
    /* more sleeps per replication: less relative noise, fewer replications needed */
    size_t f0, e0, f1, e1;
    runner_result_reps(one, 0, &f0, &e0);
    runner_result_reps(one, 1, &f1, &e1);
    assert_true(e1 < e0);
    runner_result_free(one);
    runner_result_free(two);
    runner_plan_free(plan);
}

static void precision_stopping_gives_up_at_max_reps(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), NULL, NULL);
    runner_result *res = run_precise(plan, 2, 1e-6, 45);
    size_t first, end;
    runner_result_reps(res, 0, &first, &end);
    assert_int_equal(end, 45);
    assert_int_equal(runner_result_completed(res), 45);
    assert_int_equal(runner_result_precision_met(res, 0), 0);
    runner_result_free(res);
    runner_plan_free(plan);
}

static void precision_is_met_at_once_by_a_constant_metric(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_empty());
    runner_result *res = run_precise(plan, 2, 0.01, 1000);
    assert_int_equal(runner_result_completed(res), 10);
    assert_int_equal(runner_result_precision_met(res, 0), 1);
    runner_result_free(res);
    runner_plan_free(plan);
}

static void bad_run_options_are_refused(void **state)
{
    (void)state;
    runner_plan *plan = runner_plan_new(tm_empty());
    runner_options opt;
    runner_err err;
    runner_options_init(&opt);
    opt.reps = 0;
    assert_null(runner_run(plan, &opt, &err));
    runner_options_init(&opt);
    opt.precision = 0.1;
    opt.only_rep = 3;
    assert_null(runner_run(plan, &opt, &err));
    runner_options_init(&opt);
    opt.confidence = 1.0;
    assert_null(runner_run(plan, &opt, &err));
    runner_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sweep_range_includes_stop_exactly),
        cmocka_unit_test(sweep_range_does_not_accumulate_step_error),
        cmocka_unit_test(sweep_range_in_exponent_form_tolerates_rounding),
        cmocka_unit_test(sweep_range_may_descend),
        cmocka_unit_test(sweep_range_stops_before_overshooting),
        cmocka_unit_test(sweep_list_keeps_its_order),
        cmocka_unit_test(two_sweeps_make_a_grid_with_the_first_varying_slowest),
        cmocka_unit_test(params_not_swept_keep_default_or_set_value),
        cmocka_unit_test(unknown_parameter_is_rejected_naming_the_known_ones),
        cmocka_unit_test(malformed_numbers_are_rejected),
        cmocka_unit_test(out_of_range_and_fractional_whole_numbers_are_rejected),
        cmocka_unit_test(empty_sweeps_are_rejected),
        cmocka_unit_test(a_parameter_given_twice_is_rejected),
        cmocka_unit_test(oversized_grids_are_rejected),
        cmocka_unit_test(seeds_follow_the_documented_formula),
        cmocka_unit_test(seeds_differ_between_reps_and_without_crn_between_points),
        cmocka_unit_test(results_carry_the_seed_each_env_was_given),
        cmocka_unit_test(results_are_identical_for_one_and_two_threads),
        cmocka_unit_test(replications_get_the_stacks_their_experiment_declares),
        cmocka_unit_test(an_experiment_declaring_impossible_stacks_is_refused_at_plan_time),
        cmocka_unit_test(one_replication_alone_matches_the_full_run),
        cmocka_unit_test(a_failed_replication_is_recorded_and_the_others_complete),
        cmocka_unit_test(summary_leaves_out_undefined_values),
        cmocka_unit_test(a_stop_request_keeps_the_finished_replications),
        cmocka_unit_test(the_stop_flag_ends_replications_that_would_never_end),
        cmocka_unit_test(precision_stopping_meets_the_target_and_does_not_depend_on_threads),
        cmocka_unit_test(precision_stopping_gives_up_at_max_reps),
        cmocka_unit_test(precision_is_met_at_once_by_a_constant_metric),
        cmocka_unit_test(bad_run_options_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
