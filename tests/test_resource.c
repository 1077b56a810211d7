/* Resource, PriorityResource and PreemptiveResource: the rules models rely on. Where the
 * order of events matters, the expected logs were produced by running the same scenario
 * with SimPy 3.0.11 (the `with` block's exit is sim_release: cancel, then release). */
#include "res_fixture.h"

/* ---- a user process: optionally wait, request, hold, release (SimPy's `with`) -------- */
typedef struct {
    sim_resource *res;
    tlog *log;
    const char *name;
    double delay, hold;
    int use_prio, prio, preempt;
    sim_event *req;      /* its request, kept for the test to look at */
    sim_preempted cause; /* copy of the cause if it was preempted */
    int preempted;
} user_arg;

static user_arg fifo_user(sim_resource *r, tlog *log, const char *name, double delay,
                          double hold)
{
    return (user_arg){.res = r, .log = log, .name = name, .delay = delay, .hold = hold};
}

static user_arg prio_user(sim_resource *r, tlog *log, const char *name, double delay,
                          double hold, int prio, int preempt)
{
    return (user_arg){.res = r,
                      .log = log,
                      .name = name,
                      .delay = delay,
                      .hold = hold,
                      .use_prio = 1,
                      .prio = prio,
                      .preempt = preempt};
}

static void *user(sim_proc *self, void *arg)
{
    user_arg *u = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, u->delay);
    sim_event *req =
        u->use_prio ? sim_request_prio(u->res, u->prio, u->preempt) : sim_request(u->res);
    assert_non_null(req);
    u->req = sim_ref(req);
    void *v;
    sim_status st = sim_wait(self, req, &v);
    if (st == SIM_OK) {
        logf_(u->log, "%s got %s", u->name, NOW(env));
        st = sim_sleep(self, u->hold);
        if (st == SIM_OK)
            logf_(u->log, "%s done %s", u->name, NOW(env));
        else
            v = sim_interrupt_cause(self);
    }
    if (st == SIM_INTERRUPTED) {
        sim_preempted *p = v;
        u->cause = *p;
        u->preempted = 1;
        logf_(u->log, "%s preempted %s by %s since %s", u->name, NOW(env),
              p->by ? sim_proc_name(p->by) : "-", sim_fmt_time(p->usage_since).s);
    }
    assert_int_equal(sim_release(u->res, req), SIM_OK);
    sim_unref(req);
    return NULL;
}

static void start_users(sim_env *env, user_arg *u, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(sim_spawn(env, u[i].name, user, &u[i]), SIM_OK);
}

static void unref_users(user_arg *u, int n)
{
    for (int i = 0; i < n; i++)
        if (u[i].req)
            sim_unref(u[i].req);
}

/* ---- creation ---------------------------------------------------------------------- */

static void capacity_below_one_is_an_error_with_a_message(void **state)
{
    sim_env *env = *state;
    assert_null(sim_resource_new(env, 0));
    assert_non_null(strstr(sim_env_error_message(env), "capacity"));
    assert_null(sim_priority_resource_new(env, -3));
    assert_null(sim_preemptive_resource_new(env, 0));
}

static void count_capacity_and_queue_length_are_observable(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 2);
    sim_event *a = sim_request(r), *b = sim_request(r), *c = sim_request(r);
    assert_int_equal(sim_resource_capacity(r), 2);
    assert_int_equal(sim_resource_count(r), 2);
    assert_int_equal(sim_resource_queue_length(r), 1);
    assert_true(sim_is_triggered(a) && sim_is_triggered(b));
    assert_false(sim_is_triggered(c));
    sim_release(r, a);
    sim_release(r, b);
    sim_release(r, c);
    sim_unref(a), sim_unref(b), sim_unref(c);
    sim_resource_free(r);
}

/* ---- FIFO Resource ------------------------------------------------------------------ */

