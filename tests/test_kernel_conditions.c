/* Kernel: all_of / any_of (SimPy's Condition, AllOf, AnyOf). The value is taken when the
 * condition is processed: the leaf events processed by then, in list order, nested
 * conditions flattened into their leaves. A failing sub-event fails the condition and
 * counts as handled. Mixing environments is tested in test_kernel_misuse.c. */
#include "kernel_fixture.h"

/* Waits on the condition given as arg, then prints its value: "v1,v2,..." (integers). */
static void *wait_and_list(sim_proc *self, void *arg)
{
    sim_event *cond = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st = sim_wait(self, cond, NULL);
    if (st != SIM_OK) {
        sim_trace(env, "%s %s %d\n", NOW(env), sim_strerror(st), sim_error(cond));
        return NULL;
    }
    sim_trace(env, "%s [", NOW(env));
    for (size_t i = 0; i < sim_condition_size(cond); i++)
        sim_trace(env, "%s%d", i ? "," : "", VI(sim_condition_value(cond, i)));
    sim_trace(env, "]\n");
    return NULL;
}

static void unref_all(sim_event **evs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sim_unref(evs[i]);
}

/* ---- all_of ------------------------------------------------------------------------- */

/* SimPy: t3, t1 = env.timeout(3, 3), env.timeout(1, 1); v = yield env.all_of([t3, t1])
 * -> at 3, [e.value for e in v.events] == [3, 1]: list order, not processing order. */
static void test_all_of_waits_for_every_event_and_lists_them_in_list_order(void **state)
{
    kfix *f = *state;
    sim_event *evs[3] = {sim_timeout(f->env, 3, IV(3)), sim_timeout(f->env, 1, IV(1)),
                         sim_timeout(f->env, 2, IV(2))};
    sim_event *all = sim_all_of(f->env, evs, 3);
    sim_spawn(f->env, "w", wait_and_list, all);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 [3,1,2]\n");
    unref_all(evs, 3);
    sim_unref(all);
}

static void test_condition_lookup_finds_member_values_and_reports_absent_ones(void **state)
{
    kfix *f = *state;
    sim_event *evs[2] = {sim_timeout(f->env, 1, IV(10)), sim_timeout(f->env, 9, IV(90))};
    sim_event *any = sim_any_of(f->env, evs, 2);
    void *value = NULL;
    assert_int_equal(sim_run_until_event(f->env, any, &value), SIM_OK);
    int found = -1;
    assert_int_equal(VI(sim_condition_lookup(any, evs[0], &found)), 10);
    assert_int_equal(found, 1);
    assert_null(sim_condition_lookup(any, evs[1], &found));
    assert_int_equal(found, 0);
    assert_ptr_equal(sim_condition_event(any, 0), evs[0]);
    assert_null(sim_condition_event(any, 1));
    unref_all(evs, 2);
    sim_unref(any);
}

static void test_all_of_process_events_lists_their_return_values(void **state)
{
    kfix *f = *state;
    sim_event *ta = sim_timeout(f->env, 2, IV(5)), *tb = sim_timeout(f->env, 1, IV(6));
    sim_proc *a = sim_process(f->env, "a", kproc_wait_and_report, ta);
    sim_proc *b = sim_process(f->env, "b", kproc_wait_and_report, tb);
    sim_event *evs[2] = {sim_proc_event(a), sim_proc_event(b)};
    sim_event *all = sim_all_of(f->env, evs, 2);
    sim_spawn(f->env, "w", wait_and_list, all);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 b got 6\n2 a got 5\n2 [5,6]\n");
    sim_unref(ta);
    sim_unref(tb);
    unref_all(evs, 2);
    sim_unref(all);
}

/* ---- any_of ------------------------------------------------------------------------- */

static void test_any_of_succeeds_at_the_first_event_with_only_that_event(void **state)
{
    kfix *f = *state;
    sim_event *evs[3] = {sim_timeout(f->env, 4, IV(4)), sim_timeout(f->env, 2, IV(2)),
                         sim_timeout(f->env, 3, IV(3))};
    sim_event *any = sim_any_of(f->env, evs, 3);
    sim_spawn(f->env, "w", wait_and_list, any);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 [2]\n");
    unref_all(evs, 3);
    sim_unref(any);
}

/* SimPy: t1, t2 = env.timeout(1, 1), env.timeout(1, 2); v = yield env.any_of([t2, t1])
 * -> [2, 1]: t1 triggers the condition, but t2 is processed before the condition is. */
static void test_any_of_value_includes_same_time_events_processed_before_it(void **state)
{
    kfix *f = *state;
    sim_event *t1 = sim_timeout(f->env, 1, IV(1));
    sim_event *t2 = sim_timeout(f->env, 1, IV(2));
    sim_event *evs[2] = {t2, t1};
    sim_event *any = sim_any_of(f->env, evs, 2);
    sim_spawn(f->env, "w", wait_and_list, any);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 [2,1]\n");
    unref_all(evs, 2);
    sim_unref(any);
}

