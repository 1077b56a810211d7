/* cimba_timer: an LD_PRELOAD library that times Cimba's MM1_single from the inside, so
 * the comparison in bench/cimba_compare.sh covers what bench_mm1_queue times (building
 * the model, running it, taking it down) and not process start-up or library loading.
 *
 * MM1_single prints no time. Its trial starts with cmb_event_queue_initialize and ends
 * with cmb_event_queue_terminate, both called from the program into libcimba.so, so a
 * preloaded library sees them first: it starts a clock before the first and prints
 * `cimba_seconds=S` on stderr after the second, then hands each call on to Cimba's own
 * function (dlsym RTLD_NEXT). Nothing of Cimba is compiled in; a static Cimba build
 * bypasses this and the script falls back to the whole-process time.
 *
 * Built by bench/cimba_compare.sh: cc -O2 -shared -fPIC cimba_timer.c -ldl          */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Cimba's signatures (include/cmb_event.h), declared here to interpose them. */
void cmb_event_queue_initialize(double start_time);
void cmb_event_queue_terminate(void);

static double cimba_timer_start;
static void (*cimba_timer_terminate)(void);

static double cimba_timer_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The next definition of `name` after this library, or exit: timing a run that does not
 * reach Cimba would print a wrong figure. */
static void *cimba_timer_next(const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL) {
        fprintf(stderr, "cimba_timer: %s not found after the preload\n", name);
        exit(1);
    }
    return sym;
}

void cmb_event_queue_initialize(double start_time)
{
    void (*next)(double);
    void *sym = cimba_timer_next("cmb_event_queue_initialize");
    memcpy(&next, &sym, sizeof next); /* object to function pointer, as POSIX allows */
    /* Looked up now, so no dlsym runs inside the timed span. */
    sym = cimba_timer_next("cmb_event_queue_terminate");
    memcpy(&cimba_timer_terminate, &sym, sizeof cimba_timer_terminate);
    cimba_timer_start = cimba_timer_now();
    next(start_time);
}

void cmb_event_queue_terminate(void)
{
    if (cimba_timer_terminate == NULL) { /* terminate without initialize */
        void *sym = cimba_timer_next("cmb_event_queue_terminate");
        memcpy(&cimba_timer_terminate, &sym, sizeof cimba_timer_terminate);
    }
    cimba_timer_terminate();
    fprintf(stderr, "cimba_seconds=%.6f\n", cimba_timer_now() - cimba_timer_start);
}
