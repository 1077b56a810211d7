/* Kernel: misuse. Where SimPy raises (RuntimeError / ValueError), the kernel returns
 * SIM_ESTATE or SIM_EINVAL (or NULL for constructors) and leaves a message in
 * sim_env_error_message(); nothing crashes and the environment stays usable. */
#include "kernel_fixture.h"

#include <math.h>

/* ---- triggering --------------------------------------------------------------------- */

/* SimPy: e.succeed(); e.succeed() -> RuntimeError('<Event...> has already been triggered'). */
static void test_second_succeed_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    assert_int_equal(sim_succeed(ev, IV(1)), SIM_OK);
    assert_int_equal(sim_succeed(ev, IV(2)), SIM_ESTATE);
    assert_message_mentions(f->env, "already been triggered");
    assert_int_equal(VI(sim_value(ev)), 1);
    sim_unref(ev);
}

static void test_fail_after_succeed_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    assert_int_equal(sim_succeed(ev, IV(1)), SIM_OK);
    assert_int_equal(sim_fail(ev, 3), SIM_ESTATE);
    assert_message_mentions(f->env, "already been triggered");
    assert_true(sim_is_ok(ev));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    sim_unref(ev);
}

static void test_second_fail_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_defuse(ev);
    assert_int_equal(sim_fail(ev, 3), SIM_OK);
    assert_int_equal(sim_fail(ev, 4), SIM_ESTATE);
    assert_int_equal(sim_error(ev), 3);
    sim_unref(ev);
}

static void test_succeed_on_a_processed_event_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    assert_int_equal(sim_succeed(ev, NULL), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(sim_succeed(ev, NULL), SIM_ESTATE);
    sim_unref(ev);
}

/* SimPy: a Timeout is triggered when created; succeed() on it raises RuntimeError. */
static void test_succeed_on_a_timeout_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 3, IV(1));
    assert_int_equal(sim_succeed(t, IV(2)), SIM_ESTATE);
    assert_int_equal(VI(sim_value(t)), 1);
    sim_unref(t);
}

static void test_fail_with_error_zero_is_invalid(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    assert_int_equal(sim_fail(ev, 0), SIM_EINVAL);
    assert_message_mentions(f->env, "sim_fail");
    assert_false(sim_is_triggered(ev));
    sim_unref(ev);
}

/* ---- delays and until --------------------------------------------------------------- */

/* SimPy: env.timeout(-1) -> ValueError('Negative delay -1'). */
static void test_negative_timeout_delay_is_invalid(void **state)
{
    kfix *f = *state;
    assert_null(sim_timeout(f->env, -1, NULL));
    assert_message_mentions(f->env, "delay");
    assert_null(sim_timeout(f->env, NAN, NULL));
    assert_true(isinf(sim_peek(f->env)));
}

static void *sleep_negative(sim_proc *self, void *arg)
{
    (void)arg;
    sim_status st = sim_sleep(self, -0.5);
    sim_trace(sim_proc_env(self), "%s %s\n", NOW(sim_proc_env(self)), sim_strerror(st));
    return NULL;
}

static void test_negative_sleep_delay_is_invalid(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "p", sleep_negative, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 invalid argument\n");
}

/* SimPy: env.run(until=0) at now 0 -> ValueError('until(=0.0) should be > the current
 * simulation time.'). */
static void test_run_until_now_is_invalid(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_run(f->env, 0), SIM_EINVAL);
    assert_message_mentions(f->env, "until");
}

static void test_run_until_before_now_is_invalid(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_run(f->env, 5), SIM_OK);
    assert_int_equal(sim_run(f->env, 3), SIM_EINVAL);
    assert_int_equal(sim_run(f->env, 5), SIM_EINVAL);
    assert_true(sim_now(f->env) == 5);
}

static void test_run_until_nan_is_invalid(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_run(f->env, NAN), SIM_EINVAL);
    assert_true(sim_now(f->env) == 0);
}

/* ---- waiting ------------------------------------------------------------------------ */

