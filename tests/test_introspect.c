/* Introspection with SimPy's meaning: an event's defused flag and outcome, misuse on
 * reading an untriggered event, Process.target, a request's fields, a resource's users
 * and queue, a store's or container's waiting puts and gets, the release event, and
 * the status a failed constructor leaves.                                           */
#include "res_fixture.h"

#include <math.h>

static void *fail_soon(sim_proc *self, void *arg)
{
    sim_sleep(self, 1);
    sim_fail(arg, 42);
    return NULL;
}

static void *wait_on_arg(sim_proc *self, void *arg)
{
    sim_wait(self, arg, NULL);
    return NULL;
}

static void test_defused_flag_follows_sim_defuse(void **state)
{
    sim_env *env = *state;
    sim_event *ev = sim_event_new(env);
    assert_false(sim_is_defused(ev));
    sim_defuse(ev);
    assert_true(sim_is_defused(ev));
    sim_unref(ev);
}

static void test_defused_flag_is_set_when_a_waiter_receives_the_failure(void **state)
{
    sim_env *env = *state;
    sim_event *ev = sim_event_new(env);
    sim_spawn(env, "failer", fail_soon, ev);
    sim_spawn(env, "waiter", wait_on_arg, ev);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(sim_is_defused(ev));
    sim_unref(ev);
}

static void test_value_of_an_untriggered_event_reports_misuse(void **state)
{
    sim_env *env = *state;
    sim_event *ev = sim_event_new(env);
    assert_null(sim_value(ev));
    assert_int_equal(sim_env_status(env), SIM_ESTATE);
    assert_non_null(strstr(sim_env_error_message(env), "not been triggered"));
    sim_unref(ev);
}

static void test_ok_flag_of_an_untriggered_event_reports_misuse(void **state)
{
    sim_env *env = *state;
    sim_event *ev = sim_event_new(env);
    assert_int_equal(sim_is_ok(ev), 0);
    assert_int_equal(sim_env_status(env), SIM_ESTATE);
    assert_non_null(strstr(sim_env_error_message(env), "sim_is_ok"));
    sim_unref(ev);
}

static void test_event_result_tells_pending_failed_and_ok_apart(void **state)
{
    sim_env *env = *state;
    sim_event *a = sim_event_new(env), *b = sim_event_new(env);
    void *v = &v;
    assert_int_equal(sim_event_result(a, &v), SIM_ESTATE);
    assert_null(v);
    sim_succeed(a, "yes");
    sim_fail(b, 3);
    sim_defuse(b);
    assert_int_equal(sim_event_result(a, &v), SIM_OK);
    assert_string_equal(v, "yes");
    assert_int_equal(sim_event_result(b, &v), SIM_FAILED);
    assert_int_equal(sim_error(b), 3);
    sim_unref(a);
    sim_unref(b);
}

