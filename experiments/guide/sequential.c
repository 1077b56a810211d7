/* Guide example 04, sequential: a process starts sub-processes one after another and
 * waits for each to finish.
 *
 * A process is also an event (sim_proc_event): waiting on it resumes the waiter when
 * the process has finished, with the process function's return value. Here each task
 * returns "<name> result", a string kept in its own arguments so it outlives the task.
 *
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory; then the
 * process fails with that status, which stops the run.                                */
#include <stdio.h>

#include "experiments.h"

#define N_TASKS 3

typedef struct {
    const char *name;
    double duration;
    char result[32]; /* the task's return value, written when it finishes */
} task_args;

static void *task(sim_proc *self, void *arg)
{
    task_args *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st;

    sim_trace(env, "%s: Starting at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    if ((st = sim_sleep(self, a->duration)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "%s: Completed at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    snprintf(a->result, sizeof a->result, "%s result", a->name);
    return a->result;
}

/* The Python coordinator spells out its three start-wait-print steps; this loops. */
static void *sequential_coordinator(sim_proc *self, void *arg)
{
    task_args *tasks = arg; /* N_TASKS of them */
    sim_env *env = sim_proc_env(self);

    for (int i = 0; i < N_TASKS; i++) {
        sim_proc *t = sim_process(env, tasks[i].name, task, &tasks[i]);
        if (!t)
            return sim_exit_fail(self, (int)SIM_ENOMEM);
        void *result;
        sim_status st = sim_wait(self, sim_proc_event(t), &result);
        sim_unref(sim_proc_event(t)); /* done with the handle either way */
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
        sim_trace(env, "Coordinator: %s\n", (const char *)result);
    }
    return NULL;
}

static sim_status sequential_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    task_args tasks[N_TASKS] = {
        {.name = "Task 1", .duration = 5},
        {.name = "Task 2", .duration = 3},
        {.name = "Task 3", .duration = 4},
    };

    sim_status st = sim_spawn(env, "coordinator", sequential_coordinator, tasks);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric sequential_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_sequential = {
    .name = "sequential",
    .help = "guide 04: a coordinator runs three tasks one after another",
    .metrics = sequential_metrics,
    .n_metrics = 1,
    .replicate = sequential_replicate,
};
