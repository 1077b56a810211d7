/* Container: a level between 0 and the capacity, puts and gets that wait in order. The
 * expected logs come from the same scenarios run with SimPy 3.0.11. */
#include <math.h>

#include "res_fixture.h"

#define FMT(x) (sim_fmt_time(x).s)

typedef struct {
    sim_container *c;
    tlog *log;
    const char *name;
    double amount, delay;
} job;

static void *getter(sim_proc *self, void *arg)
{
    job *j = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, j->delay);
    sim_event *ev = sim_container_get(j->c, j->amount);
    sim_wait(self, ev, NULL);
    logf_(j->log, "%s got %s at %s level=%s", j->name, FMT(j->amount), NOW(env),
          FMT(sim_container_level(j->c)));
    sim_unref(ev);
    return NULL;
}

static void *putter(sim_proc *self, void *arg)
{
    job *j = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, j->delay);
    sim_event *ev = sim_container_put(j->c, j->amount);
    logf_(j->log, "%s put %s trig=%d level=%s", j->name, FMT(j->amount), sim_is_triggered(ev),
          FMT(sim_container_level(j->c)));
    sim_wait(self, ev, NULL);
    logf_(j->log, "%s put done at %s level=%s", j->name, NOW(env),
          FMT(sim_container_level(j->c)));
    sim_unref(ev);
    return NULL;
}

static void bad_capacity_or_init_is_an_error_with_a_message(void **state)
{
    sim_env *env = *state;
    assert_null(sim_container_new(env, 0, 0));
    assert_non_null(strstr(sim_env_error_message(env), "capacity"));
    assert_null(sim_container_new(env, -1, 0));
    assert_null(sim_container_new(env, NAN, 0));
    assert_null(sim_container_new(env, 10, -1));
    assert_non_null(strstr(sim_env_error_message(env), "init"));
    assert_null(sim_container_new(env, 10, 11));
    assert_non_null(strstr(sim_env_error_message(env), "init"));
}

static void bad_amounts_are_errors_with_a_message(void **state)
{
    sim_env *env = *state;
    sim_container *c = sim_container_new(env, 10, 5);
    assert_null(sim_container_put(c, 0));
    assert_non_null(strstr(sim_env_error_message(env), "amount"));
    assert_null(sim_container_get(c, -1));
    assert_null(sim_container_get(c, NAN));
    assert_null(sim_container_put(c, 10.5)); /* could never fit */
    assert_non_null(strstr(sim_env_error_message(env), "capacity"));
    assert_null(sim_container_get(c, 11));
    assert_true(sim_container_level(c) == 5);
    assert_int_equal(sim_container_put_queue_length(c), 0);
    assert_int_equal(sim_container_get_queue_length(c), 0);
    sim_container_free(c);
}

static void puts_and_gets_wait_and_are_served_in_simpy_order(void **state)
{
    sim_env *env = *state;
    tlog log = {0};
    sim_container *c = sim_container_new(env, 10, 0);
    job jobs[] = {{c, &log, "g5", 5, 0}, {c, &log, "g1", 1, 0}, {c, &log, "p2", 2, 1},
                  {c, &log, "p4", 4, 2}, {c, &log, "p9", 9, 3}, {c, &log, "g7", 7, 4}};
    for (int i = 0; i < 6; i++)
        sim_spawn(env, NULL, jobs[i].name[0] == 'g' ? getter : putter, &jobs[i]);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    /* g1 waits behind g5 (a scan stops at the first that does not fit); the put's
     * callback serves both gets before p4 itself resumes */
    const char *want[] = {
        "p2 put 2 trig=1 level=2",  "p2 put done at 1 level=2", "p4 put 4 trig=1 level=6",
        "p4 put done at 2 level=0", "g5 got 5 at 2 level=0",    "g1 got 1 at 2 level=0",
        "p9 put 9 trig=1 level=9",  "p9 put done at 3 level=9", "g7 got 7 at 4 level=2"};
    assert_log(&log, want, 9);
    sim_container_free(c);
}

