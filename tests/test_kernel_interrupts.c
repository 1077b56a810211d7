/* Kernel: interrupts (SimPy's Interruption). An interrupt is an URGENT event at now;
 * when processed, the target stops waiting (the event it waited on is untouched), and its
 * wait returns SIM_INTERRUPTED with the cause. Misuse (finished target, self) is tested
 * in test_kernel_misuse.c. */
#include "kernel_fixture.h"

/* Interrupts the process given as arg at time `at` with cause `cause`. */
typedef struct {
    sim_proc *target;
    int at;
    int cause;
} interrupter_arg;

static void *interrupter(sim_proc *self, void *arg)
{
    interrupter_arg *a = arg;
    sim_sleep(self, a->at);
    sim_status st = sim_interrupt(a->target, IV(a->cause));
    sim_trace(sim_proc_env(self), "%s interrupt: %s\n", NOW(sim_proc_env(self)),
              sim_strerror(st));
    return NULL;
}

/* Waits on a timeout of 10 with value 10; if interrupted, says so and waits on it again
 * (SimPy's resumable pattern). */
static void *resumable_sleeper(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_event *t = sim_timeout(env, 10, IV(10));
    void *value = NULL;
    sim_status st;
    while ((st = sim_wait(self, t, &value)) == SIM_INTERRUPTED)
        sim_trace(env, "%s interrupted with %d\n", NOW(env), VI(value));
    sim_trace(env, "%s woke with %d (%s)\n", NOW(env), VI(value), sim_strerror(st));
    sim_unref(t);
    return NULL;
}

/* ---- delivery ----------------------------------------------------------------------- */

static void test_interrupt_ends_the_wait_with_interrupted_and_the_cause(void **state)
{
    kfix *f = *state;
    sim_event *never = sim_event_new(f->env);
    sim_proc *p = sim_process(f->env, "victim", kproc_wait_and_report, never);
    interrupter_arg a = {p, 3, 55};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 interrupt: ok\n3 victim interrupted 55\n");
    assert_false(sim_is_triggered(never));
    sim_unref(never);
    sim_unref(sim_proc_event(p));
}

static void *report_cause(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_status st = sim_sleep(self, 100);
    sim_trace(env, "%s %s, cause %d\n", NOW(env), sim_strerror(st),
              VI(sim_interrupt_cause(self)));
    return NULL;
}

static void test_interrupt_cause_is_readable_after_an_interrupted_sleep(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "victim", report_cause, NULL);
    interrupter_arg a = {p, 4, 66};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "4 interrupt: ok\n4 interrupted, cause 66\n");
    assert_true(sim_now(f->env) == 100); /* SimPy: the abandoned timeout still fires */
    sim_unref(sim_proc_event(p));
}

/* SimPy:
 *   def sleeper(env):
 *       t = env.timeout(10, 'tv')
 *       try: yield t
 *       except Interrupt as i: print('interrupted', env.now, i.cause)
 *       v = yield t; print('rewait', env.now, v)
 * interrupted at 3 prints "interrupted 3 why" then "rewait 10 tv". */
static void test_interrupted_timeout_still_fires_and_can_be_waited_on_again(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "sleeper", resumable_sleeper, NULL);
    interrupter_arg a = {p, 3, 1};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "3 interrupt: ok\n3 interrupted with 1\n10 woke with 10 (ok)\n");
    sim_unref(sim_proc_event(p));
}

/* After an interrupt the process no longer waits on its old event: when that event is
 * processed later it must not resume the process a second time. */
static void *interrupted_then_sleeps(sim_proc *self, void *arg)
{
    sim_event *ev = arg;
    if (sim_wait(self, ev, NULL) == SIM_INTERRUPTED)
        say(self, "interrupted");
    sim_sleep(self, 20);
    say(self, "slept 20");
    return NULL;
}

static void *succeed_at_5(sim_proc *self, void *arg)
{
    sim_sleep(self, 5);
    sim_succeed(arg, IV(1));
    say(self, "succeeded");
    return NULL;
}

static void test_interrupted_process_is_not_resumed_by_its_old_event(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_proc *p = sim_process(f->env, "victim", interrupted_then_sleeps, ev);
    interrupter_arg a = {p, 1, 0};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    sim_spawn(f->env, "trigger", succeed_at_5, ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "1 interrupt: ok\n1 interrupted\n5 succeeded\n21 slept 20\n");
    sim_unref(ev);
    sim_unref(sim_proc_event(p));
}

/* ---- order -------------------------------------------------------------------------- */

/* Interrupts are URGENT: one issued at t runs before NORMAL events already queued at t.
 * Here the interrupter's timeout and the bystander's timeout both fall at 2 (the
 * interrupter's first); the victim's interruption overtakes the bystander. */
static void test_interrupt_runs_before_normal_events_at_the_same_time(void **state)
{
    kfix *f = *state;
    sim_event *never = sim_event_new(f->env);
    sim_proc *p = sim_process(f->env, "victim", kproc_wait_and_report, never);
    interrupter_arg a = {p, 2, 8};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    sim_spawn(f->env, "bystander", kproc_sleep_then_say, IV(2));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "2 interrupt: ok\n2 victim interrupted 8\n2 bystander\n");
    sim_unref(never);
    sim_unref(sim_proc_event(p));
}

/* SimPy: proc = env.process(p(env)); proc.interrupt('x'); env.run() -> the Initialize
 * event (URGENT, scheduled first) starts the process, which then receives the interrupt
 * at its first yield: [('started', 0), ('interrupted', 'x', 0)]. */
