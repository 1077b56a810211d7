/* Kernel: events and the order they are processed in (DESIGN.md section 3): the
 * (time, priority, seq) queue with seq taken at trigger time, URGENT process starts,
 * immediate resumption on processed events, and failures reaching waiters or the run. */
#include "kernel_fixture.h"

/* ---- order ------------------------------------------------------------------------- */

static void test_events_are_processed_in_time_order(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "c", kproc_sleep_then_say, IV(3));
    sim_spawn(f->env, "a", kproc_sleep_then_say, IV(1));
    sim_spawn(f->env, "b", kproc_sleep_then_say, IV(2));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n2 b\n3 c\n");
}

static void test_same_time_timeouts_run_in_creation_order(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "first", kproc_sleep_then_say, IV(2));
    sim_spawn(f->env, "second", kproc_sleep_then_say, IV(2));
    sim_spawn(f->env, "third", kproc_sleep_then_say, IV(2));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 first\n2 second\n2 third\n");
}

typedef struct {
    sim_event *first, *second;
} two_events;

static void *succeed_second_then_first(sim_proc *self, void *arg)
{
    two_events *e = arg;
    sim_sleep(self, 1);
    sim_succeed(e->second, IV(2));
    sim_succeed(e->first, IV(1));
    return NULL;
}

/* seq is taken when an event is triggered, not when it is created. SimPy:
 *   e1, e2 = env.event(), env.event()
 *   env.process(waiter('w1', e1)); env.process(waiter('w2', e2))
 *   def trig(env): yield env.timeout(1); e2.succeed(2); e1.succeed(1)
 * prints "1 w2 got 2" then "1 w1 got 1". */
static void test_same_time_events_run_in_trigger_order(void **state)
{
    kfix *f = *state;
    two_events e = {sim_event_new(f->env), sim_event_new(f->env)};
    sim_spawn(f->env, "w1", kproc_wait_and_report, e.first);
    sim_spawn(f->env, "w2", kproc_wait_and_report, e.second);
    sim_spawn(f->env, "trigger", succeed_second_then_first, &e);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 w2 got 2\n1 w1 got 1\n");
    sim_unref(e.first);
    sim_unref(e.second);
}

/* A timeout created at now with delay 0 queues behind events triggered before it. */
static void *trigger_then_timeout_zero(sim_proc *self, void *arg)
{
    sim_succeed(arg, IV(1));
    sim_sleep(self, 0);
    say(self, "slept 0");
    return NULL;
}

static void test_zero_delay_timeout_runs_after_events_triggered_before_it(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "w", kproc_wait_and_report, ev);
    sim_spawn(f->env, "t", trigger_then_timeout_zero, ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 w got 1\n0 slept 0\n");
    sim_unref(ev);
}

static void test_processes_start_in_creation_order(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "p1", kproc_say_name, NULL);
    sim_spawn(f->env, "p2", kproc_say_name, NULL);
    sim_spawn(f->env, "p3", kproc_say_name, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 p1\n0 p2\n0 p3\n");
}

static void *timeout_then_spawn(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_event *t = sim_timeout(env, 0, NULL);
    sim_spawn(env, "child", kproc_say_name, NULL);
    say(self, "parent waits");
    sim_wait(self, t, NULL);
    say(self, "parent resumed");
    sim_unref(t);
    return NULL;
}

/* URGENT before NORMAL. SimPy:
 *   def x(env): t = env.timeout(0); env.process(y(env)); yield t; print('X resumed')
 * prints "Y started" before "X resumed" although t was scheduled first. */
static void test_process_start_runs_before_normal_events_at_the_same_time(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "parent", timeout_then_spawn, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 parent waits\n0 child\n0 parent resumed\n");
}

static void *spawn_later(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 4);
    sim_spawn(sim_proc_env(self), "child", kproc_say_name, NULL);
    say(self, "spawned");
    return NULL;
}

static void test_process_created_inside_a_process_starts_after_its_creator_yields(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "parent", spawn_later, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "4 spawned\n4 child\n");
}

/* ---- waiting on a processed event ------------------------------------------------- */

typedef struct {
    sim_event *done; /* processed before the waiter gets to it */
} processed_arg;

