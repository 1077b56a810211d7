/* Kernel internals shared between the kernel sources (prefix simi_). Not for models.
 *
 * Memory: every object lives in a per-environment pool and is recycled, so a run of 10^8
 * events uses as much memory as its peak number of live objects. Reference counts decide
 * when an object goes back to its pool: the user's handles, the queue while an event is
 * scheduled, a process waiting on it, a condition over it each hold one reference.     */
#ifndef PROCSIM_SIMI_H
#define PROCSIM_SIMI_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef void *simi_fcontext;
typedef struct {
    simi_fcontext fctx;
    void *data;
} simi_transfer;
/* From Boost.Context's libboost_context.a: plain C-callable assembly. */
extern simi_transfer jump_fcontext(simi_fcontext const to, void *vp);
extern simi_fcontext make_fcontext(void *sp, size_t size, void (*fn)(simi_transfer));

/* A callback waiting on an event: the public sim_hook, intrusive, so waiting allocates
 * nothing. Callbacks run in the order they were added, as SimPy's event.callbacks. */
typedef sim_hook simi_waiter;

enum { SIMI_PENDING, SIMI_TRIGGERED, SIMI_PROCESSED };
enum {
    SIMI_PLAIN,     /* sim_event_new */
    SIMI_TIMEOUT,   /* sim_timeout */
    SIMI_SLEEP,     /* sim_sleep: embedded in its process (aux), no waiters (until watched) */
    SIMI_SLEEP_POOLED, /* sim_sleep while its own event is still queued (interrupted) */
    SIMI_PROCESS,   /* the event of a sim_proc */
    /* kinds from here on need work when processed (env.c's step), or must keep off the
     * loop's fast paths */
    SIMI_INTERRUPT, /* delivers an interruption (URGENT); aux = target process */
    SIMI_STOP,      /* run(until): stops the run (URGENT) */
    SIMI_CONDITION, /* all_of / any_of */
    SIMI_SLEEP_WATCHED, /* a sleep's event after sim_proc_target showed it: an ordinary
                         * event with waiters (its sleeper first); it holds its sleeper
                         * (aux) until its last reference goes (process.c) */
};

struct sim_event {
    sim_event *next;       /* next in its queue bucket, or in the free list */
    sim_env *env;          /* owner */
    void *value;           /* value once triggered ok */
    void *aux;             /* kind-specific: interrupt target, stop run id */
    simi_waiter *waiters;  /* callbacks, run when processed */
    simi_waiter **wtail;   /* where the next waiter is linked */
    int error;             /* error once triggered failed */
    uint32_t refs;         /* owners; back to the pool at 0 */
    uint8_t state;         /* SIMI_PENDING / TRIGGERED / PROCESSED */
    uint8_t kind;          /* SIMI_PLAIN ... */
    uint8_t ok;            /* outcome once triggered */
    uint8_t defused;       /* a failure was handled */
};

/* How a stack's guard page (the page just below it) is protected (see coro.c). */
enum {
    SIMI_GUARD_NONE,   /* not (past the guard budget, or packed): a canary is checked */
    SIMI_GUARD_BUDGET, /* protected, counted in the process-wide guard budget */
    SIMI_GUARD_SLAB,   /* protected, the lowest of a slab past the budget or packed */
};

typedef struct simi_stack simi_stack;
struct simi_stack {
    simi_stack *next_free; /* in the environment's stack pool */
    char *base;            /* lowest usable byte (a guard page, or a neighbour, below) */
    char *floor;           /* the first protected guard page at or below base - page */
    char owner[40];        /* packed: its process's name, which an overflow cannot reach */
    size_t size;           /* usable bytes */
    size_t color;          /* bytes left unused at the top (cache colouring) */
    int guarded;           /* SIMI_GUARD_* */
    unsigned valgrind_id;
};

/* Five cache lines; two are hot at every wakeup, its sleep timeout and what every switch
 * touches, and they come last, the guard word last of all (processes are 64-byte aligned
 * in their pool, see process.c). With packed stacks a process lives just below its own
 * stack, in the stack's slab (coro.c), so an overflow of its stack hits its guard word
 * before anything else: the canary checked in a line the switch reads anyway. */
