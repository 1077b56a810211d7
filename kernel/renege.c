/* Reneging in one call: wait for a request, put or get, but at most `patience`, and
 * withdraw it cleanly when patience runs out or an interrupt arrives.
 *
 * This is SimPy's `results = yield req | env.timeout(patience)` followed by the `with`
 * block's exit, written once: the same two events, an any_of over them, and the same
 * test `req in results` (the condition's value, taken when it is processed), so traces
 * match SimPy's event for event. Built on the public API only.                      */
#include "sim.h"

#include <math.h>

typedef sim_status (*withdraw_fn)(void *owner, sim_event *ev);

static sim_status withdraw_request(void *r, sim_event *ev)
{
    return sim_release(r, ev);
}

static sim_status withdraw_store(void *s, sim_event *ev)
{
    return sim_store_cancel(s, ev);
}

static sim_status withdraw_container(void *c, sim_event *ev)
{
    return sim_container_cancel(c, ev);
}

/* keep_triggered: a put or get that was carried out (triggered ok) counts as done even
 * when the condition's value missed it, since withdrawing it could no longer undo the
 * item or amount moved (SimPy loses the item there). A resource request is withdrawn
 * instead, exactly as SimPy does, which gives its slot to the next in line.        */
static sim_status within(sim_proc *self, void *owner, sim_event *ev, double patience,
                         int *done, withdraw_fn withdraw, int keep_triggered)
{
    int ok = 0;
    if (done)
        *done = 0;
    if (!self || !owner || !ev)
        return SIM_EINVAL;
    sim_env *env = sim_proc_env(self);
    if (!(patience >= 0.0)) {
        sim_env_set_error(env, "patience must be >= 0 (got %g)", patience);
        return SIM_EINVAL;
    }
    sim_status st;
    if (isinf(patience)) {
        st = sim_wait(self, ev, NULL);
        ok = st == SIM_OK;
    } else {
        sim_event *timer = sim_timeout(env, patience, NULL);
        if (!timer)
            return SIM_ENOMEM;
        sim_event *pair[2] = {ev, timer};
        sim_event *cond = sim_any_of(env, pair, 2);
        sim_unref(timer); /* the queue keeps it until it fires, harmlessly */
        if (!cond)
            return SIM_ENOMEM;
        st = sim_wait(self, cond, NULL);
        if (st == SIM_OK)
            sim_condition_lookup(cond, ev, &ok);
        sim_unref(cond);
    }
    if (!ok && keep_triggered && sim_is_triggered(ev) && sim_is_ok(ev))
        ok = 1;
    if (!ok)
        withdraw(owner, ev);
    if (done)
        *done = ok;
    return st; /* sim_wait's: OK, INTERRUPTED, FAILED, or its misuse status */
}

sim_status sim_request_within(sim_proc *self, sim_resource *r, sim_event *req,
                              double patience, int *granted)
{
    return within(self, r, req, patience, granted, withdraw_request, 0);
}

sim_status sim_store_get_within(sim_proc *self, sim_store *s, sim_event *get,
                                double patience, int *got)
{
    return within(self, s, get, patience, got, withdraw_store, 1);
}

sim_status sim_container_get_within(sim_proc *self, sim_container *c, sim_event *get,
                                    double patience, int *got)
{
    return within(self, c, get, patience, got, withdraw_container, 1);
}
