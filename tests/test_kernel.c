/* Kernel: the environment and its run loop (SimPy's Environment.run/step/peek), the
 * clock, and time printing. Ordering rules live in test_kernel_events.c, processes in
 * test_kernel_process.c, conditions, interrupts, misuse and memory in their own files. */
#include "kernel_fixture.h"

#include <math.h>

/* ---- run to exhaustion ------------------------------------------------------------- */

static void test_run_to_exhaustion_ends_at_the_last_event_time(void **state)
{
    kfix *f = *state;
    sim_unref(sim_timeout(f->env, 3, NULL));
    sim_unref(sim_timeout(f->env, 7.5, NULL));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_true(sim_now(f->env) == 7.5);
}

/* SimPy (the handshake example): run() ends when the queue is empty, even though a
 * process still waits on an event that will never be triggered. */
static void test_run_to_exhaustion_with_waiting_processes_left_ends_ok(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "stuck", kproc_wait_forever, NULL);
    assert_non_null(p);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_true(sim_proc_is_alive(p));
    assert_true(sim_now(f->env) == 0);
    sim_unref(sim_proc_event(p));
}

/* ---- run(until) --------------------------------------------------------------------- */

/* SimPy: env.timeout(5); env.process(waiter); env.run(until=5) -> the waiter has not run
 * (the stop event is URGENT), env.now == 5; a later env.run() runs it at 5. */
static void test_run_until_stops_before_normal_events_at_until(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 5, IV(42));
    sim_proc *p = sim_process(f->env, "waiter", kproc_wait_and_report, t);
    assert_int_equal(sim_run(f->env, 5), SIM_OK);
    assert_true(sim_now(f->env) == 5);
    assert_false(sim_is_processed(t));
    assert_string_equal(kfix_trace(f), "");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "5 waiter got 42\n");
    sim_unref(t);
    sim_unref(sim_proc_event(p));
}

/* SimPy: env.run(until=7) on an empty environment leaves env.now == 7. */
static void test_run_until_advances_the_clock_to_until_when_events_run_out(void **state)
{
    kfix *f = *state;
    sim_unref(sim_timeout(f->env, 2, NULL));
    assert_int_equal(sim_run(f->env, 7), SIM_OK);
    assert_true(sim_now(f->env) == 7);
}

static void test_run_until_runs_events_before_until(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 4.999, NULL);
    assert_int_equal(sim_run(f->env, 5), SIM_OK);
    assert_true(sim_is_processed(t));
    sim_unref(t);
}

static void *sleep_0_7_then_2_2(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 0.7);
    sim_sleep(self, 2.2); /* wakes at 0.7 + 2.2 == 2.9000000000000004 */
    say(self, "woke");
    return NULL;
}

/* SimPy schedules the stop event with delay `until - now`, so the stop time is
 * now + (until - now), which need not be `until`:
 *   def p(env): yield env.timeout(0.7); yield env.timeout(2.2); print('woke')
 *   env.run(until=0.8); env.run(until=2.9); repr(env.now) == '2.8999999999999995'
 * and 'woke' (due at 2.9000000000000004) is not printed. Traces depend on this. */
static void test_run_until_computes_the_stop_time_as_simpy_does(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "p", sleep_0_7_then_2_2, NULL);
    assert_int_equal(sim_run(f->env, 0.8), SIM_OK);
    assert_int_equal(sim_run(f->env, 2.9), SIM_OK);
    assert_string_equal(NOW(f->env), "2.8999999999999995");
    assert_string_equal(kfix_trace(f), "");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2.9000000000000004 woke\n");
}

/* Consecutive runs with growing until continue the same schedule. */
static void test_successive_runs_until_continue_the_schedule(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "a", kproc_sleep_then_say, IV(1));
    sim_spawn(f->env, "b", kproc_sleep_then_say, IV(3));
    sim_spawn(f->env, "c", kproc_sleep_then_say, IV(6));
    assert_int_equal(sim_run(f->env, 2), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n");
    assert_int_equal(sim_run(f->env, 4), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n3 b\n");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n3 b\n6 c\n");
}

/* ---- run until an event -------------------------------------------------------------- */

