/* Helpers for model authors: sim_spawn_copy, re-requesting with the original time
 * (sim_request_prio_at), and the preempted-before-resuming case of sim_request_prio. */
#include "res_fixture.h"

typedef struct {
    int id;
    double pad[3]; /* wider than a pointer: the whole struct must be copied */
    tlog *log;
} cust_arg;

static void *report_later(sim_proc *self, void *arg)
{
    cust_arg *c = arg;
    sim_sleep(self, c->id);
    logf_(c->log, "customer %d pad %g at %s", c->id, c->pad[2], NOW(sim_proc_env(self)));
    return NULL;
}

static void test_spawn_copy_gives_each_process_its_own_copy(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    cust_arg c = {.log = &log};
    for (c.id = 1; c.id <= 3; c.id++) {
        c.pad[2] = 10.0 * c.id;
        assert_int_equal(sim_spawn_copy(env, "cust", report_later, &c, sizeof c), SIM_OK);
    }
    c.id = 99; /* the processes must not see this */
    assert_int_equal(sim_run(env, -1), SIM_OK);
    static const char *const want[] = {"customer 1 pad 10 at 1", "customer 2 pad 20 at 2",
                                       "customer 3 pad 30 at 3"};
    assert_log(&log, want, 3);
}

static void *wait_forever(sim_proc *self, void *arg)
{
    sim_wait(self, *(sim_event **)arg, NULL); /* arg: the copy of an event handle */
    return NULL;
}

/* Leak checkers (ASan, valgrind in scripts/test.sh) see the copies of a process that
 * never finished and of one that never started: sim_env_free must free them. */
static void test_spawn_copy_frees_copies_of_processes_that_never_finish(void **state)
{
    sim_env *env = *state;
    sim_event *never = sim_event_new(env);
    double big[64] = {1.0};
    assert_int_equal(sim_spawn_copy(env, "stuck", wait_forever, &never, sizeof never), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(sim_spawn_copy(env, "unstarted", report_later, big, sizeof big), SIM_OK);
    sim_unref(never);
}

static void test_spawn_copy_rejects_a_null_function_or_argument(void **state)
{
    sim_env *env = *state;
    int x = 0;
    assert_int_equal(sim_spawn_copy(env, "p", NULL, &x, sizeof x), SIM_EINVAL);
    assert_int_equal(sim_env_status(env), SIM_EINVAL);
    assert_int_equal(sim_spawn_copy(env, "p", wait_forever, NULL, 4), SIM_EINVAL);
    assert_int_equal(sim_run(env, -1), SIM_OK);
}

/* ---- re-requesting with the original time ---- */

typedef struct {
    sim_resource *r;
    tlog *log;
    const char *name;
    double delay, hold, since; /* since < 0: an ordinary request */
} prio_arg;

static void *prio_user(sim_proc *self, void *arg)
{
    prio_arg *u = arg;
    sim_sleep(self, u->delay);
    sim_event *req = u->since < 0 ? sim_request_prio(u->r, 1, 0)
                                  : sim_request_prio_at(u->r, 1, 0, u->since);
    assert_non_null(req);
    sim_wait(self, req, NULL);
    logf_(u->log, "%s got %s", u->name, NOW(sim_proc_env(self)));
    sim_sleep(self, u->hold);
    sim_release(u->r, req);
    sim_unref(req);
    return NULL;
}

/* SimPy 3.0.11 serves H 0, A 5, B 6 without C; C asks at 3 as if at 0.5, so it goes
 * ahead of A and B, whose keys (1, 1) and (1, 2) are larger than (1, 0.5).          */
static void test_request_prio_at_keeps_the_original_place_in_the_queue(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_priority_resource_new(env, 1);
    tlog log = {0};
    prio_arg u[] = {{r, &log, "H", 0, 5, -1}, {r, &log, "A", 1, 1, -1},
                    {r, &log, "B", 2, 1, -1}, {r, &log, "C", 3, 1, 0.5}};
    for (int i = 0; i < 4; i++)
        sim_spawn(env, u[i].name, prio_user, &u[i]);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    static const char *const want[] = {"H got 0", "C got 5", "A got 6", "B got 7"};
    assert_log(&log, want, 4);
    sim_resource_free(r);
}

static void test_request_prio_at_rejects_a_future_time_and_fifo_resources(void **state)
{
    sim_env *env = *state;
    sim_resource *p = sim_priority_resource_new(env, 1);
    sim_resource *f = sim_resource_new(env, 1);
    assert_null(sim_request_prio_at(p, 0, 0, 1.0));
    assert_non_null(strstr(sim_env_error_message(env), "not <= now"));
    assert_null(sim_request_prio_at(p, 0, 0, NAN));
    assert_null(sim_request_prio_at(f, 0, 0, 0.0));
    sim_resource_free(p);
    sim_resource_free(f);
}

/* ---- preempted before resuming (checked against SimPy 3.0.11) ---- */

typedef struct {
    sim_resource *r;
    tlog *log;
    sim_proc *h;
} pre_arg;

static void *releaser_then_preemptor(sim_proc *self, void *arg)
{
    pre_arg *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_event *req = sim_request_prio(a->r, 5, 1);
    sim_wait(self, req, NULL);
    sim_sleep(self, 2);
    sim_event *rel = sim_release_event(a->r, req);
    sim_wait(self, rel, NULL); /* the release hook granted W just before this resume */
    sim_event *again = sim_request_prio(a->r, 0, 1);
    sim_wait(self, again, NULL);
    logf_(a->log, "H again %s", NOW(env));
    sim_release(a->r, again);
    sim_unref(again);
    sim_unref(rel);
    sim_unref(req);
    return NULL;
}

static void *waiter_preempted(sim_proc *self, void *arg)
{
    pre_arg *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 1);
    sim_event *req = sim_request_prio(a->r, 5, 1);
    void *v;
    if (sim_wait(self, req, &v) == SIM_INTERRUPTED) {
        sim_preempted *p = v;
        logf_(a->log, "W preempted before resuming %s by H %d since %s", NOW(env),
              p->by == a->h, sim_fmt_time(p->usage_since).s);
    } else {
        logf_(a->log, "W got %s", NOW(env));
    }
    sim_release(a->r, req);
    sim_unref(req);
    return NULL;
}

static void test_preempted_before_resuming_gets_the_interrupt_from_its_wait(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    pre_arg a = {sim_preemptive_resource_new(env, 1), &log, NULL};
    a.h = sim_process(env, "H", releaser_then_preemptor, &a);
    sim_spawn(env, "W", waiter_preempted, &a);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    static const char *const want[] = {"W preempted before resuming 2 by H 1 since 2",
                                       "H again 2"};
    assert_log(&log, want, 2);
    sim_proc_unref(a.h);
    sim_resource_free(a.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RES_TEST(test_spawn_copy_gives_each_process_its_own_copy),
        RES_TEST(test_spawn_copy_frees_copies_of_processes_that_never_finish),
        RES_TEST(test_spawn_copy_rejects_a_null_function_or_argument),
        RES_TEST(test_request_prio_at_keeps_the_original_place_in_the_queue),
        RES_TEST(test_request_prio_at_rejects_a_future_time_and_fifo_resources),
        RES_TEST(test_preempted_before_resuming_gets_the_interrupt_from_its_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
