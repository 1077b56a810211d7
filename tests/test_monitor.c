/* Monitors of resources, stores and containers: time-weighted level and queues, waits,
 * the warm-up reset and the freeze ("until closing"), read in one call.            */
#include "res_fixture.h"

#include <math.h>

typedef struct {
    sim_resource *r;
    double delay, hold;
} use_arg;

static void *use(sim_proc *self, void *arg)
{
    use_arg *u = arg;
    sim_sleep(self, u->delay);
    sim_event *req = sim_request(u->r);
    sim_wait(self, req, NULL);
    sim_sleep(self, u->hold);
    sim_release(u->r, req);
    sim_unref(req);
    return NULL;
}

/* A holds [0, 4]; B arrives at 1, waits until 4 and holds [4, 6]. */
static sim_resource *two_users(sim_env *env, use_arg u[2])
{
    sim_resource *r = sim_resource_new(env, 1);
    u[0] = (use_arg){r, 0, 4};
    u[1] = (use_arg){r, 1, 2};
    sim_spawn(env, "A", use, &u[0]);
    sim_spawn(env, "B", use, &u[1]);
    return r;
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_resource_monitor_averages_busy_slots_and_queue_over_time(void **state)
{
    sim_env *env = *state;
    use_arg u[2];
    sim_resource *r = two_users(env, u);
    sim_monitor *m = sim_resource_monitor(r);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_monitor_report rep;
    assert_int_equal(sim_monitor_read(m, &rep), SIM_OK);
    assert_near(rep.start, 0);
    assert_near(rep.end, 6);
    assert_near(rep.level_mean, 1);
    assert_near(rep.utilisation, 1);
    assert_near(rep.level_max, 1);
    assert_near(rep.queue_mean, 0.5); /* one waiting over [1, 4] */
    assert_near(rep.queue_max, 1);
    assert_near(rep.put_queue_mean, 0);
    assert_int_equal(rep.served, 2);
    assert_near(rep.wait_mean, 1.5);
    assert_near(rep.wait_max, 3);
    sim_resource_free(r);
}

static void test_monitor_read_integrates_up_to_now(void **state)
{
    sim_env *env = *state;
    use_arg u[2];
    sim_resource *r = two_users(env, u);
    sim_monitor *m = sim_resource_monitor(r);
    assert_int_equal(sim_run(env, 2), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.end, 2);
    assert_near(rep.queue_mean, 0.5);
    assert_int_equal(rep.served, 1);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_resource_free(r);
}

static void *reset_at_2(sim_proc *self, void *arg)
{
    sim_sleep(self, 2);
    sim_monitor_reset(arg);
    return NULL;
}

static void test_monitor_reset_forgets_the_warm_up(void **state)
{
    sim_env *env = *state;
    use_arg u[2];
    sim_resource *r = two_users(env, u);
    sim_monitor *m = sim_resource_monitor(r);
    sim_spawn(env, "warmup", reset_at_2, m);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.start, 2);
    assert_near(rep.level_mean, 1);
    assert_near(rep.queue_mean, 0.5); /* [2, 4] of [2, 6] */
    assert_near(rep.queue_max, 1);    /* the queue still held B at the reset */
    assert_int_equal(rep.served, 1);  /* only B's grant at 4 */
    assert_near(rep.wait_mean, 3);
    sim_resource_free(r);
}

static void test_monitor_freeze_stops_the_window_at_closing_time(void **state)
{
    sim_env *env = *state;
    use_arg u[2];
    sim_resource *r = two_users(env, u);
    sim_monitor *m = sim_resource_monitor(r);
    assert_int_equal(sim_monitor_freeze(m, 3), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.end, 3);
    assert_near(rep.queue_mean, 2.0 / 3.0);
    assert_int_equal(rep.served, 1); /* B's grant at 4 is after closing */
    assert_near(rep.wait_max, 0);
    sim_resource_free(r);
}

static void test_monitor_freeze_rejects_a_past_time(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_monitor *m = sim_resource_monitor(r);
    assert_int_equal(sim_run(env, 1), SIM_OK);
    assert_int_equal(sim_monitor_freeze(m, 0.5), SIM_EINVAL);
    assert_int_equal(sim_env_status(env), SIM_EINVAL);
    sim_resource_free(r);
}

static void test_monitor_is_made_once_per_owner(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 3);
    sim_monitor *m = sim_resource_monitor(r);
    assert_non_null(m);
    assert_ptr_equal(sim_resource_monitor(r), m);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep); /* an empty window reports the current values */
    assert_near(rep.level_mean, 0);
    assert_int_equal(rep.served, 0);
    assert_true(isnan(rep.wait_mean));
    assert_null(sim_resource_monitor(NULL));
    sim_resource_free(r); /* frees the monitor too (valgrind, ASan) */
}

typedef struct {
    sim_resource *r;
    int prio;
    double delay, hold;
} prio_use_arg;

static void *prio_use(sim_proc *self, void *arg)
{
    prio_use_arg *u = arg;
    sim_sleep(self, u->delay);
    sim_event *req = sim_request_prio(u->r, u->prio, 1);
    if (sim_wait(self, req, NULL) == SIM_OK)
        sim_sleep(self, u->hold); /* a preemption ends this early */
    sim_release(u->r, req);
    sim_unref(req);
    return NULL;
}

