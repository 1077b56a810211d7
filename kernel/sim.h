/* procsim kernel: process-interaction discrete-event simulation with SimPy's semantics.
 *
 * One sim_env is one replication: a clock, an event queue and the processes that wait on
 * it. Everything is single-threaded inside an environment and there is no global mutable
 * state, so many environments can run side by side in different threads.
 *
 * Events go through three states: pending -> triggered (ok or failed, with a value, and
 * sitting in the queue) -> processed (their waiters were resumed). The queue orders by
 * (time, priority, seq): priority SIM_URGENT (process start, interruption) before
 * SIM_NORMAL, and seq is taken when an event is *scheduled*, so same-time events run in
 * the order they were triggered. This order is what makes runs exactly reproducible.
 *
 * Processes are coroutines on their own mmap'ed stacks (with a guard page). A process is
 * also an event: it succeeds with its function's return value, or fails with an error.
 *
 * Ownership: every function that returns a sim_event* or sim_proc* handle gives the
 * caller one reference, released with sim_unref(). The kernel keeps its own references
 * while an event is queued or waited on, so releasing early is always safe. sim_spawn()
 * starts a process without handing out a handle (fire and forget).
 *
 * Errors: calls return sim_status. Misuse returns SIM_EINVAL or SIM_ESTATE and leaves a
 * message in sim_env_error_message(env), the way SimPy raises an exception.            */
#ifndef PROCSIM_SIM_H
#define PROCSIM_SIM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim_env sim_env;     /* one replication: clock, queue, stacks, streams */
typedef struct sim_event sim_event; /* anything a process can wait on */
typedef struct sim_proc sim_proc;   /* a coroutine; also a sim_event (sim_proc_event) */

typedef enum {
    SIM_OK = 0,      /* success */
    SIM_INTERRUPTED, /* a wait ended because the process was interrupted */
    SIM_FAILED,      /* the awaited event failed (or a run stopped on a failed event) */
    SIM_EINVAL,      /* invalid argument */
    SIM_ESTATE,      /* not allowed in the current state (second trigger, dead process...) */
    SIM_ENOMEM,      /* out of memory, of stack mappings, or of sim_config.memory_limit */
    SIM_EOVERFLOW,   /* a process overflowed its stack; the environment is unusable */
    SIM_EMPTY,       /* sim_step: nothing left to do; sim_run(until event): never triggered */
    SIM_ESTOPPED,    /* sim_config.stop was set: the run returned before the next event */
} sim_status;

/* Queue priorities: lower runs first among events at the same time. */
enum { SIM_URGENT = 0, SIM_NORMAL = 1 };

typedef void *(*sim_proc_fn)(sim_proc *self, void *arg); /* returns the process value */

/* Process stacks kept between environments: a worker that runs replication after
 * replication passes the same cache to each, and no stack is mapped twice. Used by one
 * environment at a time; free it after the last environment that used it. */
typedef struct sim_stack_cache sim_stack_cache;
sim_stack_cache *sim_stack_cache_new(void);
void sim_stack_cache_free(sim_stack_cache *cache);

/* Where sim_series points go (the runner's --series collects them); NULL: off. */
typedef void (*sim_series_fn)(void *ctx, const char *name, double t, double value);

