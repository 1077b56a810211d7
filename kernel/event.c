/* Events: pooled allocation, reference counts, triggering and waiter lists.
 *
 * An event is pending, then triggered (ok or failed, in the queue), then processed (its
 * waiters ran). It triggers once; a second succeed/fail is SIM_ESTATE, as SimPy raises. */
#include <stdlib.h>
#include <string.h>

#include "simi.h"

#define EVENTS_PER_CHUNK 256

int simi_event_pool_grow(sim_env *env)
{
    size_t bytes = SIMI_CHUNK_BYTES(EVENTS_PER_CHUNK, sizeof(sim_event));
    if (simi_mem_charge(env, bytes) != 0)
        return -1;
    simi_chunk *c = malloc(bytes);
    if (!c) {
        simi_misuse(env, SIM_ENOMEM, "out of memory allocating an event");
        return -1;
    }
    c->next = env->chunks;
    env->chunks = c;
    sim_event *evs = simi_chunk_objects(c);
    for (size_t i = 0; i < EVENTS_PER_CHUNK; i++) {
        evs[i].env = env;
        evs[i].refs = 0;
        evs[i].next = env->free_events;
        env->free_events = &evs[i];
    }
    return 0;
}

void simi_pools_free(sim_env *env)
{
    while (env->chunks) {
        simi_chunk *c = env->chunks;
        env->chunks = c->next;
        free(c);
    }
    env->free_events = NULL;
    env->free_procs = NULL;
}

/* The last reference is gone (simi_event_release in simi.h): back to its pool. */
void simi_event_destroy(sim_event *ev)
{
    switch (ev->kind) {
    case SIMI_PROCESS:
        simi_proc_destroy((sim_proc *)ev);
        return;
    case SIMI_CONDITION:
        simi_condition_destroy(ev);
        return;
    case SIMI_INTERRUPT:
        simi_event_release(ev->aux); /* the target process */
        break;
    case SIMI_SLEEP_WATCHED:
        if (simi_sleep_unwatch(ev))
            return; /* embedded in its process */
        break;
    default:
        break;
    }
    sim_env *env = ev->env;
    ev->next = env->free_events;
    env->free_events = ev;
}

/* simi_schedule's way out when the queue cannot grow: the event can never run, so the
 * environment is marked unusable rather than silently losing it. */
void simi_schedule_failed(sim_event *ev)
{
    ev->refs--;
    if (ev->env->broken)
        return; /* over its memory budget: keep that message */
    simi_break(ev->env, SIM_ENOMEM);
    simi_misuse(ev->env, SIM_ENOMEM, "out of memory scheduling an event");
}

void simi_add_waiter(sim_event *ev, simi_waiter *w)
{
    w->next = NULL;
    *ev->wtail = w;
    ev->wtail = &w->next;
}

/* O(number of waiters), like SimPy's callbacks.remove. Returns 1 if w was found. */
int simi_remove_waiter(sim_event *ev, simi_waiter *w)
{
    for (simi_waiter **link = &ev->waiters; *link; link = &(*link)->next) {
        if (*link == w) {
            *link = w->next;
            if (ev->wtail == &w->next)
                ev->wtail = link;
            return 1;
        }
    }
    return 0;
}

/* ---- public API ------------------------------------------------------------------- */

sim_event *sim_event_new(sim_env *env)
{
    sim_event *ev = simi_event_alloc(env, SIMI_PLAIN);
    if (ev)
        ev->refs = 1;
    return ev;
}

sim_event *sim_timeout(sim_env *env, double delay, void *value)
{
    if (!(delay >= 0)) {
        simi_misuse(env, SIM_EINVAL, "sim_timeout: negative or NaN delay %g", delay);
        return NULL;
    }
    sim_event *ev = simi_event_alloc(env, SIMI_TIMEOUT);
    if (!ev)
        return NULL;
    ev->refs = 1;
    ev->ok = 1;
    ev->value = value;
    simi_schedule(ev, delay, SIM_NORMAL);
    return ev;
}

sim_event *sim_ref(sim_event *ev)
{
    ev->refs++;
    return ev;
}

void sim_unref(sim_event *ev)
{
    if (ev)
        simi_event_release(ev);
}

static sim_status trigger(sim_event *ev, int ok, void *value, int error, const char *verb)
{
    if (ev->state != SIMI_PENDING)
        return simi_misuse(ev->env, SIM_ESTATE, "%s: event has already been triggered", verb);
    if (ev->kind != SIMI_PLAIN)
        return simi_misuse(ev->env, SIM_ESTATE,
                           "%s: only events from sim_event_new can be triggered by hand", verb);
    ev->ok = (uint8_t)ok;
    ev->value = value;
    ev->error = error;
    simi_schedule(ev, 0, SIM_NORMAL);
    return SIM_OK;
}

sim_status sim_succeed(sim_event *ev, void *value)
{
    return trigger(ev, 1, value, 0, "sim_succeed");
}

sim_status sim_fail(sim_event *ev, int error)
{
    if (error == 0)
        return simi_misuse(ev->env, SIM_EINVAL, "sim_fail: error must be non-zero");
    return trigger(ev, 0, NULL, error, "sim_fail");
}

void sim_defuse(sim_event *ev) { ev->defused = 1; }

sim_status sim_event_set_data(sim_event *ev, void *data)
{
    if (ev->kind != SIMI_PLAIN && ev->kind != SIMI_TIMEOUT)
        return simi_misuse(ev->env, SIM_EINVAL,
                           "sim_event_set_data: only events from sim_event_new or sim_timeout");
    ev->aux = data;
    return SIM_OK;
}

void *sim_event_data(const sim_event *ev)
{
    return ev->kind == SIMI_PLAIN || ev->kind == SIMI_TIMEOUT ? ev->aux : NULL;
}

sim_status sim_event_hook(sim_event *ev, sim_hook *h)
{
    if (!h || !h->fn)
        return simi_misuse(ev->env, SIM_EINVAL, "sim_event_hook: hook without a function");
    if (ev->state == SIMI_PROCESSED)
        return simi_misuse(ev->env, SIM_ESTATE, "sim_event_hook: event already processed");
    simi_add_waiter(ev, h);
    return SIM_OK;
}

sim_status sim_event_unhook(sim_event *ev, sim_hook *h)
{
    if (!simi_remove_waiter(ev, h))
        return simi_misuse(ev->env, SIM_EINVAL, "sim_event_unhook: hook not on this event");
    return SIM_OK;
}

int sim_is_triggered(const sim_event *ev) { return ev->state != SIMI_PENDING; }
int sim_is_processed(const sim_event *ev) { return ev->state == SIMI_PROCESSED; }
/* SimPy raises on reading the outcome of an untriggered event; the C calls answer 0 / NULL
 * and say so in the environment (SIM_ESTATE in sim_env_status). */
static void not_yet(const sim_event *ev, const char *what)
{
    simi_misuse(ev->env, SIM_ESTATE, "%s: the event has not been triggered yet", what);
}

int sim_is_ok(const sim_event *ev)
{
    if (ev->state == SIMI_PENDING) {
        not_yet(ev, "sim_is_ok");
        return 0;
    }
    return ev->ok;
}

void *sim_value(const sim_event *ev)
{
    if (ev->state == SIMI_PENDING) {
        not_yet(ev, "sim_value");
        return NULL;
    }
    return ev->ok ? ev->value : NULL;
}
int sim_error(const sim_event *ev) { return ev->state != SIMI_PENDING && !ev->ok ? ev->error : 0; }
sim_env *sim_event_env(const sim_event *ev) { return ev->env; }
