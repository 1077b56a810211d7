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

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

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
static sim_env *abandoned_model(void)
{
    sim_env *env = sim_env_new(NULL);
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

static void test_freeing_an_environment_returns_its_live_processes_memory(void **state)
{
    (void)state;
    const int rounds = RUNNING_ON_VALGRIND ? 20 : 400;
    for (int i = 0; i < rounds / 10; i++) {
        sim_env *env = abandoned_model();
        assert_non_null(env);
        sim_env_free(env);
    }
    long warm = peak_rss_kb();
    for (int i = rounds / 10; i < rounds; i++) {
        sim_env *env = abandoned_model();
        assert_non_null(env);
        sim_env_free(env);
    }
    long after = peak_rss_kb();
    if (after - warm > MARGIN_KB)
        fail_msg("peak RSS grew from %ld to %ld KiB over %d environments", warm, after,
                 rounds - rounds / 10);
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
static char *run_model(uint64_t seed)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    sim_config cfg = {.seed = seed, .trace = out};
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
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < job->rounds; i++) {
        char *text = run_model(2024);
        if (!text || strcmp(text, job->expected) != 0)
            job->mismatches++;
        free(text);
    }
    return NULL;
}

static void test_two_environments_in_two_threads_give_identical_results(void **state)
{
    (void)state;
    char *expected = run_model(2024);
    assert_non_null(expected);
    assert_non_null(strstr(expected, "worker interrupted")); /* the model does exercise */
    assert_non_null(strstr(expected, "served"));             /* interrupts and conditions */
    char *other_seed = run_model(2025);
    assert_string_not_equal(expected, other_seed);
    free(other_seed);

    const int rounds = RUNNING_ON_VALGRIND ? 2 : 20;
    thread_job jobs[2] = {{expected, rounds, 0}, {expected, rounds, 0}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    assert_int_equal(jobs[0].mismatches, 0);
    assert_int_equal(jobs[1].mismatches, 0);
    free(expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_run_of_timeouts_keeps_memory_bounded),
        cmocka_unit_test(test_freeing_an_environment_returns_its_live_processes_memory),
        cmocka_unit_test(test_two_environments_in_two_threads_give_identical_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
