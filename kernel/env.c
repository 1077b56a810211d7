/* The environment and its event loop: clock, run/step/peek, errors, tracing, streams.
 *
 * The loop (simi_next_slow here, its common case inline in switch.h) pops the first event
 * in (time, priority, seq) order, advances the clock and runs its callbacks, which is
 * where processes resume. It runs on whichever stack left last: a process that waits
 * runs it and jumps straight to the next process (switch.h). A failed event that nobody
 * handled (no process received it, nothing defused it) ends the run with SIM_FAILED, as
 * SimPy's step raises the event's exception.                                          */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switch.h"

sim_env *sim_env_new(const sim_config *cfg)
{
    if (cfg && ((cfg->stack_layout != SIM_STACKS_GUARDED &&
                 cfg->stack_layout != SIM_STACKS_PACKED) ||
                cfg->stack_size > SIM_MAX_STACK)) {
        errno = EINVAL;
        return NULL;
    }
    sim_env *env = calloc(1, sizeof *env);
    if (!env)
        return NULL;
    if (simi_evq_init(&env->queue) != 0) {
        free(env);
        return NULL;
    }
    sim_config defaults = {0};
    if (!cfg)
        cfg = &defaults;
    env->stack_size = cfg->stack_size ? cfg->stack_size : SIM_DEFAULT_STACK;
    env->stacks_packed = cfg->stack_layout == SIM_STACKS_PACKED;
    env->now = cfg->start_time;
    env->seed = cfg->seed;
    env->trace = cfg->trace;
    env->series = cfg->series;
    env->series_ctx = cfg->series_ctx;
    env->stack_cache = cfg->stacks;
    atomic_init(&env->no_stop, 0);
    env->stop_flag = cfg->stop ? cfg->stop : &env->no_stop;
    env->mem_limit = cfg->memory_limit;
    return env;
}

void sim_env_free(sim_env *env)
{
    if (!env)
        return;
    simi_evq_fini(&env->queue);
    simi_conditions_free(env);
    simi_pools_free(env);
    simi_coro_free_all(env);
    simi_arg_copies_free(env);
    free(env);
}

double sim_now(const sim_env *env) { return env->now; }
sim_proc *sim_active_process(const sim_env *env) { return env->active; }
uint64_t sim_env_seed(const sim_env *env) { return env->seed; }
uint64_t sim_events_processed(const sim_env *env) { return env->processed; }
int sim_env_error(const sim_env *env) { return env->error; }
const char *sim_env_error_message(const sim_env *env) { return env->message; }
double sim_peek(const sim_env *env) { return simi_evq_peek(&env->queue, env->now); }

sim_rng *sim_env_rng(sim_env *env, unsigned substream)
{
    if (substream >= SIMI_STREAMS) {
        simi_misuse(env, SIM_EINVAL, "sim_env_rng: substream %u out of range (0..%d)", substream,
                    SIMI_STREAMS - 1);
        return NULL;
    }
    if (!(env->rng_seeded >> substream & 1)) {
        /* Mixed stream selectors: PCG streams whose increments are related (k and
         * k + 2^62, say) are correlated. */
        sim_rng_seed(&env->rng[substream], env->seed, sim_rng_mix(substream + 1));
        env->rng_seeded |= (uint64_t)1 << substream;
    }
    return &env->rng[substream];
}

sim_status simi_misuse(sim_env *env, sim_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(env->message, sizeof env->message, fmt, ap);
    va_end(ap);
    env->status = st;
    return st;
}

void sim_env_set_error(sim_env *env, const char *fmt, ...)
{
    env->status = SIM_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(env->message, sizeof env->message, fmt, ap);
    va_end(ap);
}

const char *sim_strerror(sim_status st)
{
    switch (st) {
    case SIM_OK: return "ok";
    case SIM_INTERRUPTED: return "interrupted";
    case SIM_FAILED: return "event failed";
    case SIM_EINVAL: return "invalid argument";
    case SIM_ESTATE: return "not allowed in the current state";
    case SIM_ENOMEM: return "out of memory";
    case SIM_EOVERFLOW: return "stack overflow";
    case SIM_EMPTY: return "no events left";
    case SIM_ESTOPPED: return "stopped";
    }
    return "unknown status";
}

/* Over budget: the model's population grew past what it may hold. Breaking the
 * environment ends the run with SIM_ENOMEM whatever the model does with the failed
 * call, and keeps this message as the reason. */
int simi_mem_over(sim_env *env, size_t bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    size_t v = env->mem_limit, u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && v % 1024 == 0 && v >= 1024) {
        v /= 1024;
        u++;
    }
    simi_break(env, SIM_ENOMEM);
    simi_misuse(env, SIM_ENOMEM,
                "replication exceeded its memory budget of %zu %s (%zu processes alive, %zu bytes held, "
                "%zu more wanted)",
                v, units[u], env->stacks_live, env->mem_used, bytes);
    return -1;
}

