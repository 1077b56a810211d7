/* Kernel: resources over long runs and across threads. Pooled events and stacks keep a
 * long run's memory bounded; freeing an environment returns its live processes' memory;
 * environments share no state, so two threads running the same model print the same
 * trace. Stack overflow has its own file (test_kernel_overflow.c).
 *
 * Memory is judged by the peak resident set (getrusage ru_maxrss), never by time: a
 * second, longer run must not raise the peak by more than a small margin, where a leak of
 * even one pooled object per event would add hundreds of megabytes.                  */
#include "kernel_fixture.h"

#include <pthread.h>
#include <sys/resource.h>

#define MARGIN_KB 4096 /* allocator noise; a per-event leak over 9e6 events is ~500 MB */

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- bounded memory ----------------------------------------------------------------- */

static void *tick_forever(sim_proc *self, void *arg)
{
    (void)arg;
    for (;;)
        sim_sleep(self, 1);
    return NULL;
}

/* 1000 processes x 10^4 timeouts = 10^7 timeouts (10^6 under valgrind, which is slow).
 * The first 10% of the run reaches the steady state; the rest must not grow the peak. */
static void test_long_run_of_timeouts_keeps_memory_bounded(void **state)
{
    (void)state;
    SKIP_IF_RSS_UNRELIABLE();
    const double horizon = RUNNING_ON_VALGRIND ? 1000 : 10000;
    sim_env *env = sim_env_new(NULL);
    assert_non_null(env);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(sim_spawn(env, "ticker", tick_forever, NULL), SIM_OK);
    assert_int_equal(sim_run(env, horizon / 10 + 0.5), SIM_OK);
    uint64_t warm_events = sim_events_processed(env);
    long warm = peak_rss_kb();
    assert_int_equal(sim_run(env, horizon + 0.5), SIM_OK);
    long after = peak_rss_kb();
    assert_true(sim_events_processed(env) - warm_events >= (uint64_t)(horizon * 0.9) * 1000);
    if (after - warm > MARGIN_KB)
        fail_msg("peak RSS grew from %ld to %ld KiB over %.0f more timeouts", warm, after,
                 horizon * 0.9 * 1000);
    sim_env_free(env);
}

/* One replication's worth of live objects left behind when the run ends: processes
 * waiting forever, a pending condition, queued timeouts. */
static sim_env *abandoned_model(sim_stack_cache *cache)
{
    sim_config cfg = {.stacks = cache};
    sim_env *env = sim_env_new(&cfg);
    if (!env)
        return NULL;
    for (int i = 0; i < 100; i++)
        sim_spawn(env, "stuck", kproc_wait_forever, NULL);
    sim_event *evs[2] = {sim_event_new(env), sim_timeout(env, 50, NULL)};
    sim_event *cond = sim_all_of(env, evs, 2);
    sim_unref(evs[0]);
    sim_unref(evs[1]);
    sim_unref(cond);
    sim_unref(sim_timeout(env, 100, NULL));
    sim_run(env, 10);
    return env;
}

/* Under AddressSanitizer LeakSanitizer checks the same property. */
static void test_freeing_an_environment_returns_its_live_processes_memory(void **state)
{
    (void)state;
    SKIP_IF_RSS_UNRELIABLE();
    const int rounds = RUNNING_ON_VALGRIND ? 20 : 400;
    for (int i = 0; i < rounds / 10; i++) {
        sim_env *env = abandoned_model(NULL);
        assert_non_null(env);
        sim_env_free(env);
    }
    long warm = peak_rss_kb();
    for (int i = rounds / 10; i < rounds; i++) {
        sim_env *env = abandoned_model(NULL);
        assert_non_null(env);
        sim_env_free(env);
    }
    long after = peak_rss_kb();
    if (after - warm > MARGIN_KB)
        fail_msg("peak RSS grew from %ld to %ld KiB over %d environments", warm, after,
                 rounds - rounds / 10);
}

/* Freed environments give their stacks (live processes' included) to the cache, and the
 * next environment takes them back instead of mapping new ones. */