static void test_run_until_event_returns_its_value(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 4, IV(99));
    sim_unref(sim_timeout(f->env, 10, NULL));
    void *value = NULL;
    assert_int_equal(sim_run_until_event(f->env, t, &value), SIM_OK);
    assert_int_equal(VI(value), 99);
    assert_true(sim_now(f->env) == 4);
    sim_unref(t);
}

static void *succeed_at_3(sim_proc *self, void *arg)
{
    sim_sleep(self, 3);
    sim_succeed(arg, IV(5));
    return NULL;
}

static void test_run_until_event_stops_when_the_event_is_processed(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "trigger", succeed_at_3, ev);
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(8));
    void *value = NULL;
    assert_int_equal(sim_run_until_event(f->env, ev, &value), SIM_OK);
    assert_int_equal(VI(value), 5);
    assert_true(sim_now(f->env) == 3);
    assert_string_equal(kfix_trace(f), "");
    sim_unref(ev);
}

/* SimPy: env.run(until=env.event()) raises RuntimeError('No scheduled events left but
 * "until" event was not triggered'). */
static void test_run_until_event_returns_empty_when_the_queue_empties_first(void **state)
{
    kfix *f = *state;
    sim_event *never = sim_event_new(f->env);
    sim_unref(sim_timeout(f->env, 2, NULL));
    assert_int_equal(sim_run_until_event(f->env, never, NULL), SIM_EMPTY);
    assert_true(sim_now(f->env) == 2);
    assert_message_mentions(f->env, "not triggered");
    sim_unref(never);
}

/* SimPy: run(until=ev) with ev already processed returns ev.value without stepping. */
static void test_run_until_processed_event_returns_its_value_at_once(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, IV(8));
    sim_unref(sim_timeout(f->env, 5, NULL));
    assert_int_equal(sim_run(f->env, 2), SIM_OK);
    void *value = NULL;
    assert_int_equal(sim_run_until_event(f->env, t, &value), SIM_OK);
    assert_int_equal(VI(value), 8);
    assert_true(sim_now(f->env) == 2);
    sim_unref(t);
}

/* SimPy: e.fail(ValueError(4)); env.run(until=e) raises ValueError(4). */
static void test_run_until_failing_event_returns_failed_with_its_error(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    assert_int_equal(sim_fail(ev, 4), SIM_OK);
    assert_int_equal(sim_run_until_event(f->env, ev, NULL), SIM_FAILED);
    assert_int_equal(sim_env_error(f->env), 4);
    sim_unref(ev);
}

/* ---- step and peek ------------------------------------------------------------------ */

static void test_step_processes_one_event_at_a_time(void **state)
{
    kfix *f = *state;
    sim_event *a = sim_timeout(f->env, 1, NULL);
    sim_event *b = sim_timeout(f->env, 2, NULL);
    assert_int_equal(sim_step(f->env), SIM_OK);
    assert_true(sim_is_processed(a));
    assert_false(sim_is_processed(b));
    assert_true(sim_now(f->env) == 1);
    assert_int_equal(sim_step(f->env), SIM_OK);
    assert_true(sim_is_processed(b));
    assert_true(sim_now(f->env) == 2);
    sim_unref(a);
    sim_unref(b);
}

static void test_step_on_an_empty_queue_returns_empty(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_step(f->env), SIM_EMPTY);
    assert_true(sim_now(f->env) == 0);
}

static void test_peek_returns_the_time_of_the_next_event(void **state)
{
    kfix *f = *state;
    sim_unref(sim_timeout(f->env, 6, NULL));
    sim_unref(sim_timeout(f->env, 2.5, NULL));
    assert_true(sim_peek(f->env) == 2.5);
    assert_int_equal(sim_step(f->env), SIM_OK);
    assert_true(sim_peek(f->env) == 6);
}

static void test_peek_on_an_empty_queue_returns_infinity(void **state)
{
    kfix *f = *state;
    assert_true(isinf(sim_peek(f->env)) && sim_peek(f->env) > 0);
}

/* A process that sleeps three times: its start, three timeouts and its own event. */
static void *sleep_three_times(sim_proc *self, void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        sim_sleep(self, 1);
    return NULL;
}