struct sim_proc {
    sim_event ev;           /* a process is an event: first member (one cache line) */
    /* Colder. */
    simi_stack *stack;
    sim_proc_fn fn;
    void *arg;
    void *cause;            /* cause of the last interruption */
    void *asan_fake_stack;  /* AddressSanitizer fiber bookkeeping */
    void *tsan_fiber;       /* ThreadSanitizer fiber */
    int fail_error;
    uint8_t alive;          /* its function has not returned */
    uint8_t failing;        /* sim_exit_fail was called */
    char name[40];
    _Alignas(64) sim_event sleep_ev; /* its reusable sim_sleep timeout (see sim_sleep) */
    /* What every switch touches, together in the last cache line. */
    _Alignas(64) simi_fcontext ctx; /* its suspended context */
    sim_event *target;      /* event it waits for (holds a reference), or NULL */
    sim_event *wake;        /* event that resumed it */
    simi_waiter resume;     /* its callback on the event it waits for */
    sim_env *env;           /* ev.env, again here: the first thing a resumed process reads */
    const char *sp_limit;   /* a packed stack's lowest stack pointer for a wait, or NULL */
    uint64_t guard;         /* SIMI_CANARY (guarded), SIMI_CANARY_PACKED, or on a stack past
                             * the guard budget the address of its bottom canary (switch.h) */
};
_Static_assert(offsetof(sim_proc, guard) + sizeof(uint64_t) == sizeof(sim_proc),
               "the guard word ends a process");
_Static_assert(offsetof(sim_proc, ctx) - offsetof(sim_proc, sleep_ev) == 64,
               "the switch line just after the sleep timeout");

/* A bucket: the events of one (time, priority), in arrival order, as an array so that
 * taking the next one is a sequential read and the loop can fetch the events a few
 * places ahead before it gets to them (see queue.c). Buckets are pooled with their
 * arrays. */
typedef struct simi_bucket simi_bucket;
struct simi_bucket {
    sim_event **ev;         /* the array */
    sim_event **rest;       /* queued after the head (the heap entry's): rest..end */
    sim_event **end, **limit; /* one past the last queued, one past the array */
    simi_bucket *next_free;
    simi_bucket *next_all;  /* every bucket of the queue, to free them */
};

/* A heap entry: one bucket, keyed by its (time, priority, seq of the bucket). Its first
 * queued event is kept here too, so taking it is one load, and the next one's is read
 * while this one runs. */
typedef struct {
    double time;
    uint64_t key;     /* priority << 62 | seq of the bucket */
    sim_event *head;  /* the bucket's first queued event */
    simi_bucket *b;
} simi_heap_entry;

typedef struct {
    sim_event *now_head, *now_tail; /* the now lane: (now, NORMAL) events, FIFO */
    sim_event *urg_head, *urg_tail; /* the urgent lane: (now, URGENT) events, FIFO */
    simi_heap_entry *heap;
    size_t len, cap;
    /* The newest bucket, the only one later events may join, while it is in the heap;
     * once it left, last_time is NaN, which no time equals. */
    double last_time;
    int last_priority;
    uint64_t last_key;
    simi_bucket *last;
    uint64_t seq;
    simi_bucket *free_buckets;
    simi_bucket *all_buckets;
} simi_evq;

/* A chunk of pooled objects, kept to be freed with the environment. Its objects start
 * at the first 64-byte boundary after the header, so an event is one cache line and a
 * process's hot lines are whole (allocate SIMI_CHUNK_BYTES). */
typedef struct simi_chunk simi_chunk;
struct simi_chunk {
    simi_chunk *next;
};
#define SIMI_CHUNK_BYTES(n, size) (sizeof(simi_chunk) + 63 + (n) * (size))
static inline void *simi_chunk_objects(simi_chunk *c)
{
    return (void *)(((uintptr_t)(c + 1) + 63) & ~(uintptr_t)63);
}

