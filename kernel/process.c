/* Processes: coroutines that wait on events, are events themselves, and can be
 * interrupted, with SimPy's Process/Initialize/Interruption semantics.
 *
 * A process holds one reference on itself while its function runs (dropped by whoever
 * it hands over to after its last switch), one on the event it waits for, and its
 * creator may hold a handle. Interruptions hold their target until they are processed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switch.h"

#define PROCS_PER_CHUNK 64

/* A chunk of processes for the pool (0, or -1 out of memory). */
static __attribute__((noinline, cold)) int proc_pool_grow(sim_env *env)
{
    size_t bytes = SIMI_CHUNK_BYTES(PROCS_PER_CHUNK, sizeof(sim_proc));
    if (simi_mem_charge(env, bytes) != 0)
        return -1;
    simi_chunk *c = malloc(bytes);
    if (!c)
        return -1;
    c->next = env->chunks;
    env->chunks = c;
    sim_proc *ps = simi_chunk_objects(c);
    for (size_t i = 0; i < PROCS_PER_CHUNK; i++) {
        ps[i].ev.next = (sim_event *)env->free_procs;
        env->free_procs = &ps[i];
    }
    return 0;
}

/* A process from the pool, or with packed stacks, the one below its stack (coro.c). */
static sim_proc *proc_alloc(sim_env *env)
{
    if (env->stacks_packed)
        return simi_coro_packed_proc(env);
    if (__builtin_expect(!env->free_procs, 0) && proc_pool_grow(env) != 0)
        return NULL;
    sim_proc *p = env->free_procs;
    env->free_procs = (sim_proc *)p->ev.next;
    p->stack = NULL; /* simi_coro_start gives it one */
    return p;
}

void simi_proc_destroy(sim_proc *p)
{
    sim_env *env = p->ev.env;
    int packed = env->stacks_packed;
    simi_coro_release(env, p); /* only if it never ran to the end, or packed */
    if (packed)
        return; /* it lived below its stack, which went back to the pool */
    p->ev.next = (sim_event *)env->free_procs;
    env->free_procs = p;
}

/* The callback of a waiting process: a marker, never called. The event loop
 * (simi_next_slow) recognises it in a waiter list and hands over to the process. */
void simi_proc_resume_cb(simi_waiter *w, sim_event *ev)
{
    (void)w;
    (void)ev;
    abort();
}

/* Runs on p's own stack once its start event fired: call the function, then trigger the
 * process event. */
void simi_proc_finish_entry(sim_proc *p)
{
    p->target = NULL; /* its start event: its own sleep event, holding nothing */
    void *value = p->fn(p, p->arg);
    simi_check_guard(p); /* before anything of p is read again */
    p->alive = 0;
    if (p->failing) {
        p->ev.ok = 0;
        p->ev.error = p->fail_error;
    } else {
        p->ev.ok = 1;
        p->ev.value = value;
    }
    simi_schedule(&p->ev, 0, SIM_NORMAL);
}

