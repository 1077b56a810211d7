/* Kernel: stack overflow. A process that overflows its stack hits a guard page; the run
 * returns SIM_EOVERFLOW with a message naming the process and the stack size, and the
 * environment refuses to run again. Never a silent crash.
 *
 * Each scenario runs in a forked child that reports back through a pipe, so a kernel
 * that does crash fails one test cleanly instead of killing the whole executable. The
 * parent never runs a kernel itself: each child starts from a process in which no
 * environment has run yet. Skipped under AddressSanitizer, which owns SIGSEGV and
 * replaces guard-page faults with its own reports.                                  */
#include "kernel_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka 1.1 has skip() but no skip_msg(). */
#define SKIP_UNDER_ASAN()                                                                  \
    do {                                                                                   \
        print_message("AddressSanitizer owns SIGSEGV and the guard pages: skipped\n");     \
        skip();                                                                            \
    } while (0)

#ifndef KTEST_ASAN
/* ---- scenarios, each run in a child ------------------------------------------------ */

#define STACK 16384

/* Called through a volatile pointer and using its frame after the call, so the compiler
 * can neither inline it nor turn the recursion into a loop. */
static int recurse(int depth);
static int (*volatile recurse_ptr)(int) = recurse;

static int recurse(int depth)
{
    volatile char pad[512];
    pad[depth % 512] = (char)depth;
    if (depth == 0)
        return 0;
    return recurse_ptr(depth - 1) + pad[depth % 512];
}

static void *recurse_deeply(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 1);
    return IV(recurse(1 << 20));
}

static void *tick_forever(sim_proc *self, void *arg)
{
    (void)arg;
    for (;;)
        sim_sleep(self, 1);
    return NULL;
}

/* A scenario writes its findings to `out` (the pipe to the parent). */
typedef void (*scenario)(FILE *out);