static void requests_are_granted_in_fifo_order(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_resource *r = sim_resource_new(env, 1);
    user_arg u[4] = {fifo_user(r, &log, "u0", 0, 1), fifo_user(r, &log, "u1", 0, 1),
                     fifo_user(r, &log, "u2", 0, 1), fifo_user(r, &log, "u3", 0, 1)};
    start_users(env, u, 4);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"u0 got 0", "u0 done 1", "u1 got 1", "u1 done 2",
                          "u2 got 2", "u2 done 3", "u3 got 3", "u3 done 4"};
    assert_log(&log, want, 8);
    assert_int_equal(sim_resource_count(r), 0);
    unref_users(u, 4);
    sim_resource_free(r);
}

static void release_frees_the_slot_at_once_and_grants_when_processed(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_event *a = sim_request(r), *b = sim_request(r);
    assert_int_equal(sim_release(r, a), SIM_OK);
    /* SimPy: the slot is free now, b is granted by the release event's callback */
    assert_int_equal(sim_resource_count(r), 0);
    assert_int_equal(sim_resource_queue_length(r), 1);
    assert_false(sim_is_triggered(b));
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(sim_is_triggered(b));
    assert_int_equal(sim_resource_count(r), 1);
    sim_release(r, b);
    sim_unref(a), sim_unref(b);
    sim_resource_free(r);
}

/* Mirrors SimPy: the release event of H (queue empty then) grants Y, queued later. */
typedef struct {
    sim_resource *r;
    tlog *log;
    sim_event *x, *e;
} order_ctx;

static void *order_h(sim_proc *self, void *arg)
{
    order_ctx *c = arg;
    sim_event *req = sim_request(c->r);
    sim_sleep(self, 1);
    sim_release(c->r, req);
    sim_unref(req);
    logf_(c->log, "H released count=%ld", sim_resource_count(c->r));
    return NULL;
}

static void *order_x(sim_proc *self, void *arg)
{
    order_ctx *c = arg;
    sim_sleep(self, 1);
    c->x = sim_request(c->r);
    logf_(c->log, "X granted at once %d", sim_is_triggered(c->x));
    return NULL;
}

static void *order_y(sim_proc *self, void *arg)
{
    order_ctx *c = arg;
    sim_sleep(self, 1);
    sim_event *req = sim_request(c->r);
    logf_(c->log, "Y queued %d", !sim_is_triggered(req));
    sim_wait(self, req, NULL);
    logf_(c->log, "Y got %s", NOW(sim_proc_env(self)));
    sim_release(c->r, req);
    sim_unref(req);
    return NULL;
}

static void *order_v(sim_proc *self, void *arg)
{
    order_ctx *c = arg;
    sim_sleep(self, 1);
    sim_succeed(c->e, NULL);
    return NULL;
}

static void *order_w(sim_proc *self, void *arg)
{
    order_ctx *c = arg;
    sim_sleep(self, 1);
    sim_release(c->r, c->x);
    sim_unref(c->x);
    logf_(c->log, "W released X count=%ld q=%zu", sim_resource_count(c->r),
          sim_resource_queue_length(c->r));
    return NULL;
}

static void *order_z(sim_proc *self, void *arg)
{
    order_ctx *c = arg;
    sim_wait(self, c->e, NULL);
    logf_(c->log, "Z saw E count=%ld q=%zu", sim_resource_count(c->r),
          sim_resource_queue_length(c->r));
    return NULL;
}

static void queue_is_rescanned_in_simpy_order(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    order_ctx c = {sim_resource_new(env, 1), &log, NULL, sim_event_new(env)};
    sim_proc_fn fns[] = {order_h, order_x, order_y, order_v, order_w, order_z};
    for (int i = 0; i < 6; i++)
        sim_spawn(env, NULL, fns[i], &c);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"H released count=0",       "X granted at once 1", "Y queued 1",
                          "W released X count=0 q=1", "Z saw E count=1 q=0", "Y got 1"};
    assert_log(&log, want, 6);
    sim_unref(c.e);
    sim_resource_free(c.r);
}

