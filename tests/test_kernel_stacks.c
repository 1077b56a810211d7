/* Kernel: stack layouts (sim_config.stack_layout). PACKED puts stacks back to back in
 * huge-page slabs; it changes where stacks live, never what a model does: the same model
 * gives the same run in both layouts, with and without a stack cache, over many slabs.
 * Overflows on packed stacks are in test_kernel_overflow.c.                          */
#include "kernel_fixture.h"

#include <errno.h>

#define WORKERS 3000 /* some two dozen packed slabs of 16 KiB stacks */

typedef struct {
    sim_proc **procs;
    uint64_t hash; /* of every (time, worker) a worker wakes at, in order */
    long wakeups, interrupts;
} run_log;

typedef struct {
    run_log *log;
    int id;
} worker_arg;

static void note(run_log *log, sim_env *env, int id)
{
    double t = sim_now(env);
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    log->hash = (log->hash ^ bits ^ (uint64_t)id) * 0x100000001b3ULL;
    log->wakeups++;
}

/* Sleeps exponential times; every seventh worker interrupts another now and then, so
 * waits end both ways and stale timeouts stay queued. */
static void *worker(sim_proc *self, void *arg)
{
    worker_arg *w = arg;
    sim_env *env = sim_proc_env(self);
    sim_rng *rng = sim_env_rng(env, 1);
    for (int round = 0; round < 6; round++) {
        if (sim_sleep(self, sim_rng_exponential(rng, 1.0)) == SIM_INTERRUPTED)
            w->log->interrupts++;
        note(w->log, env, w->id);
        if (w->id % 7 == 0) {
            sim_proc *other = w->log->procs[(w->id * 31 + round) % WORKERS];
            if (other != self && sim_proc_is_alive(other))
                sim_interrupt(other, NULL);
        }
    }
    return NULL;
}

static run_log run_model(sim_stack_layout layout, sim_stack_cache *cache, size_t stack_size)
{
    run_log log = {.procs = calloc(WORKERS, sizeof(sim_proc *)), .hash = 14695981039346656037ULL};
    worker_arg *args = calloc(WORKERS, sizeof *args);
    assert_non_null(log.procs);
    assert_non_null(args);
    sim_config cfg = {.stack_size = stack_size, .seed = 42, .stacks = cache, .stack_layout = layout};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    for (int i = 0; i < WORKERS; i++) {
        args[i] = (worker_arg){&log, i};
        log.procs[i] = sim_process(env, "worker", worker, &args[i]);
        assert_non_null(log.procs[i]);
    }
    assert_int_equal(sim_run(env, -1), SIM_OK);
    for (int i = 0; i < WORKERS; i++)
        sim_proc_unref(log.procs[i]);
    sim_env_free(env);
    free(args);
    free(log.procs);
    log.procs = NULL;
    return log;
}

/* How far apart the frames of the first two processes of an environment are: a packed
 * layout puts their stacks exactly stack_size (rounded to 128) + PACKED_RECORD bytes
 * apart: a spare line and the process itself lie below each stack (coro.c). */
#define PACKED_RECORD 384
static __attribute__((noinline)) void *note_frame(sim_proc *self, void *arg)
{
    *(uintptr_t *)arg = (uintptr_t)__builtin_frame_address(0);
    sim_sleep(self, 1);
    return NULL;
}