/* Runs fn in a child; returns what it wrote. Fails the test if the child crashed. */
static char *run_in_child(scenario fn)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        FILE *out = fdopen(fds[1], "w");
        if (out) {
            fn(out);
            fclose(out);
        }
        _exit(0);
    }
    close(fds[1]);
    char *text = calloc(1, 4096);
    assert_non_null(text);
    size_t len = 0;
    ssize_t n;
    while (len < 4095 && (n = read(fds[0], text + len, 4095 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
        free(text);
        fail_msg("the child was killed by signal %d instead of reporting the overflow",
                 WTERMSIG(status));
    }
    return text;
}

static void report(FILE *out, sim_env *env, sim_status st)
{
    fprintf(out, "status %s\nmessage %s\n", sim_strerror(st), sim_env_error_message(env));
}

static void overflow_once(FILE *out)
{
    sim_config cfg = {.stack_size = STACK};
    sim_env *env = sim_env_new(&cfg);
    sim_spawn(env, "deep-thought", recurse_deeply, NULL);
    report(out, env, sim_run(env, -1));
    sim_env_free(env);
}

static void overflow_then_run_again(FILE *out)
{
    sim_config cfg = {.stack_size = STACK};
    sim_env *env = sim_env_new(&cfg);
    sim_spawn(env, "deep", recurse_deeply, NULL);
    sim_spawn(env, "bystander", tick_forever, NULL);
    sim_status first = sim_run(env, -1);
    fprintf(out, "first %s\n", sim_strerror(first));
    fprintf(out, "run %s\n", sim_strerror(sim_run(env, 10)));
    fprintf(out, "step %s\n", sim_strerror(sim_step(env)));
    sim_env_free(env);
}

/* A hook that overflows: the loop runs it on the stack of the process that waited last
 * (one switch per wakeup), so the overflow is that stack's and is reported as such. */
static void recurse_in_hook(sim_hook *h, sim_event *ev)
{
    (void)h;
    (void)ev;
    recurse(1 << 20);
}

static void overflow_in_a_hook(FILE *out)
{
    sim_config cfg = {.stack_size = STACK};
    sim_env *env = sim_env_new(&cfg);
    static sim_hook hook = {.fn = recurse_in_hook};
    sim_event *t = sim_timeout(env, 1.5, NULL);
    sim_event_hook(t, &hook);
    sim_spawn(env, "host", tick_forever, NULL);
    report(out, env, sim_run(env, -1));
    fprintf(out, "at %s\n", NOW(env));
    sim_unref(t);
    sim_env_free(env);
}

/* Other environments are not affected: a healthy environment in the same process runs
 * normally after another one overflowed. */
static void overflow_then_other_env(FILE *out)
{
    overflow_once(out);
    sim_env *env = sim_env_new(NULL);
    sim_spawn(env, "ticker", tick_forever, NULL);
    sim_status st = sim_run(env, 5);
    fprintf(out, "other %s at %s\n", sim_strerror(st), NOW(env));
    sim_env_free(env);
}

static void *nothing(sim_proc *self, void *arg)
{
    (void)self;
    return arg;
}

/* Stacks that come back from a cache keep their guard pages. */
static void overflow_on_cached_stack(FILE *out)
{
    sim_stack_cache *cache = sim_stack_cache_new();
    sim_config cfg = {.stack_size = STACK, .stacks = cache};
    sim_env *first = sim_env_new(&cfg);
    for (int i = 0; i < 40; i++)
        sim_spawn(first, "ticker", tick_forever, NULL);
    sim_run(first, 3);
    sim_env_free(first);
    sim_env *env = sim_env_new(&cfg);
    sim_spawn(env, "reused", recurse_deeply, NULL);
    report(out, env, sim_run(env, -1));
    sim_env_free(env);
    sim_stack_cache_free(cache);
}

/* cmocka, like other harnesses, installs its own SIGSEGV handler around every test and
 * restores the previous disposition afterwards; a kernel that installs its handler only
 * on its first run loses it then. The overflow must still be reported. */
static void overflow_after_handler_reset(FILE *out)
{
    sim_env *first = sim_env_new(NULL);
    sim_spawn(first, "nothing", nothing, NULL);
    sim_run(first, -1);
    sim_env_free(first);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    overflow_once(out);
}

/* Guard pages per stack stop at a quarter of vm.max_map_count (coro.c); read it as the
 * kernel does, to start enough processes to use them all up. */
static long guard_budget(void)
{
    long max_maps = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &max_maps) != 1)
            max_maps = 65530;
        fclose(f);
    }
    return max_maps / 4;
}

static void *wait_forever(sim_proc *self, void *arg)
{
    sim_wait(self, arg, NULL);
    return NULL;
}

/* Past the guard budget: `extra` more waiting processes, then the one that overflows, so
 * that it runs on a stack with no guard page of its own and neighbours below it. */
static void overflow_past_the_guard_budget(FILE *out, long extra)
{
    long budget = guard_budget();
    if (budget > 1L << 20) {
        fprintf(out, "skip vm.max_map_count too large to exhaust\n");
        return;
    }
    sim_config cfg = {.stack_size = 4096};
    sim_env *env = sim_env_new(&cfg);
    sim_event *never = sim_event_new(env);
    for (long i = 0; i < budget + extra; i++)
        if (sim_spawn(env, "waiter", wait_forever, never) != SIM_OK) {
            fprintf(out, "spawn %ld failed: %s\n", i, sim_env_error_message(env));
            return;
        }
    sim_spawn(env, "past-the-budget", recurse_deeply, NULL);
    report(out, env, sim_run(env, -1));
    sim_unref(never);
    sim_env_free(env);
}

/* Stacks are handed out from the top of each slab down: two more lands on the top stack of
 * the first slab without per-stack guards (its overflow crosses the whole slab), a hundred
 * more on one in its middle. Either way the stack has no guard page of its own. */
static void overflow_just_past_the_guard_budget(FILE *out)
{
    overflow_past_the_guard_budget(out, 2);
}
static void overflow_well_past_the_guard_budget(FILE *out)
{
    overflow_past_the_guard_budget(out, 100);
}

