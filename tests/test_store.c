/* Store, FilterStore and PriorityStore: puts and gets that wait in order. The expected
 * logs come from the same scenarios run with SimPy 3.0.11. */
#include "res_fixture.h"

/* Items are string literals; a filter wants those starting with its prefix. */
static int starts_with(void *item, void *ctx)
{
    return strncmp(item, ctx, strlen(ctx)) == 0;
}

typedef struct {
    sim_store *s;
    tlog *log;
    const char *name;
    double delay;
    const char *want;         /* filter prefix, or NULL for a plain get */
    const char *const *items; /* putter: NULL-terminated list */
} job;

static void *getter(sim_proc *self, void *arg)
{
    job *j = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, j->delay);
    sim_event *ev = j->want ? sim_filter_store_get(j->s, starts_with, (void *)j->want)
                            : sim_store_get(j->s);
    void *item = NULL;
    assert_int_equal(sim_wait(self, ev, &item), SIM_OK);
    logf_(j->log, "%s got %s at %s", j->name, (const char *)item, NOW(env));
    sim_unref(ev);
    return NULL;
}

static void *putter(sim_proc *self, void *arg)
{
    job *j = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, j->delay);
    for (const char *const *it = j->items; *it; it++) {
        sim_event *ev = sim_store_put(j->s, (void *)*it);
        if (j->log)
            logf_(j->log, "put %s trig=%d n=%zu", *it, sim_is_triggered(ev),
                  sim_store_size(j->s));
        sim_wait(self, ev, NULL);
        if (j->log)
            logf_(j->log, "put %s done at %s", *it, NOW(env));
        sim_unref(ev);
    }
    return NULL;
}

static void capacity_below_one_is_an_error_with_a_message(void **state)
{
    sim_env *env = *state;
    assert_null(sim_store_new(env, 0));
    assert_non_null(strstr(sim_env_error_message(env), "capacity"));
    assert_null(sim_filter_store_new(env, -1));
    assert_null(sim_priority_store_new(env, 0));
}

static void getters_are_served_fifo_and_a_full_store_makes_puts_wait(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_store *s = sim_store_new(env, 2);
    static const char *const items[] = {"a", "b", "c", "d", "e", NULL};
    job g1 = {s, &log, "g1", 0, NULL, NULL}, g2 = {s, &log, "g2", 0, NULL, NULL};
    job p = {s, &log, "p", 1, NULL, items}, g3 = {s, &log, "g3", 2, NULL, NULL};
    sim_spawn(env, NULL, getter, &g1);
    sim_spawn(env, NULL, getter, &g2);
    sim_spawn(env, NULL, putter, &p);
    sim_spawn(env, NULL, getter, &g3);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"put a trig=1 n=1", "put a done at 1",  "put b trig=1 n=1",
                          "g1 got a at 1",    "put b done at 1",  "put c trig=1 n=1",
                          "g2 got b at 1",    "put c done at 1",  "put d trig=1 n=2",
                          "put d done at 1",  "put e trig=0 n=2", "g3 got c at 2",
                          "put e done at 2"};
    assert_log(&log, want, 13);
    assert_int_equal(sim_store_size(s), 2);
    assert_string_equal(sim_store_item(s, 0), "d");
    assert_string_equal(sim_store_item(s, 1), "e");
    assert_null(sim_store_item(s, 2));
    sim_store_free(s);
}

static void filter_get_takes_the_first_matching_item_and_may_overtake(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_store *s = sim_filter_store_new(env, SIM_UNLIMITED);
    static const char *const items[] = {"b1", "c1", "a1", "a2", NULL};
    job ga = {s, &log, "ga", 0, "a", NULL}, gb = {s, &log, "gb", 0, "b", NULL};
    job p = {s, NULL, "p", 1, NULL, items};
    job gany = {s, &log, "gany", 2, "", NULL}, ga2 = {s, &log, "ga2", 2, "a", NULL};
    sim_spawn(env, NULL, getter, &ga);
    sim_spawn(env, NULL, getter, &gb);
    sim_spawn(env, NULL, putter, &p);
    sim_spawn(env, NULL, getter, &gany);
    sim_spawn(env, NULL, getter, &ga2);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    const char *want[] = {"gb got b1 at 1", "ga got a1 at 1", "gany got c1 at 2",
                          "ga2 got a2 at 2"};
    assert_log(&log, want, 4);
    assert_int_equal(sim_store_size(s), 0);
    sim_store_free(s);
}

