/* The coroutine switch, inlined into the scheduler loop and the waiting calls.
 *
 * fcontext's jump does not return through `ret`, so every function frame that is open
 * across a switch returns with a mispredicted return address afterwards (about 20 cycles
 * each). The scheduler therefore jumps straight from its loop (env.c) and a process from
 * sim_wait/sim_sleep (process.c): these helpers are always inlined, and the rare work
 * after a switch (a finished process, a broken canary) goes out of line.
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

#define SIMI_CANARY 0x5eb1c0de5eb1c0deULL

void simi_coro_after_switch(sim_env *env, sim_proc *p); /* coro.c */
void simi_report_overflow(sim_env *env, sim_proc *p);

/* Scheduler -> process p, until p waits again or finishes. */
SIMI_INLINE void simi_switch_to(sim_env *env, sim_proc *p)
{
    env->active = p;
#ifdef PROCSIM_ASAN
    __sanitizer_start_switch_fiber(&env->asan_fake_stack, p->stack->base, p->stack->size);
#endif
#ifdef PROCSIM_TSAN
    __tsan_switch_to_fiber(p->tsan_fiber, 0);
#endif
    simi_transfer t = jump_fcontext(p->ctx, p);
#ifdef PROCSIM_ASAN
    __sanitizer_finish_switch_fiber(env->asan_fake_stack, NULL, NULL);
#endif
    p->ctx = t.fctx;
    env->active = NULL;
    if (__builtin_expect(p->after_switch, 0))
        simi_coro_after_switch(env, p);
}

/* On p's stack, just after a switch into it. */
SIMI_INLINE void simi_arrived_in_process(sim_env *env, sim_proc *p, simi_transfer t)
{
    env->sched_ctx = t.fctx;
#ifdef PROCSIM_ASAN
    const void *bottom;
    size_t size;
    __sanitizer_finish_switch_fiber(p->asan_fake_stack, &bottom, &size);
    env->sched_stack_bottom = (void *)bottom;
    env->sched_stack_size = size;
#else
    (void)p;
#endif
}

/* On p's stack, just before switching to the scheduler (final: p will never run again). */
SIMI_INLINE void simi_leave_process(sim_env *env, sim_proc *p, int final)
{
#ifdef PROCSIM_ASAN
    __sanitizer_start_switch_fiber(final ? NULL : &p->asan_fake_stack, env->sched_stack_bottom,
                                   env->sched_stack_size);
#else
    (void)p;
    (void)final;
#endif
#ifdef PROCSIM_TSAN
    __tsan_switch_to_fiber(env->tsan_sched_fiber, 0);
#endif
    (void)env;
}

/* Process p -> scheduler, until something resumes p. */
SIMI_INLINE void simi_yield(sim_env *env, sim_proc *p)
{
    simi_leave_process(env, p, 0);
    simi_transfer t = jump_fcontext(env->sched_ctx, NULL);
    simi_arrived_in_process(env, p, t);
}

#endif
