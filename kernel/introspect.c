/* Read-only views of kernel state with SimPy's meaning (issue 11): an event's defused
 * flag and outcome, the event a process waits on (Process.target), the status of the
 * last error, and the handle helpers that go with them. All O(1).                   */
#include "simi.h"

int sim_is_defused(const sim_event *ev)
{
    return ev ? ev->defused : 0;
}

sim_status sim_event_result(const sim_event *ev, void **value)
{
    if (value)
        *value = NULL;
    if (!ev)
        return SIM_EINVAL;
    if (ev->state == SIMI_PENDING)
        return simi_misuse(ev->env, SIM_ESTATE,
                           "sim_event_result: the event has not been triggered yet");
    if (!ev->ok)
        return SIM_FAILED;
    if (value)
        *value = ev->value;
    return SIM_OK;
}

/* A sleep's event is private to its process until it is shown here; from then on others
 * may wait on it, hook it or hold it, as on SimPy's Timeout (process.c). That changes
 * how the kernel keeps the event, nothing a model can see, hence the const.           */
sim_event *sim_proc_target(const sim_proc *p)
{
    if (!p || !p->alive)
        return NULL;
    sim_event *t = p->target;
    if (t && (t->kind == SIMI_SLEEP || t->kind == SIMI_SLEEP_POOLED))
        simi_sleep_watch((sim_proc *)p, t);
    return t;
}

void sim_proc_unref(sim_proc *p)
{
    if (p)
        sim_unref(&p->ev);
}

sim_status sim_env_status(const sim_env *env)
{
    return env ? env->status : SIM_EINVAL;
}
