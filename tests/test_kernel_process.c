/* Kernel: processes. A process is a coroutine and also an event: it succeeds with its
 * function's return value or fails with the error given to sim_exit_fail, and whoever
 * waits on it gets that value or that failure (SimPy's Process). */
#include "kernel_fixture.h"

static void *return_value_at_2(sim_proc *self, void *arg)
{
    sim_sleep(self, 2);
    return arg;
}

static void *fail_with_7_at_1(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 1);
    return sim_exit_fail(self, 7);
}

/* ---- the process as an event -------------------------------------------------------- */

static void test_process_return_value_is_its_event_value(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "worker", return_value_at_2, IV(21));
    assert_non_null(p);
    assert_false(sim_is_triggered(sim_proc_event(p)));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_true(sim_is_processed(sim_proc_event(p)));
    assert_true(sim_is_ok(sim_proc_event(p)));
    assert_int_equal(VI(sim_value(sim_proc_event(p))), 21);
    sim_unref(sim_proc_event(p));
}

static void test_waiting_process_gets_the_return_value_when_the_process_ends(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "worker", return_value_at_2, IV(21));
    sim_spawn(f->env, "parent", kproc_wait_and_report, sim_proc_event(p));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 parent got 21\n");
    sim_unref(sim_proc_event(p));
}

static void *wait_for_finished_process(sim_proc *self, void *arg)
{
    sim_sleep(self, 5);
    return kproc_wait_and_report(self, arg);
}

static void test_waiting_on_a_finished_process_resumes_at_once_with_its_value(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "worker", return_value_at_2, IV(4));
    sim_spawn(f->env, "late", wait_for_finished_process, sim_proc_event(p));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "5 late got 4\n");
    sim_unref(sim_proc_event(p));
}

/* ---- failing processes -------------------------------------------------------------- */

/* SimPy: a process raising ValueError(7) fails; `try: yield p except ValueError` in the
 * waiter catches it and the run goes on. */
static void test_failing_process_propagates_to_a_waiting_process(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "worker", fail_with_7_at_1, NULL);
    sim_spawn(f->env, "parent", kproc_wait_and_report, sim_proc_event(p));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 parent failed 7\n");
    assert_false(sim_is_ok(sim_proc_event(p)));
    assert_int_equal(sim_error(sim_proc_event(p)), 7);
    sim_unref(sim_proc_event(p));
}

static void test_failing_process_nobody_waits_on_stops_the_run_with_its_error(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "worker", fail_with_7_at_1, NULL);
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(2));
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_int_equal(sim_env_error(f->env), 7);
    assert_true(sim_now(f->env) == 1);
    assert_message_mentions(f->env, "worker");
    assert_string_equal(kfix_trace(f), "");
}

static void test_defused_failing_process_does_not_stop_the_run(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "worker", fail_with_7_at_1, NULL);
    sim_defuse(sim_proc_event(p));
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(2));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 late\n");
    assert_int_equal(sim_error(sim_proc_event(p)), 7);
    sim_unref(sim_proc_event(p));
}

/* A process that handles a failure and fails in turn passes it up a chain of waiters. */
static void *wait_and_fail_on_failure(sim_proc *self, void *arg)
{
    sim_event *ev = arg;
    if (sim_wait(self, ev, NULL) == SIM_FAILED)
        return sim_exit_fail(self, sim_error(ev) + 100);
    return NULL;
}

static void test_failure_handled_and_rethrown_reaches_the_next_waiter(void **state)
{
    kfix *f = *state;
    sim_proc *inner = sim_process(f->env, "inner", fail_with_7_at_1, NULL);
    sim_proc *middle = sim_process(f->env, "middle", wait_and_fail_on_failure,
                                   sim_proc_event(inner));
    sim_spawn(f->env, "outer", kproc_wait_and_report, sim_proc_event(middle));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 outer failed 107\n");
    sim_unref(sim_proc_event(inner));
    sim_unref(sim_proc_event(middle));
}

/* ---- liveness and identity ---------------------------------------------------------- */

static void *observe_after_return(sim_proc *self, void *arg)
{
    sim_proc *worker = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 2); /* queued after the worker's timeout at 2: runs right after it */
    sim_trace(env, "%s worker alive %d, its event triggered %d processed %d\n", NOW(env),
              sim_proc_is_alive(worker), sim_is_triggered(sim_proc_event(worker)),
              sim_is_processed(sim_proc_event(worker)));
    return NULL;
}

/* A process is finished as soon as its function returned, before its event is
 * processed (SimPy: is_alive is `_value is PENDING`, set when the generator returns). */
static void test_process_is_not_alive_once_its_function_returned(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "worker", return_value_at_2, NULL);
    assert_true(sim_proc_is_alive(p));
    sim_spawn(f->env, "observer", observe_after_return, p);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "2 worker alive 0, its event triggered 1 processed 0\n");
    assert_false(sim_proc_is_alive(p));
    sim_unref(sim_proc_event(p));
}

static void *report_active(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_trace(env, "%s active is self %d\n", NOW(env), sim_active_process(env) == self);
    return NULL;
}

static void test_active_process_is_the_running_one_and_null_outside(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "a", report_active, NULL);
    assert_null(sim_active_process(f->env));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_null(sim_active_process(f->env));
    assert_string_equal(kfix_trace(f), "0 active is self 1\n");
}

