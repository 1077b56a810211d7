/* Guide example 06, first to complete: wait for whichever of three processes ends first.
 *
 * sim_any_of() is an event that succeeds as soon as one event in its list has succeeded
 * (Python's `server1 | server2 | server3`). Its value lists the events processed by the
 * time the condition is processed, in list order, so entry 0 is the first server to
 * answer. The other servers keep running: the condition does not stop them.
 *
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory; then the
 * process fails with that status, which stops the run.                                */
#include "experiments.h"

#define N_SERVERS 3

typedef struct {
    const char *name; /* also the server's return value */
    double processing_time;
} server_args;

static void *server(sim_proc *self, void *arg)
{
    server_args *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st;

    sim_trace(env, "%s: Starting request at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    if ((st = sim_sleep(self, a->processing_time)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "%s: Completed at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    return (void *)a->name;
}

static void *load_balancer(sim_proc *self, void *arg)
{
    server_args *servers = arg; /* N_SERVERS of them */
    sim_env *env = sim_proc_env(self);
    sim_proc *procs[N_SERVERS] = {NULL};
    sim_event *answers[N_SERVERS];
    sim_event *first = NULL;
    sim_status st = SIM_OK;

    /* Send the request to every server. */
    for (int i = 0; i < N_SERVERS && st == SIM_OK; i++) {
        procs[i] = sim_process(env, servers[i].name, server, &servers[i]);
        if (procs[i])
            answers[i] = sim_proc_event(procs[i]);
        else
            st = SIM_ENOMEM;
    }
    if (st == SIM_OK && !(first = sim_any_of(env, answers, N_SERVERS)))
        st = SIM_ENOMEM;

    /* Wait for the first to respond; it is the condition value's first entry. */
    if (st == SIM_OK)
        st = sim_wait(self, first, NULL);
    if (st == SIM_OK) {
        const char *winner = sim_condition_value(first, 0);
        sim_trace(env, "Load balancer: %s responded first at %s\n", winner,
                  sim_fmt_time(sim_now(env)).s);
    }

    /* Releasing the handles does not stop the servers still running. */
    if (first)
        sim_unref(first);
    for (int i = 0; i < N_SERVERS; i++)
        if (procs[i])
            sim_unref(sim_proc_event(procs[i]));
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static sim_status first_to_complete_replicate(sim_env *env, const double *params,
                                              double *metrics)
{
    (void)params;
    server_args servers[N_SERVERS] = {
        {"Server 1", 5},
        {"Server 2", 3},
        {"Server 3", 7},
    };

    sim_status st = sim_spawn(env, "load balancer", load_balancer, servers);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric first_to_complete_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_first_to_complete = {
    .name = "first_to_complete",
    .help = "guide 06: a load balancer takes the first of three servers to answer",
    .metrics = first_to_complete_metrics,
    .n_metrics = 1,
    .replicate = first_to_complete_replicate,
};
