/* Guide example 07, basic interrupt: one process cuts another's wait short.
 *
 * sim_interrupt() is Python's `process.interrupt(cause)`: the target's current wait
 * returns SIM_INTERRUPTED (where Python raises simpy.Interrupt) and
 * sim_interrupt_cause() gives the cause. The worker's 10-unit timeout is left alone and
 * still fires at 10 with no one waiting, so the run ends at 10.
 *
 * Any other unexpected status (out of memory, interrupting a finished process) makes the
 * process fail with it, which stops the run the way an uncaught Python exception does. */
#include "experiments.h"

static void *worker(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);

    sim_trace(env, "Worker: Starting long task at %s\n", sim_fmt_time(sim_now(env)).s);
    sim_status st = sim_sleep(self, 10);
    if (st == SIM_OK) {
        sim_trace(env, "Worker: Task completed at %s\n", sim_fmt_time(sim_now(env)).s);
    } else if (st == SIM_INTERRUPTED) {
        sim_trace(env, "Worker: Interrupted at %s\n", sim_fmt_time(sim_now(env)).s);
        sim_trace(env, "Interrupt cause: %s\n", (const char *)sim_interrupt_cause(self));
    } else {
        return sim_exit_fail(self, (int)st);
    }
    return NULL;
}

static void *interrupter(sim_proc *self, void *arg)
{
    sim_proc *target_process = arg; /* borrowed: replicate() holds the handle */
    sim_env *env = sim_proc_env(self);
    sim_status st;

    if ((st = sim_sleep(self, 5)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "Interrupter: Interrupting worker at %s\n", sim_fmt_time(sim_now(env)).s);
    if ((st = sim_interrupt(target_process, (void *)"Higher priority task")) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    return NULL;
}

static sim_status basic_interrupt_replicate(sim_env *env, const double *params,
                                            double *metrics)
{
    (void)params;
    /* The interrupter needs the worker's handle, so keep it until the run is over. */
    sim_proc *worker_process = sim_process(env, "worker", worker, NULL);
    if (!worker_process)
        return SIM_ENOMEM;

    sim_status st = sim_spawn(env, "interrupter", interrupter, worker_process);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    sim_unref(sim_proc_event(worker_process));
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric basic_interrupt_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_basic_interrupt = {
    .name = "basic_interrupt",
    .help = "guide 07: an interrupter cuts a worker's long task short",
    .metrics = basic_interrupt_metrics,
    .n_metrics = 1,
    .replicate = basic_interrupt_replicate,
};
