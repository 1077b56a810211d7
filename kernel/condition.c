/* Conditions: all_of / any_of over a list of events, with SimPy's Condition semantics.
 *
 * A condition links a check callback onto each sub-event. Each processed sub-event counts;
 * a failed one fails the condition at once (and is defused: the condition handled it).
 * When the condition itself is processed it detaches its remaining checks (recursively,
 * as SimPy's _remove_check_callbacks) and takes its value: the leaf events processed by
 * then, in list order, nested conditions flattened into their leaves.
 *
 * Memory: one malloc per condition (children, links and value slots together); the
 * condition holds a reference on each child, and one on itself while its checks are
 * linked, so a handle released early cannot leave dangling callbacks behind.         */
#include <stdlib.h>

#include "simi.h"

typedef struct {
    simi_waiter w;
    simi_condition *cond;
} check_link;

struct simi_condition {
    sim_event ev;
    simi_condition *prev, *next; /* the environment's live conditions */
    int all;                     /* all_of (1) or any_of (0) */
    int linked;                  /* checks still attached */
    size_t n, count;
    size_t leaves;               /* capacity of the value: leaf events below */
    size_t n_values;
    size_t bytes;                /* charged to the memory budget */
    sim_event **children;
    check_link *links;
    sim_event **value_events;
    void **value_values;
};

static simi_condition *as_cond(const sim_event *ev) { return (simi_condition *)ev; }

static void check(simi_waiter *w, sim_event *child)
{
    simi_condition *c = ((check_link *)w)->cond;
    if (c->ev.state != SIMI_PENDING)
        return;
    c->count++;
    if (!child->ok) {
        child->defused = 1;
        c->ev.ok = 0;
        c->ev.error = child->error;
        simi_schedule(&c->ev, 0, SIM_NORMAL);
    } else if (c->all ? c->count == c->n : c->count > 0) {
        c->ev.ok = 1;
        c->ev.value = &c->ev;
        simi_schedule(&c->ev, 0, SIM_NORMAL);
    }
}

static void unlink_checks(simi_condition *c)
{
    for (size_t i = 0; i < c->n; i++) {
        sim_event *child = c->children[i];
        if (c->linked && child->state != SIMI_PROCESSED)
            simi_remove_waiter(child, &c->links[i].w);
        if (child->kind == SIMI_CONDITION)
            unlink_checks(as_cond(child));
    }
    if (c->linked) {
        c->linked = 0;
        simi_event_release(&c->ev); /* may not free: the caller holds the queue's ref */
    }
}

static void populate(const simi_condition *c, simi_condition *into)
{
    for (size_t i = 0; i < c->n; i++) {
        sim_event *child = c->children[i];
        if (child->kind == SIMI_CONDITION) {
            populate(as_cond(child), into);
        } else if (child->state == SIMI_PROCESSED) {
            into->value_events[into->n_values] = child;
            into->value_values[into->n_values] = child->ok ? child->value : NULL;
            into->n_values++;
        }
    }
}

void simi_condition_build_value(sim_event *ev)
{
    simi_condition *c = as_cond(ev);
    unlink_checks(c);
    if (ev->ok) {
        c->n_values = 0;
        populate(c, c);
    }
}

static sim_event *make(sim_env *env, int all, sim_event *const *evs, size_t n, const char *fn)
{
    size_t leaves = 0;
    for (size_t i = 0; i < n; i++) {
        if (!evs || !evs[i]) {
            simi_misuse(env, SIM_EINVAL, "%s: NULL event in the list", fn);
            return NULL;
        }
        if (evs[i]->env != env) {
            simi_misuse(env, SIM_EINVAL, "%s: events from different environments", fn);
            return NULL;
        }
        leaves += evs[i]->kind == SIMI_CONDITION ? as_cond(evs[i])->leaves : 1;
    }
    size_t bytes = sizeof(simi_condition) + n * (sizeof(sim_event *) + sizeof(check_link)) +
                   leaves * (sizeof(sim_event *) + sizeof(void *));
    if (simi_mem_charge(env, bytes) != 0)
        return NULL;
    simi_condition *c = malloc(bytes);
    if (!c) {
        simi_mem_uncharge(env, bytes);
        simi_misuse(env, SIM_ENOMEM, "%s: out of memory", fn);
        return NULL;
    }
    c->bytes = bytes;
    c->links = (check_link *)(c + 1);
    c->children = (sim_event **)(c->links + n);
    c->value_events = c->children + n;
    c->value_values = (void **)(c->value_events + leaves);
    sim_event *ev = &c->ev;
    simi_event_init(ev, env, SIMI_CONDITION);
    ev->refs = 2; /* the caller's handle, and the linked checks */
    c->all = all;
    c->linked = 1;
    c->n = n;
    c->count = 0;
    c->leaves = leaves;
    c->n_values = 0;
    c->prev = NULL;
    c->next = env->conditions;
    if (env->conditions)
        env->conditions->prev = c;
    env->conditions = c;

    if (n == 0) { /* an empty condition succeeds at once */
        ev->ok = 1;
        ev->value = ev;
        simi_schedule(ev, 0, SIM_NORMAL);
        return ev;
    }
    for (size_t i = 0; i < n; i++) {
        c->children[i] = sim_ref(evs[i]);
        c->links[i].cond = c;
        c->links[i].w.fn = check;
    }
    for (size_t i = 0; i < n; i++) {
        if (evs[i]->state == SIMI_PROCESSED)
            check(&c->links[i].w, evs[i]);
        else
            simi_add_waiter(evs[i], &c->links[i].w);
    }
    return ev;
}

sim_event *sim_all_of(sim_env *env, sim_event *const *evs, size_t n)
{
    return make(env, 1, evs, n, "sim_all_of");
}

sim_event *sim_any_of(sim_env *env, sim_event *const *evs, size_t n)
{
    return make(env, 0, evs, n, "sim_any_of");
}

void simi_condition_destroy(sim_event *ev)
{
    simi_condition *c = as_cond(ev);
    sim_env *env = ev->env;
    for (size_t i = 0; i < c->n; i++)
        simi_event_release(c->children[i]);
    if (c->prev)
        c->prev->next = c->next;
    else
        env->conditions = c->next;
    if (c->next)
        c->next->prev = c->prev;
    simi_mem_uncharge(env, c->bytes);
    free(c);
}

/* With the environment: the pools vanish wholesale, conditions are malloc'ed one by one. */
void simi_conditions_free(sim_env *env)
{
    while (env->conditions) {
        simi_condition *c = env->conditions;
        env->conditions = c->next;
        free(c);
    }
}

static int is_condition(const sim_event *ev) { return ev && ev->kind == SIMI_CONDITION; }

size_t sim_condition_size(const sim_event *cond)
{
    return is_condition(cond) && cond->state == SIMI_PROCESSED ? as_cond(cond)->n_values : 0;
}

sim_event *sim_condition_event(const sim_event *cond, size_t i)
{
    return i < sim_condition_size(cond) ? as_cond(cond)->value_events[i] : NULL;
}

void *sim_condition_value(const sim_event *cond, size_t i)
{
    return i < sim_condition_size(cond) ? as_cond(cond)->value_values[i] : NULL;
}

void *sim_condition_lookup(const sim_event *cond, const sim_event *ev, int *found)
{
    size_t n = sim_condition_size(cond);
    for (size_t i = 0; i < n; i++) {
        if (as_cond(cond)->value_events[i] == ev) {
            if (found)
                *found = 1;
            return as_cond(cond)->value_values[i];
        }
    }
    if (found)
        *found = 0;
    return NULL;
}
