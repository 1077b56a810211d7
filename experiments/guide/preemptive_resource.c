/* Guide example 10, preemptive resource: a high-priority user takes the resource from a
 * low-priority one.
 *
 * Both users start at 0 on a PreemptiveResource of capacity 1. The low-priority user's
 * request is granted at once, but before it resumes the high-priority request (a lower
 * number) preempts it: the holder is interrupted while still waiting on its granted
 * request, so it never prints "Got resource". Its interrupt cause is a sim_preempted
 * saying who took the slot and since when the holder had it.
 *
 * The Python `with` block becomes sim_release() on every path out: it frees a held slot,
 * withdraws a waiting request, and is harmless after a preemption. Any other unexpected
 * status makes the process fail with it, which stops the run.                          */
#include "experiments.h"

typedef struct {
    const char *name;
    sim_resource *resource;
    int priority;
    double duration;
} user_arg;

static void *user(sim_proc *self, void *arg)
{
    const user_arg *u = arg;
    sim_env *env = sim_proc_env(self);

    sim_event *req = sim_request_prio(u->resource, u->priority, 1);
    if (!req)
        return sim_exit_fail(self, SIM_ENOMEM);
    sim_status st = sim_wait(self, req, NULL);
    if (st == SIM_OK) {
        sim_trace(env, "%s (priority %d): Got resource at %s\n", u->name, u->priority,
                  sim_fmt_time(sim_now(env)).s);
        st = sim_sleep(self, u->duration);
        if (st == SIM_OK)
            sim_trace(env, "%s: Done at %s\n", u->name, sim_fmt_time(sim_now(env)).s);
    }
    if (st == SIM_INTERRUPTED) /* the cause is a sim_preempted; this user only reports */
        sim_trace(env, "%s: Preempted at %s\n", u->name, sim_fmt_time(sim_now(env)).s);
    sim_release(u->resource, req);
    sim_unref(req);
    if (st != SIM_OK && st != SIM_INTERRUPTED)
        return sim_exit_fail(self, (int)st);
    return NULL;
}

static sim_status preemptive_resource_replicate(sim_env *env, const double *params,
                                                double *metrics)
{
    (void)params;
    sim_resource *resource = sim_preemptive_resource_new(env, 1);
    if (!resource)
        return SIM_EINVAL;
    user_arg low = {"Low priority user", resource, 10, 10};
    user_arg high = {"High priority user", resource, 1, 5};

    sim_status st = sim_spawn(env, low.name, user, &low);
    if (st == SIM_OK)
        st = sim_spawn(env, high.name, user, &high);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    metrics[0] = sim_now(env);
    sim_resource_free(resource);
    return st;
}

static const exp_metric preemptive_resource_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_preemptive_resource = {
    .name = "preemptive_resource",
    .help = "guide 10: a high-priority user preempts a low-priority one on a resource",
    .metrics = preemptive_resource_metrics,
    .n_metrics = 1,
    .replicate = preemptive_resource_replicate,
};
