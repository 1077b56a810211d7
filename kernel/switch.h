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

#define SIMI_CANARY 0x5eb1c0de5eb1c0deULL
#define SIMI_INLINE static inline __attribute__((always_inline))

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