/* Low holds from 0 and is preempted at 1 by High, which holds [1, 3]; the slot never
 * stands idle and nobody queues. (Low's interrupted sleep keeps the run going to 10:
 * the freeze at 3 closes the window there.) */
static void test_resource_monitor_follows_a_preemption(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_preemptive_resource_new(env, 1);
    sim_monitor *m = sim_resource_monitor(r);
    sim_monitor_freeze(m, 3);
    prio_use_arg u[] = {{r, 5, 0, 10}, {r, 0, 1, 2}};
    sim_spawn(env, "low", prio_use, &u[0]);
    sim_spawn(env, "high", prio_use, &u[1]);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.end, 3);
    assert_near(rep.level_mean, 1);
    assert_near(rep.queue_mean, 0);
    assert_int_equal(rep.served, 2);
    assert_near(rep.wait_max, 0);
    sim_resource_free(r);
}

/* A queued request someone else triggers leaves the queue at the next scan; the monitor
 * must see the queue shrink then, not when the next request comes. */
static void test_resource_monitor_sees_a_foreign_triggered_request_leave(void **state)
{
    sim_env *env = *state;
    sim_resource *r = sim_resource_new(env, 1);
    sim_monitor *m = sim_resource_monitor(r);
    sim_event *held = sim_request(r), *queued = sim_request(r);
    assert_int_equal(sim_run(env, 1), SIM_OK);
    sim_succeed(queued, NULL); /* not the resource's doing */
    sim_release(r, held);      /* its release event scans and drops the ghost at 1 */
    assert_int_equal(sim_run(env, 4), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.queue_mean, 0.25); /* [0, 1] of [0, 4] */
    sim_unref(held);
    sim_unref(queued);
    sim_resource_free(r);
}

/* ---- stores and containers ---- */

typedef struct {
    sim_store *s;
    sim_container *c;
} obj_arg;

static void *store_get_once(sim_proc *self, void *arg)
{
    obj_arg *o = arg;
    sim_event *g = sim_store_get(o->s);
    sim_wait(self, g, NULL);
    sim_unref(g);
    return NULL;
}

static void *store_put_at_3_and_5(sim_proc *self, void *arg)
{
    obj_arg *o = arg;
    sim_sleep(self, 3);
    sim_unref(sim_store_put(o->s, "a"));
    sim_sleep(self, 2);
    sim_unref(sim_store_put(o->s, "b"));
    sim_sleep(self, 3);
    return NULL;
}

static void test_store_monitor_averages_items_and_waiting_gets(void **state)
{
    sim_env *env = *state;
    obj_arg o = {.s = sim_store_new(env, SIM_UNLIMITED)};
    sim_monitor *m = sim_store_monitor(o.s);
    sim_spawn(env, "get", store_get_once, &o);
    sim_spawn(env, "put", store_put_at_3_and_5, &o);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.end, 8);
    assert_near(rep.level_mean, 3.0 / 8.0); /* "b" stays over [5, 8] */
    assert_near(rep.queue_mean, 3.0 / 8.0); /* the getter waits over [0, 3] */
    assert_int_equal(rep.served, 1);
    assert_near(rep.wait_mean, 3);
    assert_true(isnan(rep.utilisation)); /* no capacity limit */
    sim_store_free(o.s);
}

static void *tank_ops(sim_proc *self, void *arg)
{
    obj_arg *o = arg;
    sim_event *put = sim_container_put(o->c, 8); /* waits: level 5 of 10 */
    sim_sleep(self, 2);
    sim_event *get = sim_container_get(o->c, 4); /* 5 -> 1, then the put fits: 9 */
    sim_wait(self, put, NULL);
    sim_sleep(self, 2);
    sim_unref(put);
    sim_unref(get);
    return NULL;
}

static void test_container_monitor_averages_level_and_waiting_puts(void **state)
{
    sim_env *env = *state;
    obj_arg o = {.c = sim_container_new(env, 10, 5)};
    sim_monitor *m = sim_container_monitor(o.c);
    sim_spawn(env, "tank", tank_ops, &o);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_monitor_report rep;
    sim_monitor_read(m, &rep);
    assert_near(rep.end, 4);
    assert_near(rep.level_mean, 7);   /* 5 over [0, 2], 9 over [2, 4] */
    assert_near(rep.level_max, 9);
    assert_near(rep.utilisation, 0.7);
    assert_near(rep.put_queue_mean, 0.5);
    assert_near(rep.put_queue_max, 1);
    assert_int_equal(rep.served, 1); /* gets only */
    assert_near(rep.wait_mean, 0);
    sim_container_free(o.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RES_TEST(test_resource_monitor_averages_busy_slots_and_queue_over_time),
        RES_TEST(test_monitor_read_integrates_up_to_now),
        RES_TEST(test_monitor_reset_forgets_the_warm_up),
        RES_TEST(test_monitor_freeze_stops_the_window_at_closing_time),
        RES_TEST(test_monitor_freeze_rejects_a_past_time),
        RES_TEST(test_monitor_is_made_once_per_owner),
        RES_TEST(test_resource_monitor_follows_a_preemption),
        RES_TEST(test_resource_monitor_sees_a_foreign_triggered_request_leave),
        RES_TEST(test_store_monitor_averages_items_and_waiting_gets),
        RES_TEST(test_container_monitor_averages_level_and_waiting_puts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
