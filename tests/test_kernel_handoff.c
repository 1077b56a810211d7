/* Kernel: one switch per wakeup. The event loop runs on the stack of the process that
 * waits and jumps straight to the next one (kernel/switch.h); these tests pin down what
 * must not change because of that: sim_step takes exactly one event even when the next
 * event is the waiting process's own, hooks run with no active process although they run
 * on a process's stack, a run that ends on a process's stack returns to its caller and
 * the next run goes on from there, and a finished process's stack is reused only after
 * it was left. */
#include "kernel_fixture.h"

/* Sleeps 1 three times and says so each time. */
static void *sleeper(sim_proc *self, void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        sim_sleep(self, 1);
        say(self, sim_proc_name(self));
    }
    return NULL;
}

/* A lone sleeper's own timeout is always next, so the loop would resume it in place; in
 * sim_step that must still be one event per call: start, three timeouts, its end. */
static void test_step_takes_one_event_when_the_sleeper_is_next_itself(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "a", sleeper, NULL);
    const char *expected[] = {"", "1 a\n", "1 a\n2 a\n", "1 a\n2 a\n3 a\n", "1 a\n2 a\n3 a\n"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sim_step(f->env), SIM_OK);
        assert_int_equal(sim_events_processed(f->env), (uint64_t)i + 1);
        assert_string_equal(kfix_trace(f), expected[i]);
        assert_null(sim_active_process(f->env));
    }
    assert_int_equal(sim_step(f->env), SIM_EMPTY);
}

/* Two sleepers hand over to each other at every wakeup: each sim_step still resumes one. */
static void test_step_takes_one_event_when_processes_hand_over(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "a", sleeper, NULL);
    sim_spawn(f->env, "b", sleeper, NULL);
    assert_int_equal(sim_step(f->env), SIM_OK); /* a starts */
    assert_int_equal(sim_step(f->env), SIM_OK); /* b starts */
    assert_string_equal(kfix_trace(f), "");
    assert_int_equal(sim_step(f->env), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n");
    assert_int_equal(sim_step(f->env), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n1 b\n");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n1 b\n2 a\n2 b\n3 a\n3 b\n");
    assert_int_equal(sim_events_processed(f->env), 10);
}

typedef struct {
    sim_hook hook;
    sim_env *env;
    int ran, active_null;
} active_probe;

static void probe_active(sim_hook *h, sim_event *ev)
{
    (void)ev;
    active_probe *p = (active_probe *)(void *)h;
    p->ran++;
    p->active_null += sim_active_process(p->env) == NULL;
    say_env(p->env, "hook");
}

/* The timeout's hook is run by the loop on the sleeper's stack (the sleeper waited last),
 * yet as in SimPy no process is active while a callback runs. */
static void test_hook_run_on_a_process_stack_sees_no_active_process(void **state)
{
    kfix *f = *state;
    active_probe probe = {.hook.fn = probe_active, .env = f->env};
    sim_event *t = sim_timeout(f->env, 1, NULL);
    assert_int_equal(sim_event_hook(t, &probe.hook), SIM_OK);
    sim_spawn(f->env, "a", sleeper, NULL);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(probe.ran, 1);
    assert_int_equal(probe.active_null, 1);
    assert_string_equal(kfix_trace(f), "1 hook\n1 a\n2 a\n3 a\n");
    sim_unref(t);
}

/* Runs end between events on whichever stack holds the loop; the next run resumes there. */
static void test_runs_in_pieces_give_the_same_trace_as_one_run(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "a", sleeper, NULL);
    sim_spawn(f->env, "b", sleeper, NULL);
    assert_int_equal(sim_run(f->env, 1.5), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n1 b\n");
    assert_true(sim_now(f->env) == 1.5);
    assert_int_equal(sim_run(f->env, 2.5), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n1 b\n2 a\n2 b\n");
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_string_equal(kfix_trace(f), "1 a\n1 b\n2 a\n2 b\n3 a\n3 b\n");
}

typedef struct {
    sim_hook hook;
    sim_env *env;
    int left;      /* generations still to spawn */
    int clobbered; /* a process found its stack overwritten */
} chain;

static void spawn_next(sim_hook *h, sim_event *ev);

/* Fills much of its stack, sleeps, checks it is intact, and finishes; a hook on its
 * process event then spawns the next generation. */
static void *generation(sim_proc *self, void *arg)
{
    chain *c = arg;
    volatile unsigned char buf[6 * 1024];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    sim_sleep(self, 1);
    for (size_t i = 0; i < sizeof buf; i++)
        c->clobbered |= buf[i] != (unsigned char)(i * 7 + 1);
    sim_event_hook(sim_proc_event(self), &c->hook);
    return NULL;
}

/* Runs in the loop right after the process finished, on that process's stack: the new
 * process must not get the stack this very hook runs on. */
static void spawn_next(sim_hook *h, sim_event *ev)
{
    (void)ev;
    chain *c = (chain *)(void *)h;
    if (c->left-- > 0)
        sim_spawn(c->env, "generation", generation, c);
}

/* Stacks are pooled and reused, but a finished process's stack goes back to the pool only
 * once the process has been left: the hooks of its process event still run on it. */
static void test_finished_process_stack_is_reused_only_after_it_was_left(void **state)
{
    kfix *f = *state;
    chain c = {.hook.fn = spawn_next, .env = f->env, .left = 20};
    sim_spawn(f->env, "generation", generation, &c);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(c.left, -1);
    assert_int_equal(c.clobbered, 0);
    assert_true(sim_now(f->env) == 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        KTEST(test_step_takes_one_event_when_the_sleeper_is_next_itself),
        KTEST(test_step_takes_one_event_when_processes_hand_over),
        KTEST(test_hook_run_on_a_process_stack_sees_no_active_process),
        KTEST(test_runs_in_pieces_give_the_same_trace_as_one_run),
        KTEST(test_finished_process_stack_is_reused_only_after_it_was_left),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