static sim_proc *start(sim_env *env, const char *name, sim_proc_fn fn, void *arg,
                       sim_status *st)
{
    *st = SIM_EINVAL;
    if (!fn) {
        simi_misuse(env, SIM_EINVAL, "sim_process: NULL function");
        return NULL;
    }
    *st = SIM_ESTATE;
    if (env->broken) {
        simi_misuse(env, SIM_ESTATE, "sim_process: environment is unusable (%s)",
                    sim_strerror(env->broken));
        return NULL;
    }
    *st = SIM_ENOMEM;
    sim_proc *p = proc_alloc(env);
    if (!p) {
        if (!env->broken) /* over budget: simi_mem_over said why */
            simi_misuse(env, SIM_ENOMEM, "sim_process: out of memory");
        return NULL;
    }
    /* Field by field rather than memset: this runs once per customer in many models. */
    p->ev = (sim_event){.env = env, .kind = SIMI_PROCESS, .state = SIMI_PENDING,
                        .refs = 1 /* kept while the function runs */};
    p->ev.wtail = &p->ev.waiters;
    p->env = env;
    simi_event_init(&p->sleep_ev, env, SIMI_SLEEP);
    p->sleep_ev.aux = p;
    p->sleep_ev.ok = 1;
    p->sleep_ev.state = SIMI_PROCESSED;
    p->wake = NULL;
    p->fn = fn;
    p->arg = arg;
    p->cause = NULL;
    p->tsan_fiber = NULL;
    p->alive = 1;
    p->failing = 0;
    p->fail_error = 0;
    /* A bounded copy; libc's strnlen and memcpy take a short name in a few words where a
     * byte loop costs some 60 instructions, and a process per customer makes it hot. */
    const char *src = name ? name : "(unnamed process)";
    size_t n = strnlen(src, sizeof p->name - 1);
    memcpy(p->name, src, n);
    p->name[n] = '\0';
    if (simi_coro_start(env, p) != 0) {
        simi_proc_destroy(p);
        if (!env->broken) /* over budget: simi_mem_over said why */
            simi_misuse(env, SIM_ENOMEM,
                        "sim_process: cannot map a stack for '%s' (out of memory, or of memory "
                        "mappings: see vm.max_map_count)",
                        name ? name : "process");
        return NULL;
    }
    /* Start through an URGENT event at now, so creation order is start order: SimPy's
     * Initialize. Its own sleep event serves, which the loop resumes it from directly
     * (nothing to allocate, no waiter); sim_proc_target makes it public if asked. */
    p->resume.fn = simi_proc_resume_cb;
    p->target = &p->sleep_ev;
    simi_schedule(&p->sleep_ev, 0, SIM_URGENT);
    *st = SIM_OK;
    return p;
}

sim_proc *sim_process(sim_env *env, const char *name, sim_proc_fn fn, void *arg)
{
    sim_status st;
    sim_proc *p = start(env, name, fn, arg, &st);
    if (p)
        p->ev.refs++; /* the caller's handle */
    return p;
}

sim_status sim_spawn(sim_env *env, const char *name, sim_proc_fn fn, void *arg)
{
    sim_status st;
    start(env, name, fn, arg, &st);
    return st;
}

sim_event *sim_proc_event(sim_proc *p) { return &p->ev; }
const char *sim_proc_name(const sim_proc *p) { return p->name; }
int sim_proc_is_alive(const sim_proc *p) { return p->alive; }
/* From its event's line: with packed stacks an overflow reaches it last (simi.h). */
sim_env *sim_proc_env(const sim_proc *p) { return p->ev.env; }
void *sim_interrupt_cause(const sim_proc *self) { return self->cause; }

/* ---- waiting ------------------------------------------------------------------------- */

static sim_status outcome(sim_event *ev, void **value)
{
    if (ev->ok) {
        if (value)
            *value = ev->value;
        return SIM_OK;
    }
    ev->defused = 1; /* delivered to a process: handled, as SimPy defuses it */
    if (value)
        *value = NULL;
    return SIM_FAILED;
}

/* Suspend self on ev (not yet processed) and deliver what woke it. Inlined into both
 * callers so no frame stays open across the switch. */
SIMI_INLINE sim_status wait_on(sim_env *env, sim_proc *self, sim_event *ev, void **value)
{
    ev->refs++;
    self->target = ev;
    simi_add_waiter(ev, &self->resume); /* resume.fn is set once, at the start */
    simi_yield(env, self);

    self->target = NULL;
    sim_status st;
    if (__builtin_expect(self->wake->kind == SIMI_INTERRUPT, 0)) {
        self->cause = self->wake->value;
        if (value)
            *value = self->cause;
        st = SIM_INTERRUPTED;
    } else {
        st = outcome(ev, value);
    }
    simi_event_release(ev);
    return st;
}

/* The fast path of waiting on a triggered event (a granted request, a completed put):
 * when ev is the very next event, the loop has nothing left of the current event, and
 * every other waiter of ev is a hook, then yielding would only make the loop pop ev, run
 * its hooks and resume us at once. Doing exactly that here skips the loop's general path
 * and keeps the order identical. */
