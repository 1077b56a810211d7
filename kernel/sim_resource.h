/* Shared resources: Resource (FIFO, priority, preemptive), Container and Store (FIFO,
 * filter, priority), with SimPy 3.0.11's semantics to the event.
 *
 * Every put/get/request is an event. It is triggered at once when it can be satisfied
 * at creation; otherwise it waits in its queue. As in SimPy, the queues are re-scanned
 * by event callbacks: when a put is *processed* the get queue is scanned, when a get is
 * processed the put queue is scanned. A release is such a get: it frees the slot at once,
 * but the next request is granted when the (internal) release event is processed. Scans
 * stop where SimPy's stop: Resource and Store examine only the head of a queue per scan,
 * Container keeps going while requests succeed, FilterStore tries every getter.
 *
 * The FIFO Resource is O(1) per request and release; priority queues are binary heaps
 * keyed by (priority, request time, preempt first, insertion order). Request bookkeeping
 * comes from per-object pools and the events from the kernel's pool, so a model in steady
 * state allocates nothing.
 *
 * Handles: every function returning a sim_event* gives the caller one reference (release
 * it with sim_unref as usual); the object keeps its own while it needs the event. Free a
 * resource/container/store before its environment. Errors return NULL or a sim_status
 * and leave a message in sim_env_error_message(env).
 *
 * Cancelling (SimPy's `with` exit): a process that stops waiting on a request (interrupted,
 * reneged through sim_any_of) must call sim_release (resources) or sim_store_cancel /
 * sim_container_cancel, so no ghost request stays queued.                            */
#ifndef PROCSIM_SIM_RESOURCE_H
#define PROCSIM_SIM_RESOURCE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h" /* sim.h includes this file at its end; either order works */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Resource, PriorityResource, PreemptiveResource --------------------------------- */
typedef struct sim_resource sim_resource;

/* capacity >= 1, else NULL and a message in the environment. */
sim_resource *sim_resource_new(sim_env *env, long capacity);
sim_resource *sim_priority_resource_new(sim_env *env, long capacity);
sim_resource *sim_preemptive_resource_new(sim_env *env, long capacity);
void sim_resource_free(sim_resource *r); /* NULL is fine; before sim_env_free */

/* A request: triggered (value NULL) when the slot is granted. On a priority or preemptive
 * resource this is priority 0 with preemption. The requesting process is
 * sim_active_process(env) at this call: the one a preemption interrupts. */
sim_event *sim_request(sim_resource *r);
/* Lower priority numbers are served first; among equals, earlier requests, then requests
 * that may preempt, then insertion order. On a PreemptiveResource a request with
 * preempt != 0 takes the slot of the holder with the largest key (priority, request time,
 * !preempt; the most recently granted among equals) if that key is larger than its own.
 * Only for priority and preemptive resources (SIM_EINVAL on a FIFO Resource).
 * Preempted before resuming: when a request is granted and, at the same time, preempted
 * before its process resumed from waiting on it, that wait returns SIM_INTERRUPTED with
 * the sim_preempted cause (the interrupt is URGENT, the grant NORMAL), exactly as in
 * SimPy; the process holds nothing but must still sim_release the request. */
sim_event *sim_request_prio(sim_resource *r, int priority, int preempt);
/* As sim_request_prio, but queued as if made at `time` (<= now): the documented way to
 * re-request after a preemption keeping one's place. Take the old request's time from
 * sim_request_info (or sim_preempted's usage_since for "since it was granted") before
 * releasing it; among equal priorities the older time is served first.             */
sim_event *sim_request_prio_at(sim_resource *r, int priority, int preempt, double time);
/* SimPy's `with` exit: a granted request frees its slot (the next request is granted when
 * the internal release event is processed, at the current time); a waiting request leaves
 * the queue; a preempted one only schedules the release event. Does not unref `req`.
 * SIM_EINVAL if req is not a live request of r (made elsewhere, or released already). */
sim_status sim_release(sim_resource *r, sim_event *req);

/* Returns the release event (one reference for the caller), which a process may wait
 * on: SimPy's `yield resource.release(req)`. NULL (message in the env) on error. */
sim_event *sim_release_event(sim_resource *r, sim_event *req);