/* How process stacks are laid out (sim_config.stack_layout).
 * GUARDED (the default): each stack has a guard page of its own, so an overflow faults at
 *   once and is reported (past ~16,000 live processes Linux runs out of mappings and later
 *   stacks get a canary at their bottom instead, checked as PACKED's is). Each stack top
 *   is on a page of its own: with tens of thousands of processes nearly every wakeup
 *   misses the TLB.
 * PACKED: stacks back to back in 2 MiB-aligned slabs that the kernel may back with
 *   transparent huge pages (`madvise` or `always` in
 *   /sys/kernel/mm/transparent_hugepage/enabled), so 10,000 stack tops need a few dozen
 *   TLB entries instead of 10,000. Each process's own record (384 bytes) lies just below
 *   its stack, ending in a canary; one guard page per slab, below its lowest stack. The
 *   canary is checked whenever its process waits or ends: an overflow is reported with
 *   SIM_EOVERFLOW before any process whose stack it ran into resumes. The event loop runs
 *   on the stack of the process that waits, so a wait within 2 KiB of the stack's bottom
 *   counts as an overflow. A frame that jumps over the canary without writing it can
 *   still reach a neighbour unnoticed, so develop with GUARDED and run large with PACKED.
 *   Link programs with -Wl,-z,now (procsim's own are, pkg-config and CMake's
 *   procsim::procsim add it, plugins are opened with RTLD_NOW): glibc's lazy binding
 *   resolves a first call on the caller's stack in a save area of several KiB (more with
 *   AVX-512 or AMX) that it writes only in part, so an overflow there can miss the canary.
 *   Memory: with huge pages a slab is resident whole once touched (stack_size rounded up
 *   to 128 bytes, + 384 per process, rounded up to 2 MiB per slab), so pair it with a
 *   small stack_size. A finished process keeps its stack until its last handle goes
 *   (sim_proc_unref): hold handles of finished processes only as long as needed. */
typedef enum { SIM_STACKS_GUARDED = 0, SIM_STACKS_PACKED = 1 } sim_stack_layout;

typedef struct {
    size_t stack_size; /* usable bytes per process stack; 0 = SIM_DEFAULT_STACK */
    double start_time; /* initial clock */
    uint64_t seed;     /* seeds sim_env_rng() streams */
    void *trace;       /* FILE* for sim_trace(); NULL: tracing off (costs one branch) */
    sim_stack_cache *stacks; /* optional: reuse stacks across environments */
    /* Optional: another thread (or a signal handler) sets *stop nonzero to end a run
     * early: sim_run / sim_step return SIM_ESTOPPED before the next event. Read with a
     * relaxed load between events. */
    const atomic_int *stop;
    /* Bytes the environment may hold in process stacks (their full mapped size),
     * processes, events, conditions and its queue; 0 = unlimited. Past it the allocation
     * fails with SIM_ENOMEM and the environment is unusable (the same for any thread
     * count or machine, unlike running out of real memory). */
    size_t memory_limit;
    sim_series_fn series;    /* optional: receives sim_series points */
    void *series_ctx;
    sim_stack_layout stack_layout; /* 0 = SIM_STACKS_GUARDED; see above */
} sim_config;

#define SIM_DEFAULT_STACK (64 * 1024)
#define SIM_MAX_STACK ((size_t)1 << 30) /* larger stack_size: sim_env_new fails */

/* ---- environment ------------------------------------------------------------------ */
/* cfg may be NULL: defaults. NULL (errno EINVAL) for an unknown stack_layout or a
 * stack_size over SIM_MAX_STACK. */
sim_env *sim_env_new(const sim_config *cfg);
void sim_env_free(sim_env *env);             /* frees everything, live processes too */
double sim_now(const sim_env *env);
sim_proc *sim_active_process(const sim_env *env); /* NULL outside a process */
uint64_t sim_env_seed(const sim_env *env);
sim_rng *sim_env_rng(sim_env *env, unsigned substream); /* stream (seed, substream) */

/* Run until the queue is empty (until < 0), or until simulated time `until` (an URGENT
 * stop event: NORMAL events at exactly `until` do not run). `until` must be > now.
 * Returns SIM_OK, or SIM_FAILED when an event failed with no one waiting on it and no
 * one defused it (sim_env_error() tells which error), or SIM_EOVERFLOW. */
sim_status sim_run(sim_env *env, double until);
/* Run until `ev` is processed; its value in *value. SIM_EMPTY if the queue empties first,
 * SIM_FAILED if ev failed. */
sim_status sim_run_until_event(sim_env *env, sim_event *ev, void **value);
sim_status sim_step(sim_env *env); /* process one event; SIM_EMPTY if none */
double sim_peek(const sim_env *env); /* time of the next event, or +infinity */
uint64_t sim_events_processed(const sim_env *env);

