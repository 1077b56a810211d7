/* Kernel: the two limits a runner puts on one replication (and how a failure is named). sim_config.stop ends a run
 * before its next event (SIM_ESTOPPED), so Ctrl-C stops even one endless replication;
 * sim_config.memory_limit fails a population explosion with SIM_ENOMEM at the same
 * point every time, with a message that says so, instead of taking the machine. */
#include "kernel_fixture.h"

/* Sleeps one time unit forever, counting its wake-ups in *arg. */
static void *tick(sim_proc *self, void *arg)
{
    long *n = arg;
    for (;;) {
        if (sim_sleep(self, 1) != SIM_OK)
            return NULL;
        ++*n;
    }
}

typedef struct {
    atomic_int *flag;
    long *ticks;
    long at; /* set the flag on this tick */
} stopper;

/* Like tick, but sets the stop flag itself on tick `at`, as another thread would. */
static void *tick_then_stop(sim_proc *self, void *arg)
{
    stopper *s = arg;
    for (;;) {
        if (sim_sleep(self, 1) != SIM_OK)
            return NULL;
        if (++*s->ticks == s->at)
            atomic_store(s->flag, 1);
    }
}

static void run_returns_stopped_before_the_next_event(void **state)
{
    (void)state;
    atomic_int flag = 0;
    long ticks = 0;
    stopper s = {&flag, &ticks, 5};
    sim_env *env = sim_env_new(&(sim_config){.stop = &flag});
    assert_int_equal(sim_spawn(env, "ticker", tick_then_stop, &s), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_ESTOPPED);
    assert_int_equal(ticks, 5);
    assert_true(sim_now(env) == 5.0);
    assert_string_equal(sim_strerror(SIM_ESTOPPED), "stopped");
    /* While the flag is set nothing more runs, step by step either. */
    assert_int_equal(sim_step(env), SIM_ESTOPPED);
    assert_int_equal(ticks, 5);
    /* Cleared, the run goes on where it stopped. */
    atomic_store(&flag, 0);
    assert_int_equal(sim_run(env, 8.5), SIM_OK);
    assert_int_equal(ticks, 8);
    sim_env_free(env);
}

static void flag_set_before_the_run_runs_nothing(void **state)
{
    (void)state;
    atomic_int flag = 1;
    long ticks = 0;
    sim_env *env = sim_env_new(&(sim_config){.stop = &flag});
    assert_int_equal(sim_spawn(env, "ticker", tick, &ticks), SIM_OK);
    assert_int_equal(sim_run(env, 100), SIM_ESTOPPED);
    assert_int_equal(sim_events_processed(env), 0);
    sim_env_free(env);
}

/* Spawns sleepers (each sleeps forever) until spawning fails; returns how many. */
static void *explode(sim_proc *self, void *arg)
{
    long *n = arg;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        if (sim_spawn(env, "sleeper", kproc_wait_forever, NULL) != SIM_OK)
            return NULL;
        ++*n;
        if (*n % 100 == 0 && sim_sleep(self, 1) != SIM_OK)
            return NULL;
    }
}

static long explode_until_budget(size_t limit, sim_status *st, char *msg, size_t len)
{
    long n = 0;
    sim_stack_cache *cache = sim_stack_cache_new(); /* cached stacks count the same */
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        sim_env *env = sim_env_new(&(sim_config){.memory_limit = limit, .stacks = cache});
        assert_int_equal(sim_spawn(env, "source", explode, &n), SIM_OK);
        *st = sim_run(env, -1);
        snprintf(msg, len, "%s", sim_env_error_message(env));
        sim_env_free(env);
    }
    sim_stack_cache_free(cache);
    return n;
}

static void population_explosion_fails_at_the_budget(void **state)
{
    (void)state;
    char msg[256], again[256];
    sim_status st, st2;
    long n = explode_until_budget((size_t)64 << 20, &st, msg, sizeof msg);
    assert_int_equal(st, SIM_ENOMEM);
    if (!strstr(msg, "exceeded its memory budget of 64 MiB") || !strstr(msg, "processes alive"))
        fail_msg("message: %s", msg);
    /* 64 MiB of 64 KiB stacks: several hundred processes, not thousands. */
    assert_true(n > 300 && n < 1000);
    long n2 = explode_until_budget((size_t)64 << 20, &st2, again, sizeof again);
    assert_int_equal(n2, n);
    assert_string_equal(again, msg);
}

static void no_budget_means_no_limit(void **state)
{
    kfix *f = *state;
    long n = 0;
    /* More than fit in 64 MiB above, with no limit set: all start. */
    for (int i = 0; i < 2000; i++)
        assert_int_equal(sim_spawn(f->env, "sleeper", kproc_wait_forever, NULL), SIM_OK);
    assert_int_equal(sim_spawn(f->env, "ticker", tick, &n), SIM_OK);
    assert_int_equal(sim_run(f->env, 3.5), SIM_OK);
    assert_int_equal(n, 3);
}

/* Models fail processes with kernel statuses (sim_exit_fail(self, SIM_ENOMEM)); the run's
 * message names the status, not only its number. */
static void *fail_out_of_memory(sim_proc *self, void *arg)
{
    (void)arg;
    return sim_exit_fail(self, (int)SIM_ENOMEM);
}

static void unhandled_kernel_status_is_named(void **state)
{
    kfix *f = *state;
    assert_int_equal(sim_spawn(f->env, "source", fail_out_of_memory, NULL), SIM_OK);
    assert_int_equal(sim_run(f->env, -1), SIM_FAILED);
    assert_message_mentions(f->env, "process 'source' failed with error 5 (out of memory)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_returns_stopped_before_the_next_event),
        cmocka_unit_test(flag_set_before_the_run_runs_nothing),
        cmocka_unit_test(population_explosion_fails_at_the_budget),
        KTEST(no_budget_means_no_limit),
        KTEST(unhandled_kernel_status_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