/* What SimPy's Request shows, for any kind of resource (FIFO: priority 0, preempt 1). */
typedef struct {
    int priority, preempt;
    double time;        /* when requested */
    double usage_since; /* when granted; NaN while queued */
    sim_proc *proc;     /* the requesting process (NULL outside one); borrowed */
    int is_queued;      /* waiting in the queue */
    int is_holding;     /* holds a slot */
    int is_preempted;   /* lost its slot to a preemption, not yet released */
} sim_request_state;
/* O(1). SIM_EINVAL if req is not a live request of r (released, or someone else's). */
sim_status sim_request_info(const sim_resource *r, const sim_event *req,
                            sim_request_state *out);
/* SimPy's users and queue: copy up to max requests (borrowed) into out and return how
 * many there are. Users come in grant order: O(n) on a preemptive resource; on the
 * others O(live records) plus a sort (their hot path keeps no users list). The queue
 * comes in service order, O(n) for a FIFO Resource, O(n log n) for priority ones.
 * Both allocate a temporary array only when they sort.                             */
size_t sim_resource_users(const sim_resource *r, sim_event **out, size_t max);
size_t sim_resource_queue(const sim_resource *r, sim_event **out, size_t max);

long sim_resource_count(const sim_resource *r); /* slots in use */
long sim_resource_capacity(const sim_resource *r);
size_t sim_resource_queue_length(const sim_resource *r); /* requests waiting */

/* The interrupt cause a preempted holder receives (SimPy's Preempted). It lives in the
 * preempted request's bookkeeping: valid, and `by` / `by_request` with it, until the holder
 * calls sim_release on its request (or the resource is freed). `by` is NULL when the
 * preempting request was made outside any process. A holder whose process has finished,
 * or that preempts itself, loses the slot without an interrupt. */
typedef struct {
    sim_proc *by;           /* the preempting process */
    sim_event *by_request;  /* the preempting request */
    double usage_since;     /* when the preempted request had been granted */
    sim_resource *resource; /* the resource that was lost */
} sim_preempted;

/* ---- Container: a continuous level in [0, capacity] ----------------------------------- */
typedef struct sim_container sim_container;

/* capacity > 0 (may be INFINITY), 0 <= init <= capacity, else NULL and a message. */
sim_container *sim_container_new(sim_env *env, double capacity, double init);
void sim_container_free(sim_container *c);
/* 0 < amount <= capacity, else NULL and a message (a larger amount could never fit).
 * Triggered (value NULL) once the amount was added / taken; waiting requests are served
 * in order, and a scan goes on while requests succeed. */
sim_event *sim_container_put(sim_container *c, double amount);
sim_event *sim_container_get(sim_container *c, double amount);
/* Withdraw a waiting put/get (no-op once triggered). SIM_EINVAL if it is not c's. */
sim_status sim_container_cancel(sim_container *c, sim_event *ev);
double sim_container_level(const sim_container *c);
double sim_container_capacity(const sim_container *c);
size_t sim_container_put_queue_length(const sim_container *c);
size_t sim_container_get_queue_length(const sim_container *c);
/* SimPy's put_queue / get_queue: copy up to max waiting events (borrowed) into out, in
 * arrival order, and return how many wait. O(n). */
size_t sim_container_waiting_puts(const sim_container *c, sim_event **out, size_t max);
size_t sim_container_waiting_gets(const sim_container *c, sim_event **out, size_t max);

/* ---- Store, FilterStore, PriorityStore: discrete items (void *) ---------------------- */
typedef struct sim_store sim_store;
#define SIM_UNLIMITED LONG_MAX /* a store capacity without limit */

/* capacity >= 1 (SIM_UNLIMITED for none), else NULL and a message. Store and FilterStore
 * hand out items first in, first out; PriorityStore the lowest priority first, equal
 * priorities first in, first out. */
sim_store *sim_store_new(sim_env *env, long capacity);
sim_store *sim_filter_store_new(sim_env *env, long capacity);
sim_store *sim_priority_store_new(sim_env *env, long capacity);
void sim_store_free(sim_store *s); /* items are the caller's: not freed */

/* Put: triggered (value NULL) once the item is in the store; on a PriorityStore this is
 * priority 0. sim_priority_store_put: PriorityStore only (SIM_EINVAL otherwise). */
sim_event *sim_store_put(sim_store *s, void *item);
sim_event *sim_priority_store_put(sim_store *s, void *item, double priority);
/* Get: triggered with the item as value. */
sim_event *sim_store_get(sim_store *s);
/* FilterStore only: the first item (in store order) with pred(item, ctx) != 0. A waiting
 * filtered get is retried whenever an item arrives; later getters may overtake it. */