static void test_process_name_is_copied(void **state)
{
    kfix *f = *state;
    char name[16] = "machine-1";
    sim_proc *p = sim_process(f->env, name, kproc_say_name, NULL);
    strcpy(name, "overwritten");
    assert_string_equal(sim_proc_name(p), "machine-1");
    assert_ptr_equal(sim_proc_env(p), f->env);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 machine-1\n");
    sim_unref(sim_proc_event(p));
}

/* Names longer than the 39 bytes a process keeps are cut, never overrun. */
static void test_an_overlong_process_name_is_cut_to_39_bytes(void **state)
{
    kfix *f = *state;
    const char *name = "a-process-name-well-over-forty-bytes-long-0123456789";
    sim_proc *p = sim_process(f->env, name, kproc_say_name, NULL);
    char want[40];
    memcpy(want, name, 39);
    want[39] = '\0';
    assert_string_equal(sim_proc_name(p), want);
    sim_proc *q = sim_process(f->env, "exactly-thirty-nine-bytes-of-name-01234", kproc_say_name, NULL);
    assert_string_equal(sim_proc_name(q), "exactly-thirty-nine-bytes-of-name-01234");
    sim_unref(sim_proc_event(p));
    sim_unref(sim_proc_event(q));
}

static void test_process_without_a_name_gets_a_generated_one(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, NULL, kproc_say_name, NULL);
    assert_non_null(p);
    assert_non_null(sim_proc_name(p));
    assert_true(strlen(sim_proc_name(p)) > 0);
    sim_unref(sim_proc_event(p));
}

static void test_spawned_process_runs_without_a_handle(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_spawn(f->env, "fire-and-forget", kproc_sleep_then_say, IV(3)), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 fire-and-forget\n");
}

/* ---- waiting ------------------------------------------------------------------------- */

static void *sleep_fractions(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 0.5);
    say(self, "a");
    sim_sleep(self, 2.25);
    say(self, "b");
    sim_sleep(self, 0);
    say(self, "c");
    return NULL;
}

static void test_sleep_advances_the_clock_by_its_delay(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "s", sleep_fractions, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0.5 a\n2.75 b\n2.75 c\n");
}

static void *sleep_tenths(sim_proc *self, void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++)
        sim_sleep(self, 0.1);
    say(self, "done");
    return NULL;
}

/* The clock adds delays one by one in doubles, as SimPy's now + delay does:
 *   def r(env):
 *       for i in range(10): yield env.timeout(0.1)
 *       print(repr(env.now))   # 0.9999999999999999 */
static void test_sleeps_accumulate_time_in_doubles_as_simpy_does(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "s", sleep_tenths, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0.9999999999999999 done\n");
}

static void *wait_with_null_value(sim_proc *self, void *arg)
{
    sim_status st = sim_wait(self, arg, NULL);
    sim_trace(sim_proc_env(self), "%s %s\n", NOW(sim_proc_env(self)), sim_strerror(st));
    return NULL;
}

static void test_wait_accepts_a_null_value_pointer(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, IV(3));
    sim_spawn(f->env, "w", wait_with_null_value, t);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 ok\n");
    sim_unref(t);
}

/* Many processes alive at once, each on its own stack, interleaving correctly. */
static void *count_down(sim_proc *self, void *arg)
{
    int *total = arg;
    for (int i = 0; i < 10; i++) {
        sim_sleep(self, 1);
        (*total)++;
    }
    return NULL;
}

static void test_many_processes_interleave_on_their_own_stacks(void **state)
{
    kfix *f = *state;
    int total = 0;
    for (int i = 0; i < 500; i++)
        assert_int_equal(sim_spawn(f->env, "c", count_down, &total), SIM_OK);
    assert_int_equal(sim_run(f->env, 5.5), SIM_OK);
    assert_int_equal(total, 500 * 5);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(total, 500 * 10);
    assert_true(sim_now(f->env) == 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_process_return_value_is_its_event_value),
        KTEST(test_waiting_process_gets_the_return_value_when_the_process_ends),
        KTEST(test_waiting_on_a_finished_process_resumes_at_once_with_its_value),
        KTEST(test_failing_process_propagates_to_a_waiting_process),
        KTEST(test_failing_process_nobody_waits_on_stops_the_run_with_its_error),
        KTEST(test_defused_failing_process_does_not_stop_the_run),
        KTEST(test_failure_handled_and_rethrown_reaches_the_next_waiter),
        KTEST(test_process_is_not_alive_once_its_function_returned),
        KTEST(test_active_process_is_the_running_one_and_null_outside),
        KTEST(test_process_name_is_copied),
        KTEST(test_an_overlong_process_name_is_cut_to_39_bytes),
        KTEST(test_process_without_a_name_gets_a_generated_one),
        KTEST(test_spawned_process_runs_without_a_handle),
        KTEST(test_sleep_advances_the_clock_by_its_delay),
        KTEST(test_sleeps_accumulate_time_in_doubles_as_simpy_does),
        KTEST(test_wait_accepts_a_null_value_pointer),
        KTEST(test_many_processes_interleave_on_their_own_stacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