/* A customer who gives up (any_of(request, timeout)) must leave no ghost in the queue. */
typedef struct {
    sim_resource *r;
    double patience;
    int got;
} renege_arg;

static void *reneger(sim_proc *self, void *arg)
{
    renege_arg *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_event *req = sim_request(a->r);
    sim_event *t = sim_timeout(env, a->patience, NULL);
    sim_event *both[] = {req, t};
    sim_event *any = sim_any_of(env, both, 2);
    sim_wait(self, any, NULL);
    a->got = sim_is_triggered(req);
    if (a->got)
        sim_sleep(self, 5);
    sim_release(a->r, req);
    sim_unref(any), sim_unref(t), sim_unref(req);
    return NULL;
}

static void cancel_while_queued_leaves_no_ghost(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    renege_arg holder = {r, 100, 0}, impatient = {r, 1, 0}, patient = {r, 100, 0};
    sim_spawn(env, "holder", reneger, &holder);
    sim_spawn(env, "impatient", reneger, &impatient);
    sim_spawn(env, "patient", reneger, &patient);
    assert_int_equal(sim_run(env, 2), SIM_OK);
    assert_int_equal(sim_resource_queue_length(r), 1); /* only the patient one waits */
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(holder.got);
    assert_false(impatient.got);
    assert_true(patient.got);
    assert_int_equal(sim_resource_count(r), 0);
    assert_int_equal(sim_resource_queue_length(r), 0);
    sim_resource_free(r);
}

/* A waiter interrupted in its queue releases its request, as SimPy's `with` exit does. */
typedef struct {
    sim_resource *r;
    sim_status st;
    int granted;
} waiter_arg;

static void *interruptible_waiter(sim_proc *self, void *arg)
{
    waiter_arg *w = arg;
    sim_event *req = sim_request(w->r);
    w->st = sim_wait(self, req, NULL);
    w->granted = w->st == SIM_OK;
    sim_release(w->r, req);
    sim_unref(req);
    return NULL;
}

static void *interrupter(sim_proc *self, void *arg)
{
    sim_sleep(self, 1);
    sim_interrupt(arg, "go away");
    return NULL;
}

static void interrupted_waiter_leaves_no_ghost(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_event *held = sim_request(r);
    waiter_arg w = {r, SIM_OK, 0}, later = {r, SIM_OK, 0};
    sim_proc *p = sim_process(env, "waiter", interruptible_waiter, &w);
    sim_spawn(env, "interrupter", interrupter, p);
    assert_int_equal(sim_run(env, 2), SIM_OK);
    assert_int_equal(w.st, SIM_INTERRUPTED);
    assert_int_equal(sim_resource_queue_length(r), 0);
    sim_spawn(env, "later", interruptible_waiter, &later);
    assert_int_equal(sim_run(env, 3), SIM_OK);
    sim_release(r, held); /* the slot goes to `later`, not to the interrupted one */
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(later.granted);
    assert_false(w.granted);
    assert_int_equal(sim_resource_count(r), 0);
    sim_unref(held), sim_unref(sim_proc_event(p));
    sim_resource_free(r);
}

static void releasing_a_request_never_granted_just_removes_it(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_event *a = sim_request(r), *b = sim_request(r), *c = sim_request(r);
    assert_int_equal(sim_release(r, b), SIM_OK);
    assert_int_equal(sim_resource_queue_length(r), 1);
    assert_int_equal(sim_resource_count(r), 1);
    sim_release(r, a);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_false(sim_is_triggered(b));
    assert_true(sim_is_triggered(c));
    sim_release(r, c);
    sim_unref(a), sim_unref(b), sim_unref(c);
    sim_resource_free(r);
}