static void test_reusing_a_stack_cache_keeps_memory_bounded(void **state)
{
    (void)state;
    SKIP_IF_RSS_UNRELIABLE();
    const int rounds = RUNNING_ON_VALGRIND ? 20 : 400;
    sim_stack_cache *cache = sim_stack_cache_new();
    assert_non_null(cache);
    for (int i = 0; i < rounds / 10; i++)
        sim_env_free(abandoned_model(cache));
    long warm = peak_rss_kb();
    for (int i = rounds / 10; i < rounds; i++) {
        sim_env *env = abandoned_model(cache);
        assert_non_null(env);
        sim_env_free(env);
    }
    long after = peak_rss_kb();
    sim_stack_cache_free(cache);
    if (after - warm > MARGIN_KB)
        fail_msg("peak RSS grew from %ld to %ld KiB over %d environments", warm, after,
                 rounds - rounds / 10);
}

static void *tick_n(sim_proc *self, void *arg)
{
    int *ticks = arg;
    for (int i = 0; i < 10; i++) {
        sim_sleep(self, 1);
        (*ticks)++;
    }
    return NULL;
}

/* 40 processes x 10 ticks in an environment with the given stack size and cache. */
static int ticks_with(sim_stack_cache *cache, size_t stack_size)
{
    sim_config cfg = {.stack_size = stack_size, .stacks = cache};
    sim_env *env = sim_env_new(&cfg);
    int ticks = 0;
    for (int i = 0; i < 40; i++)
        sim_spawn(env, "ticker", tick_n, &ticks);
    if (sim_run(env, -1) != SIM_OK)
        ticks = -1;
    sim_env_free(env);
    return ticks;
}

static void test_stack_cache_serves_environments_of_different_stack_sizes(void **state)
{
    (void)state;
    sim_stack_cache *cache = sim_stack_cache_new();
    assert_non_null(cache);
    assert_int_equal(ticks_with(cache, 16384), 400);
    assert_int_equal(ticks_with(cache, 0), 400);
    assert_int_equal(ticks_with(cache, 256 * 1024), 400);
    assert_int_equal(ticks_with(cache, 16384), 400);
    assert_int_equal(ticks_with(cache, 0), 400);
    sim_stack_cache_free(cache);
    sim_stack_cache_free(NULL); /* like free(NULL) */
}

/* ---- two environments, two threads ------------------------------------------------- */

typedef struct {
    sim_proc *worker;
    int served, reneged;
} shop;

/* A worker doing resumable jobs, interrupted now and then. */
static void *worker(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    sim_rng *rng = sim_env_rng(env, 1);
    for (;;) {
        sim_event *job = sim_timeout(env, sim_rng_exponential(rng, 2.0), NULL);
        void *cause;
        while (sim_wait(self, job, &cause) == SIM_INTERRUPTED)
            sim_trace(env, "%s worker interrupted %d\n", NOW(env), VI(cause));
        sim_unref(job);
        sim_trace(env, "%s worker job done\n", NOW(env));
    }
    return NULL;
}

static void *customer(sim_proc *self, void *arg)
{
    shop *s = arg;
    sim_env *env = sim_proc_env(self);
    sim_rng *rng = sim_env_rng(env, 2);
    sim_event *evs[2] = {sim_timeout(env, sim_rng_exponential(rng, 1.0), IV(1)),
                         sim_timeout(env, sim_rng_uniform(rng, 0, 2), IV(2))};
    sim_event *first = sim_any_of(env, evs, 2);
    sim_wait(self, first, NULL);
    int served = sim_condition_lookup(first, evs[0], NULL) != NULL;
    s->served += served;
    s->reneged += !served;
    sim_trace(env, "%s %s %s\n", NOW(env), sim_proc_name(self), served ? "served" : "left");
    if (sim_rng_double(rng) < 0.3 && sim_proc_is_alive(s->worker))
        sim_interrupt(s->worker, IV(served));
    sim_unref(evs[0]);
    sim_unref(evs[1]);
    sim_unref(first);
    return NULL;
}