typedef struct simi_condition simi_condition;

#define SIMI_STREAMS 64

struct sim_env {
    double now;
    simi_evq queue;
    sim_proc *active;        /* running process, or NULL in the loop and its hooks */
    /* The event loop's state lives here, not in a stack frame: it runs on whichever
     * stack left last (switch.h, simi_next). */
    sim_event *cur;          /* event whose callbacks are running, or NULL */
    simi_waiter *cur_rest;   /* its callbacks not run yet */
    sim_proc *on_stack;      /* whose stack this thread runs on (NULL: the caller's) */
    sim_status loop_st;      /* why the loop returned to the scheduler side */
    /* Why the loop must look closer before it takes another event, in one word so that
     * its inline path tests them all at once (simi_loop_halts). */
    union {
        struct {
            uint8_t stop;    /* the current run must return */
            uint8_t once;    /* inside sim_step: one event, then return */
            uint8_t broken;  /* env->broken is set */
        } why;
        uint32_t any;
    } halt;
    int once_done;           /* sim_step: that event was taken */
    simi_fcontext sched_ctx; /* the scheduler's suspended context while a process runs */
    void *sched_stack_bottom;
    size_t sched_stack_size;
    void *asan_fake_stack;
    void *tsan_sched_fiber;

    sim_event *free_events;  /* pools */
    sim_proc *free_procs;
    simi_chunk *chunks;
    simi_stack *free_stacks;
    void *stack_maps;        /* list of stack slabs (see coro.c) */
    sim_stack_cache *stack_cache; /* where slabs go back to, or NULL: unmapped */
    size_t stack_size;
    int stacks_packed;     /* sim_config.stack_layout is SIM_STACKS_PACKED */
    size_t stacks_live;
    size_t stacks_charged; /* stacks counted in the memory budget (peak of stacks_live) */
    size_t stacks_made;
    simi_condition *conditions; /* live conditions (malloc'ed), freed with the env */

    uint64_t processed;      /* events processed */
    uint64_t run_id;         /* identifies the current sim_run for its stop event */
    const atomic_int *stop_flag; /* sim_config.stop, or no_stop: never NULL */
    atomic_int no_stop;      /* stays 0 */
    size_t mem_limit;        /* sim_config.memory_limit; 0: none */
    size_t mem_used;         /* bytes charged by simi_mem_charge */
    int error;               /* error of a failed run */
    sim_status broken;       /* SIM_EOVERFLOW once a stack overflowed (set with simi_break) */
    simi_waiter until_waiter;
    sim_event *until_event;

    sigjmp_buf overflow_jmp; /* where a stack overflow returns to (coro.c) */
    sim_env *outer_running;  /* the environment running on this thread when this run began */
    stack_t alt_stack, old_alt_stack;
    void *alt_stack_mem;

    uint64_t seed;
    uint64_t rng_seeded;     /* bit k: stream k seeded */
    sim_rng rng[SIMI_STREAMS];
    void *trace;             /* FILE* or NULL */
    sim_series_fn series;    /* sim_series sink or NULL (series.c) */
    void *series_ctx;
    char message[256];       /* last error message */
    sim_status status;       /* the status that message went with (sim_env_status) */
    struct simi_arg_copy *arg_copies; /* sim_spawn_copy's live copies (spawn_copy.c) */
};

/* sim_config.stop: a relaxed load, one predictable branch per event. */
static inline int simi_stop_requested(const sim_env *env)
{
    return atomic_load_explicit(env->stop_flag, memory_order_relaxed);
}

/* 1 when the loop must not take another event without looking closer (simi_next_slow):
 * the run was stopped or broken, sim_step takes one event only, or a stop is requested.
 * A new reason to stop between events belongs here and in simi_next_slow. */
static inline int simi_loop_halts(const sim_env *env)
{
    return (int)env->halt.any | simi_stop_requested(env);
}

/* Make the environment unusable with status st (it keeps the first reason). */
static inline void simi_break(sim_env *env, sim_status st)
{
    env->broken = st;
    env->halt.why.broken = 1;
}