static void *start_then_sleep(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    say(self, "started");
    void *cause = NULL;
    sim_event *t = sim_timeout(env, 5, NULL);
    sim_status st = sim_wait(self, t, &cause);
    sim_trace(env, "%s %s %d\n", NOW(env), sim_strerror(st), VI(cause));
    sim_unref(t);
    return IV(1);
}

static void test_interrupt_before_start_arrives_at_the_first_wait(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "p", start_then_sleep, NULL);
    assert_int_equal(sim_interrupt(p, IV(3)), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 started\n0 interrupted 3\n");
    assert_true(sim_is_ok(sim_proc_event(p)));
    assert_int_equal(VI(sim_value(sim_proc_event(p))), 1);
    sim_unref(sim_proc_event(p));
}

static void test_interrupt_from_outside_the_run_arrives_at_the_next_run(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "sleeper", resumable_sleeper, NULL);
    assert_int_equal(sim_run(f->env, 4), SIM_OK);
    assert_int_equal(sim_interrupt(p, IV(9)), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "4 interrupted with 9\n10 woke with 10 (ok)\n");
    sim_unref(sim_proc_event(p));
}

/* SimPy (Interrupt's docstring): concurrent interrupts are thrown into the process in
 * the order they occurred. */
static void *interrupt_twice(sim_proc *self, void *arg)
{
    sim_sleep(self, 2);
    sim_interrupt(arg, IV(1));
    sim_interrupt(arg, IV(2));
    return NULL;
}

static void test_concurrent_interrupts_arrive_in_the_order_they_were_made(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "sleeper", resumable_sleeper, NULL);
    sim_spawn(f->env, "interrupter", interrupt_twice, p);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "2 interrupted with 1\n2 interrupted with 2\n10 woke with 10 (ok)\n");
    sim_unref(sim_proc_event(p));
}

static void *end_on_interrupt(sim_proc *self, void *arg)
{
    (void)arg;
    void *cause = NULL;
    sim_event *t = sim_timeout(sim_proc_env(self), 10, NULL);
    sim_status st = sim_wait(self, t, &cause);
    sim_unref(t);
    if (st == SIM_INTERRUPTED) {
        sim_trace(sim_proc_env(self), "%s ended on %d\n", NOW(sim_proc_env(self)), VI(cause));
        return IV(100 + VI(cause));
    }
    return NULL;
}

/* SimPy: victim returns on the first of two interrupts made together; the second is
 * dropped (Interruption._interrupt ignores dead processes) and the run ends normally:
 * "got 1", victim.value == 'ended', run ends at 10. */
static void test_second_interrupt_after_the_first_ended_the_process_is_dropped(void **state)
{
    kfix *f = *state;
    sim_proc *p = sim_process(f->env, "victim", end_on_interrupt, NULL);
    sim_spawn(f->env, "interrupter", interrupt_twice, p);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 ended on 1\n");
    assert_int_equal(VI(sim_value(sim_proc_event(p))), 101);
    assert_true(sim_now(f->env) == 10);
    sim_unref(sim_proc_event(p));
}

/* ---- what a process waits on ------------------------------------------------------ */

static void test_interrupt_while_waiting_on_a_process_leaves_that_process_running(
    void **state)
{
    kfix *f = *state;
    sim_proc *child = sim_process(f->env, "child", kproc_sleep_then_say, IV(6));
    sim_proc *parent = sim_process(f->env, "parent", kproc_wait_and_report,
                                   sim_proc_event(child));
    interrupter_arg a = {parent, 2, 4};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 interrupt: ok\n2 parent interrupted 4\n6 child\n");
    sim_unref(sim_proc_event(child));
    sim_unref(sim_proc_event(parent));
}

static void test_interrupt_while_waiting_on_a_condition_lets_the_condition_complete(
    void **state)
{
    kfix *f = *state;
    sim_event *evs[2] = {sim_timeout(f->env, 5, IV(1)), sim_timeout(f->env, 7, IV(2))};
    sim_event *all = sim_all_of(f->env, evs, 2);
    sim_proc *p = sim_process(f->env, "victim", kproc_wait_and_report, all);
    interrupter_arg a = {p, 6, 3};
    sim_spawn(f->env, "interrupter", interrupter, &a);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "6 interrupt: ok\n6 victim interrupted 3\n");
    assert_true(sim_is_processed(all));
    assert_int_equal(sim_condition_size(all), 2);
    sim_unref(evs[0]);
    sim_unref(evs[1]);
    sim_unref(all);
    sim_unref(sim_proc_event(p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_interrupt_ends_the_wait_with_interrupted_and_the_cause),
        KTEST(test_interrupt_cause_is_readable_after_an_interrupted_sleep),
        KTEST(test_interrupted_timeout_still_fires_and_can_be_waited_on_again),
        KTEST(test_interrupted_process_is_not_resumed_by_its_old_event),
        KTEST(test_interrupt_runs_before_normal_events_at_the_same_time),
        KTEST(test_interrupt_before_start_arrives_at_the_first_wait),
        KTEST(test_interrupt_from_outside_the_run_arrives_at_the_next_run),
        KTEST(test_concurrent_interrupts_arrive_in_the_order_they_were_made),
        KTEST(test_second_interrupt_after_the_first_ended_the_process_is_dropped),
        KTEST(test_interrupt_while_waiting_on_a_process_leaves_that_process_running),
        KTEST(test_interrupt_while_waiting_on_a_condition_lets_the_condition_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