static void test_events_processed_counts_every_processed_event(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "sleeper", sleep_three_times, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(sim_events_processed(f->env), 5);
}

/* A lone sleeper's own timeout is always the next event, and sim_sleep then takes it in
 * place, without switching (process.c); sim_step must still take one event per call. */
static void test_step_takes_one_sleep_of_a_lone_process_at_a_time(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "sleeper", sleep_three_times, NULL);
    for (int i = 0; i <= 3; i++) { /* its start, then one timeout per step */
        assert_int_equal(sim_step(f->env), SIM_OK);
        assert_true(sim_now(f->env) == i);
        assert_int_equal(sim_events_processed(f->env), i + 1);
    }
    assert_int_equal(sim_step(f->env), SIM_OK); /* its own event */
    assert_int_equal(sim_events_processed(f->env), 5);
    assert_int_equal(sim_step(f->env), SIM_EMPTY);
}

/* The same for sim_wait on an event it just triggered, which a run takes in place. */
static void *succeed_then_wait(sim_proc *self, void *arg)
{
    (void)arg;
    sim_event *ev = sim_event_new(sim_proc_env(self));
    sim_succeed(ev, NULL);
    sim_wait(self, ev, NULL);
    sim_unref(ev);
    return NULL;
}

static void test_step_takes_one_event_when_a_process_waits_on_a_triggered_one(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "waiter", succeed_then_wait, NULL);
    assert_int_equal(sim_step(f->env), SIM_OK); /* its start: it triggers ev and waits */
    assert_int_equal(sim_events_processed(f->env), 1);
    assert_int_equal(sim_step(f->env), SIM_OK); /* ev: it resumes and finishes */
    assert_int_equal(sim_events_processed(f->env), 2);
    assert_int_equal(sim_step(f->env), SIM_OK); /* its own event */
    assert_int_equal(sim_step(f->env), SIM_EMPTY);
    assert_int_equal(sim_events_processed(f->env), 3);
}

/* And sim_run(until) stops before a sleep that ends after until, in place or not. */
static void test_run_until_stops_a_lone_sleeper_in_time(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "sleeper", sleep_three_times, NULL);
    assert_int_equal(sim_run(f->env, 2), SIM_OK);
    assert_true(sim_now(f->env) == 2);
    /* its start, the timeout at 1 and the stop event at 2 */
    assert_int_equal(sim_events_processed(f->env), 3);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_true(sim_now(f->env) == 3);
}

/* ---- configuration ------------------------------------------------------------------ */

