/* Container (SimPy 3.0.11 resources/container.py): a level of continuous matter.
 *
 * A put joins the put queue, registers its callback (scan the get queue when the put is
 * processed) and the put queue is scanned at once; gets mirror this. A scan walks its
 * queue in order and goes on while requests succeed: _do_put/_do_get return True on
 * success and None otherwise, so the first request that does not fit ends the scan. */
#include "simi.h" /* simi_misuse: errors with their status */
#include "sim_waitq.h"
#include "simi_monitor.h"

#include <math.h>
#include <stdlib.h>

struct sim_container {
    sim_env *env;
    double capacity, level;
    simi_wq_list putq, getq; /* waiting requests, in arrival order */
    simi_wq_pool pool;
    sim_monitor *mon; /* NULL unless monitored */
};

static inline void monitor(sim_container *c)
{
    if (__builtin_expect(c->mon != NULL, 0))
        simi_mon_set(c->mon, c->level, (double)c->getq.n, (double)c->putq.n);
}

sim_container *sim_container_new(sim_env *env, double capacity, double init)
{
    if (!env)
        return NULL;
    if (!(capacity > 0)) {
        sim_env_set_error(env, "container capacity must be > 0 (got %g)", capacity);
        return NULL;
    }
    if (!(init >= 0)) {
        sim_env_set_error(env, "container init must be >= 0 (got %g)", init);
        return NULL;
    }
    if (init > capacity) {
        sim_env_set_error(env, "container init (%g) must be <= capacity (%g)", init, capacity);
        return NULL;
    }
    sim_container *c = calloc(1, sizeof *c);
    if (!c) {
        simi_misuse(env, SIM_ENOMEM, "out of memory creating a container");
        return NULL;
    }
    c->env = env;
    c->capacity = capacity;
    c->level = init;
    simi_wq_pool_init(&c->pool);
    return c;
}

/* Callbacks of events still in the kernel's queue must not reach freed memory; queued
 * requests give back their reference. */
static void forget(simi_req *q, void *ctx)
{
    simi_req_unhook(q);
    if (q->where == SIMI_WQ_QUEUED)
        sim_unref(q->ev);
    simi_wq_pool_put(ctx, q);
}

void sim_container_free(sim_container *c)
{
    if (!c)
        return;
    simi_wq_pool_each(&c->pool, forget, &c->pool);
    simi_wq_pool_fini(&c->pool);
    free(c->mon);
    free(c);
}

/* A triggered request leaves its queue and waits for its callback; the kernel's
 * reference on the event replaces ours. A queued request someone else triggered takes
 * this way too (SimPy would raise). */
static void leave_queue(simi_wq_list *queue, simi_req *q)
{
    simi_wq_list_remove(queue, q);
    sim_unref(q->ev);
    q->where = SIMI_WQ_FIRED;
}

static void trigger_put(sim_container *c)
{
    simi_req *q = c->putq.head;
    while (q) {
        simi_req *next = q->next;
        if (sim_is_triggered(q->ev)) {
            leave_queue(&c->putq, q);
        } else if (c->capacity - c->level >= q->amount) {
            c->level += q->amount;
            sim_succeed(q->ev, NULL);
            leave_queue(&c->putq, q);
        } else {
            break;
        }
        q = next;
    }
}

static void trigger_get(sim_container *c)
{
    simi_req *q = c->getq.head;
    while (q) {
        simi_req *next = q->next;
        if (sim_is_triggered(q->ev)) {
            leave_queue(&c->getq, q);
        } else if (c->level >= q->amount) {
            c->level -= q->amount;
            if (__builtin_expect(c->mon != NULL, 0))
                simi_mon_wait(c->mon, sim_now(c->env) - q->since);
            sim_succeed(q->ev, NULL);
            leave_queue(&c->getq, q);
        } else {
            break;
        }
        q = next;
    }
}