/* ---- the loop ------------------------------------------------------------------------ */

void simi_stop_fire(sim_event *ev)
{
    if ((uintptr_t)ev->aux == ev->env->run_id)
        ev->env->halt.why.stop = 1;
}

static void until_fired(simi_waiter *w, sim_event *ev)
{
    (void)w;
    ev->env->halt.why.stop = 1;
}

/* A failed event that nobody handled ends the run, as SimPy's step raises its exception. */
static __attribute__((noinline, cold)) void report_unhandled(sim_env *env, sim_event *ev)
{
    env->error = ev->error;
    /* Models fail with kernel statuses too (sim_exit_fail(self, SIM_ENOMEM)): name them. */
    const char *what = ev->error > 0 && ev->error <= SIM_ESTOPPED
                           ? sim_strerror((sim_status)ev->error) : NULL;
    if (ev->kind == SIMI_PROCESS)
        simi_misuse(env, SIM_FAILED, "process '%s' failed with error %d%s%s%s and nothing "
                    "handled it", ((sim_proc *)ev)->name, ev->error, what ? " (" : "",
                    what ? what : "", what ? ")" : "");
    else
        simi_misuse(env, SIM_FAILED, "an event failed with error %d%s%s%s and nothing "
                    "handled it", ev->error, what ? " (" : "", what ? what : "",
                    what ? ")" : "");
    env->loop_st = SIM_FAILED;
}

/* Finish the current event once all its callbacks ran: the queue's reference goes, and a
 * failure nobody handled ends the run. 0: go on; -1: return to the scheduler side. */
static inline int finish_event(sim_env *env, sim_event *ev)
{
    env->cur = NULL;
    if (ev->kind == SIMI_SLEEP_POOLED) {
        sim_proc *p = ev->aux;
        ev->refs = 0; /* only the queue held it */
        ev->next = env->free_events;
        env->free_events = ev;
        simi_event_release(&p->ev);
        return 0;
    }
    /* ok first and alone: a test of ok and defused together is one 16-bit load, which
     * cannot be forwarded from the two byte stores that set them just before (a stall
     * of a dozen cycles here, on every event). */
    int failed = 0;
    if (__builtin_expect(!ev->ok, 0) && !ev->defused) {
        report_unhandled(env, ev);
        failed = 1;
    }
    simi_event_release(ev); /* the queue's reference */
    return -failed;
}

/* 1 when the current event is settled: none, or one whose callbacks all ran and that did
 * not fail (it is finished here). Fast paths that take the next event in place ask this
 * first; a failure nobody handled is left for the loop to report. */
int simi_settle_current(sim_env *env)
{
    sim_event *ev = env->cur;
    if (!ev)
        return 1;
    if (env->cur_rest || (!ev->ok && !ev->defused))
        return 0;
    finish_event(env, ev);
    return 1;
}

/* Between events, when simi_loop_halts: 1 if the loop must return to the scheduler side
 * now (a stop, a broken environment, a stop request, sim_step's event taken). */
static __attribute__((noinline)) int must_return(sim_env *env)
{
    /* sim_step takes its one event whatever a previous run's stop left behind. */
    if ((env->halt.why.stop && !env->halt.why.once) || env->broken)
        return 1;
    if (simi_stop_requested(env)) {
        env->loop_st = simi_misuse(env, SIM_ESTOPPED, "stopped");
        return 1;
    }
    if (env->halt.why.once) {
        if (env->once_done)
            return 1;
        env->once_done = 1;
    }
    return 0;
}

/* Hand ev to w's process as its last callback: p holds a reference and will receive a
 * failure, which defuses it, so nothing is left to do for ev but drop the queue's
 * reference, and the next wait can take the inline path (switch.h). */
static inline sim_proc *hand_over_last(sim_event *ev, simi_waiter *w)
{
    sim_proc *p = simi_proc_of_waiter(w);
    p->wake = ev;
    if (!ev->ok)
        ev->defused = 1;
    simi_event_release(ev); /* the queue's; p keeps its own */
    return p;
}

/* Hand the current event ev over to p, one of its waiting processes; when p is its last
 * callback, ev is finished here rather than at the loop's next entry. A pooled sleep (and
 * a watched one, which may be pooled) goes back to its pool only at the next entry: its
 * process still reads it as its wake. */
static inline sim_proc *hand_over(sim_env *env, sim_event *ev, simi_waiter *w)
{
    if (!env->cur_rest && ev->kind != SIMI_SLEEP_POOLED && ev->kind != SIMI_SLEEP_WATCHED) {
        env->cur = NULL;
        return hand_over_last(ev, w);
    }
    sim_proc *p = simi_proc_of_waiter(w);
    p->wake = ev;
    return p;
}