static void test_start_time_sets_the_initial_clock(void **state)
{
    (void)state;
    sim_config cfg = {.start_time = 100};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    assert_true(sim_now(env) == 100);
    sim_event *t = sim_timeout(env, 5, NULL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(sim_now(env) == 105);
    sim_unref(t);
    sim_env_free(env);
}

static void test_null_config_gives_a_usable_environment_at_time_zero(void **state)
{
    (void)state;
    sim_env *env = sim_env_new(NULL);
    assert_non_null(env);
    assert_true(sim_now(env) == 0);
    assert_false(sim_tracing(env));
    sim_spawn(env, "p", sleep_three_times, NULL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(sim_now(env) == 3);
    sim_env_free(env);
}

static void test_seed_is_reported_back(void **state)
{
    (void)state;
    sim_config cfg = {.seed = 12345};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    assert_true(sim_env_seed(env) == 12345);
    sim_env_free(env);
}

/* ---- error messages ---------------------------------------------------------------- */

static void test_set_error_sets_the_message_returned_by_error_message(void **state)
{
    kfix *f = *state;
    sim_env_set_error(f->env, "resource '%s' needs capacity >= %d", "desk", 1);
    assert_string_equal(sim_env_error_message(f->env), "resource 'desk' needs capacity >= 1");
}

static void test_set_error_truncates_an_overlong_message_safely(void **state)
{
    kfix *f = *state;
    char longer[2000];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    sim_env_set_error(f->env, "start %s", longer);
    const char *msg = sim_env_error_message(f->env);
    assert_true(strncmp(msg, "start xxx", 9) == 0);
    assert_true(strlen(msg) < sizeof longer);
}

/* ---- tracing ------------------------------------------------------------------------ */

static void test_trace_writes_to_the_configured_stream(void **state)
{
    kfix *f = *state;
    assert_true(sim_tracing(f->env));
    sim_trace(f->env, "%s=%d\n", "x", 3);
    assert_string_equal(kfix_trace(f), "x=3\n");
}

/* ---- time printing (Python's repr) ------------------------------------------------- */

static void test_fmt_time_prints_whole_numbers_without_a_fraction(void **state)
{
    (void)state;
    assert_string_equal(sim_fmt_time(5.0).s, "5");
    assert_string_equal(sim_fmt_time(0.0).s, "0");
    assert_string_equal(sim_fmt_time(-0.0).s, "0");
    assert_string_equal(sim_fmt_time(1440.0).s, "1440");
}

static void test_fmt_time_prints_short_fractions_as_python(void **state)
{
    (void)state;
    assert_string_equal(sim_fmt_time(2.5).s, "2.5");
    assert_string_equal(sim_fmt_time(0.1).s, "0.1");
}

/* Python: repr(0.1 + 0.2) == '0.30000000000000004' (shortest round-trip digits). */
static void test_fmt_time_prints_the_shortest_round_trip_digits(void **state)
{
    (void)state;
    volatile double a = 0.1, b = 0.2;
    assert_string_equal(sim_fmt_time(a + b).s, "0.30000000000000004");
    assert_string_equal(sim_fmt_time(1.0 / 3.0).s, "0.3333333333333333");
}

/* Python: repr(1e-05) == '1e-05'. */
static void test_fmt_time_prints_small_numbers_in_python_exponent_form(void **state)
{
    (void)state;
    assert_string_equal(sim_fmt_time(1e-05).s, "1e-05");
    assert_string_equal(sim_fmt_time(2.5e-07).s, "2.5e-07");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_run_to_exhaustion_ends_at_the_last_event_time),
        KTEST(test_run_to_exhaustion_with_waiting_processes_left_ends_ok),
        KTEST(test_run_until_stops_before_normal_events_at_until),
        KTEST(test_run_until_advances_the_clock_to_until_when_events_run_out),
        KTEST(test_run_until_runs_events_before_until),
        KTEST(test_run_until_computes_the_stop_time_as_simpy_does),
        KTEST(test_successive_runs_until_continue_the_schedule),
        KTEST(test_run_until_event_returns_its_value),
        KTEST(test_run_until_event_stops_when_the_event_is_processed),
        KTEST(test_run_until_event_returns_empty_when_the_queue_empties_first),
        KTEST(test_run_until_processed_event_returns_its_value_at_once),
        KTEST(test_run_until_failing_event_returns_failed_with_its_error),
        KTEST(test_step_processes_one_event_at_a_time),
        KTEST(test_step_on_an_empty_queue_returns_empty),
        KTEST(test_peek_returns_the_time_of_the_next_event),
        KTEST(test_peek_on_an_empty_queue_returns_infinity),
        KTEST(test_events_processed_counts_every_processed_event),
        KTEST(test_step_takes_one_sleep_of_a_lone_process_at_a_time),
        KTEST(test_run_until_stops_a_lone_sleeper_in_time),
        KTEST(test_step_takes_one_event_when_a_process_waits_on_a_triggered_one),
        cmocka_unit_test(test_start_time_sets_the_initial_clock),
        cmocka_unit_test(test_null_config_gives_a_usable_environment_at_time_zero),
        cmocka_unit_test(test_seed_is_reported_back),
        KTEST(test_set_error_sets_the_message_returned_by_error_message),
        KTEST(test_set_error_truncates_an_overlong_message_safely),
        KTEST(test_trace_writes_to_the_configured_stream),
        cmocka_unit_test(test_fmt_time_prints_whole_numbers_without_a_fraction),
        cmocka_unit_test(test_fmt_time_prints_short_fractions_as_python),
        cmocka_unit_test(test_fmt_time_prints_the_shortest_round_trip_digits),
        cmocka_unit_test(test_fmt_time_prints_small_numbers_in_python_exponent_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