/* ---- packed stacks (SIM_STACKS_PACKED): no guard page per stack ------------------------ */

/* Runs process `name` and, spawned after it, a ticking neighbour (with packed stacks the
 * stack just below: the first process gets the slab's top stack), then reports the run's
 * status, message and end time. */
static void run_with_a_neighbour(FILE *out, sim_stack_layout layout, const char *name,
                                 sim_proc_fn fn, void *arg)
{
    sim_config cfg = {.stack_size = STACK, .stack_layout = layout};
    sim_env *env = sim_env_new(&cfg);
    sim_spawn(env, name, fn, arg);
    sim_spawn(env, "neighbour", tick_forever, NULL);
    report(out, env, sim_run(env, -1));
    fprintf(out, "at %s\n", NOW(env));
    sim_env_free(env);
}

/* A deep overflow on the top stack of a packed slab runs down through every stack below
 * it, a waiting neighbour's among them, into the slab's one guard page. */
static void overflow_on_packed_stacks(FILE *out)
{
    run_with_a_neighbour(out, SIM_STACKS_PACKED, "packed-deep", recurse_deeply, NULL);
}

/* Writes a frame larger than the stack: from its own frame down past the stack's bottom,
 * over the canary, into the top of the stack below (2 KiB of it), without a fault. */
static void *(*volatile fill_ptr)(void *, int, size_t) = memset;

static void *overrun_by_2k(sim_proc *self, void *arg)
{
    (void)arg;
    volatile char big[STACK + 2048];
    fill_ptr((void *)big, 0x5a, sizeof big);
    sim_sleep(self, 1); /* leaves its stack: the canary is checked here */
    return IV(big[100]);
}

/* The process below has not started yet: its first context, at the top of its stack, is
 * what the overrun overwrote. The overflow must be reported before anything jumps into
 * that context (a check after the switch would crash in it). */
static void short_overflow_into_a_packed_neighbour(FILE *out)
{
    run_with_a_neighbour(out, SIM_STACKS_PACKED, "overrunner", overrun_by_2k, NULL);
}

/* A wait from a frame that leaves about 1 KiB of the stack: the loop, which runs on this
 * stack, would reach the neighbour's; it counts as an overflow (sim.h: 2 KiB). The frame
 * is the model's own, as it is when sim_sleep is inlined into it. */
static void *wait_near_the_bottom(sim_proc *self, void *arg)
{
    (void)arg;
    volatile char pad[STACK - 1024];
    fill_ptr((void *)pad, 1, sizeof pad);
    sim_sleep(self, 1);
    return IV(pad[7]);
}

static void wait_near_the_bottom_of_a_packed_stack(FILE *out)
{
    run_with_a_neighbour(out, SIM_STACKS_PACKED, "near-bottom", wait_near_the_bottom, NULL);
}

/* The same from a hook: the loop runs it on the stack of the process that waited last. */
static void overrun_in_hook(sim_hook *h, sim_event *ev)
{
    (void)h;
    (void)ev;
    volatile char big[STACK + 2048];
    fill_ptr((void *)big, 0x5a, sizeof big);
}

static void *sleep_1_then_100(sim_proc *self, void *arg)
{
    (void)arg;
    sim_sleep(self, 1);
    sim_sleep(self, 100); /* the loop goes on here: the hook at 1.5 runs on this stack */
    return NULL;
}

static void *sleep_2_then_tick(sim_proc *self, void *arg)
{
    sim_sleep(self, 2);
    return tick_forever(self, arg);
}

/* The host's stack is the slab's top, the neighbour's just below; the neighbour resumes
 * at 2 from the context the hook at 1.5 overwrote, unless the overflow is caught when
 * the hook returns. */
