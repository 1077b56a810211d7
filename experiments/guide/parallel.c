/* Guide example 05, parallel: a process starts three tasks at once and waits for all.
 *
 * sim_all_of() is an event that succeeds when every event in its list has succeeded
 * (Python's `task1 & task2 & task3`, which nests two conditions; one flat all_of over
 * the three processes waits for the same thing). Each task's return value is then read
 * from the finished process's event with sim_value().
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

static void *parallel_coordinator(sim_proc *self, void *arg)
{
    task_args *tasks = arg; /* N_TASKS of them */
    sim_env *env = sim_proc_env(self);
    sim_proc *procs[N_TASKS] = {NULL};
    sim_event *done[N_TASKS];
    sim_event *all = NULL;
    sim_status st = SIM_OK;

    /* Start all tasks; they begin, in this order, once the coordinator waits. */
    for (int i = 0; i < N_TASKS && st == SIM_OK; i++) {
        procs[i] = sim_process(env, tasks[i].name, task, &tasks[i]);
        if (procs[i])
            done[i] = sim_proc_event(procs[i]);
        else
            st = SIM_ENOMEM;
    }
    if (st == SIM_OK && !(all = sim_all_of(env, done, N_TASKS)))
        st = SIM_ENOMEM;

    /* Wait for all to complete. */
    if (st == SIM_OK)
        st = sim_wait(self, all, NULL);
    if (st == SIM_OK) {
        sim_trace(env, "All tasks completed at %s\n", sim_fmt_time(sim_now(env)).s);
        for (int i = 0; i < N_TASKS; i++)
            sim_trace(env, "%s result: %s\n", tasks[i].name,
                      (const char *)sim_value(sim_proc_event(procs[i])));
    }

    if (all)
        sim_unref(all);
    for (int i = 0; i < N_TASKS; i++)
        if (procs[i])
            sim_unref(sim_proc_event(procs[i]));
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static sim_status parallel_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    task_args tasks[N_TASKS] = {
        {.name = "Task 1", .duration = 5},
        {.name = "Task 2", .duration = 3},
        {.name = "Task 3", .duration = 4},
    };

    sim_status st = sim_spawn(env, "coordinator", parallel_coordinator, tasks);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric parallel_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_parallel = {
    .name = "parallel",
    .help = "guide 05: a coordinator starts three tasks and waits for all of them",
    .metrics = parallel_metrics,
    .n_metrics = 1,
    .replicate = parallel_replicate,
};
