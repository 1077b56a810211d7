/* The coroutine switch and the inline part of the event loop, inlined into the waiting
 * calls (sim_wait/sim_sleep, process.c) and the scheduler side (env.c).
 *
 * fcontext's jump does not return through `ret`, so every function frame that is open
 * across a switch returns with a mispredicted return address afterwards (about 20 cycles
 * each). A process therefore jumps straight from sim_wait/sim_sleep: these helpers are
 * always inlined, and what runs out of line (simi_next_slow, a finished process, a
 * broken canary) returns before the switch.
 * The sanitizer calls tell ASan and TSan that the stack changed (fiber annotations). */
#ifndef PROCSIM_SWITCH_H
#define PROCSIM_SWITCH_H

#include "simi.h"

#define SIMI_INLINE static inline __attribute__((always_inline))

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROCSIM_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define PROCSIM_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PROCSIM_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define PROCSIM_TSAN 1
#endif
#ifdef PROCSIM_ASAN
#include <sanitizer/asan_interface.h>
#endif
#ifdef PROCSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* Uniform MXCSR. fcontext saves and restores MXCSR at every switch, and on some x86 CPUs an
 * ldmxcsr that changes the register, even only in a sticky exception flag, stalls for about
 * 80 ns, several times the rest of a switch. Exception flags are sticky: once all six are
 * raised no floating-point operation can lower one. So the kernel raises them all in every
 * context it makes (make_fcontext copies the creator's MXCSR) and on the scheduler side at
 * each run's entry; from then on every switch loads the value already in the register.
 * Control bits (rounding, masks, FTZ/DAZ) are left alone: each context keeps its own. */
#if defined(__x86_64__)
#include <xmmintrin.h>
#define SIMI_MXCSR_FLAGS 0x3fu

/* Raise every exception flag; returns the MXCSR before, for simi_fp_restore_flags. */
SIMI_INLINE unsigned simi_fp_raise_flags(void)
{
    unsigned m = _mm_getcsr();
    if ((m & SIMI_MXCSR_FLAGS) != SIMI_MXCSR_FLAGS)
        _mm_setcsr(m | SIMI_MXCSR_FLAGS);
    return m;
}

/* Give back the exception flags of `before`; the control bits stay as they are now. */
SIMI_INLINE void simi_fp_restore_flags(unsigned before)
{
    unsigned cur = _mm_getcsr();
    unsigned want = (cur & ~SIMI_MXCSR_FLAGS) | (before & SIMI_MXCSR_FLAGS);
    if (want != cur)
        _mm_setcsr(want);
}

SIMI_INLINE void simi_fp_restore(unsigned before) { _mm_setcsr(before); }
#else
SIMI_INLINE unsigned simi_fp_raise_flags(void) { return 0; }
SIMI_INLINE void simi_fp_restore_flags(unsigned before) { (void)before; }
SIMI_INLINE void simi_fp_restore(unsigned before) { (void)before; }
#endif

#define SIMI_CANARY 0x5eb1c0de5eb1c0deULL        /* a guarded stack's guard word */
#define SIMI_CANARY_PACKED 0xc0de5eb1c0de5eb1ULL /* a packed one's */

void simi_coro_after_switch(sim_env *env, sim_proc *p); /* coro.c */
void simi_report_overflow(sim_env *env, sim_proc *p);
void simi_guard_check_slow(const sim_proc *p);

/* A stack without a guard page of its own (packed, or past the guard budget) is checked
 * whenever its process waits or finishes, before anything else runs: an overflow is
 * reported before any other process resumes from a context the overflow may have
 * overwritten.
 * - Packed: the process lives just below its stack (coro.c) and its guard word, the last
 *   of its switch line (SIMI_CANARY_PACKED), is the first thing an overflow writes, so
 *   the check reads a line the switch reads anyway. Since the overflow may have written
 *   the rest of the process too, the check comes before any other field is read
 *   (sim_wait, sim_sleep). The loop then runs on the same stack, so a wait within
 *   SIMI_LOOP_ROOM bytes of the bottom (sp_limit) counts as an overflow too.
 * - Past the guard budget: the guard word holds the address of a canary at the stack's
 *   bottom (the unprotected guard page below is a page of slack), checked out of line.
 * A callback the loop runs is checked when it returns (simi_check_stack). A stack with a
 * guard page of its own (guard word SIMI_CANARY) pays one test of a hot word. */
#define SIMI_LOOP_ROOM 2048 /* the loop's frames and malloc's below them */

/* The stack pointer itself: __builtin_frame_address(0) would give the frame of whatever
 * model function sim_sleep was inlined into, which may lie far above it. */
SIMI_INLINE const char *simi_stack_pointer(void)
{
    const char *sp;
#if defined(__x86_64__)
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
    __asm__ volatile("mov %0, sp" : "=r"(sp));
#else
    sp = __builtin_frame_address(0);
#endif
    return sp;
}

SIMI_INLINE void simi_check_guard(const sim_proc *self)
{
    uint64_t g = self->guard;
    if (__builtin_expect(g != SIMI_CANARY, 0) &&
        (g != SIMI_CANARY_PACKED || simi_stack_pointer() < self->sp_limit))
        simi_guard_check_slow(self); /* returns if it was a canary, intact */
}

/* After a callback ran on whichever stack the loop is on. */
SIMI_INLINE void simi_check_stack(sim_env *env)
{
    const sim_proc *p = env->on_stack;
    if (p && __builtin_expect(p->guard != SIMI_CANARY, 0) && p->guard != SIMI_CANARY_PACKED)
        simi_guard_check_slow(p);
}

/* One switch per wakeup. There is no scheduler coroutine in the middle: the context that
 * leaves (a process that waits or finished, or the scheduler side of sim_run) runs the
 * event loop itself (simi_next) and jumps straight to the process it resumes, or to the
 * scheduler side when the run must return; a process whose own wakeup is next does not
 * switch at all. Every jump hands over the context that jumped (data: the leaving
 * process, tagged with 2 when it finished, or the environment tagged with 1 for the
 * scheduler side), and the arriving side stores its suspended context: each context is
 * saved exactly where it will be resumed from, and a finished process's stack is
 * released only after it was left for good (simi_coro_after_switch, run by whoever it
 * handed over to). The tags cost the common case nothing: one test of the data. */

_Static_assert(_Alignof(sim_proc) >= 4, "jump tags use the two low bits of a process");

SIMI_INLINE void *simi_jump_tag(sim_env *env, sim_proc *self, int final)
{
    return self ? (void *)((uintptr_t)self | (final ? 2u : 0u)) : (void *)((uintptr_t)env | 1);
}

/* The environment of a jump's data (simi_jump_tag). */
SIMI_INLINE sim_env *simi_jump_env(void *data)
{
    uintptr_t d = (uintptr_t)data;
    return d & 1 ? (sim_env *)(d & ~(uintptr_t)1) : ((sim_proc *)(d & ~(uintptr_t)2))->env;
}

/* After arriving on self's stack (NULL: the scheduler side's): store the context that
 * jumped here and do the rare work it left (a finished process's stack to release). */
SIMI_INLINE void simi_arrived(sim_env *env, sim_proc *self, simi_transfer t)
{
#ifdef PROCSIM_ASAN
    const void *bottom;
    size_t size;
    __sanitizer_finish_switch_fiber(self ? self->asan_fake_stack : env->asan_fake_stack,
                                    &bottom, &size);
#endif
    env->on_stack = self;
    uintptr_t d = (uintptr_t)t.data;
    if (d & 3) {
        if (d & 1) {
            env->sched_ctx = t.fctx;
#ifdef PROCSIM_ASAN
            env->sched_stack_bottom = (void *)bottom;
            env->sched_stack_size = size;
#endif
        } else {
            simi_coro_after_switch(env, (sim_proc *)(d & ~(uintptr_t)2)); /* it finished */
        }
        return;
    }
    ((sim_proc *)t.data)->ctx = t.fctx;
}

/* Leave self (NULL: the scheduler side) for process `to` (NULL: the scheduler side), and
 * return when something switches back to self. final: self finished, never resumed. */
SIMI_INLINE void simi_switch(sim_env *env, sim_proc *self, sim_proc *to, int final)
{
    env->active = to;
#ifdef PROCSIM_ASAN
    void **fake = final ? NULL : self ? &self->asan_fake_stack : &env->asan_fake_stack;
    if (to)
        __sanitizer_start_switch_fiber(fake, to->stack->base, to->stack->size);
    else
        __sanitizer_start_switch_fiber(fake, env->sched_stack_bottom, env->sched_stack_size);
#else
    (void)final;
#endif
#ifdef PROCSIM_TSAN
    __tsan_switch_to_fiber(to ? to->tsan_fiber : env->tsan_sched_fiber, 0);
#endif
    simi_transfer t = jump_fcontext(to ? to->ctx : env->sched_ctx, simi_jump_tag(env, self, final));
    simi_arrived(env, self, t);
}

/* With thousands of processes each wakeup touches a process and a stack that are not in
 * cache (nor in the TLB). The events due next are known: the rest of the bucket the loop
 * takes them from. So it fetches the event (and the line of its process the switch reads)
 * SIMI_AHEAD_FAR wakeups ahead, and once that has arrived, SIMI_AHEAD_NEAR wakeups ahead,
 * the context saved on that process's stack (and the canary at its bottom, on a stack
 * past the guard budget: a packed stack's guard word is in its switch line): all are in
 * cache when their turn comes. The saved context is 64 bytes from ctx up, one line or
 * two as the waiting call's stack pointer falls; only those are fetched, since with
 * 100,000 processes the loop is bound by the misses it can have in flight. */
#ifndef SIMI_AHEAD_NEAR
#define SIMI_AHEAD_NEAR 4
#endif
#ifndef SIMI_AHEAD_FAR
#define SIMI_AHEAD_FAR 8
#endif

SIMI_INLINE void simi_prefetch_ahead(const simi_bucket *b)
{
    if (b->end - b->rest <= SIMI_AHEAD_FAR)
        return; /* the last few of a bucket: not worth a second test */
    const char *far = (const char *)b->rest[SIMI_AHEAD_FAR];
    __builtin_prefetch(far); /* one line (pools align events) */
    /* If it is a sleep (most are), its process's switch line, the one after it (simi.h):
     * prefetching a wrong address is harmless. */
    __builtin_prefetch(far + 64);
    const sim_event *near = b->rest[SIMI_AHEAD_NEAR];
    if (near->kind == SIMI_SLEEP) {
        const sim_proc *p = near->aux;
        const char *top = p->ctx;
        __builtin_prefetch(top);
        __builtin_prefetch(top + 63); /* the same line when ctx is line-aligned */
        if (p->guard != SIMI_CANARY && p->guard != SIMI_CANARY_PACKED)
            __builtin_prefetch((const void *)(uintptr_t)p->guard); /* a bottom canary */
    }
}

/* The event loop: events in (time, priority, seq) order until one resumes a process,
 * which it returns (its wake set); NULL when the run must return to the scheduler side
 * (env->loop_st says why). The common case, a process's own timeout heading the queue
 * with nothing else pending, is inline here; everything else is simi_next_slow (env.c). */
SIMI_INLINE sim_proc *simi_next(sim_env *env)
{
    simi_evq *q = &env->queue;
    /* One test for the three pointers (no current event, both lanes empty): they sit
     * together in the environment, so loading all three costs less than three branches. */
    uintptr_t busy = (uintptr_t)env->cur | (uintptr_t)q->urg_head | (uintptr_t)q->now_head;
    if (__builtin_expect(!busy && q->len && !simi_loop_halts(env), 1)) {
        simi_heap_entry *top = &q->heap[0];
        sim_event *ev = top->head;
        sim_proc *p = ev->aux;
        if (ev->kind == SIMI_SLEEP && p->target == ev) {
            simi_bucket *b = top->b;
            env->now = top->time;
            env->processed++;
            if (b->rest == b->end) {
                simi_evq_drop_top(q);
            } else {
                top->head = *b->rest++;
                simi_prefetch_ahead(b);
            }
            ev->state = SIMI_PROCESSED; /* reusable from here on */
            ev->refs = 0;
            p->wake = ev;
            return p;
        }
    }
    return simi_next_slow(env);
}

/* Process self waits: run the loop here and hand over to whoever comes next. When that is
 * self (its own timeout is next, say) it just goes on, without a switch. The caller
 * checked self's guard (simi_check_guard) before it touched anything of self. */
SIMI_INLINE void simi_yield(sim_env *env, sim_proc *self)
{
    env->active = NULL; /* hooks run as on the scheduler side */
    sim_proc *next = simi_next(env);
    if (next == self) {
        env->active = self;
        return;
    }
    simi_switch(env, self, next, 0);
}

#endif
