/* Kernel: floating-point state across switches (x86-64). Every context of an environment
 * holds the same MXCSR exception flags, so no switch pays the stall some x86 CPUs take
 * when ldmxcsr changes the register; control bits (the rounding mode) stay each
 * process's own; sim_run gives the caller its own flags back. See sim.h.            */
#include "kernel_fixture.h"

#if defined(__x86_64__)
#include <fenv.h>
#include <xmmintrin.h>

#define FLAGS 0x3fu /* the six MXCSR exception flags */

/* An operation that raises "inexact" (1/3 does not round exactly). */
static double inexact(void)
{
    volatile double one = 1.0, three = 3.0;
    return one / three;
}

typedef struct {
    unsigned start, after_sleep;
} seen;

static void *record_mxcsr(sim_proc *self, void *arg)
{
    seen *s = arg;
    s->start = _mm_getcsr();
    sim_sleep(self, 1);
    s->after_sleep = _mm_getcsr();
    return NULL;
}

/* A hook runs on the scheduler side: what it reads is the scheduler's MXCSR. */
typedef struct {
    sim_hook hook;
    unsigned mxcsr;
} sched_probe;

static void probe_scheduler(sim_hook *h, sim_event *ev)
{
    (void)ev;
    ((sched_probe *)(void *)h)->mxcsr = _mm_getcsr();
}

static void *child_of(sim_proc *self, void *arg)
{
    (void)self;
    *(unsigned *)arg = _mm_getcsr();
    return NULL;
}

static unsigned child_mxcsr;

static void *spawner(sim_proc *self, void *arg)
{
    (void)arg;
    feclearexcept(FE_ALL_EXCEPT); /* the parent's own flags... */
    sim_spawn(sim_proc_env(self), "child", child_of, &child_mxcsr);
    sim_sleep(self, 1);
    return NULL;
}

/* Processes started before and after the caller raised "inexact", and one started by a
 * process that cleared its flags, all run with the scheduler's MXCSR. */
static void test_every_context_holds_the_schedulers_mxcsr(void **state)
{
    kfix *f = *state;
    seen before = {0, 0}, after = {0, 0};
    feclearexcept(FE_ALL_EXCEPT);
    sim_spawn(f->env, "before", record_mxcsr, &before);
    double x = inexact();
    assert_true(x > 0.33);
    sim_spawn(f->env, "after", record_mxcsr, &after);
    sim_spawn(f->env, "spawner", spawner, NULL);
    sched_probe probe = {{NULL, probe_scheduler}, 0};
    sim_event *t = sim_timeout(f->env, 1, NULL);
    sim_event_hook(t, &probe.hook);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    sim_unref(t);

    unsigned sched = probe.mxcsr;
    assert_int_equal(sched & FLAGS, FLAGS);
    assert_int_equal(before.start, sched);
    assert_int_equal(before.after_sleep, sched);
    assert_int_equal(after.start, sched);
    assert_int_equal(after.after_sleep, sched);
    assert_int_equal(child_mxcsr, sched);
}

/* What a model sees: inside a process fetestexcept reports every exception raised. */
static void *test_exceptions(sim_proc *self, void *arg)
{
    (void)self;
    *(int *)arg = fetestexcept(FE_ALL_EXCEPT);
    return NULL;
}

static void test_fetestexcept_in_a_process_reports_all_exceptions_raised(void **state)
{
    kfix *f = *state;
    feclearexcept(FE_ALL_EXCEPT);
    int raised = 0;
    sim_spawn(f->env, "tester", test_exceptions, &raised);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(raised & FE_ALL_EXCEPT, FE_ALL_EXCEPT);
}

/* The flags a process raises do not leak to the caller of sim_run, nor do the kernel's. */
static void *raise_inexact(sim_proc *self, void *arg)
{
    (void)arg;
    double x = inexact();
    sim_sleep(self, x);
    return NULL;
}

static void test_sim_run_and_sim_step_give_the_caller_its_own_flags_back(void **state)
{
    kfix *f = *state;
    sim_spawn(f->env, "raiser", raise_inexact, NULL);
    feclearexcept(FE_ALL_EXCEPT);
    assert_int_equal(sim_step(f->env), SIM_OK);
    assert_int_equal(fetestexcept(FE_ALL_EXCEPT), 0);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(fetestexcept(FE_ALL_EXCEPT), 0);

    sim_spawn(f->env, "raiser", raise_inexact, NULL);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    feclearexcept(FE_ALL_EXCEPT);
}

/* Control bits are each context's own (Boost's meaning): a process that rounds upward
 * keeps rounding upward across its waits while the others round to nearest. */
typedef struct {
    int mode;
    int ok; /* rounds of checks that saw the process's own mode */
} rounder;

static void *round_in_mode(sim_proc *self, void *arg)
{
    rounder *r = arg;
    fesetround(r->mode);
    for (int i = 0; i < 5; i++) {
        sim_sleep(self, 1);
        /* fegetround reads the x87 control word, the SSE arithmetic uses MXCSR's RC
         * bits (13-14, the FE_* value shifted by 3): both are switched per context. */
        unsigned rc = _mm_getcsr() & 0x6000u;
        double third = inexact(); /* 1/3 to nearest rounds down, as toward zero does */
        int rounded_up = third > 0x1.5555555555555p-2;
        if (fegetround() == r->mode && rc == (unsigned)r->mode << 3 &&
            rounded_up == (r->mode == FE_UPWARD))
            r->ok++;
    }
    fesetround(FE_TONEAREST);
    return NULL;
}

static void test_a_process_keeps_its_own_rounding_mode_across_switches(void **state)
{
    kfix *f = *state;
    rounder up = {FE_UPWARD, 0}, near = {FE_TONEAREST, 0}, zero = {FE_TOWARDZERO, 0};
    sim_spawn(f->env, "up", round_in_mode, &up);
    sim_spawn(f->env, "near", round_in_mode, &near);
    sim_spawn(f->env, "zero", round_in_mode, &zero);
    assert_int_equal(sim_run(f->env, -1), SIM_OK);
    assert_int_equal(up.ok, 5);
    assert_int_equal(near.ok, 5);
    assert_int_equal(zero.ok, 5);
    assert_int_equal(fegetround(), FE_TONEAREST);
}
#endif

int main(void)
{
#if defined(__x86_64__)
    if (RUNNING_ON_VALGRIND) {
        /* Its CPU model keeps no MXCSR exception flags and no SSE rounding modes. */
        print_message("valgrind does not model MXCSR flags or rounding: nothing to test\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_context_holds_the_schedulers_mxcsr,
                                        kfix_setup, kfix_teardown),
        cmocka_unit_test_setup_teardown(
            test_fetestexcept_in_a_process_reports_all_exceptions_raised, kfix_setup,
            kfix_teardown),
        cmocka_unit_test_setup_teardown(
            test_sim_run_and_sim_step_give_the_caller_its_own_flags_back, kfix_setup,
            kfix_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_process_keeps_its_own_rounding_mode_across_switches, kfix_setup,
            kfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#else
    print_message("MXCSR is x86-64 only: nothing to test here\n");
    return 0;
#endif
}