static void test_wait_from_outside_a_process_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "idle", kproc_wait_forever, NULL);
    sim_event *t = sim_timeout(f->env, 1, NULL);
    assert_int_equal(sim_wait(p, t, NULL), SIM_ESTATE);
    assert_message_mentions(f->env, "idle");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    sim_unref(t);
    sim_unref(sim_proc_event(p));
}

static void test_sleep_from_outside_a_process_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "idle", kproc_wait_forever, NULL);
    assert_int_equal(sim_sleep(p, 1), SIM_ESTATE);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_true(sim_now(f->env) == 0);
    sim_unref(sim_proc_event(p));
}

/* A process waiting through another process's handle is refused: only the running
 * process may wait. */
static void *wait_through_other(sim_proc *self, void *arg)
{
    sim_event *t = sim_timeout(sim_proc_env(self), 1, NULL);
    sim_status st = sim_wait(arg, t, NULL);
    sim_trace(sim_proc_env(self), "%s %s\n", NOW(sim_proc_env(self)), sim_strerror(st));
    sim_unref(t);
    return NULL;
}

static void test_wait_with_another_process_handle_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_proc *other = sim_process(f->env, "other", kproc_wait_forever, NULL);
    sim_spawn(f->env, "caller", wait_through_other, other);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 not allowed in the current state\n");
    sim_unref(sim_proc_event(other));
}

static void *wait_on_foreign(sim_proc *self, void *arg)
{
    sim_status st = sim_wait(self, arg, NULL);
    sim_trace(sim_proc_env(self), "%s %s\n", NOW(sim_proc_env(self)), sim_strerror(st));
    return NULL;
}

static void test_wait_on_an_event_of_another_environment_is_invalid(void **state)
{
    kfix *f = *state;
    sim_env *other = sim_env_new(NULL);
    sim_event *foreign = sim_event_new(other);
    sim_spawn(f->env, "p", wait_on_foreign, foreign);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 invalid argument\n");
    sim_unref(foreign);
    sim_env_free(other);
}

static void *run_inside(sim_proc *self, void *arg)
{
    (void)arg;
    sim_status st = sim_run(sim_proc_env(self), -1);
    sim_trace(sim_proc_env(self), "%s %s\n", NOW(sim_proc_env(self)), sim_strerror(st));
    return NULL;
}

static void test_run_from_inside_a_process_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "p", run_inside, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 not allowed in the current state\n");
}

/* ---- interrupts --------------------------------------------------------------------- */

/* SimPy: interrupting a terminated process -> RuntimeError('... has terminated and cannot
 * be interrupted.'). */
static void test_interrupting_a_finished_process_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "done", kproc_say_name, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(sim_interrupt(p, NULL), SIM_ESTATE);
    assert_message_mentions(f->env, "done");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    sim_unref(sim_proc_event(p));
}

/* Finished as soon as its function returned: interrupting it is refused even before its
 * process event is processed. */
static void *return_at_1(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 1);
    return NULL;
}

static void *interrupt_just_finished(sim_proc *self, void *arg)
{
    sim_sleep(self, 1); /* queued after the target's timeout: runs just after it returned */
    sim_status st = sim_interrupt(arg, NULL);
    sim_trace(sim_proc_env(self), "%s %s, target event processed %d\n",
              NOW(sim_proc_env(self)), sim_strerror(st),
              sim_is_processed(sim_proc_event(arg)));
    return NULL;
}

static void test_interrupting_a_process_that_just_returned_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "target", return_at_1, NULL);
    sim_spawn(f->env, "interrupter", interrupt_just_finished, p);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "1 not allowed in the current state, target event processed 0\n");
    sim_unref(sim_proc_event(p));
}

static void *interrupt_self(sim_proc *self, void *arg)
{
    (void)arg;
    sim_status st = sim_interrupt(self, NULL);
    sim_env *env = sim_proc_env(self);
    sim_trace(env, "%s %s: %s\n", NOW(env), sim_strerror(st), sim_env_error_message(env));
    return NULL;
}