static void test_proc_target_is_the_event_the_process_waits_on(void **state)
{
    sim_env *env = *state;
    sim_event *ev = sim_event_new(env);
    sim_proc *p = sim_process(env, "waiter", wait_on_arg, ev);
    assert_non_null(sim_proc_target(p)); /* its start event */
    assert_ptr_not_equal(sim_proc_target(p), ev);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_ptr_equal(sim_proc_target(p), ev);
    sim_succeed(ev, NULL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_null(sim_proc_target(p));
    sim_proc_unref(p);
    sim_unref(ev);
}

/* ---- waiting on a sleeping process's target (its sleep's timeout) ---- */

typedef struct {
    tlog log;
    sim_proc *a, *b, *looper, *interrupted;
} sleep_watch;

static void *sleep_then_say(sim_proc *self, void *arg)
{
    sleep_watch *w = arg;
    sim_env *env = sim_proc_env(self);
    int is_a = self == w->a;
    sim_sleep(self, is_a ? 3 : 5);
    logf_(&w->log, "%s %s done", NOW(env), is_a ? "a" : "b");
    return NULL;
}

static void *sleep_three_times(sim_proc *self, void *arg)
{
    sleep_watch *w = arg;
    for (int i = 0; i < 3; i++) {
        sim_sleep(self, 2);
        logf_(&w->log, "%s looper woke %d", NOW(sim_proc_env(self)), i);
    }
    return NULL;
}

static void *sleep_interrupted(sim_proc *self, void *arg)
{
    sleep_watch *w = arg;
    if (sim_sleep(self, 10) == SIM_INTERRUPTED) {
        logf_(&w->log, "%s interrupted", NOW(sim_proc_env(self)));
        sim_sleep(self, 10); /* its own event is still queued: a pooled one */
        logf_(&w->log, "%s slept again", NOW(sim_proc_env(self)));
    }
    return NULL;
}

static void *watch_sleeps(sim_proc *self, void *arg)
{
    sleep_watch *w = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 1);
    assert_int_equal(sim_interrupt(w->interrupted, NULL), SIM_OK);
    assert_int_equal(sim_wait(self, sim_proc_target(w->a), NULL), SIM_OK);
    logf_(&w->log, "%s watcher: a's sleep is over", NOW(env));
    sim_event *both[] = {sim_proc_target(w->b), sim_proc_target(w->looper)};
    sim_event *all = sim_all_of(env, both, 2);
    assert_int_equal(sim_wait(self, all, NULL), SIM_OK);
    sim_unref(all);
    logf_(&w->log, "%s watcher: b's and the looper's sleeps are over", NOW(env));
    /* Held past its processing: the looper must not reuse it for its next sleep. */
    sim_event *held = sim_ref(sim_proc_target(w->looper));
    sim_sleep(self, 3);
    void *value = &value;
    assert_int_equal(sim_wait(self, held, &value), SIM_OK);
    assert_null(value); /* a timeout's value */
    sim_unref(held);
    logf_(&w->log, "%s watcher: the looper's sleep at 5, processed at 6", NOW(env));
    assert_int_equal(sim_wait(self, sim_proc_target(w->interrupted), NULL), SIM_OK);
    logf_(&w->log, "%s watcher: the interrupted one's second sleep is over", NOW(env));
    return NULL;
}

/* SimPy 3.0.11 lets anyone wait on a sleeping process's target, its Timeout; procsim's
 * sleeps keep that event private until sim_proc_target shows it. */
static void test_others_can_wait_on_a_sleeping_process_target(void **state)
{
    sim_env *env = *state;
    sleep_watch w = {0};
    w.a = sim_process(env, "a", sleep_then_say, &w);
    w.b = sim_process(env, "b", sleep_then_say, &w);
    w.looper = sim_process(env, "looper", sleep_three_times, &w);
    w.interrupted = sim_process(env, "interrupted", sleep_interrupted, &w);
    assert_int_equal(sim_spawn(env, "watcher", watch_sleeps, &w), SIM_OK);
    assert_int_equal(sim_run(env, 100), SIM_OK);
    static const char *const want[] = {
        "1 interrupted",
        "2 looper woke 0",
        "3 a done",
        "3 watcher: a's sleep is over",
        "4 looper woke 1",
        "5 b done",
        "5 watcher: b's and the looper's sleeps are over",
        "6 looper woke 2",
        "8 watcher: the looper's sleep at 5, processed at 6",
        "11 slept again",
        "11 watcher: the interrupted one's second sleep is over",
    };
    assert_log(&w.log, want, (int)(sizeof want / sizeof want[0]));
    sim_proc_unref(w.a);
    sim_proc_unref(w.b);
    sim_proc_unref(w.looper);
    sim_proc_unref(w.interrupted);
}

typedef struct {
    tlog log;
    sim_proc *sleeper;
    sim_event *held;
} peek;