static void short_overflow_in_a_hook_on_packed_stacks(FILE *out)
{
    sim_config cfg = {.stack_size = STACK, .stack_layout = SIM_STACKS_PACKED};
    sim_env *env = sim_env_new(&cfg);
    static sim_hook hook = {.fn = overrun_in_hook};
    sim_event *t = sim_timeout(env, 1.5, NULL);
    sim_event_hook(t, &hook);
    sim_spawn(env, "host", sleep_1_then_100, NULL);
    sim_spawn(env, "neighbour", sleep_2_then_tick, NULL);
    report(out, env, sim_run(env, -1));
    fprintf(out, "at %s\n", NOW(env));
    sim_unref(t);
    sim_env_free(env);
}


/* A process that runs a whole simulation of its own (another environment, to its end)
 * and then overflows: the outer run, which the inner one interrupted on this thread,
 * must still catch it (the inner run gives the thread back to the outer environment). */
static void *run_inner_then_recurse(sim_proc *self, void *arg)
{
    sim_config inner_cfg = {.stack_size = STACK, .stack_layout = *(sim_stack_layout *)arg};
    sim_env *inner = sim_env_new(&inner_cfg);
    sim_spawn(inner, "inner-ticker", tick_forever, NULL);
    sim_status st = sim_run(inner, 5);
    sim_env_free(inner);
    if (st != SIM_OK)
        return NULL;
    return recurse_deeply(self, NULL);
}

static void overflow_after_a_nested_run(FILE *out, sim_stack_layout layout)
{
    run_with_a_neighbour(out, layout, "outer", run_inner_then_recurse, &layout);
}

static void overflow_after_a_nested_run_guarded(FILE *out)
{
    overflow_after_a_nested_run(out, SIM_STACKS_GUARDED);
}

static void overflow_after_a_nested_run_packed(FILE *out)
{
    overflow_after_a_nested_run(out, SIM_STACKS_PACKED);
}

#endif

/* ---- tests -------------------------------------------------------------------------- */

static void test_stack_overflow_returns_eoverflow_naming_the_process(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_once);
    assert_non_null(strstr(text, "status stack overflow\n"));
    assert_non_null(strstr(text, "deep-thought"));
    free(text);
#endif
}

/* The size the user configured (and should raise), not the rounded-up mapping. */
static void test_stack_overflow_in_a_hook_run_on_a_process_stack_is_reported(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_in_a_hook);
    assert_non_null(strstr(text, "status stack overflow\n"));
    assert_non_null(strstr(text, "'host'"));
    assert_non_null(strstr(text, "at 1.5\n"));
    free(text);
#endif
}

static void test_stack_overflow_message_gives_the_configured_stack_size(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_once);
    if (!strstr(text, "16384"))
        fail_msg("configured stack size 16384 not in: %s", text);
    free(text);
#endif
}

static void test_environment_refuses_to_run_after_a_stack_overflow(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_then_run_again);
    assert_string_equal(text, "first stack overflow\nrun stack overflow\nstep stack overflow\n");
    free(text);
#endif
}

static void test_other_environments_run_normally_after_one_overflowed(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_then_other_env);
    assert_non_null(strstr(text, "status stack overflow\n"));
    if (!strstr(text, "other ok at 5\n"))
        fail_msg("child reported: %s", text);
    free(text);
#endif
}

static void test_stack_overflow_is_reported_after_the_sigsegv_handler_was_reset(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_after_handler_reset);
    assert_non_null(strstr(text, "status stack overflow\n"));
    free(text);
#endif
}

static void test_stack_overflow_is_reported_on_a_stack_reused_from_a_cache(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_on_cached_stack);
    assert_non_null(strstr(text, "status stack overflow\n"));
    assert_non_null(strstr(text, "reused"));
    free(text);
#endif
}

#ifndef KTEST_ASAN
/* Issue 8 finding 8: with more processes than guard pages, an overflow used to run off
 * an unguarded stack and kill the whole program with SIGSEGV. */
static void check_past_the_budget(scenario fn)
{
    if (RUNNING_ON_VALGRIND) {
        /* Its address-space manager has fewer segments than 16k guard pages make. */
        print_message("valgrind cannot map this many guard pages: skipped\n");
        skip();
    }
    char *text = run_in_child(fn);
    if (strncmp(text, "skip", 4) == 0) {
        print_message("%s", text);
        free(text);
        skip();
    }
    if (!strstr(text, "status stack overflow\n") || !strstr(text, "past-the-budget"))
        fail_msg("child reported: %s", text);
    free(text);
}
#endif