int sim_env_error(const sim_env *env);                 /* error code of a failed run */
const char *sim_env_error_message(const sim_env *env); /* last misuse or failure text */
/* The status that last message went with: a failed constructor (NULL from sim_timeout,
 * sim_all_of, sim_resource_new...) leaves SIM_EINVAL, SIM_ESTATE or SIM_ENOMEM here.
 * Like errno it is not cleared by later successes; SIM_OK if nothing went wrong yet.
 * sim_env_set_error records SIM_EINVAL.                                             */
sim_status sim_env_status(const sim_env *env);
/* Set the message (printf-like): models and resources explain their own errors. */
void sim_env_set_error(sim_env *env, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
const char *sim_strerror(sim_status st);

/* ---- events ------------------------------------------------------------------------ */
sim_event *sim_event_new(sim_env *env);
sim_event *sim_timeout(sim_env *env, double delay, void *value); /* delay >= 0 */
sim_event *sim_ref(sim_event *ev);
void sim_unref(sim_event *ev);

sim_status sim_succeed(sim_event *ev, void *value);
sim_status sim_fail(sim_event *ev, int error); /* error != 0 */
void sim_defuse(sim_event *ev); /* a failure of ev will not stop the run */
/* One pointer of the creator's bookkeeping on an event from sim_event_new or sim_timeout
 * (a resource finds its request record from the event in O(1)); SIM_EINVAL otherwise. */
sim_status sim_event_set_data(sim_event *ev, void *data);
void *sim_event_data(const sim_event *ev);

int sim_is_triggered(const sim_event *ev);
int sim_is_processed(const sim_event *ev);
int sim_is_ok(const sim_event *ev);  /* valid once triggered */
void *sim_value(const sim_event *ev); /* valid once triggered and ok */
int sim_error(const sim_event *ev);   /* valid once triggered and failed */
/* sim_is_ok and sim_value on an untriggered event answer 0 / NULL and report the misuse
 * (SIM_ESTATE in sim_env_status, and a message), where SimPy raises. sim_event_result
 * says it in its status: SIM_OK (*value set), SIM_FAILED, SIM_ESTATE (not triggered). */
sim_status sim_event_result(const sim_event *ev, void **value);
int sim_is_defused(const sim_event *ev); /* sim_defuse was called, or a waiter handled it */
sim_env *sim_event_env(const sim_event *ev);

/* Hooks: a callback run when `ev` is processed, in one ordered list with the processes
 * waiting on it (SimPy's ev.callbacks.append). The node is the caller's storage (embed it
 * and recover the container with offsetof), so hooking allocates nothing. The callback
 * may trigger or create events and interrupt processes. Hooking a processed event is
 * SIM_ESTATE; unhooking one that is not hooked is SIM_EINVAL. */
typedef struct sim_hook sim_hook;
struct sim_hook {
    sim_hook *next;
    void (*fn)(sim_hook *h, sim_event *ev);
};
sim_status sim_event_hook(sim_event *ev, sim_hook *h);
sim_status sim_event_unhook(sim_event *ev, sim_hook *h);

/* Conditions: events over a list of events (conditions may nest). all_of succeeds when all
 * succeeded (at once if n == 0), any_of when one did; either fails as soon as a sub-event
 * fails. Their value, taken when the condition is processed, lists the leaf events
 * processed by then in list order, nested conditions flattened into their leaves. */
sim_event *sim_all_of(sim_env *env, sim_event *const *evs, size_t n);
sim_event *sim_any_of(sim_env *env, sim_event *const *evs, size_t n);
size_t sim_condition_size(const sim_event *cond);
sim_event *sim_condition_event(const sim_event *cond, size_t i);
void *sim_condition_value(const sim_event *cond, size_t i);
/* Value of `ev` in the condition's value, or NULL (and *found = 0) if absent. */
void *sim_condition_lookup(const sim_event *cond, const sim_event *ev, int *found);

/* ---- processes ----------------------------------------------------------------------- */
/* Start `fn(self, arg)` through an URGENT event at now: creation order is start order.
 * `name` (copied, may be NULL) appears in stack-overflow reports. */
sim_proc *sim_process(sim_env *env, const char *name, sim_proc_fn fn, void *arg);
sim_status sim_spawn(sim_env *env, const char *name, sim_proc_fn fn, void *arg);
/* sim_spawn on a copy of the size bytes at arg: fn gets a pointer to the copy (aligned
 * for any type), valid until fn returns (do not return a pointer into it); the copy is
 * freed then, or by sim_env_free if the process never finishes. */
sim_status sim_spawn_copy(sim_env *env, const char *name, sim_proc_fn fn, const void *arg,
                          size_t size);
sim_event *sim_proc_event(sim_proc *p); /* the process as an event (borrowed) */
const char *sim_proc_name(const sim_proc *p);
int sim_proc_is_alive(const sim_proc *p); /* function has not returned yet */
sim_env *sim_proc_env(const sim_proc *p);
/* SimPy's Process.target: the event p is waiting on (its start event before it started),
 * or NULL (running, or finished). Borrowed: valid until p resumes, longer with sim_ref.
 * During a sim_sleep it is the sleep's timeout, which others may wait on, hook or combine
 * like any event (as SimPy's `yield proc.target`). */
sim_event *sim_proc_target(const sim_proc *p);
/* Drop a handle from sim_process: sim_unref(sim_proc_event(p)) in one call. */
void sim_proc_unref(sim_proc *p);

/* Floating point (x86-64): each process has its own MXCSR, saved and restored at every
 * switch, so a rounding mode, exception masks or FTZ/DAZ set in a process stay its own;
 * a new process inherits its creator's. The kernel starts every process, and the scheduler
 * side of each sim_run/sim_step, with all six exception flags raised, because some x86
 * CPUs stall at every switch between contexts whose MXCSR differs even in a sticky flag.
 * So inside a process fetestexcept() reports every exception raised: to test an
 * operation, feclearexcept() before it (the process then keeps its own flags, at some cost
 * per switch until they are all raised again). Hooks, run by the event loop on the stack
 * of whichever process waited last, see the same. sim_run and sim_step give the caller
 * back the exception flags it had. */

/* Wait for `ev` from inside the running process `self`. SIM_OK: *value (may be NULL) gets
 * the event's value. SIM_FAILED: the event failed, sim_error(ev) says with what (the
 * failure counts as handled). SIM_INTERRUPTED: *value gets the cause; the event is left
 * untouched and may be waited on again. An already processed event resumes at once. */
sim_status sim_wait(sim_proc *self, sim_event *ev, void **value);
sim_status sim_sleep(sim_proc *self, double delay); /* timeout + wait, no handle */
/* Finish the calling process with a failure: `return sim_exit_fail(self, err);` */
void *sim_exit_fail(sim_proc *self, int error);

/* Interrupt `target` with `cause` (an URGENT event at now). Errors: target finished
 * (SIM_ESTATE), target is the caller (SIM_ESTATE). */
sim_status sim_interrupt(sim_proc *target, void *cause);
void *sim_interrupt_cause(const sim_proc *self); /* cause of the last interruption */

/* ---- tracing ------------------------------------------------------------------------- */
int sim_tracing(const sim_env *env);
void sim_trace(sim_env *env, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Series and records: a point (name, t, value) of a time series (t a time) or of a
 * per-entity record (t the entity's number, say), for the runner's --series file.
 * `name` is copied by the receiver. Off (no sink in sim_config) it costs one branch;
 * sim_series_on lets a model skip computing points nobody records.              */
void sim_series(sim_env *env, const char *name, double t, double value);
int sim_series_on(const sim_env *env);

/* A time as Python prints it: 5.0 -> "5", 2.5 -> "2.5" (shortest round trip). The buffer
 * lives until the end of the full expression: sim_trace(env, "%s", sim_fmt_time(t).s). */
typedef struct {
    char s[32];
} sim_time_str;
sim_time_str sim_fmt_time(double t);

#include "sim_resource.h" /* Resource, Container, Store */
#ifdef __cplusplus
}
#endif
#endif