static void *source(sim_proc *self, void *arg)
{
    sim_env *env = sim_proc_env(self);
    sim_rng *rng = sim_env_rng(env, 0);
    char name[16];
    for (int i = 0; i < 300; i++) {
        sim_sleep(self, sim_rng_exponential(rng, 1.5));
        snprintf(name, sizeof name, "c%d", i);
        sim_spawn(env, name, customer, arg);
    }
    return NULL;
}

/* Runs the model once; returns its trace (malloc'ed) or NULL. */
static char *run_model(uint64_t seed, sim_stack_cache *cache)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    sim_config cfg = {.seed = seed, .trace = out, .stacks = cache};
    sim_env *env = sim_env_new(&cfg);
    shop s = {0};
    sim_status st = SIM_ENOMEM;
    if (env) {
        s.worker = sim_process(env, "worker", worker, NULL);
        sim_spawn(env, "source", source, &s);
        st = sim_run(env, 1000);
        fprintf(out, "served %d left %d status %d\n", s.served, s.reneged, st);
        sim_unref(sim_proc_event(s.worker));
        sim_env_free(env);
    }
    fclose(out);
    if (!env) {
        free(text);
        return NULL;
    }
    return text;
}

typedef struct {
    const char *expected;
    int rounds, mismatches;
    int use_cache; /* each thread its own stack cache, as the runner's workers do */
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    sim_stack_cache *cache = job->use_cache ? sim_stack_cache_new() : NULL;
    for (int i = 0; i < job->rounds; i++) {
        char *text = run_model(2024, cache);
        if (!text || strcmp(text, job->expected) != 0)
            job->mismatches++;
        free(text);
    }
    sim_stack_cache_free(cache);
    return NULL;
}

static void run_two_threads(const char *expected, int use_cache)
{
    const int rounds = RUNNING_ON_VALGRIND ? 2 : 20;
    thread_job jobs[2] = {{expected, rounds, 0, use_cache}, {expected, rounds, 0, use_cache}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    assert_int_equal(jobs[0].mismatches, 0);
    assert_int_equal(jobs[1].mismatches, 0);
}

static void test_two_environments_in_two_threads_give_identical_results(void **state)
{
    (void)state;
    char *expected = run_model(2024, NULL);
    assert_non_null(expected);
    assert_non_null(strstr(expected, "worker interrupted")); /* the model does exercise */
    assert_non_null(strstr(expected, "served"));             /* interrupts and conditions */
    char *other_seed = run_model(2025, NULL);
    assert_string_not_equal(expected, other_seed);
    free(other_seed);
    run_two_threads(expected, 0);
    free(expected);
}

static void test_two_threads_with_their_own_stack_caches_give_identical_results(void **state)
{
    (void)state;
    char *expected = run_model(2024, NULL);
    assert_non_null(expected);
    run_two_threads(expected, 1);
    free(expected);
}

static void test_environments_sharing_a_stack_cache_print_the_same_trace(void **state)
{
    (void)state;
    char *expected = run_model(7, NULL);
    assert_non_null(expected);
    sim_stack_cache *cache = sim_stack_cache_new();
    for (int i = 0; i < 3; i++) {
        char *text = run_model(7, cache);
        assert_non_null(text);
        assert_string_equal(text, expected);
        free(text);
    }
    sim_stack_cache_free(cache);
    free(expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_run_of_timeouts_keeps_memory_bounded),
        cmocka_unit_test(test_freeing_an_environment_returns_its_live_processes_memory),
        cmocka_unit_test(test_reusing_a_stack_cache_keeps_memory_bounded),
        cmocka_unit_test(test_stack_cache_serves_environments_of_different_stack_sizes),
        cmocka_unit_test(test_environments_sharing_a_stack_cache_print_the_same_trace),
        cmocka_unit_test(test_two_environments_in_two_threads_give_identical_results),
        cmocka_unit_test(test_two_threads_with_their_own_stack_caches_give_identical_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