static void releasing_twice_or_a_foreign_event_is_an_error(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1), *other = sim_resource_new(env, 1);
    sim_event *a = sim_request(r), *plain = sim_event_new(env);
    assert_int_equal(sim_release(other, a), SIM_EINVAL);
    assert_int_equal(sim_release(r, plain), SIM_EINVAL);
    assert_int_equal(sim_release(r, a), SIM_OK);
    assert_int_equal(sim_release(r, a), SIM_EINVAL);
    assert_non_null(strstr(sim_env_error_message(env), "sim_release"));
    assert_int_equal(sim_resource_count(r), 0);
    sim_unref(a), sim_unref(plain);
    sim_resource_free(r), sim_resource_free(other);
}

static void priority_request_on_a_fifo_resource_is_an_error(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    assert_null(sim_request_prio(r, 1, 0));
    assert_non_null(strstr(sim_env_error_message(env), "priority"));
    sim_resource_free(r);
}

/* ---- PriorityResource --------------------------------------------------------------- */

static void priority_then_request_time_then_insertion_order(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_resource *r = sim_priority_resource_new(env, 1);
    user_arg u[] = {
        prio_user(r, &log, "hold", 0, 1, 0, 1), prio_user(r, &log, "a3", 0, 1, 3, 1),
        prio_user(r, &log, "b1", 0, 1, 1, 1),   prio_user(r, &log, "c2", 0, 1, 2, 1),
        prio_user(r, &log, "d1", 0, 1, 1, 1),   prio_user(r, &log, "e1", 0.5, 1, 1, 1),
        prio_user(r, &log, "f0", 0.5, 1, 0, 1),
    };
    start_users(env, u, 7);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"hold got 0", "hold done 1", "f0 got 1",  "f0 done 2", "b1 got 2",
                          "b1 done 3",  "d1 got 3",    "d1 done 4", "e1 got 4",  "e1 done 5",
                          "c2 got 5",   "c2 done 6",   "a3 got 6",  "a3 done 7"};
    assert_log(&log, want, 14);
    unref_users(u, 7);
    sim_resource_free(r);
}

static void priority_resource_never_preempts(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_priority_resource_new(env, 1);
    sim_event *low = sim_request_prio(r, 9, 1), *high = sim_request_prio(r, 0, 1);
    assert_true(sim_is_triggered(low));
    assert_false(sim_is_triggered(high));
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(sim_resource_count(r), 1);
    sim_release(r, low), sim_release(r, high);
    sim_unref(low), sim_unref(high);
    sim_resource_free(r);
}

/* ---- PreemptiveResource ------------------------------------------------------------- */

static void preempted_holder_gets_a_cause_with_by_and_usage_since(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_resource *r = sim_preemptive_resource_new(env, 1);
    user_arg low = prio_user(r, &log, "low", 0, 10, 5, 1);
    user_arg high = prio_user(r, &log, "high", 3, 2, 1, 1);
    sim_proc *plow = sim_process(env, "low", user, &low);
    sim_proc *phigh = sim_process(env, "high", user, &high);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"low got 0", "low preempted 3 by high since 0", "high got 3",
                          "high done 5"};
    assert_log(&log, want, 4);
    assert_true(low.preempted);
    assert_ptr_equal(low.cause.by, phigh);
    assert_ptr_equal(low.cause.by_request, high.req);
    assert_true(low.cause.usage_since == 0.0);
    assert_ptr_equal(low.cause.resource, r);
    assert_false(high.preempted);
    sim_unref(sim_proc_event(plow)), sim_unref(sim_proc_event(phigh));
    unref_users(&low, 1), unref_users(&high, 1);
    sim_resource_free(r);
}

static void preemption_picks_worst_priority_most_recent_and_respects_preempt_false(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_resource *r = sim_preemptive_resource_new(env, 2);
    user_arg u[] = {
        prio_user(r, &log, "A", 0, 10, 5, 1), prio_user(r, &log, "B", 1, 10, 5, 1),
        prio_user(r, &log, "C", 2, 3, 1, 1),  prio_user(r, &log, "D", 3, 3, 2, 0),
        prio_user(r, &log, "E", 3, 1, 0, 1),
    };
    start_users(env, u, 5);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"A got 0",
                          "B got 1",
                          "B preempted 2 by C since 1",
                          "C got 2",
                          "A preempted 3 by E since 0",
                          "E got 3",
                          "E done 4",
                          "D got 4",
                          "C done 5",
                          "D done 7"};
    assert_log(&log, want, 10);
    unref_users(u, 5);
    sim_resource_free(r);
}