/* The whole loop (switch.h's simi_next is its inline case): first the rest of the current
 * event's callbacks (its waiters were detached when it was processed, as SimPy swaps
 * callbacks for None, so a waiter added from inside a callback sees a processed event and
 * resumes at once), then event after event in (time, priority, seq) order, until one
 * resumes a process. Stop requests, sim_step's one event and errors are checked between
 * events. */
static __attribute__((noinline)) sim_proc *next_general(sim_env *env);

sim_proc *simi_next_slow(sim_env *env)
{
    /* The now lane's head next, resuming its only waiter, a process (a signal between
     * two processes, a granted request): the general path, without its tests. Apart, so
     * that this case does without the general path's frame (it calls and saves more). */
    simi_evq *q = &env->queue;
    sim_event *ev = q->now_head;
    if (ev && !((uintptr_t)env->cur | (uintptr_t)q->urg_head) && !simi_loop_halts(env) &&
        simi_evq_top_at(q, env->now) > SIM_NORMAL) {
        simi_waiter *w = ev->waiters;
        if (w && !w->next && w->fn == simi_proc_resume_cb && ev->kind < SIMI_INTERRUPT) {
            if (!(q->now_head = ev->next))
                q->now_tail = NULL;
            env->processed++;
            ev->state = SIMI_PROCESSED;
            ev->waiters = NULL;
            ev->wtail = &ev->waiters;
            return hand_over_last(ev, w); /* its only callback, never a pooled sleep */
        }
    }
    return next_general(env);
}

static sim_proc *next_general(sim_env *env)
{
    sim_event *ev = env->cur;
    for (;;) {
        if (ev) {
            simi_waiter *w;
            while ((w = env->cur_rest)) {
                env->cur_rest = w->next;
                if (w->fn == simi_proc_resume_cb)
                    return hand_over(env, ev, w);
                w->fn(w, ev);
                simi_check_stack(env); /* a hook may have overflowed */
            }
            if (finish_event(env, ev) != 0)
                return NULL;
        }
        if (__builtin_expect(simi_loop_halts(env), 0) && must_return(env))
            return NULL;
        double t;
        ev = simi_evq_pop(&env->queue, env->now, &t);
        if (!ev) {
            env->loop_st = SIM_EMPTY;
            return NULL;
        }
        env->now = t;
        env->processed++;
        if (ev->kind == SIMI_SLEEP) { /* a process's own timeout: nobody else can see it */
            sim_proc *p = ev->aux;
            if (env->queue.len)
                simi_prefetch_ahead(env->queue.heap[0].b);
            ev->state = SIMI_PROCESSED; /* reusable from here on */
            ev->refs = 0;
            if (p->target == ev) {
                p->wake = ev;
                return p;
            }
            simi_event_release(&p->ev); /* stale: the interrupt kept p for it */
            ev = NULL;
            continue;
        }
        env->cur = ev;
        if (ev->kind == SIMI_SLEEP_POOLED) { /* back to the pool once handed over */
            env->cur_rest = NULL;
            sim_proc *p = ev->aux;
            if (p->target == ev) {
                p->wake = ev;
                return p;
            }
            continue;
        }
        ev->state = SIMI_PROCESSED;
        simi_waiter *w = ev->waiters;
        ev->waiters = NULL;
        ev->wtail = &ev->waiters;
        if (__builtin_expect(ev->kind >= SIMI_INTERRUPT, 0)) {
            if (ev->kind == SIMI_CONDITION) {
                simi_condition_build_value(ev); /* before waiters, as SimPy's first callback */
            } else if (ev->kind == SIMI_INTERRUPT) {
                sim_proc *p = simi_interrupt_fire(ev);
                if (p) {
                    env->cur_rest = w;
                    p->wake = ev;
                    return p;
                }
            } else if (ev->kind == SIMI_STOP) {
                simi_stop_fire(ev);
            }
        }
        /* The first waiter is most often the only one, a process: no list walk. */
        if (w && w->fn == simi_proc_resume_cb) {
            env->cur_rest = w->next;
            return hand_over(env, ev, w);
        }
        env->cur_rest = w;
    }
}

static sim_status check_can_run(sim_env *env, const char *fn)
{
    if (env->broken)
        return simi_misuse(env, env->broken, "%s: environment is unusable after %s", fn,
                           sim_strerror(env->broken));
    if (env->active)
        return simi_misuse(env, SIM_ESTATE, "%s: called from inside process '%s'", fn,
                           env->active->name);
    return SIM_OK;
}