static int can_process_inline(sim_env *env, const sim_event *ev)
{
    if (simi_loop_halts(env) || !ev->ok || ev->kind >= SIMI_INTERRUPT ||
        !simi_evq_is_next(&env->queue, ev, env->now) || !simi_settle_current(env))
        return 0;
    for (const simi_waiter *w = ev->waiters; w; w = w->next)
        if (w->fn == simi_proc_resume_cb)
            return 0;
    return 1;
}

static sim_status process_inline(sim_env *env, sim_proc *self, sim_event *ev, void **value)
{
    double t;
    simi_evq_pop(&env->queue, env->now, &t);
    env->processed++;
    ev->state = SIMI_PROCESSED;
    simi_waiter *w = ev->waiters;
    ev->waiters = NULL;
    ev->wtail = &ev->waiters;
    env->active = NULL; /* hooks run as the loop would run them */
    while (w) {
        simi_waiter *next = w->next;
        w->fn(w, ev);
        w = next;
    }
    env->active = self;
    sim_status st = outcome(ev, value);
    simi_event_release(ev); /* the queue's reference */
    return st;
}

static __attribute__((noinline, cold)) sim_status wait_misuse(sim_env *env, sim_proc *self,
                                                             const sim_event *ev)
{
    if (env->active != self)
        return simi_misuse(env, SIM_ESTATE,
                           "sim_wait: '%s' is not the running process (waiting is only "
                           "possible from inside the running process)",
                           self->name);
    if (!ev)
        return simi_misuse(env, SIM_EINVAL, "sim_wait: NULL event");
    return simi_misuse(env, SIM_EINVAL, "sim_wait: event belongs to another environment");
}

/* Always inlined where the compiler sees it (the shipped models, LTO builds): a return
 * after a switch mispredicts (switch.h), and the rare paths are out of line. */
inline __attribute__((always_inline)) sim_status sim_wait(sim_proc *self, sim_event *ev,
                                                          void **value)
{
    simi_check_guard(self); /* first: an overflow may have written over self (switch.h) */
    sim_env *env = self->env;
    if (__builtin_expect(env->active != self || !ev || ev->env != env, 0))
        return wait_misuse(env, self, ev);
    if (ev->state == SIMI_PROCESSED) /* resumes at once, nothing scheduled */
        return outcome(ev, value);
    if (ev->state == SIMI_TRIGGERED && can_process_inline(env, ev))
        return process_inline(env, self, ev, value);
    return wait_on(env, self, ev, value);
}

/* A sleep's timeout is private to its process, so it needs no waiter list: the event
 * names its sleeper (aux) and the loop resumes the sleeper directly if it still waits
 * for this very event (in place, without a switch, when it is the sleeper's own loop
 * that takes it). Each process owns one such event and reuses it sleep after sleep; only
 * an interrupted sleep leaves it queued (stale, ignored when it fires, with a reference
 * keeping the process), and the next sleep then takes one from the pool. */

/* sim_proc_target shows p's sleep, so others may now wait on its event: it becomes an
 * ordinary one with p as its first waiter (p waited first, as SimPy's callbacks list
 * it), and it keeps p until its last reference goes, when simi_sleep_unwatch makes it a
 * private sleep again (a pooled one goes back to the pool). Until then p's next
 * sim_sleep takes a pooled event, as after an interruption. */
void simi_sleep_watch(sim_proc *p, sim_event *ev)
{
    if (ev->kind == SIMI_SLEEP)
        p->ev.refs++; /* a pooled sleep holds p already */
    ev->kind = SIMI_SLEEP_WATCHED;
    ev->value = NULL; /* a Timeout's value: None */
    ev->waiters = NULL;
    ev->wtail = &ev->waiters;
    simi_add_waiter(ev, &p->resume);
}

int simi_sleep_unwatch(sim_event *ev)
{
    sim_proc *p = ev->aux;
    int own = ev == &p->sleep_ev;
    if (own)
        ev->kind = SIMI_SLEEP;
    simi_event_release(&p->ev);
    return own;
}