/* SimPy: RuntimeError('A process is not allowed to interrupt itself.'). */
static void test_interrupting_oneself_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "narcissus", interrupt_self, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    const char *trace = kfix_trace(f);
    assert_non_null(strstr(trace, "0 not allowed in the current state: "));
    assert_non_null(strstr(trace, "itself"));
}

/* ---- conditions and processes ------------------------------------------------------ */

/* SimPy: ValueError('It is not allowed to mix events from different environments'). */
static void test_condition_over_events_of_another_environment_is_invalid(void **state)
{
    kfix *f = *state;
    sim_env *other = sim_env_new(NULL);
    sim_event *evs[2] = {sim_event_new(f->env), sim_event_new(other)};
    assert_null(sim_all_of(f->env, evs, 2));
    assert_message_mentions(f->env, "environments");
    assert_null(sim_any_of(f->env, evs, 2));
    sim_unref(evs[0]);
    sim_unref(evs[1]);
    sim_env_free(other);
}

static void test_condition_with_a_null_event_is_invalid(void **state)
{
    kfix *f = *state;
    sim_event *evs[2] = {sim_event_new(f->env), NULL};
    assert_null(sim_all_of(f->env, evs, 2));
    assert_null(sim_any_of(f->env, NULL, 3));
    sim_unref(evs[0]);
}

static void test_process_with_a_null_function_is_invalid(void **state)
{
    kfix *f = *state;
    assert_null(sim_process(f->env, "p", NULL, NULL));
    assert_message_mentions(f->env, "NULL function");
    assert_true(isinf(sim_peek(f->env)));
}

/* A NULL function is a bad argument, not a shortage of memory. */
static void test_spawn_with_a_null_function_is_invalid(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_spawn(f->env, "p", NULL, NULL), SIM_EINVAL);
    assert_true(isinf(sim_peek(f->env)));
}

static void test_strerror_describes_every_status(void **state)
{
    (void)state;
    const sim_status all[] = {SIM_OK,     SIM_INTERRUPTED, SIM_FAILED,    SIM_EINVAL,
                              SIM_ESTATE, SIM_ENOMEM,      SIM_EOVERFLOW, SIM_EMPTY};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_non_null(sim_strerror(all[i]));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(sim_strerror(all[i]), sim_strerror(all[j]));
    }
    assert_non_null(sim_strerror((sim_status)99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_second_succeed_is_a_state_error),
        KTEST(test_fail_after_succeed_is_a_state_error),
        KTEST(test_second_fail_is_a_state_error),
        KTEST(test_succeed_on_a_processed_event_is_a_state_error),
        KTEST(test_succeed_on_a_timeout_is_a_state_error),
        KTEST(test_fail_with_error_zero_is_invalid),
        KTEST(test_negative_timeout_delay_is_invalid),
        KTEST(test_negative_sleep_delay_is_invalid),
        KTEST(test_run_until_now_is_invalid),
        KTEST(test_run_until_before_now_is_invalid),
        KTEST(test_run_until_nan_is_invalid),
        KTEST(test_wait_from_outside_a_process_is_a_state_error),
        KTEST(test_sleep_from_outside_a_process_is_a_state_error),
        KTEST(test_wait_with_another_process_handle_is_a_state_error),
        KTEST(test_wait_on_an_event_of_another_environment_is_invalid),
        KTEST(test_run_from_inside_a_process_is_a_state_error),
        KTEST(test_interrupting_a_finished_process_is_a_state_error),
        KTEST(test_interrupting_a_process_that_just_returned_is_a_state_error),
        KTEST(test_interrupting_oneself_is_a_state_error),
        KTEST(test_condition_over_events_of_another_environment_is_invalid),
        KTEST(test_condition_with_a_null_event_is_invalid),
        KTEST(test_process_with_a_null_function_is_invalid),
        KTEST(test_spawn_with_a_null_function_is_invalid),
        KTEST(test_strerror_describes_every_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