static void among_equal_holders_the_last_granted_is_preempted(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_resource *r = sim_preemptive_resource_new(env, 2);
    user_arg u[] = {
        prio_user(r, &log, "first", 0, 10, 5, 1),
        prio_user(r, &log, "second", 0, 10, 5, 1),
        prio_user(r, &log, "boss", 1, 1, 0, 1),
    };
    start_users(env, u, 3);
    assert_int_equal(sim_run(env, 2.5), SIM_OK);
    assert_false(u[0].preempted);
    assert_true(u[1].preempted);
    assert_int_equal(sim_resource_count(r), 1); /* boss is done, first still holds */
    assert_int_equal(sim_run(env, -1), SIM_OK);
    unref_users(u, 3);
    sim_resource_free(r);
}

static void preempt_false_waits_for_a_free_slot(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_preemptive_resource_new(env, 1);
    sim_event *low = sim_request_prio(r, 9, 1), *polite = sim_request_prio(r, 0, 0);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_false(sim_is_triggered(polite));
    assert_int_equal(sim_resource_count(r), 1);
    sim_release(r, low);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(sim_is_triggered(polite));
    sim_release(r, polite);
    sim_unref(low), sim_unref(polite);
    sim_resource_free(r);
}

static void a_holder_outside_any_process_loses_its_slot_silently(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_preemptive_resource_new(env, 1);
    sim_event *low = sim_request_prio(r, 9, 1), *high = sim_request_prio(r, 0, 1);
    assert_true(sim_is_triggered(high));
    assert_int_equal(sim_resource_count(r), 1);
    assert_int_equal(sim_release(r, low), SIM_OK); /* no-op on the slot */
    assert_int_equal(sim_resource_count(r), 1);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_release(r, high);
    sim_unref(low), sim_unref(high);
    sim_resource_free(r);
}

/* ---- lifetime ----------------------------------------------------------------------- */

static void freeing_a_resource_with_pending_events_is_safe(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_event *a = sim_request(r), *b = sim_request(r);
    sim_release(r, a); /* its release event is still in the queue */
    sim_resource_free(r);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_false(sim_is_triggered(b));
    sim_unref(a), sim_unref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RES_TEST(capacity_below_one_is_an_error_with_a_message),
        RES_TEST(count_capacity_and_queue_length_are_observable),
        RES_TEST(requests_are_granted_in_fifo_order),
        RES_TEST(release_frees_the_slot_at_once_and_grants_when_processed),
        RES_TEST(queue_is_rescanned_in_simpy_order),
        RES_TEST(cancel_while_queued_leaves_no_ghost),
        RES_TEST(interrupted_waiter_leaves_no_ghost),
        RES_TEST(releasing_a_request_never_granted_just_removes_it),
        RES_TEST(releasing_twice_or_a_foreign_event_is_an_error),
        RES_TEST(priority_request_on_a_fifo_resource_is_an_error),
        RES_TEST(priority_then_request_time_then_insertion_order),
        RES_TEST(priority_resource_never_preempts),
        RES_TEST(preempted_holder_gets_a_cause_with_by_and_usage_since),
        RES_TEST(preemption_picks_worst_priority_most_recent_and_respects_preempt_false),
        RES_TEST(among_equal_holders_the_last_granted_is_preempted),
        RES_TEST(preempt_false_waits_for_a_free_slot),
        RES_TEST(a_holder_outside_any_process_loses_its_slot_silently),
        RES_TEST(freeing_a_resource_with_pending_events_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