/* env.c */
sim_status simi_misuse(sim_env *env, sim_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int simi_mem_over(sim_env *env, size_t bytes); /* the slow path of simi_mem_charge */

/* Charge `bytes` about to be allocated to the environment's budget: 0, or -1 (and the
 * environment broken with SIM_ENOMEM and a message) when it would exceed the limit. */
static inline int simi_mem_charge(sim_env *env, size_t bytes)
{
    if (env->mem_limit && bytes > env->mem_limit - env->mem_used)
        return simi_mem_over(env, bytes);
    env->mem_used += bytes;
    return 0;
}
static inline void simi_mem_uncharge(sim_env *env, size_t bytes) { env->mem_used -= bytes; }

/* spawn_copy.c */
typedef struct simi_arg_copy simi_arg_copy;
void simi_arg_copies_free(sim_env *env);
/* event.c */
int simi_event_pool_grow(sim_env *env);
/* Make ev a fresh pending event of env, with no owner yet. */
static inline void simi_event_init(sim_event *ev, sim_env *env, int kind)
{
    ev->next = NULL;
    ev->env = env;
    ev->value = NULL;
    ev->aux = NULL;
    ev->waiters = NULL;
    ev->wtail = &ev->waiters;
    ev->error = 0;
    ev->refs = 0;
    ev->state = SIMI_PENDING;
    ev->kind = (uint8_t)kind;
    ev->ok = 0;
    ev->defused = 0;
}

/* A fresh pending event from the pool (NULL and a message when out of memory). */
static inline sim_event *simi_event_alloc(sim_env *env, int kind)
{
    if (__builtin_expect(!env->free_events, 0) && simi_event_pool_grow(env) != 0)
        return NULL;
    sim_event *ev = env->free_events;
    env->free_events = ev->next;
    simi_event_init(ev, env, kind);
    return ev;
}
void simi_event_destroy(sim_event *ev);
/* Drop one reference; the last one returns the event to its pool (plain events and
 * timeouts, most of them, right here). */
static inline void simi_event_release(sim_event *ev)
{
    if (--ev->refs == 0) {
        if (ev->kind <= SIMI_TIMEOUT) {
            sim_env *env = ev->env;
            ev->next = env->free_events;
            env->free_events = ev;
        } else {
            simi_event_destroy(ev);
        }
    }
}
void simi_schedule_failed(sim_event *ev);
void simi_add_waiter(sim_event *ev, simi_waiter *w);
int simi_remove_waiter(sim_event *ev, simi_waiter *w);
void simi_pools_free(sim_env *env);

/* queue.c; the fast paths are inline below */
int simi_evq_init(simi_evq *q);
void simi_evq_fini(simi_evq *q);
int simi_evq_push_bucket(simi_evq *q, sim_event *ev, double time, int priority, uint64_t seq);
void simi_evq_drop_top(simi_evq *q);
double simi_evq_peek(const simi_evq *q, double now);

int simi_evq_append_grow(simi_evq *q, sim_event *ev); /* the newest bucket is full */

/* Schedule ev at (time, priority): joins the newest bucket when the key matches. */
static inline int simi_evq_push(simi_evq *q, sim_event *ev, double time, int priority)
{
    if (q->last_time == time && q->last_priority == priority) {
        simi_bucket *b = q->last;
        if (__builtin_expect(b->end == b->limit, 0))
            return simi_evq_append_grow(q, ev);
        *b->end++ = ev;
        return 0;
    }
    /* Only buckets need a seq: the order within one is the order of arrival. */
    return simi_evq_push_bucket(q, ev, time, priority, q->seq++);
}

/* Schedule a triggered event: the queue holds one reference until it is processed.
 * Events triggered for now (every succeed, every process start and interruption) take
 * the lanes (queue.c explains why that keeps the order exact). */
static inline void simi_schedule(sim_event *ev, double delay, int priority)
{
    sim_env *env = ev->env;
    simi_evq *q = &env->queue;
    ev->state = SIMI_TRIGGERED;
    ev->refs++;
    if (delay == 0) {
        ev->next = NULL;
        sim_event **head = priority == SIM_URGENT ? &q->urg_head : &q->now_head;
        sim_event **tail = priority == SIM_URGENT ? &q->urg_tail : &q->now_tail;
        if (*tail)
            (*tail)->next = ev;
        else
            *head = ev;
        *tail = ev;
        return;
    }
    if (__builtin_expect(simi_evq_push(q, ev, env->now + delay, priority) != 0, 0))
        simi_schedule_failed(ev);
}

/* Priority of the heap's top entry if it is at now, else one past NORMAL. */
static inline int simi_evq_top_at(const simi_evq *q, double now)
{
    return q->len && q->heap[0].time == now ? (int)(q->heap[0].key >> 62) : SIM_NORMAL + 1;
}

/* 1 if ev is the very next event the queue would hand out. */
static inline int simi_evq_is_next(const simi_evq *q, const sim_event *ev, double now)
{
    return !q->urg_head && q->now_head == ev && simi_evq_top_at(q, now) > SIM_NORMAL;
}

/* The first event in (time, priority, seq) order, or NULL; *time gets its time. */
static inline sim_event *simi_evq_pop(simi_evq *q, double now, double *time)
{
    sim_event *ev;
    if (q->urg_head || q->now_head) {
        int top = simi_evq_top_at(q, now);
        sim_event **head = NULL, **tail = NULL;
        if (q->urg_head && top > SIM_URGENT) {
            head = &q->urg_head;
            tail = &q->urg_tail;
        } else if (!q->urg_head && top > SIM_NORMAL) {
            head = &q->now_head;
            tail = &q->now_tail;
        }
        if (head) {
            ev = *head;
            if (!(*head = ev->next))
                *tail = NULL;
            *time = now;
            return ev;
        }
    }
    if (q->len == 0)
        return NULL;
    simi_heap_entry *top = &q->heap[0];
    simi_bucket *b = top->b;
    ev = top->head;
    *time = top->time;
    if (b->rest == b->end)
        simi_evq_drop_top(q);
    else
        top->head = *b->rest++;
    return ev;
}

/* coro.c */
int simi_coro_start(sim_env *env, sim_proc *p);   /* give p a stack and an entry context */
sim_proc *simi_coro_packed_proc(sim_env *env);    /* packed: the process below a free stack */
void simi_coro_release(sim_env *env, sim_proc *p);
int simi_coro_enter_run(sim_env *env);            /* per sim_run: overflow handling */
void simi_coro_leave_run(sim_env *env);
void simi_coro_free_all(sim_env *env);

/* process.c */
void simi_proc_finish_entry(sim_proc *p); /* called on p's stack when fn returns */
void simi_sleep_watch(sim_proc *p, sim_event *ev); /* sim_proc_target shows a sleep */
/* Its last reference went: drops its sleeper; 1 if it was the sleeper's own event (a
 * private sleep again), 0 if a pooled one (for the caller to give back). */
int simi_sleep_unwatch(sim_event *ev);
void simi_proc_destroy(sim_proc *p);
void simi_proc_resume_cb(simi_waiter *w, sim_event *ev);
static inline sim_proc *simi_proc_of_waiter(simi_waiter *w)
{
    return (sim_proc *)(void *)((char *)w - offsetof(sim_proc, resume));
}
sim_proc *simi_interrupt_fire(sim_event *ev); /* the process to resume, or NULL */

/* env.c */
void simi_stop_fire(sim_event *ev);
/* The event loop beyond its inline case (switch.h's simi_next): finishes the current
 * event's callbacks, then takes event after event until one resumes a process, which it
 * returns (its wake set); NULL when the run must return to the scheduler side (stop,
 * empty, failure, the one event of sim_step; env->loop_st says which). Never switches. */
sim_proc *simi_next_slow(sim_env *env);
int simi_settle_current(sim_env *env);

/* condition.c */
void simi_condition_build_value(sim_event *ev);
void simi_condition_destroy(sim_event *ev);
void simi_conditions_free(sim_env *env);

#endif