static void *wait_processed_after_spawning(sim_proc *self, void *arg)
{
    processed_arg *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_sleep(self, 1);
    sim_spawn(env, "other", kproc_say_name, NULL);
    uint64_t before = sim_events_processed(env);
    void *value = NULL;
    sim_status st = sim_wait(self, a->done, &value);
    sim_trace(env, "%s resumed: %s, value %d, %d events processed meanwhile\n", NOW(env),
              sim_strerror(st), VI(value), (int)(sim_events_processed(env) - before));
    return NULL;
}

/* SimPy: yielding a processed event resumes in the same _resume loop, before anything
 * else runs: A's line comes before B's start although B's start is URGENT.
 *   ev = env.timeout(0); def a(env): yield env.timeout(1); env.process(b(env)); yield ev
 * prints "A after processed wait" then "B started". */
static void test_wait_on_a_processed_event_resumes_at_once_with_its_value(void **state)
{
    kfix *f = *state;
    processed_arg a = {sim_timeout(f->env, 0, IV(77))};
    sim_spawn(f->env, "waiter", wait_processed_after_spawning, &a);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f),
                        "1 resumed: ok, value 77, 0 events processed meanwhile\n1 other\n");
    sim_unref(a.done);
}

/* ---- values and states -------------------------------------------------------------- */

static void test_timeout_value_is_delivered_to_its_waiter(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 2, IV(31));
    sim_spawn(f->env, "w", kproc_wait_and_report, t);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 w got 31\n");
    sim_unref(t);
}

static void test_every_waiter_gets_the_value_in_the_order_it_started_waiting(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "w1", kproc_wait_and_report, ev);
    sim_spawn(f->env, "w2", kproc_wait_and_report, ev);
    sim_spawn(f->env, "w3", kproc_wait_and_report, ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(sim_succeed(ev, IV(6)), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 w1 got 6\n0 w2 got 6\n0 w3 got 6\n");
    sim_unref(ev);
}

static void test_event_goes_pending_then_triggered_then_processed(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    assert_false(sim_is_triggered(ev));
    assert_false(sim_is_processed(ev));
    assert_int_equal(sim_succeed(ev, IV(3)), SIM_OK);
    assert_true(sim_is_triggered(ev));
    assert_false(sim_is_processed(ev));
    assert_true(sim_is_ok(ev));
    assert_int_equal(VI(sim_value(ev)), 3);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_true(sim_is_processed(ev));
    assert_int_equal(VI(sim_value(ev)), 3);
    assert_ptr_equal(sim_event_env(ev), f->env);
    sim_unref(ev);
}

static void test_timeout_is_triggered_as_soon_as_it_is_created(void **state)
{
    kfix *f = *state;
    sim_event *t = sim_timeout(f->env, 5, IV(1));
    assert_true(sim_is_triggered(t));
    assert_true(sim_is_ok(t));
    assert_false(sim_is_processed(t));
    sim_unref(t);
}

/* The kernel keeps its own references while an event is queued or waited on. */
static void test_releasing_a_handle_before_the_event_is_processed_is_safe(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "w", kproc_wait_and_report, ev);
    assert_int_equal(sim_succeed(ev, IV(12)), SIM_OK);
    sim_unref(ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "0 w got 12\n");
}

/* ---- failures ----------------------------------------------------------------------- */

static void *fail_at_2(sim_proc *self, void *arg)
{
    sim_sleep(self, 2);
    sim_fail(arg, 9);
    return NULL;
}

static void test_failed_event_reaches_every_waiter_as_a_failure(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "w1", kproc_wait_and_report, ev);
    sim_spawn(f->env, "w2", kproc_wait_and_report, ev);
    sim_spawn(f->env, "failer", fail_at_2, ev);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "2 w1 failed 9\n2 w2 failed 9\n");
    assert_false(sim_is_ok(ev));
    assert_int_equal(sim_error(ev), 9);
    sim_unref(ev);
}

/* SimPy: a failed event nobody waits on crashes env.run() with its exception, at the
 * time it is processed; the events after it have not run. */