static void priority_store_hands_out_lowest_priority_first_ties_fifo(void **state)
{
    sim_env *env = *state;
    sim_store *s = sim_priority_store_new(env, SIM_UNLIMITED);
    const char *items[] = {"x3", "y1", "z2", "w1", "v1", "u0"};
    double prio[] = {3, 1, 2, 1, 1, 0};
    for (int i = 0; i < 6; i++)
        sim_unref(sim_priority_store_put(s, (void *)items[i], prio[i]));
    assert_string_equal(sim_store_item(s, 0), "u0");
    const char *want[] = {"u0", "y1", "w1", "v1", "z2", "x3"};
    for (int i = 0; i < 6; i++) {
        sim_event *g = sim_store_get(s);
        assert_true(sim_is_triggered(g));
        assert_string_equal(sim_value(g), want[i]);
        sim_unref(g);
        assert_int_equal(sim_run(env, -1), SIM_OK);
    }
    sim_store_free(s);
}

static void cancelled_get_leaves_no_ghost(void **state)
{
    sim_env *env = *state;
    sim_store *s = sim_store_new(env, SIM_UNLIMITED);
    sim_event *g1 = sim_store_get(s), *g2 = sim_store_get(s);
    assert_int_equal(sim_store_cancel(s, g1), SIM_OK);
    assert_int_equal(sim_store_get_queue_length(s), 1);
    sim_event *p = sim_store_put(s, "item");
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_false(sim_is_triggered(g1));
    assert_string_equal(sim_value(g2), "item");
    assert_int_equal(sim_store_cancel(s, g2), SIM_OK); /* done: a no-op */
    assert_int_equal(sim_store_get_queue_length(s), 0);
    sim_unref(g1), sim_unref(g2), sim_unref(p);
    sim_store_free(s);
}

static void cancelled_put_never_delivers_its_item(void **state)
{
    sim_env *env = *state;
    sim_store *s = sim_store_new(env, 1);
    sim_event *p1 = sim_store_put(s, "kept"), *p2 = sim_store_put(s, "dropped");
    assert_false(sim_is_triggered(p2));
    assert_int_equal(sim_store_cancel(s, p2), SIM_OK);
    sim_event *g1 = sim_store_get(s);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_string_equal(sim_value(g1), "kept");
    assert_int_equal(sim_store_size(s), 0);
    assert_int_equal(sim_store_put_queue_length(s), 0);
    sim_unref(p1), sim_unref(p2), sim_unref(g1);
    sim_store_free(s);
}

static void kind_specific_calls_on_the_wrong_store_are_errors(void **state)
{
    sim_env *env = *state;
    sim_store *plain = sim_store_new(env, 3);
    assert_null(sim_filter_store_get(plain, starts_with, "a"));
    assert_non_null(strstr(sim_env_error_message(env), "filter store"));
    assert_null(sim_priority_store_put(plain, "a", 1));
    assert_non_null(strstr(sim_env_error_message(env), "priority store"));
    sim_event *other = sim_event_new(env);
    assert_int_equal(sim_store_cancel(plain, other), SIM_EINVAL);
    sim_unref(other);
    sim_store_free(plain);
}

static void freeing_a_store_with_waiting_requests_is_safe(void **state)
{
    sim_env *env = *state;
    sim_store *s = sim_store_new(env, 1);
    sim_event *p1 = sim_store_put(s, "a"), *p2 = sim_store_put(s, "b"), *g = sim_store_get(s);
    sim_store_free(s); /* p1 and g are in the kernel's queue with our callbacks */
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_false(sim_is_triggered(p2));
    sim_unref(p1), sim_unref(p2), sim_unref(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RES_TEST(capacity_below_one_is_an_error_with_a_message),
        RES_TEST(getters_are_served_fifo_and_a_full_store_makes_puts_wait),
        RES_TEST(filter_get_takes_the_first_matching_item_and_may_overtake),
        RES_TEST(priority_store_hands_out_lowest_priority_first_ties_fifo),
        RES_TEST(cancelled_get_leaves_no_ghost),
        RES_TEST(cancelled_put_never_delivers_its_item),
        RES_TEST(kind_specific_calls_on_the_wrong_store_are_errors),
        RES_TEST(freeing_a_store_with_waiting_requests_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