static void *sleep_three_times_logged(sim_proc *self, void *arg)
{
    peek *k = arg;
    for (int i = 0; i < 3; i++) {
        if (sim_sleep(self, 1) == SIM_INTERRUPTED)
            logf_(&k->log, "%s sleeper interrupted", NOW(sim_proc_env(self)));
        else
            logf_(&k->log, "%s sleeper woke", NOW(sim_proc_env(self)));
    }
    return NULL;
}

static void *peek_at_the_sleeper(sim_proc *self, void *arg)
{
    peek *k = arg;
    sim_sleep(self, 0.5);
    assert_non_null(sim_proc_target(k->sleeper)); /* looked at, nobody waits on it */
    sim_sleep(self, 1);
    k->held = sim_ref(sim_proc_target(k->sleeper)); /* held past its processing */
    sim_sleep(self, 0.25);
    assert_int_equal(sim_interrupt(k->sleeper, NULL), SIM_OK);
    sim_sleep(self, 0.5); /* 2.25: the sleeper sleeps on a pooled event */
    assert_non_null(sim_proc_target(k->sleeper));
    return NULL;
}

/* Looking at a sleeping process's target, holding it, interrupting the sleeper: the
 * sleeper's times are exactly those of SimPy 3.0.11, and nothing leaks (ASan, valgrind). */
static void test_looking_at_a_sleep_target_changes_nothing(void **state)
{
    sim_env *env = *state;
    peek k = {0};
    k.sleeper = sim_process(env, "sleeper", sleep_three_times_logged, &k);
    assert_int_equal(sim_spawn(env, "peeker", peek_at_the_sleeper, &k), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    static const char *const want[] = {
        "1 sleeper woke",
        "1.75 sleeper interrupted",
        "2.75 sleeper woke",
    };
    assert_log(&k.log, want, 3);
    assert_true(sim_is_triggered(k.held));
    sim_unref(k.held);
    sim_proc_unref(k.sleeper);
}

static void *log_start_and_end(sim_proc *self, void *arg)
{
    tlog *log = arg;
    logf_(log, "%s child starts", NOW(sim_proc_env(self)));
    sim_sleep(self, 1);
    logf_(log, "%s child done", NOW(sim_proc_env(self)));
    return NULL;
}

static void *wait_for_a_child_to_start(sim_proc *self, void *arg)
{
    tlog *log = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 2);
    sim_proc *c = sim_process(env, "child", log_start_and_end, log);
    void *value = &value;
    assert_int_equal(sim_wait(self, sim_proc_target(c), &value), SIM_OK);
    logf_(log, "%s parent: the child has started, value %s", NOW(env), value ? "?" : "None");
    assert_int_equal(sim_wait(self, sim_proc_event(c), NULL), SIM_OK);
    logf_(log, "%s parent: the child is done", NOW(env));
    sim_proc_unref(c);
    return NULL;
}

/* Before it starts a process's target is its start event (SimPy's Initialize): waiting
 * on it resumes the waiter once the process has run up to its first wait. */