static void test_failed_event_nobody_waits_on_stops_the_run_with_its_error(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "failer", fail_at_2, ev);
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(3));
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_int_equal(sim_env_error(f->env), 9);
    assert_true(sim_now(f->env) == 2);
    assert_string_equal(kfix_trace(f), "");
    sim_unref(ev);
}

/* SimPy: after step() raised, calling run() again goes on with the events left. */
static void test_run_can_go_on_after_an_unhandled_failure(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_spawn(f->env, "failer", fail_at_2, ev);
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(3));
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 late\n");
    sim_unref(ev);
}

static void test_defused_failed_event_does_not_stop_the_run(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_defuse(ev);
    sim_spawn(f->env, "failer", fail_at_2, ev);
    sim_spawn(f->env, "late", kproc_sleep_then_say, IV(3));
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "3 late\n");
    assert_int_equal(sim_error(ev), 9);
    sim_unref(ev);
}

static void test_failed_event_value_is_null_and_error_is_kept(void **state)
{
    kfix *f = *state;
    sim_event *ev = sim_event_new(f->env);
    sim_defuse(ev);
    assert_int_equal(sim_fail(ev, 13), SIM_OK);
    assert_true(sim_is_triggered(ev));
    assert_false(sim_is_ok(ev));
    assert_int_equal(sim_error(ev), 13);
    assert_null(sim_value(ev));
    sim_unref(ev);
}

/* ---- randomised order against a reference ----------------------------------------- */

/* A random schedule, run twice: by the kernel and by a naive reference queue that scans
 * for the smallest (time, priority, seq). Every processed timeout creates one new timeout
 * (delays drawn from a small set, 0 included, so ties abound and zero delays join the
 * time being processed) and sometimes spawns a process (an URGENT start at now, then
 * its NORMAL process event). Both sides draw from one generator in processing order,
 * so any difference in order shows up as a different sequence of ids. */
#define ORDER_IDS 20000
#define ORDER_START 100

static const double order_delays[] = {0, 0.5, 1, 1, 2, 3.25};

typedef struct order_run order_run;
typedef struct {
    sim_hook hook; /* first member */
    order_run *run;
    int id;
} order_node;

struct order_run {
    sim_env *env;
    sim_rng rng;
    int next_id;
    int n_seen;
    int seen[2 * ORDER_IDS];
    order_node nodes[ORDER_IDS];
};

static void order_timeout(order_run *r, double delay);

static void *order_proc(sim_proc *self, void *arg)
{
    (void)self;
    order_node *n = arg;
    n->run->seen[n->run->n_seen++] = n->id;
    return NULL;
}

/* What happens when timeout or start `id` is processed, shared by both sides: the
 * draws decide one new timeout and maybe one spawn. */
static int order_plan(sim_rng *rng, double *delay)
{
    *delay = order_delays[sim_rng_bounded(rng, 6)];
    return sim_rng_bounded(rng, 5) == 0; /* spawn? */
}

static void order_fired(sim_hook *h, sim_event *ev)
{
    (void)ev;
    order_node *n = (order_node *)(void *)h;
    order_run *r = n->run;
    r->seen[r->n_seen++] = n->id;
    double delay;
    int spawn = order_plan(&r->rng, &delay);
    if (r->next_id < ORDER_IDS)
        order_timeout(r, delay);
    if (spawn && r->next_id < ORDER_IDS) {
        order_node *p = &r->nodes[r->next_id];
        p->run = r;
        p->id = r->next_id++;
        sim_spawn(r->env, NULL, order_proc, p);
    }
}

static void order_timeout(order_run *r, double delay)
{
    order_node *n = &r->nodes[r->next_id];
    n->run = r;
    n->id = r->next_id++;
    n->hook.fn = order_fired;
    sim_event *t = sim_timeout(r->env, delay, NULL);
    sim_event_hook(t, &n->hook);
    sim_unref(t);
}

/* The reference: pending entries scanned linearly. kind 0 timeout, 1 start, 2 process
 * event (it records nothing but takes a seq, as the kernel's does). */
typedef struct {
    double time;
    int prio, kind, id;
    uint64_t seq;
} ref_entry;

