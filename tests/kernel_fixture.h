/* Shared fixture of the kernel tests (tests/test_kernel*.c).
 *
 * Every test gets a fresh environment whose trace stream is an in-memory buffer
 * (open_memstream), so orders are checked the way models print them: processes call
 * say() and the test compares the whole trace, "<time> <label>\n" per line, with the
 * expected text. Values travel as integers packed in pointers (IV / VI).
 *
 * The SimPy 3.0.11 scripts quoted in the tests' comments were run with /usr/bin/python3
 * and give the expected traces.                                                     */
#ifndef PROCSIM_TESTS_KERNEL_FIXTURE_H
#define PROCSIM_TESTS_KERNEL_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* RUNNING_ON_VALGRIND: tests of what valgrind does not model (MXCSR flags, thousands of
 * guard pages, RSS) skip under it. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* Sanitizers change what some tests can observe: AddressSanitizer owns SIGSEGV and
 * quarantines freed memory, ThreadSanitizer's shadow grows with every access; under
 * either the resident set says nothing about the kernel's own memory. */
#if defined(__SANITIZE_ADDRESS__)
#define KTEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KTEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define KTEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KTEST_TSAN 1
#endif
#endif
#if defined(KTEST_ASAN) || defined(KTEST_TSAN)
#define KTEST_RSS_UNRELIABLE 1
#endif

/* Sanitizers keep freed memory in quarantine, so resident-size checks mean nothing there. */
#ifdef KTEST_RSS_UNRELIABLE
#define SKIP_IF_RSS_UNRELIABLE()                                                           \
    do {                                                                                   \
        print_message("built with a sanitizer: RSS check skipped\n");                    \
        skip();                                                                            \
    } while (0)
#else
#define SKIP_IF_RSS_UNRELIABLE() ((void)0)
#endif

#define IV(x) ((void *)(intptr_t)(x))
#define VI(p) ((int)(intptr_t)(p))
#define NOW(env) (sim_fmt_time(sim_now(env)).s)

typedef struct {
    sim_env *env;
    FILE *out;  /* the environment's trace stream */
    char *text; /* its contents (open_memstream) */
    size_t len;
} kfix;

static inline int kfix_setup(void **state)
{
    kfix *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->out = open_memstream(&f->text, &f->len);
    sim_config cfg = {.trace = f->out};
    f->env = f->out ? sim_env_new(&cfg) : NULL;
    if (!f->env) {
        if (f->out)
            fclose(f->out);
        free(f->text);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int kfix_teardown(void **state)
{
    kfix *f = *state;
    sim_env_free(f->env);
    fclose(f->out);
    free(f->text);
    free(f);
    return 0;
}

/* The trace written so far. */
static inline const char *kfix_trace(kfix *f)
{
    fflush(f->out);
    return f->text ? f->text : "";
}

/* One trace line "<now> <what>" from inside a process (or from the test itself). */
static inline void say_env(sim_env *env, const char *what)
{
    sim_trace(env, "%s %s\n", NOW(env), what);
}

static inline void say(sim_proc *self, const char *what)
{
    say_env(sim_proc_env(self), what);
}

/* Common process bodies. */

/* Waits on the event given as arg and says what it got: "got V", "failed E" or
 * "interrupted C" (integers). */
static inline void *kproc_wait_and_report(sim_proc *self, void *arg)
{
    sim_event *ev = arg;
    void *value = NULL;
    sim_status st = sim_wait(self, ev, &value);
    sim_env *env = sim_proc_env(self);
    if (st == SIM_OK)
        sim_trace(env, "%s %s got %d\n", NOW(env), sim_proc_name(self), VI(value));
    else if (st == SIM_FAILED)
        sim_trace(env, "%s %s failed %d\n", NOW(env), sim_proc_name(self), sim_error(ev));
    else if (st == SIM_INTERRUPTED)
        sim_trace(env, "%s %s interrupted %d\n", NOW(env), sim_proc_name(self), VI(value));
    else
        sim_trace(env, "%s %s wait returned %s\n", NOW(env), sim_proc_name(self),
                  sim_strerror(st));
    return value;
}

/* Says its name when it starts, and returns. */
static inline void *kproc_say_name(sim_proc *self, void *arg)
{
    (void)arg;
    say(self, sim_proc_name(self));
    return NULL;
}

/* Sleeps the delay given as arg (an integer), then says its name. */
static inline void *kproc_sleep_then_say(sim_proc *self, void *arg)
{
    sim_sleep(self, (double)VI(arg));
    say(self, sim_proc_name(self));
    return NULL;
}

/* Waits forever on a fresh event nobody triggers. */
static inline void *kproc_wait_forever(sim_proc *self, void *arg)
{
    (void)arg;
    sim_event *never = sim_event_new(sim_proc_env(self));
    sim_wait(self, never, NULL);
    sim_unref(never);
    return NULL;
}

/* Message check: the environment's last message mentions `needle`. */
#define assert_message_mentions(env, needle)                                               \
    do {                                                                                   \
        const char *msg_ = sim_env_error_message(env);                                     \
        if (!msg_ || !strstr(msg_, needle))                                                \
            fail_msg("message \"%s\" does not mention \"%s\"", msg_ ? msg_ : "(null)",     \
                     needle);                                                              \
    } while (0)

#define KTEST(fn) cmocka_unit_test_setup_teardown(fn, kfix_setup, kfix_teardown)

#endif
