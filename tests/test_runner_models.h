/* Small experiments the runner tests (and bench/runner_overhead.c) run through the
 * runner library, so the runner is tested without depending on the real models.
 * Each is returned by a function so a test file that does not use one gets no warning. */
#ifndef PROCSIM_TEST_RUNNER_MODELS_H
#define PROCSIM_TEST_RUNNER_MODELS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "experiments.h"
#include "runner.h"

/* ---- sleepy: `sleeps` exponential(rate) sleeps; metrics: end time, and the end time
 * again only when it is past 1 (NaN otherwise: a metric some replications lack). ---- */
typedef struct {
    double rate;
    int sleeps;
} tm_sleepy_args;

static inline void *tm_sleeper(sim_proc *self, void *arg)
{
    tm_sleepy_args *a = arg;
    sim_rng *rng = sim_env_rng(sim_proc_env(self), 0);
    for (int i = 0; i < a->sleeps; i++) {
        sim_status st = sim_sleep(self, sim_rng_exponential(rng, a->rate));
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
    return NULL;
}

static inline sim_status tm_sleepy_replicate(sim_env *env, const double *params,
                                             double *metrics)
{
    tm_sleepy_args a = {params[0], (int)params[1]};
    sim_status st = sim_spawn(env, "sleeper", tm_sleeper, &a);
    if (st == SIM_OK)
        st = sim_run(env, -1);
    metrics[0] = sim_now(env);
    metrics[1] = sim_now(env) > 1.0 ? sim_now(env) : NAN;
    return st;
}

static inline int tm_sleepy_analytic(const double *params, size_t m, double *value)
{
    if (m != 0)
        return 0;
    *value = params[1] / params[0]; /* mean of a sum of exponentials */
    return 1;
}

#define TM_SLEEPY_PARAMS                                                                   \
    {{"rate", 1.0, 1e-3, 1e3, 0, "rate of each exponential sleep"},                         \
     {"sleeps", 1.0, 1.0, 1000.0, 1, "number of sleeps"}}
#define TM_SLEEPY_METRICS                                                                  \
    {{"end", "time the last sleep ended", 0},                                                \
     {"late", "the end time when it is past 1, else undefined", 0}}

static inline const exp_experiment *tm_sleepy(void)
{
    static const exp_param params[] = TM_SLEEPY_PARAMS;
    static const exp_metric metrics[] = TM_SLEEPY_METRICS;
    static const exp_experiment e = {"sleepy", "exponential sleeps", params, 2, metrics, 2,
                                     tm_sleepy_replicate, tm_sleepy_analytic, NULL, 0, 0};
    return &e;
}

/* ---- flaky: sleepy, but replication 3 (base seed 1) fails through a failed event
 * nobody waits on, the way a model error reaches the runner. ------------------------ */
#define TM_FLAKY_REP 3
#define TM_FLAKY_ERROR 42

static inline sim_status tm_flaky_replicate(sim_env *env, const double *params,
                                            double *metrics)
{
    sim_status st = tm_sleepy_replicate(env, params, metrics);
    if (st == SIM_OK && sim_env_seed(env) == runner_seed(1, 0, TM_FLAKY_REP, 1)) {
        sim_event *ev = sim_event_new(env);
        sim_fail(ev, TM_FLAKY_ERROR);
        sim_unref(ev);
        st = sim_run(env, -1);
    }
    return st;
}

static inline const exp_experiment *tm_flaky(void)
{
    static const exp_param params[] = TM_SLEEPY_PARAMS;
    static const exp_metric metrics[] = TM_SLEEPY_METRICS;
    static const exp_experiment e = {"flaky", "exponential sleeps; replication 3 fails",
                                     params, 2, metrics, 2, tm_flaky_replicate, NULL, NULL, 0, 0};
    return &e;
}

/* ---- empty: does nothing; measures what the runner itself costs. ------------------ */
static inline sim_status tm_empty_replicate(sim_env *env, const double *params,
                                            double *metrics)
{
    (void)env;
    (void)params;
    metrics[0] = 0.0;
    return SIM_OK;
}

static inline const exp_experiment *tm_empty(void)
{
    static const exp_metric metrics[] = {{"zero", "always 0", 0}};
    static const exp_experiment e = {"empty", "does nothing", NULL, 0, metrics, 1,
                                     tm_empty_replicate, NULL, NULL, 0, 0};
    return &e;
}

/* ---- spin: `work` thousand random draws, no simulated time: CPU-bound replications
 * for stopping and scaling. ---------------------------------------------------------- */
static inline sim_status tm_spin_replicate(sim_env *env, const double *params,
                                           double *metrics)
{
    sim_rng *rng = sim_env_rng(env, 0);
    double sum = 0.0;
    for (long i = 0; i < (long)params[0] * 1000; i++)
        sum += sim_rng_double(rng);
    metrics[0] = sum;
    return SIM_OK;
}

static inline const exp_experiment *tm_spin(void)
{
    static const exp_param params[] = {{"work", 100.0, 0.0, 1e6, 1, "thousands of draws"}};
    static const exp_metric metrics[] = {{"sum", "sum of the draws", 0}};
    static const exp_experiment e = {"spin", "CPU-bound draws", params, 1, metrics, 1,
                                     tm_spin_replicate, NULL, NULL, 0, 0};
    return &e;
}

/* ---- odd: names that need CSV quoting, and a trace. -------------------------------- */
static inline void *tm_odd_proc(sim_proc *self, void *arg)
{
    sim_env *env = sim_proc_env(self);
    (void)arg;
    sim_trace(env, "start at %s\n", sim_fmt_time(sim_now(env)).s);
    sim_sleep(self, 2.5);
    sim_trace(env, "end at %s\n", sim_fmt_time(sim_now(env)).s);
    return NULL;
}

static inline sim_status tm_odd_replicate(sim_env *env, const double *params, double *metrics)
{
    sim_status st = sim_spawn(env, "odd", tm_odd_proc, NULL);
    if (st == SIM_OK)
        st = sim_run(env, -1);
    metrics[0] = params[0];
    metrics[1] = sim_now(env);
    return st;
}

static inline const exp_experiment *tm_odd(void)
{
    static const exp_param params[] = {{"x", 0.5, -10.0, 10.0, 0, "copied to a,b"}};
    static const exp_metric metrics[] = {{"a,b", "the parameter", 0},
                                         {"say \"hi\"", "the end time", 0}};
    static const exp_experiment e = {"odd", "awkward names and a trace", params, 1, metrics, 2,
                                     tm_odd_replicate, NULL, NULL, 0, 0};
    return &e;
}

/* ---- stacks: a model that declares its stacks (exp_experiment.stack_size/layout).
 * `gap` is how far apart two processes' frames at the same depth are: stack_size + 384
 * exactly when the stacks are packed (sim.h). `deep` is 1 when a process got through a
 * 160 KiB frame, which needs more than the kernel's default 64 KiB stack. ---- */
static inline void *tm_frame_at(sim_proc *self, void *arg)
{
    /* The frame, not a local's address: ASan may move locals to its fake stack. */
    *(uintptr_t *)arg = (uintptr_t)__builtin_frame_address(0);
    sim_sleep(self, 1);
    return NULL;
}

static void *(*volatile tm_fill)(void *, int, size_t) = memset;

static inline void *tm_deep_frame(sim_proc *self, void *arg)
{
    volatile char frame[160 * 1024];
    tm_fill((void *)frame, 1, sizeof frame);
    sim_sleep(self, 1);
    *(double *)arg = frame[1000];
    return NULL;
}

static inline sim_status tm_stacks_replicate(sim_env *env, const double *params,
                                             double *metrics)
{
    (void)params;
    uintptr_t a = 0, b = 0;
    sim_status st = sim_spawn(env, "first", tm_frame_at, &a);
    if (st == SIM_OK)
        st = sim_spawn(env, "second", tm_frame_at, &b);
    if (st == SIM_OK)
        st = sim_spawn(env, "deep", tm_deep_frame, &metrics[1]);
    if (st == SIM_OK)
        st = sim_run(env, -1);
    metrics[0] = (double)a - (double)b;
    return st;
}

#define TM_STACKS_METRICS                                                                  \
    {{"gap", "distance between two processes' frames", 0},                                 \
     {"deep", "1 when a 160 KiB frame fitted", 0}}

/* 256 KiB packed stacks. */
static inline const exp_experiment *tm_packed(void)
{
    static const exp_metric metrics[] = TM_STACKS_METRICS;
    static const exp_experiment e = {
        .name = "packed", .help = "declares packed 256 KiB stacks", .metrics = metrics,
        .n_metrics = 2, .replicate = tm_stacks_replicate, .stack_size = 256 * 1024,
        .stack_layout = SIM_STACKS_PACKED};
    return &e;
}

#endif