typedef struct {
    ref_entry q[4 * ORDER_IDS];
    size_t n;
    uint64_t seq;
    double now;
    int next_id, n_seen;
    int seen[2 * ORDER_IDS];
} ref_run;

static void ref_push(ref_run *r, double delay, int prio, int kind, int id)
{
    r->q[r->n++] = (ref_entry){r->now + delay, prio, kind, id, r->seq++};
}

static void ref_simulate(ref_run *r, sim_rng *rng)
{
    for (int i = 0; i < ORDER_START; i++) {
        double delay;
        order_plan(rng, &delay);
        ref_push(r, delay, SIM_NORMAL, 0, r->next_id++);
    }
    while (r->n > 0) {
        size_t best = 0;
        for (size_t i = 1; i < r->n; i++) {
            const ref_entry *a = &r->q[i], *b = &r->q[best];
            if (a->time < b->time ||
                (a->time == b->time && (a->prio < b->prio ||
                                        (a->prio == b->prio && a->seq < b->seq))))
                best = i;
        }
        ref_entry e = r->q[best];
        r->q[best] = r->q[--r->n];
        r->now = e.time;
        if (e.kind == 2)
            continue;
        r->seen[r->n_seen++] = e.id;
        if (e.kind == 1) { /* the process runs and returns: its event, NORMAL at now */
            ref_push(r, 0, SIM_NORMAL, 2, e.id);
            continue;
        }
        double delay;
        int spawn = order_plan(rng, &delay);
        if (r->next_id < ORDER_IDS)
            ref_push(r, delay, SIM_NORMAL, 0, r->next_id++);
        if (spawn && r->next_id < ORDER_IDS)
            ref_push(r, 0, SIM_URGENT, 1, r->next_id++);
    }
}

static void test_random_schedules_run_in_time_priority_trigger_order(void **state)
{
    kfix *f = *state;
    order_run *run = calloc(1, sizeof *run);
    ref_run *ref = calloc(1, sizeof *ref);
    assert_non_null(run);
    assert_non_null(ref);
    sim_rng ref_rng;
    sim_rng_seed(&run->rng, 42, 7);
    sim_rng_seed(&ref_rng, 42, 7);
    run->env = f->env;
    for (int i = 0; i < ORDER_START; i++) {
        double delay;
        order_plan(&run->rng, &delay);
        order_timeout(run, delay);
    }
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    ref_simulate(ref, &ref_rng);
    assert_int_equal(run->next_id, ORDER_IDS);
    assert_int_equal(run->n_seen, ref->n_seen);
    for (int i = 0; i < ref->n_seen; i++)
        if (run->seen[i] != ref->seen[i])
            fail_msg("position %d: kernel processed id %d, reference %d", i, run->seen[i],
                     ref->seen[i]);
    assert_true(sim_now(f->env) == ref->now);
    free(run);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_events_are_processed_in_time_order),
        KTEST(test_same_time_timeouts_run_in_creation_order),
        KTEST(test_same_time_events_run_in_trigger_order),
        KTEST(test_zero_delay_timeout_runs_after_events_triggered_before_it),
        KTEST(test_processes_start_in_creation_order),
        KTEST(test_process_start_runs_before_normal_events_at_the_same_time),
        KTEST(test_process_created_inside_a_process_starts_after_its_creator_yields),
        KTEST(test_wait_on_a_processed_event_resumes_at_once_with_its_value),
        KTEST(test_timeout_value_is_delivered_to_its_waiter),
        KTEST(test_every_waiter_gets_the_value_in_the_order_it_started_waiting),
        KTEST(test_event_goes_pending_then_triggered_then_processed),
        KTEST(test_timeout_is_triggered_as_soon_as_it_is_created),
        KTEST(test_releasing_a_handle_before_the_event_is_processed_is_safe),
        KTEST(test_failed_event_reaches_every_waiter_as_a_failure),
        KTEST(test_failed_event_nobody_waits_on_stops_the_run_with_its_error),
        KTEST(test_run_can_go_on_after_an_unhandled_failure),
        KTEST(test_defused_failed_event_does_not_stop_the_run),
        KTEST(test_failed_event_value_is_null_and_error_is_kept),
        KTEST(test_random_schedules_run_in_time_priority_trigger_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