/* ---- nesting ------------------------------------------------------------------------ */

/* SimPy: a, b, c = env.timeout(1,'a'), env.timeout(3,'b'), env.timeout(2,'c')
 * v = yield (a & b) | c -> at 2, ['a', 'c']: the nested condition is flattened into its
 * processed leaves although it has not succeeded itself. */
static void test_nested_condition_value_is_flattened_into_processed_leaves(void **state)
{
    kfix *f = *state;
    sim_event *a = sim_timeout(f->env, 1, IV(1));
    sim_event *b = sim_timeout(f->env, 3, IV(3));
    sim_event *c = sim_timeout(f->env, 2, IV(2));
    sim_event *ab_evs[2] = {a, b};
    sim_event *ab = sim_all_of(f->env, ab_evs, 2);
    sim_event *top_evs[2] = {ab, c};
    sim_event *top = sim_any_of(f->env, top_evs, 2);
    sim_spawn(f->env, "w", wait_and_list, top);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 [1,2]\n");
    int found = -1;
    sim_condition_lookup(top, ab, &found);
    assert_int_equal(found, 0); /* only leaves appear in the value */
    sim_unref(a);
    sim_unref(b);
    sim_unref(c);
    sim_unref(ab);
    sim_unref(top);
}

static void test_nested_all_of_waits_for_the_inner_condition(void **state)
{
    kfix *f = *state;
    sim_event *a = sim_timeout(f->env, 1, IV(1));
    sim_event *b = sim_timeout(f->env, 5, IV(5));
    sim_event *c = sim_timeout(f->env, 2, IV(2));
    sim_event *ab_evs[2] = {a, b};
    sim_event *ab = sim_any_of(f->env, ab_evs, 2);
    sim_event *top_evs[2] = {c, ab};
    sim_event *top = sim_all_of(f->env, top_evs, 2);
    sim_spawn(f->env, "w", wait_and_list, top);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 [2,1]\n");
    sim_unref(a);
    sim_unref(b);
    sim_unref(c);
    sim_unref(ab);
    sim_unref(top);
}

/* ---- failures ----------------------------------------------------------------------- */

static void *fail_at_2(sim_proc *self, void *arg)
{
    sim_sleep(self, 2);
    sim_fail(arg, 5);
    return NULL;
}

/* SimPy: a failing sub-event fails the condition at once with its exception; the
 * waiter catches it and the run goes on (the sub-event was defused by the condition). */
static void test_failing_sub_event_fails_the_condition_with_its_error(void **state)
{
    kfix *f = *state;
    sim_event *e = sim_event_new(f->env);
    sim_event *evs[2] = {sim_timeout(f->env, 9, IV(9)), e};
    sim_event *all = sim_all_of(f->env, evs, 2);
    sim_spawn(f->env, "w", wait_and_list, all);
    sim_spawn(f->env, "failer", fail_at_2, e);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 event failed 5\n");
    assert_false(sim_is_ok(all));
    assert_int_equal(sim_error(all), 5);
    unref_all(evs, 2);
    sim_unref(all);
}

/* SimPy: e = env.event(); c = env.all_of([e, env.timeout(5)]); e.fail(ValueError(9));
 * env.run() raises ValueError(9) at 0 and e.defused is True: the condition handled the
 * sub-event, but nobody handled the condition's own failure. */
static void test_failed_condition_nobody_waits_on_stops_the_run(void **state)
{
    kfix *f = *state;
    sim_event *e = sim_event_new(f->env);
    sim_event *evs[2] = {e, sim_timeout(f->env, 5, NULL)};
    sim_event *all = sim_all_of(f->env, evs, 2);
    assert_int_equal(sim_fail(e, 9), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_int_equal(sim_env_error(f->env), 9);
    assert_true(sim_now(f->env) == 0);
    unref_all(evs, 2);
    sim_unref(all);
}

/* SimPy: once any_of([t1, e]) has been processed at 1, its checks are gone; e failing
 * at 2 is nobody's business and crashes the run ("g failed 2 5"). */
static void test_failure_after_the_condition_was_processed_is_not_handled_by_it(void **state)
{
    kfix *f = *state;
    sim_event *e = sim_event_new(f->env);
    sim_event *evs[2] = {sim_timeout(f->env, 1, IV(1)), e};
    sim_event *any = sim_any_of(f->env, evs, 2);
    sim_spawn(f->env, "w", wait_and_list, any);
    sim_spawn(f->env, "failer", fail_at_2, e);
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_int_equal(sim_env_error(f->env), 5);
    assert_true(sim_now(f->env) == 2);
    assert_string_equal(kfix_trace(f), "1 [1]\n");
    unref_all(evs, 2);
    sim_unref(any);
}

/* SimPy: inner = env.all_of([e, env.timeout(5)]); outer = env.any_of([inner,
 * env.timeout(9)]); e fails with ValueError(5) at 2 -> the waiter on outer catches it at
 * 2 and the run ends normally at 9. */
static void test_failure_of_a_nested_condition_fails_the_outer_one(void **state)
{
    kfix *f = *state;
    sim_event *e = sim_event_new(f->env);
    sim_event *inner_evs[2] = {e, sim_timeout(f->env, 5, NULL)};
    sim_event *inner = sim_all_of(f->env, inner_evs, 2);
    sim_event *outer_evs[2] = {inner, sim_timeout(f->env, 9, NULL)};
    sim_event *outer = sim_any_of(f->env, outer_evs, 2);
    sim_spawn(f->env, "w", wait_and_list, outer);
    sim_spawn(f->env, "failer", fail_at_2, e);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 event failed 5\n");
    assert_true(sim_now(f->env) == 9);
    unref_all(inner_evs, 2);
    unref_all(outer_evs, 2);
    sim_unref(outer);
}

/* ---- edge cases --------------------------------------------------------------------- */

/* SimPy: b, a processed before; at 5, env.all_of([b, a]) is triggered at once (not yet
 * processed) and yields ['b', 'a'] at 5. */
static void *condition_over_processed(sim_proc *self, void *arg)
{
    sim_event **evs = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 5);
    sim_event *all = sim_all_of(env, evs, 2);
    sim_trace(env, "%s triggered %d processed %d\n", NOW(env), sim_is_triggered(all),
              sim_is_processed(all));
    wait_and_list(self, all);
    sim_unref(all);
    return NULL;
}

