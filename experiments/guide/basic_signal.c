/* Guide example 01, basic signal: one process wakes another through a shared event.
 *
 * The controller prepares for 5 time units, then succeeds the shared `signal` event;
 * the worker waits on that event, then works for 3 units. An event is a one-shot
 * signal: whoever waits on it is resumed when it is processed, in the order they
 * started waiting.
 *
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory; then the
 * process fails with that status, which stops the run the way an uncaught Python
 * exception stops env.run().                                                          */
#include "experiments.h"

static void *controller(sim_proc *self, void *arg)
{
    sim_event *signal = arg; /* borrowed: replicate() owns it */
    sim_env *env = sim_proc_env(self);
    sim_status st;

    sim_trace(env, "Controller: Preparing at %s\n", sim_fmt_time(sim_now(env)).s);
    if ((st = sim_sleep(self, 5)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "Controller: Sending signal at %s\n", sim_fmt_time(sim_now(env)).s);
    if ((st = sim_succeed(signal, NULL)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    return NULL;
}

static void *worker(sim_proc *self, void *arg)
{
    sim_event *signal = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st;

    sim_trace(env, "Worker: Waiting for signal at %s\n", sim_fmt_time(sim_now(env)).s);
    if ((st = sim_wait(self, signal, NULL)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "Worker: Received signal, starting work at %s\n",
              sim_fmt_time(sim_now(env)).s);
    if ((st = sim_sleep(self, 3)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "Worker: Work complete at %s\n", sim_fmt_time(sim_now(env)).s);
    return NULL;
}

static sim_status basic_signal_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    sim_event *signal = sim_event_new(env);
    if (!signal)
        return SIM_ENOMEM;

    /* Start order is creation order: the controller prints first. */
    sim_status st = sim_spawn(env, "controller", controller, signal);
    if (st == SIM_OK)
        st = sim_spawn(env, "worker", worker, signal);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    sim_unref(signal);
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric basic_signal_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_basic_signal = {
    .name = "basic_signal",
    .help = "guide 01: a controller wakes a worker through a shared event",
    .metrics = basic_signal_metrics,
    .n_metrics = 1,
    .replicate = basic_signal_replicate,
};