static long frame_gap(sim_stack_layout layout, sim_stack_cache *cache, size_t stack_size)
{
    sim_config cfg = {.stack_size = stack_size, .stacks = cache, .stack_layout = layout};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    uintptr_t a = 0, b = 0;
    assert_int_equal(sim_spawn(env, "a", note_frame, &a), SIM_OK);
    assert_int_equal(sim_spawn(env, "b", note_frame, &b), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    sim_env_free(env);
    return (long)(a - b);
}

static void assert_same_run(run_log a, run_log b)
{
    assert_int_equal(a.wakeups, b.wakeups);
    assert_int_equal(a.interrupts, b.interrupts);
    assert_true(a.hash == b.hash);
}

static void test_packed_stacks_run_a_model_exactly_as_guarded_ones(void **state)
{
    (void)state;
    assert_int_equal(frame_gap(SIM_STACKS_PACKED, NULL, 16384), 16384 + PACKED_RECORD);
    assert_int_equal(frame_gap(SIM_STACKS_PACKED, NULL, 30000), 30080 + PACKED_RECORD);
    assert_int_not_equal(frame_gap(SIM_STACKS_GUARDED, NULL, 16384), 16384 + PACKED_RECORD);
    run_log guarded = run_model(SIM_STACKS_GUARDED, NULL, 16384);
    assert_int_equal(guarded.wakeups, 6L * WORKERS);
    assert_true(guarded.interrupts > 0);
    assert_same_run(guarded, run_model(SIM_STACKS_PACKED, NULL, 16384));
    assert_same_run(guarded, run_model(SIM_STACKS_PACKED, NULL, 30000)); /* not a page multiple */
}

/* Environments of either layout take turns on one cache, and each gets slabs of its own
 * layout back, never the other's: 16 KiB guarded stacks and 20 KiB packed ones have the
 * same size in their slabs (a colour page is added to guarded ones), so only the layout
 * tells their slabs apart. */
static void test_a_stack_cache_serves_both_layouts_in_turn(void **state)
{
    (void)state;
    run_log guarded = run_model(SIM_STACKS_GUARDED, NULL, 16384);
    sim_stack_cache *cache = sim_stack_cache_new();
    assert_non_null(cache);
    for (int i = 0; i < 2; i++) {
        assert_same_run(guarded, run_model(SIM_STACKS_PACKED, cache, 20480));
        assert_int_equal(frame_gap(SIM_STACKS_PACKED, cache, 20480), 20480 + PACKED_RECORD);
        assert_same_run(guarded, run_model(SIM_STACKS_GUARDED, cache, 16384));
        assert_int_not_equal(frame_gap(SIM_STACKS_GUARDED, cache, 16384), 20480 + PACKED_RECORD);
        assert_same_run(guarded, run_model(SIM_STACKS_PACKED, cache, 16384));
    }
    sim_stack_cache_free(cache);
}

/* Deep but within bounds: 8 KiB of frames on a 16 KiB packed stack, between waits,
 * next to neighbours doing the same. */
static void *(*volatile fill_ptr)(void *, int, size_t) = memset;

static int use_8k(int seed)
{
    volatile char frame[8 * 1024];
    fill_ptr((void *)frame, seed, sizeof frame);
    return frame[seed % sizeof frame];
}

static void *deep_sleeper(sim_proc *self, void *arg)
{
    long *sum = arg;
    for (int i = 0; i < 5; i++) {
        *sum += use_8k(i + 1);
        if (sim_sleep(self, 1) != SIM_OK)
            return NULL;
    }
    return NULL;
}

static void test_packed_stacks_hold_frames_of_half_their_size(void **state)
{
    (void)state;
    sim_config cfg = {.stack_size = 16384, .stack_layout = SIM_STACKS_PACKED};
    sim_env *env = sim_env_new(&cfg);
    long sum = 0;
    for (int i = 0; i < 200; i++)
        assert_int_equal(sim_spawn(env, "deep", deep_sleeper, &sum), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(sum, 200L * (1 + 2 + 3 + 4 + 5));
    sim_env_free(env);
}

/* A packed stack holds its process (the record below it), so its slot is reused only
 * once the process has finished and its last handle is gone: a parent runs 3000 children
 * one after another and keeps every other one of the first 80. Under a memory budget of a
 * few hundred stacks that works only if the released slots are reused, and the kept
 * children must still read back their own names and values at the end. */
typedef struct {
    int made;
    sim_proc *kept[40];
} spawn_log;

static void *return_arg(sim_proc *self, void *arg)
{
    (void)self;
    return arg;
}

static void *spawn_in_turn(sim_proc *self, void *arg)
{
    spawn_log *log = arg;
    sim_env *env = sim_proc_env(self);
    for (long i = 0; i < 3000; i++) {
        char name[16];
        snprintf(name, sizeof name, "child-%ld", i);
        sim_proc *c = sim_process(env, name, return_arg, (void *)(intptr_t)i);
        if (!c)
            return NULL;
        void *v = NULL;
        if (sim_wait(self, sim_proc_event(c), &v) != SIM_OK || v != (void *)(intptr_t)i)
            return NULL;
        log->made++;
        if (i % 2 && i < 80)
            log->kept[i / 2] = c;
        else
            sim_proc_unref(c);
    }
    return NULL;
}

static void check_slots_reused_only_when_released(sim_stack_layout layout)
{
    sim_config cfg = {.stack_size = 16384, .stack_layout = layout, .memory_limit = 4u << 20};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    spawn_log log = {0};
    assert_int_equal(sim_spawn(env, "parent", spawn_in_turn, &log), SIM_OK);
    assert_int_equal(sim_run(env, -1), SIM_OK);
    assert_int_equal(log.made, 3000);
    for (long k = 0; k < 40; k++) {
        char name[16];
        snprintf(name, sizeof name, "child-%ld", 2 * k + 1);
        assert_string_equal(sim_proc_name(log.kept[k]), name);
        assert_false(sim_proc_is_alive(log.kept[k]));
        assert_true(sim_value(sim_proc_event(log.kept[k])) == (void *)(intptr_t)(2 * k + 1));
        sim_proc_unref(log.kept[k]);
    }
    sim_env_free(env);
}

static void test_a_packed_slot_is_reused_once_its_process_is_released(void **state)
{
    (void)state;
    check_slots_reused_only_when_released(SIM_STACKS_PACKED);
    check_slots_reused_only_when_released(SIM_STACKS_GUARDED);
}

static void test_an_unknown_stack_layout_or_an_absurd_stack_size_is_refused(void **state)
{
    (void)state;
    sim_config cfg = {.stack_layout = (sim_stack_layout)7};
    errno = 0;
    assert_null(sim_env_new(&cfg));
    assert_int_equal(errno, EINVAL);
    sim_config huge = {.stack_size = SIM_MAX_STACK + 1};
    errno = 0;
    assert_null(sim_env_new(&huge));
    assert_int_equal(errno, EINVAL);
    sim_config largest = {.stack_size = SIM_MAX_STACK};
    sim_env *env = sim_env_new(&largest);
    assert_non_null(env);
    sim_env_free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_stacks_run_a_model_exactly_as_guarded_ones),
        cmocka_unit_test(test_a_stack_cache_serves_both_layouts_in_turn),
        cmocka_unit_test(test_packed_stacks_hold_frames_of_half_their_size),
        cmocka_unit_test(test_a_packed_slot_is_reused_once_its_process_is_released),
        cmocka_unit_test(test_an_unknown_stack_layout_or_an_absurd_stack_size_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