/* sim_sleep while its own event is still queued (an interrupted sleep) or held (shown by
 * sim_proc_target): one from the pool, NULL when out of memory. */
static __attribute__((noinline)) sim_event *pooled_sleep_event(sim_env *env, sim_proc *self)
{
    if (__builtin_expect(!env->free_events, 0) && simi_event_pool_grow(env) != 0)
        return NULL;
    sim_event *ev = env->free_events;
    env->free_events = ev->next;
    ev->aux = self;
    ev->waiters = NULL;
    ev->kind = SIMI_SLEEP_POOLED;
    ev->ok = 1;
    self->ev.refs++; /* the pooled event keeps its sleeper */
    return ev;
}

static __attribute__((noinline, cold)) sim_status sleep_misuse(sim_env *env, sim_proc *self,
                                                              double delay)
{
    if (env->active != self)
        return simi_misuse(env, SIM_ESTATE, "sim_sleep: '%s' is not the running process",
                           self->name);
    return simi_misuse(env, SIM_EINVAL, "sim_sleep: negative or NaN delay %g", delay);
}

/* Always inlined where the compiler sees it, as sim_wait. */
inline __attribute__((always_inline)) sim_status sim_sleep(sim_proc *self, double delay)
{
    simi_check_guard(self); /* first, as in sim_wait */
    sim_env *env = self->env;
    if (__builtin_expect(env->active != self || !(delay >= 0), 0))
        return sleep_misuse(env, self, delay);
    sim_event *ev = &self->sleep_ev;
    /* Its own event has a reference only while queued, or held since sim_proc_target
     * showed it: then a pooled one. */
    if (__builtin_expect(ev->refs != 0, 0) &&
        !(ev = pooled_sleep_event(env, self)))
        return SIM_ENOMEM;
    simi_schedule(ev, delay, SIM_NORMAL);
    self->target = ev;
    simi_yield(env, self);
    self->target = NULL;
    if (__builtin_expect(self->wake->kind == SIMI_INTERRUPT, 0)) {
        self->cause = self->wake->value;
        return SIM_INTERRUPTED;
    }
    return SIM_OK;
}

void *sim_exit_fail(sim_proc *self, int error)
{
    self->failing = 1;
    self->fail_error = error ? error : SIM_FAILED;
    return NULL;
}

/* ---- interrupts ---------------------------------------------------------------------- */

/* An interruption is processed: detach its target from what it waits for and return it,
 * to be resumed with the interruption (NULL: dropped). */
sim_proc *simi_interrupt_fire(sim_event *ev)
{
    sim_proc *p = ev->aux;
    /* Dropped if the target finished since (several interrupts at once, say). */
    if (!p->alive)
        return NULL;
    if (p->target == &p->sleep_ev && p->sleep_ev.kind == SIMI_SLEEP)
        p->ev.refs++; /* its own timeout stays queued, stale: keep p until it fires */
    else if (p->target)
        simi_remove_waiter(p->target, &p->resume);
    /* A process always starts before any interruption of it is processed: its URGENT
     * start event was scheduled first. */
    return p;
}

sim_status sim_interrupt(sim_proc *target, void *cause)
{
    sim_env *env = target->ev.env;
    if (!target->alive)
        return simi_misuse(env, SIM_ESTATE,
                           "sim_interrupt: process '%s' has terminated and cannot be interrupted",
                           target->name);
    if (env->active == target)
        return simi_misuse(env, SIM_ESTATE,
                           "sim_interrupt: process '%s' is not allowed to interrupt itself",
                           target->name);
    sim_event *ev = simi_event_alloc(env, SIMI_INTERRUPT);
    if (!ev)
        return SIM_ENOMEM;
    target->ev.refs++;
    ev->aux = target;
    ev->value = cause;
    ev->ok = 0;
    ev->defused = 1;
    ev->error = SIM_INTERRUPTED;
    simi_schedule(ev, 0, SIM_URGENT);
    return SIM_OK;
}