static void test_stack_overflow_is_reported_on_the_first_stack_past_the_guard_budget(
    void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    check_past_the_budget(overflow_just_past_the_guard_budget);
#endif
}

static void test_stack_overflow_is_reported_on_a_stack_well_past_the_guard_budget(
    void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    check_past_the_budget(overflow_well_past_the_guard_budget);
#endif
}

static void test_stack_overflow_on_packed_stacks_is_reported_at_the_slab_guard(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(overflow_on_packed_stacks);
    if (!strstr(text, "status stack overflow\n") || !strstr(text, "'packed-deep'"))
        fail_msg("child reported: %s", text);
    free(text);
#endif
}

static void test_short_overflow_into_a_packed_neighbour_is_reported_before_it_resumes(
    void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(short_overflow_into_a_packed_neighbour);
    if (!strstr(text, "status stack overflow\n") || !strstr(text, "'overrunner'") ||
        !strstr(text, "at 0\n"))
        fail_msg("child reported: %s", text);
    free(text);
#endif
}

static void test_short_overflow_in_a_hook_on_packed_stacks_is_reported_when_it_returns(
    void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(short_overflow_in_a_hook_on_packed_stacks);
    if (!strstr(text, "status stack overflow\n") || !strstr(text, "'host'") ||
        !strstr(text, "at 1.5\n"))
        fail_msg("child reported: %s", text);
    free(text);
#endif
}

static void test_a_wait_near_the_bottom_of_a_packed_stack_is_an_overflow(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    char *text = run_in_child(wait_near_the_bottom_of_a_packed_stack);
    if (!strstr(text, "status stack overflow\n") || !strstr(text, "'near-bottom'"))
        fail_msg("child reported: %s", text);
    free(text);
#endif
}

static void test_an_overflow_after_a_nested_run_is_reported_by_the_outer_one(void **state)
{
    (void)state;
#ifdef KTEST_ASAN
    SKIP_UNDER_ASAN();
#else
    scenario both[] = {overflow_after_a_nested_run_guarded, overflow_after_a_nested_run_packed};
    for (size_t i = 0; i < 2; i++) {
        char *text = run_in_child(both[i]);
        if (!strstr(text, "status stack overflow\n") || !strstr(text, "'outer'"))
            fail_msg("child reported (%s): %s", i ? "packed" : "guarded", text);
        free(text);
    }
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_overflow_returns_eoverflow_naming_the_process),
        cmocka_unit_test(test_stack_overflow_message_gives_the_configured_stack_size),
        cmocka_unit_test(test_stack_overflow_in_a_hook_run_on_a_process_stack_is_reported),
        cmocka_unit_test(test_environment_refuses_to_run_after_a_stack_overflow),
        cmocka_unit_test(test_other_environments_run_normally_after_one_overflowed),
        cmocka_unit_test(test_stack_overflow_is_reported_after_the_sigsegv_handler_was_reset),
        cmocka_unit_test(test_stack_overflow_is_reported_on_a_stack_reused_from_a_cache),
        cmocka_unit_test(
            test_stack_overflow_is_reported_on_the_first_stack_past_the_guard_budget),
        cmocka_unit_test(
            test_stack_overflow_is_reported_on_a_stack_well_past_the_guard_budget),
        cmocka_unit_test(test_stack_overflow_on_packed_stacks_is_reported_at_the_slab_guard),
        cmocka_unit_test(
            test_short_overflow_into_a_packed_neighbour_is_reported_before_it_resumes),
        cmocka_unit_test(
            test_short_overflow_in_a_hook_on_packed_stacks_is_reported_when_it_returns),
        cmocka_unit_test(test_a_wait_near_the_bottom_of_a_packed_stack_is_an_overflow),
        cmocka_unit_test(test_an_overflow_after_a_nested_run_is_reported_by_the_outer_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