/* The scheduler side of a run: the loop until it finds a process, then that process and
 * the ones it hands over to, until one of them comes back here. Kept apart from guarded()
 * so that sigsetjmp there does not force every variable here to live in memory. */
static __attribute__((noinline)) sim_status run_loop(sim_env *env, int once)
{
    env->loop_st = SIM_OK;
    env->halt.why.once = (uint8_t)once;
    env->once_done = 0;
    env->on_stack = NULL;
    sim_proc *p = simi_next_slow(env);
    if (p)
        simi_switch(env, NULL, p, 0);
    env->active = NULL;
    env->halt.why.once = 0;
    return env->loop_st;
}

/* Runs the loop (to the end, or one event) with overflow handling set up: a stack overflow anywhere
 * below comes back here through siglongjmp (coro.c) and ends the run for good. */
static sim_status guarded(sim_env *env, int once)
{
    if (simi_coro_enter_run(env) != 0)
        return simi_misuse(env, SIM_ENOMEM, "cannot set up the signal stack");
    /* The scheduler side joins the processes' MXCSR (switch.h); the caller gets its own
     * exception flags back on return. */
    unsigned fp = simi_fp_raise_flags();
    if (sigsetjmp(env->overflow_jmp, 0) != 0) {
        env->active = NULL;
        env->on_stack = NULL;
        env->cur = NULL;
        env->halt.why.once = 0;
        simi_coro_leave_run(env);
        simi_fp_restore(fp); /* the signal handler ran with a reset MXCSR */
        return SIM_EOVERFLOW;
    }
    sim_status st = run_loop(env, once);
    simi_coro_leave_run(env);
    simi_fp_restore_flags(fp);
    return env->broken ? env->broken : st;
}

sim_status sim_run(sim_env *env, double until)
{
    sim_status st = check_can_run(env, "sim_run");
    if (st != SIM_OK)
        return st;
    env->run_id++;
    env->halt.why.stop = 0;
    if (until >= 0 || isnan(until)) {
        if (!(until > env->now))
            return simi_misuse(env, SIM_EINVAL, "sim_run: until (%g) must be later than now (%g)",
                               until, env->now);
        sim_event *stop = simi_event_alloc(env, SIMI_STOP);
        if (!stop)
            return SIM_ENOMEM;
        stop->ok = 1;
        stop->aux = (void *)(uintptr_t)env->run_id;
        simi_schedule(stop, until - env->now, SIM_URGENT);
    }
    st = guarded(env, 0);
    return st == SIM_EMPTY ? SIM_OK : st;
}

sim_status sim_run_until_event(sim_env *env, sim_event *ev, void **value)
{
    sim_status st = check_can_run(env, "sim_run_until_event");
    if (st != SIM_OK)
        return st;
    env->run_id++;
    env->halt.why.stop = 0;
    if (ev->state != SIMI_PROCESSED) {
        env->until_waiter.fn = until_fired;
        sim_ref(ev);
        simi_add_waiter(ev, &env->until_waiter);
        st = guarded(env, 0);
        if (ev->state != SIMI_PROCESSED)
            simi_remove_waiter(ev, &env->until_waiter);
        int processed = ev->state == SIMI_PROCESSED;
        simi_event_release(ev);
        if (st == SIM_EMPTY || (st == SIM_OK && !processed))
            return simi_misuse(env, SIM_EMPTY,
                               "no scheduled events left but the until event was not triggered");
        if (st != SIM_OK)
            return st;
    }
    if (value)
        *value = ev->ok ? ev->value : NULL;
    if (!ev->ok) {
        ev->defused = 1;
        env->error = ev->error;
        return simi_misuse(env, SIM_FAILED, "the until event failed with error %d", ev->error);
    }
    return SIM_OK;
}

sim_status sim_step(sim_env *env)
{
    sim_status st = check_can_run(env, "sim_step");
    return st != SIM_OK ? st : guarded(env, 1);
}

/* ---- tracing ------------------------------------------------------------------------- */

int sim_tracing(const sim_env *env) { return env->trace != NULL; }

void sim_trace(sim_env *env, const char *fmt, ...)
{
    if (!env->trace)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(env->trace, fmt, ap);
    va_end(ap);
}

/* Python's repr of the same number: whole numbers without a fraction (SimPy's clock is
 * an int until a float delay joins it), else the shortest digits that round-trip. */
sim_time_str sim_fmt_time(double t)
{
    sim_time_str out;
    if (t == floor(t) && fabs(t) < 1e16) {
        snprintf(out.s, sizeof out.s, "%.0f", t == 0 ? 0.0 : t);
        return out;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out.s, sizeof out.s, "%.*g", prec, t);
        if (strtod(out.s, NULL) == t)
            break;
    }
    return out;
}