typedef int (*sim_store_filter)(void *item, void *ctx);
sim_event *sim_filter_store_get(sim_store *s, sim_store_filter pred, void *ctx);
/* Withdraw a waiting put/get (no-op once triggered). SIM_EINVAL if it is not s's. */
sim_status sim_store_cancel(sim_store *s, sim_event *ev);

size_t sim_store_size(const sim_store *s);          /* items held */
void *sim_store_item(const sim_store *s, size_t i); /* i-th item in get order; NULL if none */
long sim_store_capacity(const sim_store *s);
size_t sim_store_put_queue_length(const sim_store *s);
size_t sim_store_get_queue_length(const sim_store *s);
/* SimPy's put_queue / get_queue, as for containers above. O(n). */
size_t sim_store_waiting_puts(const sim_store *s, sim_event **out, size_t max);
size_t sim_store_waiting_gets(const sim_store *s, sim_event **out, size_t max);

/* ---- monitors: opt-in statistics of one resource, store or container ----------------- *
 * sim_*_monitor turns monitoring on from now (the first call; later calls return the
 * same monitor) and returns it; the owner frees it with itself. Off, an object pays one
 * branch per operation. A monitor integrates over a window, from its start (or the last
 * sim_monitor_reset: the warm-up deletion) to now, or to its freeze time ("until
 * closing"): the level (slots in use, a container's level, a store's items), the wait
 * queue (requests or gets) and the put queue; and it tallies the waits, request to
 * grant (or get to hand-over), of requests served within the window.               */
typedef struct sim_monitor sim_monitor;
typedef struct {
    double start, end;     /* the window */
    double level_mean;     /* time-average slots in use / level / items over the window */
    double level_max;
    double utilisation;    /* level_mean / capacity; NaN for an infinite capacity */
    double queue_mean, queue_max;         /* waiting requests or gets */
    double put_queue_mean, put_queue_max; /* waiting puts (always 0 for a resource) */
    uint64_t served;       /* requests granted / gets served within the window */
    double wait_mean, wait_max; /* of those, from request to grant; NaN if none */
} sim_monitor_report;
sim_monitor *sim_resource_monitor(sim_resource *r);
sim_monitor *sim_store_monitor(sim_store *s);
sim_monitor *sim_container_monitor(sim_container *c);
/* Forget everything before now; the current values carry on. */
void sim_monitor_reset(sim_monitor *m);
/* Stop the window at `at` (>= now, else SIM_EINVAL): later changes and waits do not count. */
sim_status sim_monitor_freeze(sim_monitor *m, double at);
/* The window's statistics up to now (or the freeze time). O(1). */
sim_status sim_monitor_read(const sim_monitor *m, sim_monitor_report *out);

/* ---- reneging in one call ---------------------------------------------------------- *
 * Wait (from inside process `self`) for a request / get made by the caller, but at most
 * `patience` (>= 0; INFINITY waits without a timer). This is SimPy's
 * `yield ev | env.timeout(patience)` and its `ev in results` test, with the `with`
 * block's exit done for you: when patience runs out, or an interrupt arrives, the request
 * is released (sim_release) or the get cancelled. *done (may be NULL) says whether the
 * caller now holds the slot / the item (sim_value(get)) / the amount.
 * Returns SIM_OK (granted or reneged: see *done), SIM_INTERRUPTED (the cause is
 * sim_interrupt_cause(self)), SIM_FAILED if the event failed, SIM_EINVAL on bad
 * arguments (a message in the environment; the request is left alone), SIM_ENOMEM,
 * or sim_wait's misuse status (self not the running process). The caller keeps its reference
 * on the event (sim_unref it as usual) and, when granted, releases the slot as usual.
 * Departure from SimPy, for gets only: an item or amount handed over at the very instant
 * patience ran out (triggered but not yet processed) counts as got, where SimPy would
 * drop it; the same holds for a get carried out before an interrupt.                 */
sim_status sim_request_within(sim_proc *self, sim_resource *r, sim_event *req,
                              double patience, int *granted);
sim_status sim_store_get_within(sim_proc *self, sim_store *s, sim_event *get,
                                double patience, int *got);
sim_status sim_container_get_within(sim_proc *self, sim_container *c, sim_event *get,
                                    double patience, int *got);

#ifdef __cplusplus
}
#endif
#endif