static void test_others_can_wait_on_a_process_start(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    assert_int_equal(sim_spawn(env, "parent", wait_for_a_child_to_start, &log), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    static const char *const want[] = {
        "2 child starts",
        "2 parent: the child has started, value None",
        "3 child done",
        "3 parent: the child is done",
    };
    assert_log(&log, want, 4);
}

static void *say_done(sim_proc *self, void *arg)
{
    (void)self;
    *(int *)arg = 1;
    return NULL;
}

static void test_proc_unref_leaves_the_process_running(void **state)
{
    sim_env *env = *state;
    int done = 0;
    sim_proc_unref(sim_process(env, "p", say_done, &done));
    sim_proc_unref(NULL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(done, 1);
}

/* ---- requests, users and queues ---- */

typedef struct {
    sim_resource *r;
    int prio, preempt;
    double delay, hold;
    sim_event *req; /* kept for the test */
} holder_arg;

static void *holder(sim_proc *self, void *arg)
{
    holder_arg *h = arg;
    sim_sleep(self, h->delay);
    h->req = h->prio < 0 ? sim_request(h->r) : sim_request_prio(h->r, h->prio, h->preempt);
    sim_status st = sim_wait(self, h->req, NULL);
    if (st == SIM_OK)
        st = sim_sleep(self, h->hold);
    if (st == SIM_INTERRUPTED)
        sim_sleep(self, 100); /* keep the preempted request unreleased for a while */
    sim_release(h->r, h->req);
    return NULL;
}

static void test_request_info_shows_a_granted_and_a_queued_request(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_priority_resource_new(env, 1);
    holder_arg h[] = {{r, 5, 0, 1, 10, NULL}, {r, 2, 1, 3, 1, NULL}};
    sim_proc *p0 = sim_process(env, "h0", holder, &h[0]);
    sim_proc *p1 = sim_process(env, "h1", holder, &h[1]);
    assert_int_equal(sim_run(env, 4), SIM_OK);
    sim_request_state s;
    assert_int_equal(sim_request_info(r, h[0].req, &s), SIM_OK);
    assert_int_equal(s.priority, 5);
    assert_int_equal(s.preempt, 0);
    assert_true(s.time == 1.0 && s.usage_since == 1.0);
    assert_ptr_equal(s.proc, p0);
    assert_true(s.is_holding && !s.is_queued && !s.is_preempted);
    assert_int_equal(sim_request_info(r, h[1].req, &s), SIM_OK);
    assert_int_equal(s.priority, 2);
    assert_int_equal(s.preempt, 1);
    assert_true(s.time == 3.0 && isnan(s.usage_since));
    assert_ptr_equal(s.proc, p1);
    assert_true(s.is_queued && !s.is_holding);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_proc_unref(p0);
    sim_proc_unref(p1);
    sim_resource_free(r);
}

static void test_request_info_shows_a_preempted_request(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_preemptive_resource_new(env, 1);
    holder_arg h[] = {{r, 5, 0, 0, 10, NULL}, {r, 1, 1, 2, 1, NULL}};
    sim_spawn(env, "h0", holder, &h[0]);
    sim_spawn(env, "h1", holder, &h[1]);
    assert_int_equal(sim_run(env, 2.5), SIM_OK);
    sim_request_state s;
    assert_int_equal(sim_request_info(r, h[0].req, &s), SIM_OK);
    assert_true(s.is_preempted && !s.is_holding && !s.is_queued);
    assert_true(s.usage_since == 0.0);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_resource_free(r);
}

static void test_request_info_of_a_fifo_request_has_simpy_defaults(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_event *req = sim_request(r);
    sim_request_state s;
    assert_int_equal(sim_request_info(r, req, &s), SIM_OK);
    assert_int_equal(s.priority, 0);
    assert_int_equal(s.preempt, 1);
    assert_null(s.proc); /* made outside any process */
    assert_true(s.is_holding && s.usage_since == 0.0);
    sim_release(r, req);
    assert_int_equal(sim_request_info(r, req, &s), SIM_EINVAL);
    sim_unref(req);
    sim_resource_free(r);
}

static void test_resource_users_come_in_grant_order(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 2);
    holder_arg h[] = {{r, -1, 0, 2, 10, NULL}, {r, -1, 0, 1, 10, NULL}, {r, -1, 0, 3, 1, NULL}};
    for (int i = 0; i < 3; i++)
        sim_spawn(env, "h", holder, &h[i]);
    assert_int_equal(sim_run(env, 4), SIM_OK);
    sim_event *users[4];
    assert_int_equal(sim_resource_users(r, users, 4), 2);
    assert_ptr_equal(users[0], h[1].req);
    assert_ptr_equal(users[1], h[0].req);
    assert_int_equal(sim_resource_users(r, users, 1), 2); /* copies one, counts both */
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(sim_resource_users(r, NULL, 0), 0);
    sim_resource_free(r);
}

static void test_priority_resource_queue_comes_in_service_order(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_priority_resource_new(env, 1);
    holder_arg h[] = {{r, 0, 0, 0, 10, NULL}, {r, 3, 0, 1, 1, NULL}, {r, 1, 0, 2, 1, NULL},
                      {r, 3, 0, 3, 1, NULL},  {r, 2, 0, 4, 1, NULL}};
    for (int i = 0; i < 5; i++)
        sim_spawn(env, "h", holder, &h[i]);
    assert_int_equal(sim_run(env, 5), SIM_OK);
    sim_event *q[8];
    assert_int_equal(sim_resource_queue(r, q, 8), 4);
    assert_ptr_equal(q[0], h[2].req);
    assert_ptr_equal(q[1], h[4].req);
    assert_ptr_equal(q[2], h[1].req);
    assert_ptr_equal(q[3], h[3].req);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_resource_free(r);
}

static void test_fifo_resource_queue_comes_in_arrival_order(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    holder_arg h[] = {{r, -1, 0, 0, 10, NULL}, {r, -1, 0, 2, 1, NULL}, {r, -1, 0, 1, 1, NULL}};
    for (int i = 0; i < 3; i++)
        sim_spawn(env, "h", holder, &h[i]);
    assert_int_equal(sim_run(env, 5), SIM_OK);
    sim_event *q[4];
    assert_int_equal(sim_resource_queue(r, q, 4), 2);
    assert_ptr_equal(q[0], h[2].req);
    assert_ptr_equal(q[1], h[1].req);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_resource_free(r);
}

static void test_store_lists_waiting_puts_and_gets_in_arrival_order(void **state)
{
    sim_env *env = *state;
    sim_store *s = sim_store_new(env, 1);
    sim_event *g1 = sim_store_get(s), *g2 = sim_store_get(s), *w[4];
    assert_int_equal(sim_store_waiting_gets(s, w, 4), 2);
    assert_ptr_equal(w[0], g1);
    assert_ptr_equal(w[1], g2);
    assert_int_equal(sim_store_waiting_puts(s, w, 4), 0);
    sim_store_cancel(s, g1);
    sim_store_cancel(s, g2);
    sim_event *p1 = sim_store_put(s, "a"), *p2 = sim_store_put(s, "b");
    assert_int_equal(sim_store_waiting_puts(s, w, 4), 1);
    assert_ptr_equal(w[0], p2);
    sim_event *evs[] = {g1, g2, p1, p2};
    for (int i = 0; i < 4; i++)
        sim_unref(evs[i]);
    sim_store_free(s);
}

static void test_container_lists_waiting_puts_and_gets_in_arrival_order(void **state)
{
    sim_env *env = *state;
    sim_container *c = sim_container_new(env, 10, 5);
    sim_event *g1 = sim_container_get(c, 8), *g2 = sim_container_get(c, 9), *w[4];
    assert_int_equal(sim_container_waiting_gets(c, w, 4), 2);
    assert_ptr_equal(w[0], g1);
    assert_ptr_equal(w[1], g2);
    sim_event *p1 = sim_container_put(c, 6);
    assert_int_equal(sim_container_waiting_puts(c, w, 4), 1);
    assert_ptr_equal(w[0], p1);
    sim_container_cancel(c, g1);
    sim_container_cancel(c, g2);
    sim_container_cancel(c, p1);
    sim_unref(g1);
    sim_unref(g2);
    sim_unref(p1);
    sim_container_free(c);
}

typedef struct {
    sim_resource *r;
    double released_at, next_granted_at;
} release_arg;

static void *release_and_wait(sim_proc *self, void *arg)
{
    release_arg *a = arg;
    sim_event *req = sim_request(a->r);
    sim_wait(self, req, NULL);
    sim_sleep(self, 2);
    sim_event *rel = sim_release_event(a->r, req);
    assert_non_null(rel);
    assert_int_equal(sim_wait(self, rel, NULL), SIM_OK);
    a->released_at = sim_now(sim_proc_env(self));
    sim_unref(rel);
    sim_unref(req);
    return NULL;
}

static void *next_user(sim_proc *self, void *arg)
{
    release_arg *a = arg;
    sim_event *req = sim_request(a->r);
    sim_wait(self, req, NULL);
    a->next_granted_at = sim_now(sim_proc_env(self));
    sim_release(a->r, req);
    sim_unref(req);
    return NULL;
}

static void test_release_event_is_processed_when_the_slot_passes_on(void **state)
{
    sim_env *env = *state;
    release_arg a = {sim_resource_new(env, 1), -1, -1};
    sim_spawn(env, "first", release_and_wait, &a);
    sim_spawn(env, "next", next_user, &a);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(a.released_at == 2.0);
    assert_true(a.next_granted_at == 2.0);
    sim_event *bogus = sim_event_new(env);
    assert_null(sim_release_event(a.r, bogus));
    assert_int_equal(sim_env_status(env), SIM_EINVAL);
    sim_unref(bogus);
    sim_resource_free(a.r);
}

static void test_failed_constructors_leave_a_status_and_a_message(void **state)
{
    sim_env *env = *state;
    assert_int_equal(sim_env_status(env), SIM_OK);
    assert_null(sim_timeout(env, -1, NULL));
    assert_int_equal(sim_env_status(env), SIM_EINVAL);
    assert_non_null(strstr(sim_env_error_message(env), "sim_timeout"));
    sim_event *list[] = {NULL};
    assert_null(sim_all_of(env, list, 1));
    assert_int_equal(sim_env_status(env), SIM_EINVAL);
    assert_non_null(strstr(sim_env_error_message(env), "NULL event"));
    assert_null(sim_resource_new(env, 0));
    assert_non_null(strstr(sim_env_error_message(env), "capacity"));
    assert_int_equal(sim_env_status(env), SIM_EINVAL);
    assert_null(sim_container_new(env, 1, 2));
    assert_non_null(strstr(sim_env_error_message(env), "init"));
    sim_resource *fifo = sim_resource_new(env, 1);
    assert_null(sim_request_prio(fifo, 1, 0));
    assert_non_null(strstr(sim_env_error_message(env), "priority"));
    sim_resource_free(fifo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RES_TEST(test_defused_flag_follows_sim_defuse),
        RES_TEST(test_defused_flag_is_set_when_a_waiter_receives_the_failure),
        RES_TEST(test_value_of_an_untriggered_event_reports_misuse),
        RES_TEST(test_ok_flag_of_an_untriggered_event_reports_misuse),
        RES_TEST(test_event_result_tells_pending_failed_and_ok_apart),
        RES_TEST(test_proc_target_is_the_event_the_process_waits_on),
        RES_TEST(test_others_can_wait_on_a_sleeping_process_target),
        RES_TEST(test_others_can_wait_on_a_process_start),
        RES_TEST(test_looking_at_a_sleep_target_changes_nothing),
        RES_TEST(test_proc_unref_leaves_the_process_running),
        RES_TEST(test_request_info_shows_a_granted_and_a_queued_request),
        RES_TEST(test_request_info_shows_a_preempted_request),
        RES_TEST(test_request_info_of_a_fifo_request_has_simpy_defaults),
        RES_TEST(test_resource_users_come_in_grant_order),
        RES_TEST(test_priority_resource_queue_comes_in_service_order),
        RES_TEST(test_fifo_resource_queue_comes_in_arrival_order),
        RES_TEST(test_store_lists_waiting_puts_and_gets_in_arrival_order),
        RES_TEST(test_container_lists_waiting_puts_and_gets_in_arrival_order),
        RES_TEST(test_release_event_is_processed_when_the_slot_passes_on),
        RES_TEST(test_failed_constructors_leave_a_status_and_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