/* A put was processed: scan the gets; a get was processed: scan the puts. */
static void processed(sim_hook *h, sim_event *ev)
{
    simi_req *q = simi_req_of_hook(h);
    sim_container *c = q->owner;
    int is_put = q->is_put;
    (void)ev;
    if (q->where == SIMI_WQ_QUEUED) { /* triggered by someone else, not scanned since */
        simi_wq_list_remove(is_put ? &c->putq : &c->getq, q);
        sim_unref(q->ev);
    }
    simi_wq_pool_put(&c->pool, q);
    if (is_put)
        trigger_get(c);
    else
        trigger_put(c);
    monitor(c);
}

/* SimPy's Put/Get.__init__: join the queue (tagged for cancel, our reference held while
 * it waits), hook the callback, scan the queue. */
static sim_event *request(sim_container *c, double amount, int is_put)
{
    if (!c)
        return NULL;
    if (!(amount > 0)) {
        sim_env_set_error(c->env, "container %s amount must be > 0 (got %g)",
                          is_put ? "put" : "get", amount);
        return NULL;
    }
    if (amount > c->capacity) {
        sim_env_set_error(c->env, "container %s amount %g exceeds the capacity %g",
                          is_put ? "put" : "get", amount, c->capacity);
        return NULL;
    }
    sim_event *ev = sim_event_new(c->env);
    if (!ev)
        return NULL;
    simi_req *q = simi_wq_pool_get(&c->pool);
    if (!q) {
        sim_unref(ev);
        simi_misuse(c->env, SIM_ENOMEM, "out of memory in a container request");
        return NULL;
    }
    q->ev = ev;
    q->owner = c;
    q->is_put = (unsigned char)is_put;
    q->amount = amount;
    q->since = sim_now(c->env);
    q->where = SIMI_WQ_QUEUED;
    simi_wq_tag(q);
    sim_ref(ev);
    simi_wq_list_push(is_put ? &c->putq : &c->getq, q);
    simi_req_hook(q, processed);
    if (is_put)
        trigger_put(c);
    else
        trigger_get(c);
    monitor(c);
    return ev;
}

sim_event *sim_container_put(sim_container *c, double amount)
{
    return request(c, amount, 1);
}

sim_event *sim_container_get(sim_container *c, double amount)
{
    return request(c, amount, 0);
}

sim_status sim_container_cancel(sim_container *c, sim_event *ev)
{
    if (!c || !ev)
        return SIM_EINVAL;
    simi_req *q = simi_wq_pool_find(&c->pool, ev);
    if (!q) {
        if (sim_is_triggered(ev)) /* ours and done, or not a waiting request at all */
            return SIM_OK;
        sim_env_set_error(c->env, "sim_container_cancel: not a request of this container");
        return SIM_EINVAL;
    }
    if (q->where != SIMI_WQ_QUEUED || sim_is_triggered(ev))
        return SIM_OK; /* Put/Get.cancel: only untriggered requests leave the queue */
    simi_wq_list_remove(q->is_put ? &c->putq : &c->getq, q);
    forget(q, &c->pool);
    monitor(c);
    return SIM_OK;
}

double sim_container_level(const sim_container *c)
{
    return c ? c->level : NAN;
}

double sim_container_capacity(const sim_container *c)
{
    return c ? c->capacity : NAN;
}

size_t sim_container_put_queue_length(const sim_container *c)
{
    return c ? c->putq.n : 0;
}

size_t sim_container_get_queue_length(const sim_container *c)
{
    return c ? c->getq.n : 0;
}

size_t sim_container_waiting_puts(const sim_container *c, sim_event **out, size_t max)
{
    return c ? simi_wq_list_events(&c->putq, out, max) : 0;
}

size_t sim_container_waiting_gets(const sim_container *c, sim_event **out, size_t max)
{
    return c ? simi_wq_list_events(&c->getq, out, max) : 0;
}

sim_monitor *sim_container_monitor(sim_container *c)
{
    if (c && !c->mon)
        c->mon = simi_mon_new(c->env, c->capacity, c->level, (double)c->getq.n,
                              (double)c->putq.n);
    return c ? c->mon : NULL;
}