static void a_put_waits_for_room_below_the_capacity(void **state)
{
    sim_env *env = *state;
    sim_container *c = sim_container_new(env, 10, 8);
    sim_event *put = sim_container_put(c, 5);
    assert_false(sim_is_triggered(put));
    assert_true(sim_container_level(c) == 8);
    sim_event *get = sim_container_get(c, 3);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_true(sim_is_triggered(put));
    assert_true(sim_container_level(c) == 10);
    sim_unref(put), sim_unref(get);
    sim_container_free(c);
}

static void cancelled_get_leaves_no_ghost(void **state)
{
    sim_env *env = *state;
    sim_container *c = sim_container_new(env, INFINITY, 0);
    sim_event *g1 = sim_container_get(c, 4), *g2 = sim_container_get(c, 1);
    assert_int_equal(sim_container_cancel(c, g1), SIM_OK);
    assert_int_equal(sim_container_get_queue_length(c), 1);
    sim_event *p = sim_container_put(c, 4);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_false(sim_is_triggered(g1));
    assert_true(sim_is_triggered(g2));
    assert_true(sim_container_level(c) == 3);
    assert_int_equal(sim_container_cancel(c, g2), SIM_OK); /* done: a no-op */
    sim_event *plain = sim_event_new(env);
    assert_int_equal(sim_container_cancel(c, plain), SIM_EINVAL);
    sim_unref(g1), sim_unref(g2), sim_unref(p), sim_unref(plain);
    sim_container_free(c);
}

/* Random puts and gets: after every event the level is within [0, capacity], and the
 * level equals init + everything put - everything got. */
typedef struct {
    sim_container *c;
    double put_total, got_total;
} stress;

static void *stress_proc(sim_proc *self, void *arg)
{
    stress *s = arg;
    sim_env *env = sim_proc_env(self);
    sim_rng *rng = sim_env_rng(env, 0);
    for (int i = 0; i < 50; i++) {
        sim_sleep(self, sim_rng_exponential(rng, 1.0));
        double amount = sim_rng_uniform(rng, 0.5, 6.0);
        int is_put = sim_rng_bounded(rng, 2) == 0;
        sim_event *ev =
            is_put ? sim_container_put(s->c, amount) : sim_container_get(s->c, amount);
        sim_event *t = sim_timeout(env, 3, NULL);
        sim_event *both[] = {ev, t};
        sim_event *any = sim_any_of(env, both, 2);
        sim_wait(self, any, NULL);
        if (sim_is_triggered(ev))
            *(is_put ? &s->put_total : &s->got_total) += amount;
        else
            assert_int_equal(sim_container_cancel(s->c, ev), SIM_OK);
        sim_unref(any), sim_unref(t), sim_unref(ev);
    }
    return NULL;
}

static void level_never_leaves_zero_to_capacity(void **state)
{
    sim_env *env = *state;
    stress s = {sim_container_new(env, 12, 6), 0, 0};
    for (int i = 0; i < 8; i++)
        sim_spawn(env, NULL, stress_proc, &s);
    sim_status st;
    while ((st = sim_step(env)) == SIM_OK) {
        double level = sim_container_level(s.c);
        assert_true(level >= 0 && level <= 12);
    }
    assert_int_equal(st, SIM_EMPTY);
    assert_true(s.put_total > 0 && s.got_total > 0);
    assert_true(fabs(sim_container_level(s.c) - (6 + s.put_total - s.got_total)) < 1e-9);
    assert_int_equal(sim_container_put_queue_length(s.c), 0);
    assert_int_equal(sim_container_get_queue_length(s.c), 0);
    sim_container_free(s.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RES_TEST(bad_capacity_or_init_is_an_error_with_a_message),
        RES_TEST(bad_amounts_are_errors_with_a_message),
        RES_TEST(puts_and_gets_wait_and_are_served_in_simpy_order),
        RES_TEST(a_put_waits_for_room_below_the_capacity),
        RES_TEST(cancelled_get_leaves_no_ghost),
        RES_TEST(level_never_leaves_zero_to_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
