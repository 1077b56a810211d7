/* Kernel: event hooks (SimPy's event.callbacks.append). A hook runs when its event is
 * processed, in one ordered list with the processes waiting on that event; it may
 * trigger events, interrupt processes and defuse a failure. Resources build on this. */
#include "kernel_fixture.h"

/* A hook that writes "<now> <label> (processed P, ok K)" to the trace. */
typedef struct {
    sim_hook hook; /* first member: the callback gets &hook back */
    const char *label;
    int defuse; /* handle a failure, as a SimPy callback setting ev.defused */
    sim_proc *interrupt;
    sim_event *trigger;
} labelled_hook;

static void on_processed(sim_hook *h, sim_event *ev)
{
    labelled_hook *l = (labelled_hook *)(void *)h;
    sim_env *env = sim_event_env(ev);
    sim_trace(env, "%s %s (processed %d, ok %d)\n", NOW(env), l->label, sim_is_processed(ev),
              sim_is_ok(ev));
    if (l->defuse)
        sim_defuse(ev);
    if (l->interrupt)
        sim_interrupt(l->interrupt, IV(5));
    if (l->trigger)
        sim_succeed(l->trigger, IV(8));
}

static labelled_hook make_hook(const char *label)
{
    labelled_hook l = {{NULL, on_processed}, label, 0, NULL, NULL};
    return l;
}

static void test_hook_runs_when_its_event_is_processed(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 4, NULL);
    labelled_hook h = make_hook("hook");
    assert_int_equal(sim_event_hook(t, &h.hook), SIM_OK);
    assert_int_equal(sim_run(f->env, 3), SIM_OK);
    assert_string_equal(kfix_trace(f), "");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "4 hook (processed 1, ok 1)\n");
    sim_unref(t);
}

/* SimPy: callbacks [w1._resume, h1, w2._resume, h2] run in that order. */
static void test_hooks_and_waiters_run_in_the_order_they_were_added(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    labelled_hook h1 = make_hook("h1"), h2 = make_hook("h2");
    sim_spawn(f->env, "w1", kproc_wait_and_report, ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    sim_event_hook(ev, &h1.hook);
    sim_spawn(f->env, "w2", kproc_wait_and_report, ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    sim_event_hook(ev, &h2.hook);
    sim_succeed(ev, IV(1));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 w1 got 1\n"
                                       "0 h1 (processed 1, ok 1)\n"
                                       "0 w2 got 1\n"
                                       "0 h2 (processed 1, ok 1)\n");
    sim_unref(ev);
}

/* SimPy: a callback doing other.succeed() schedules `other` at now, behind the rest. */
static void test_hook_may_trigger_an_event_processed_after_the_current_one(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 2, IV(2));
    sim_event *next = sim_event_new(f->env);
    labelled_hook h = make_hook("hook");
    h.trigger = next;
    sim_spawn(f->env, "on-next", kproc_wait_and_report, next);
    sim_event_hook(t, &h.hook);
    sim_spawn(f->env, "on-t", kproc_wait_and_report, t);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 hook (processed 1, ok 1)\n"
                                       "2 on-t got 2\n"
                                       "2 on-next got 8\n");
    sim_unref(t);
    sim_unref(next);
}

static void test_hook_may_interrupt_a_process(void **state)
{
    kfix *f = *state;
    sim_event *never = sim_event_new(f->env);
    sim_proc *p = sim_process(f->env, "victim", kproc_wait_and_report, never);
    sim_event *t = sim_timeout(f->env, 3, NULL);
    labelled_hook h = make_hook("hook");
    h.interrupt = p;
    sim_event_hook(t, &h.hook);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 hook (processed 1, ok 1)\n3 victim interrupted 5\n");
    sim_unref(never);
    sim_unref(t);
    sim_unref(sim_proc_event(p));
}

/* SimPy: a callback does not handle a failure unless it sets ev.defused. */
static void test_hook_sees_a_failure_without_handling_it(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    labelled_hook h = make_hook("hook");
    sim_event_hook(ev, &h.hook);
    sim_fail(ev, 4);
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_int_equal(sim_env_error(f->env), 4);
    assert_string_equal(kfix_trace(f), "0 hook (processed 1, ok 0)\n");
    sim_unref(ev);
}

static void test_hook_that_defuses_a_failure_keeps_the_run_going(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    labelled_hook h = make_hook("hook");
    h.defuse = 1;
    sim_event_hook(ev, &h.hook);
    sim_fail(ev, 4);
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(1));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 hook (processed 1, ok 0)\n1 late\n");
    sim_unref(ev);
}

static void test_unhooked_hook_does_not_run(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, NULL);
    labelled_hook a = make_hook("a"), b = make_hook("b"), c = make_hook("c");
    sim_event_hook(t, &a.hook);
    sim_event_hook(t, &b.hook);
    sim_event_hook(t, &c.hook);
    assert_int_equal(sim_event_unhook(t, &b.hook), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a (processed 1, ok 1)\n1 c (processed 1, ok 1)\n");
    sim_unref(t);
}

