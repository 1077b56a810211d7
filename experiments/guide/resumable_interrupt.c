/* Guide example 08, resumable interrupt: a worker keeps track of the work left and
 * resumes after each interruption.
 *
 * An interruption ends the wait, not the process: the worker catches SIM_INTERRUPTED,
 * subtracts the time it did work, and starts a new timeout for the rest. The work left
 * is printed the way Python prints it (10, 7, 5), through sim_fmt_time like a time.
 *
 * Any other unexpected status (out of memory, interrupting a finished process) makes the
 * process fail with it, which stops the run.                                           */
#include "experiments.h"

static void *resumable_worker(sim_proc *self, void *arg)
{
    (void)arg;
    sim_env *env = sim_proc_env(self);
    double work_left = 10;

    while (work_left > 0) {
        sim_trace(env, "Worker: Working (%s units left) at %s\n", sim_fmt_time(work_left).s,
                  sim_fmt_time(sim_now(env)).s);
        double start = sim_now(env);
        sim_status st = sim_sleep(self, work_left);
        if (st == SIM_OK) {
            work_left = 0;
            sim_trace(env, "Worker: Completed at %s\n", sim_fmt_time(sim_now(env)).s);
        } else if (st == SIM_INTERRUPTED) {
            work_left -= sim_now(env) - start;
            sim_trace(env, "Worker: Interrupted! %s units left at %s\n",
                      sim_fmt_time(work_left).s, sim_fmt_time(sim_now(env)).s);
        } else {
            return sim_exit_fail(self, (int)st);
        }
    }
    return NULL;
}

static void *interrupter(sim_proc *self, void *arg)
{
    sim_proc *worker_proc = arg; /* borrowed: replicate() holds the handle */
    sim_status st;

    if ((st = sim_sleep(self, 3)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    if ((st = sim_interrupt(worker_proc, NULL)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    if ((st = sim_sleep(self, 2)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    if ((st = sim_interrupt(worker_proc, NULL)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    return NULL;
}

static sim_status resumable_interrupt_replicate(sim_env *env, const double *params,
                                                double *metrics)
{
    (void)params;
    /* The interrupter needs the worker's handle, so keep it until the run is over. */
    sim_proc *worker_proc = sim_process(env, "worker", resumable_worker, NULL);
    if (!worker_proc)
        return SIM_ENOMEM;

    sim_status st = sim_spawn(env, "interrupter", interrupter, worker_proc);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    sim_unref(sim_proc_event(worker_proc));
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric resumable_interrupt_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_resumable_interrupt = {
    .name = "resumable_interrupt",
    .help = "guide 08: a worker interrupted twice resumes with the work it has left",
    .metrics = resumable_interrupt_metrics,
    .n_metrics = 1,
    .replicate = resumable_interrupt_replicate,
};