static void test_condition_over_processed_events_is_triggered_at_once(void **state)
{
    kfix *f = *state;
    sim_event *evs[2] = {sim_timeout(f->env, 2, IV(2)), sim_timeout(f->env, 1, IV(1))};
    sim_spawn(f->env, "w", condition_over_processed, evs);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "5 triggered 1 processed 0\n5 [2,1]\n");
    unref_all(evs, 2);
}

static void *wait_empty_conditions(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 1);
    sim_event *all = sim_all_of(env, NULL, 0);
    wait_and_list(self, all);
    sim_unref(all);
    return NULL;
}

/* SimPy: `v = yield env.all_of([])` resumes at the same time with an empty value. */
static void test_empty_all_of_succeeds_immediately_with_an_empty_value(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "w", wait_empty_conditions, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 []\n");
}

/* SimPy 3.0.11: Condition.__init__ succeeds at once when there are no events, for any_of
 * too (any_events returns True for an empty list). */
static void test_empty_any_of_succeeds_immediately(void **state)
{
    kfix *f = *state;
    sim_event *any = sim_any_of(f->env, NULL, 0);
    assert_non_null(any);
    assert_true(sim_is_triggered(any));
    sim_spawn(f->env, "w", wait_and_list, any);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 []\n");
    sim_unref(any);
}

/* SimPy: c = env.all_of([t, t]) -> both entries count; the value lists t twice. */
static void test_event_listed_twice_counts_and_appears_twice(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 1, IV(4));
    sim_event *evs[2] = {t, t};
    sim_event *all = sim_all_of(f->env, evs, 2);
    sim_spawn(f->env, "w", wait_and_list, all);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 [4,4]\n");
    sim_unref(t);
    sim_unref(all);
}

/* A condition whose handle is released at once still resumes its waiter. */
static void *wait_on_released_condition(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_event *evs[2] = {sim_timeout(env, 1, IV(1)), sim_timeout(env, 3, IV(3))};
    sim_event *all = sim_all_of(env, evs, 2);
    unref_all(evs, 2);
    sim_status st = sim_wait(self, all, NULL);
    sim_trace(env, "%s %s size %zu\n", NOW(env), sim_strerror(st), sim_condition_size(all));
    sim_unref(all);
    return NULL;
}

static void test_condition_keeps_its_sub_events_alive_after_their_handles_go(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "w", wait_on_released_condition, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 ok size 2\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_all_of_waits_for_every_event_and_lists_them_in_list_order),
        KTEST(test_condition_lookup_finds_member_values_and_reports_absent_ones),
        KTEST(test_all_of_process_events_lists_their_return_values),
        KTEST(test_any_of_succeeds_at_the_first_event_with_only_that_event),
        KTEST(test_any_of_value_includes_same_time_events_processed_before_it),
        KTEST(test_nested_condition_value_is_flattened_into_processed_leaves),
        KTEST(test_nested_all_of_waits_for_the_inner_condition),
        KTEST(test_failing_sub_event_fails_the_condition_with_its_error),
        KTEST(test_failed_condition_nobody_waits_on_stops_the_run),
        KTEST(test_failure_after_the_condition_was_processed_is_not_handled_by_it),
        KTEST(test_failure_of_a_nested_condition_fails_the_outer_one),
        KTEST(test_condition_over_processed_events_is_triggered_at_once),
        KTEST(test_empty_all_of_succeeds_immediately_with_an_empty_value),
        KTEST(test_empty_any_of_succeeds_immediately),
        KTEST(test_event_listed_twice_counts_and_appears_twice),
        KTEST(test_condition_keeps_its_sub_events_alive_after_their_handles_go),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
