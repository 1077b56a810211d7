/* Guide example 02, multiple waiters: one event wakes every process waiting on it.
 *
 * Three listeners wait on the same broadcast event; when the broadcaster succeeds it
 * with the value "Go!", all three resume at the same time, in the order they started
 * waiting, and each receives the value through sim_wait's out-parameter.
 *
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory; then the
 * process fails with that status, which stops the run.                                */
#include <stdio.h>

#include "experiments.h"

#define N_LISTENERS 3

typedef struct {
    char name[16];     /* "Listener 1" ... */
    sim_event *signal; /* borrowed: replicate() owns it */
} listener_args;

static void *broadcaster(sim_proc *self, void *arg)
{
    sim_event *signal = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st;

    if ((st = sim_sleep(self, 5)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "Broadcasting signal at %s\n", sim_fmt_time(sim_now(env)).s);
    /* The value is a static string: it outlives every listener. */
    if ((st = sim_succeed(signal, (void *)"Go!")) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    return NULL;
}

static void *listener(sim_proc *self, void *arg)
{
    listener_args *a = arg;
    sim_env *env = sim_proc_env(self);
    void *msg;
    sim_status st;

    sim_trace(env, "%s: Waiting at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    if ((st = sim_wait(self, a->signal, &msg)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "%s: Received \"%s\" at %s\n", a->name, (const char *)msg,
              sim_fmt_time(sim_now(env)).s);
    if ((st = sim_sleep(self, 2)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "%s: Done at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    return NULL;
}

static sim_status multiple_waiters_replicate(sim_env *env, const double *params,
                                             double *metrics)
{
    (void)params;
    listener_args listeners[N_LISTENERS]; /* live until the run is over */
    sim_event *broadcast_signal = sim_event_new(env);
    if (!broadcast_signal)
        return SIM_ENOMEM;

    sim_status st = sim_spawn(env, "broadcaster", broadcaster, broadcast_signal);
    for (int i = 0; i < N_LISTENERS && st == SIM_OK; i++) {
        snprintf(listeners[i].name, sizeof listeners[i].name, "Listener %d", i + 1);
        listeners[i].signal = broadcast_signal;
        st = sim_spawn(env, listeners[i].name, listener, &listeners[i]);
    }
    if (st == SIM_OK)
        st = sim_run(env, -1);

    sim_unref(broadcast_signal);
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric multiple_waiters_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_multiple_waiters = {
    .name = "multiple_waiters",
    .help = "guide 02: one broadcast event wakes three listeners at once",
    .metrics = multiple_waiters_metrics,
    .n_metrics = 1,
    .replicate = multiple_waiters_replicate,
};