/* The last hook unhooked: a hook added afterwards still runs (the list's tail moved). */
static void test_hook_added_after_unhooking_the_last_one_runs(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, NULL);
    labelled_hook a = make_hook("a"), b = make_hook("b"), c = make_hook("c");
    sim_event_hook(t, &a.hook);
    sim_event_hook(t, &b.hook);
    sim_event_unhook(t, &b.hook);
    sim_event_hook(t, &c.hook);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a (processed 1, ok 1)\n1 c (processed 1, ok 1)\n");
    sim_unref(t);
}

static void test_unhooking_a_hook_that_is_not_hooked_is_invalid(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, NULL);
    labelled_hook h = make_hook("h");
    assert_int_equal(sim_event_unhook(t, &h.hook), SIM_EINVAL);
    sim_event_hook(t, &h.hook);
    assert_int_equal(sim_event_unhook(t, &h.hook), SIM_OK);
    assert_int_equal(sim_event_unhook(t, &h.hook), SIM_EINVAL);
    sim_unref(t);
}

/* SimPy: callbacks is None once processed; appending to it raises. */
static void test_hooking_a_processed_event_is_a_state_error(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    labelled_hook h = make_hook("h");
    assert_int_equal(sim_event_hook(t, &h.hook), SIM_ESTATE);
    assert_message_mentions(f->env, "processed");
    sim_unref(t);
}

static void test_hook_without_a_function_is_invalid(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_hook h = {NULL, NULL};
    assert_int_equal(sim_event_hook(ev, &h), SIM_EINVAL);
    assert_int_equal(sim_event_hook(ev, NULL), SIM_EINVAL);
    sim_unref(ev);
}

/* Waiting on an event that is already triggered and next in the queue may be served
 * without a switch, but only once the scheduler is done with the event that resumed the
 * waiter: Q, resumed by the same event as P, must still run before E's hook. SimPy 3.0.11:
 *   X = env.event()
 *   def P(env):
 *       yield X; E = env.event(); E.callbacks.append(lambda e: print('hook'))
 *       E.succeed(); yield E; print('P got E')
 *       E2 = env.event(); E2.callbacks.append(lambda e: print('hook2'))
 *       E2.succeed(); yield E2; print('P got E2')
 *   def Q(env): yield X; print('Q resumed')
 *   def M(env): yield env.timeout(1); X.succeed(); yield env.timeout(5)
 * prints: Q resumed / hook / P got E / hook2 / P got E2                              */
typedef struct {
    sim_event *x;
    labelled_hook h1, h2;
} fast_path_case;

static void *fast_p(sim_proc *self, void *arg)
{
    fast_path_case *c = arg;
    sim_env *env = sim_proc_env(self);
    sim_wait(self, c->x, NULL);
    sim_event *e = sim_event_new(env);
    sim_event_hook(e, &c->h1.hook);
    sim_succeed(e, NULL);
    sim_wait(self, e, NULL);
    say(self, "P got E");
    sim_unref(e);
    sim_event *e2 = sim_event_new(env);
    sim_event_hook(e2, &c->h2.hook);
    sim_succeed(e2, NULL);
    sim_wait(self, e2, NULL); /* nothing else pending now: may be served in place */
    say(self, "P got E2");
    sim_unref(e2);
    return NULL;
}

static void *fast_q(sim_proc *self, void *arg)
{
    fast_path_case *c = arg;
    sim_wait(self, c->x, NULL);
    say(self, "Q resumed");
    return NULL;
}

static void *fast_m(sim_proc *self, void *arg)
{
    fast_path_case *c = arg;
    sim_sleep(self, 1);
    sim_succeed(c->x, NULL);
    sim_sleep(self, 5); /* alive: its end would queue an event before E */
    return NULL;
}

static void test_waiting_on_a_triggered_event_keeps_simpy_order(void **state)
{
    kfix *f = *state;
    fast_path_case c = {sim_event_new(f->env), make_hook("hook"), make_hook("hook2")};
    sim_spawn(f->env, "P", fast_p, &c);
    sim_spawn(f->env, "Q", fast_q, &c);
    sim_spawn(f->env, "M", fast_m, &c);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 Q resumed\n"
                                       "1 hook (processed 1, ok 1)\n"
                                       "1 P got E\n"
                                       "1 hook2 (processed 1, ok 1)\n"
                                       "1 P got E2\n");
    sim_unref(c.x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_hook_runs_when_its_event_is_processed),
        KTEST(test_hooks_and_waiters_run_in_the_order_they_were_added),
        KTEST(test_hook_may_trigger_an_event_processed_after_the_current_one),
        KTEST(test_hook_may_interrupt_a_process),
        KTEST(test_hook_sees_a_failure_without_handling_it),
        KTEST(test_hook_that_defuses_a_failure_keeps_the_run_going),
        KTEST(test_unhooked_hook_does_not_run),
        KTEST(test_hook_added_after_unhooking_the_last_one_runs),
        KTEST(test_unhooking_a_hook_that_is_not_hooked_is_invalid),
        KTEST(test_hooking_a_processed_event_is_a_state_error),
        KTEST(test_hook_without_a_function_is_invalid),
        KTEST(test_waiting_on_a_triggered_event_keeps_simpy_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
