/* Store, FilterStore and PriorityStore (SimPy 3.0.11 resources/store.py).
 *
 * Puts and gets queue and call back like the Container's (see container.c), but the scan
 * rules differ: Store._do_put/_do_get return None, so a scan examines the head of its
 * queue only; FilterStore._do_get returns True, so a get scan tries every waiting getter,
 * each taking the first item (in store order) its filter accepts.
 *
 * Fast paths, each exactly what SimPy's scan would do: a put that finds no put waiting
 * and room stores its item at once; a (non-filter) get that finds no get waiting and an
 * item takes it at once. A put always hooks SimPy's callback (_trigger_get), which may
 * serve a get queued before the put is processed; a get's callback (_trigger_put) can
 * only act on waiting puts, so on a store without a capacity limit gets skip it, and an
 * immediate get there needs no record at all.
 *
 * Items: a ring buffer for Store and FilterStore (pop front O(1), removing item i shifts
 * the shorter side), a binary heap keyed by (priority, put order) for PriorityStore.
 * SimPy's heapq is not stable; equal priorities here come out first in, first out.     */
#include "simi.h" /* simi_misuse: errors with their status */
#include "sim_waitq.h"
#include "simi_monitor.h"

#include <stdlib.h>
#include <string.h>

enum kind { PLAIN, FILTER, PRIORITY };

typedef struct {
    void *item;
    double priority;
    uint64_t seq;
} slot;

struct sim_store {
    sim_env *env;
    enum kind kind;
    long capacity;
    slot *it; /* ring (PLAIN, FILTER: it[(head + i) & (cap - 1)]) or heap (PRIORITY) */
    size_t head, n, cap;
    uint64_t seq; /* put order of items */
    simi_wq_list putq, getq; /* waiting requests, in arrival order */
    simi_wq_pool pool;
    sim_monitor *mon; /* NULL unless monitored */
};

static inline void monitor(sim_store *s)
{
    if (__builtin_expect(s->mon != NULL, 0))
        simi_mon_set(s->mon, (double)s->n, (double)s->getq.n, (double)s->putq.n);
}

static inline void monitor_wait(sim_store *s, double since)
{
    if (__builtin_expect(s->mon != NULL, 0))
        simi_mon_wait(s->mon, sim_now(s->env) - since);
}

static sim_store *store_new(sim_env *env, long capacity, enum kind kind)
{
    if (!env)
        return NULL;
    if (capacity < 1) {
        sim_env_set_error(env, "store capacity must be > 0 (got %ld)", capacity);
        return NULL;
    }
    sim_store *s = calloc(1, sizeof *s);
    if (!s) {
        simi_misuse(env, SIM_ENOMEM, "out of memory creating a store");
        return NULL;
    }
    s->env = env;
    s->kind = kind;
    s->capacity = capacity;
    simi_wq_pool_init(&s->pool);
    return s;
}

sim_store *sim_store_new(sim_env *env, long capacity)
{
    return store_new(env, capacity, PLAIN);
}

sim_store *sim_filter_store_new(sim_env *env, long capacity)
{
    return store_new(env, capacity, FILTER);
}

sim_store *sim_priority_store_new(sim_env *env, long capacity)
{
    return store_new(env, capacity, PRIORITY);
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

void sim_store_free(sim_store *s)
{
    if (!s)
        return;
    simi_wq_pool_each(&s->pool, forget, &s->pool);
    simi_wq_pool_fini(&s->pool);
    free(s->it);
    free(s->mon);
    free(s);
}

/* ---- items ------------------------------------------------------------------------ */

/* Room for one more item; the ring is unrolled into the new array. */
static int items_reserve(sim_store *s)
{
    if (s->n < s->cap)
        return 1;
    size_t ncap = s->cap ? 2 * s->cap : 16;
    slot *a = malloc(ncap * sizeof *a);
    if (!a)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        a[i] = s->it[(s->head + i) & (s->cap - 1)];
    free(s->it);
    s->it = a;
    s->cap = ncap;
    s->head = 0;
    return 1;
}

static slot *ring_at(const sim_store *s, size_t i)
{
    return &s->it[(s->head + i) & (s->cap - 1)];
}

static int slot_less(const slot *a, const slot *b)
{
    return a->priority != b->priority ? a->priority < b->priority : a->seq < b->seq;
}

static void heap_push(sim_store *s, slot x)
{
    size_t i = s->n++;
    while (i > 0 && slot_less(&x, &s->it[(i - 1) / 2])) {
        s->it[i] = s->it[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->it[i] = x;
}

static void *heap_pop(sim_store *s)
{
    void *top = s->it[0].item;
    slot x = s->it[--s->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->n)
            break;
        if (c + 1 < s->n && slot_less(&s->it[c + 1], &s->it[c]))
            c++;
        if (!slot_less(&s->it[c], &x))
            break;
        s->it[i] = s->it[c];
        i = c;
    }
    if (s->n)
        s->it[i] = x;
    return top;
}

/* Remove ring item i, shifting the shorter side. */
static void *ring_take(sim_store *s, size_t i)
{
    void *item = ring_at(s, i)->item;
    if (i < s->n / 2) {
        for (size_t k = i; k > 0; k--)
            *ring_at(s, k) = *ring_at(s, k - 1);
        s->head = (s->head + 1) & (s->cap - 1);
    } else {
        for (size_t k = i; k + 1 < s->n; k++)
            *ring_at(s, k) = *ring_at(s, k + 1);
    }
    s->n--;
    return item;
}

/* Only the heap orders by priority and put order; the ring needs the item alone. */
static inline void add_item(sim_store *s, void *item, double priority)
{
    if (s->kind == PRIORITY)
        heap_push(s, (slot){item, priority, s->seq++});
    else
        ring_at(s, s->n++)->item = item;
}

/* The item a plain get takes (Store.items.pop(0) or heappop), peeked, then taken. */
static inline void *first_item(const sim_store *s)
{
    return s->kind == PRIORITY ? s->it[0].item : s->it[s->head].item;
}

static inline void *take_first(sim_store *s)
{
    if (s->kind == PRIORITY)
        return heap_pop(s);
    void *item = s->it[s->head].item;
    s->head = (s->head + 1) & (s->cap - 1);
    s->n--;
    return item;
}

/* ---- scans ------------------------------------------------------------------------ */

/* A waiting request starts waiting: tagged for cancel, and our reference on it. */
static void enqueue(simi_wq_list *queue, simi_req *q)
{
    simi_wq_tag(q);
    sim_ref(q->ev);
    q->where = SIMI_WQ_QUEUED;
    simi_wq_list_push(queue, q);
}

/* A triggered request leaves its queue: the kernel's reference replaces ours. With a
 * hook it waits for it; without one it is done. */
static void leave_queue(sim_store *s, simi_wq_list *queue, simi_req *q)
{
    simi_wq_list_remove(queue, q);
    sim_unref(q->ev);
    if (q->has_cb)
        q->where = SIMI_WQ_FIRED;
    else
        simi_wq_pool_put(&s->pool, q);
}

/* Queued requests someone else triggered leave the queue (SimPy would raise). */
static simi_req *live_head(sim_store *s, simi_wq_list *queue)
{
    simi_req *q;
    while ((q = queue->head) && sim_is_triggered(q->ev)) {
        leave_queue(s, queue, q);
        monitor(s); /* rare: the queue shrank without a scan moving anything */
    }
    return q;
}

/* Store._do_put on the head put only. */
static void trigger_put(sim_store *s)
{
    simi_req *q = live_head(s, &s->putq);
    if (!q || s->n >= (size_t)s->capacity)
        return;
    if (!items_reserve(s)) { /* the put stays queued; a later scan may manage */
        simi_misuse(s->env, SIM_ENOMEM, "out of memory storing an item");
        return;
    }
    add_item(s, q->item, q->item_priority);
    sim_succeed(q->ev, NULL);
    leave_queue(s, &s->putq, q);
    monitor(s);
}

static void trigger_get(sim_store *s)
{
    if (s->kind != FILTER) {
        simi_req *q = live_head(s, &s->getq);
        if (!q || s->n == 0)
            return;
        monitor_wait(s, q->since);
        sim_succeed(q->ev, take_first(s));
        leave_queue(s, &s->getq, q);
        monitor(s);
        return;
    }
    /* FilterStore: every getter in order, each the first item its filter accepts */
    simi_req *q = s->getq.head;
    while (q) {
        simi_req *next = q->next;
        if (sim_is_triggered(q->ev)) {
            leave_queue(s, &s->getq, q);
        } else {
            for (size_t i = 0; i < s->n; i++) {
                void *item = ring_at(s, i)->item;
                if (!q->pred || q->pred(item, q->ctx)) {
                    monitor_wait(s, q->since);
                    sim_succeed(q->ev, ring_take(s, i));
                    leave_queue(s, &s->getq, q);
                    monitor(s);
                    break;
                }
            }
        }
        q = next;
    }
}

/* The callback of a put (SimPy's _trigger_get) or a get (_trigger_put), run when the
 * request is processed. */
static void processed(sim_hook *h, sim_event *ev)
{
    simi_req *q = simi_req_of_hook(h);
    sim_store *s = q->owner;
    int is_put = q->is_put;
    (void)ev;
    if (q->where == SIMI_WQ_QUEUED) { /* triggered by someone else, not scanned since */
        simi_wq_list_remove(is_put ? &s->putq : &s->getq, q);
        sim_unref(q->ev);
    }
    simi_wq_pool_put(&s->pool, q);
    if (is_put) /* the scans tell the monitor when they move something */
        trigger_get(s);
    else
        trigger_put(s);
}

static simi_req *new_record(sim_store *s)
{
    simi_req *q = simi_wq_pool_get(&s->pool);
    if (!q)
        simi_misuse(s->env, SIM_ENOMEM, "out of memory in a store request");
    return q;
}

/* SimPy's Put.__init__: join the put queue, hook _trigger_get, scan the put queue. With
 * no put waiting and room for the item, the scan would store this one: its event is made
 * triggered (a zero timeout is scheduled exactly as a succeed at creation would be). */
static inline sim_event *put(sim_store *s, void *item, double priority)
{
    simi_req *q = new_record(s);
    if (!q)
        return NULL;
    int at_once = s->putq.n == 0 && s->n < (size_t)s->capacity && items_reserve(s);
    sim_event *ev = at_once ? sim_timeout(s->env, 0, NULL) : sim_event_new(s->env);
    if (!ev) {
        simi_wq_pool_put(&s->pool, q);
        return NULL;
    }
    q->ev = ev;
    q->owner = s;
    q->is_put = 1;
    simi_req_hook(q, processed);
    if (at_once) {
        add_item(s, item, priority);
        q->where = SIMI_WQ_FIRED;
        return ev;
    }
    q->item = item;
    q->item_priority = priority;
    enqueue(&s->putq, q);
    trigger_put(s);
    return ev;
}

sim_event *sim_store_put(sim_store *s, void *item)
{
    if (!s)
        return NULL;
    sim_event *ev = put(s, item, 0.0);
    monitor(s);
    return ev;
}

sim_event *sim_priority_store_put(sim_store *s, void *item, double priority)
{
    if (!s)
        return NULL;
    if (s->kind != PRIORITY) {
        sim_env_set_error(s->env, "sim_priority_store_put needs a priority store");
        return NULL;
    }
    if (priority != priority) {
        sim_env_set_error(s->env, "sim_priority_store_put: priority is NaN");
        return NULL;
    }
    sim_event *ev = put(s, item, priority);
    monitor(s);
    return ev;
}

/* SimPy's Get.__init__: join the get queue, hook _trigger_put, scan the get queue. The
 * hook can only act on waiting puts, and puts wait only for room: a store without a
 * capacity limit has none (unless storing ran out of memory), so its gets go without.
 * With no get waiting and an item there, the scan would hand it to this one at once. */
static inline sim_event *get(sim_store *s, sim_store_filter pred, void *ctx)
{
    int hook = s->capacity != SIM_UNLIMITED || s->putq.n != 0;
    int at_once = s->kind != FILTER && s->getq.n == 0 && s->n > 0;
    sim_event *ev;
    if (at_once && !hook) { /* no record needed */
        ev = sim_timeout(s->env, 0, first_item(s));
        if (ev) {
            monitor_wait(s, sim_now(s->env));
            take_first(s);
        }
        return ev;
    }
    simi_req *q = new_record(s);
    if (!q)
        return NULL;
    ev = at_once ? sim_timeout(s->env, 0, first_item(s)) : sim_event_new(s->env);
    if (!ev) {
        simi_wq_pool_put(&s->pool, q);
        return NULL;
    }
    q->ev = ev;
    q->owner = s;
    q->is_put = 0;
    if (hook)
        simi_req_hook(q, processed);
    if (at_once) {
        monitor_wait(s, sim_now(s->env));
        take_first(s);
        q->where = SIMI_WQ_FIRED;
        return ev;
    }
    q->pred = pred;
    q->ctx = ctx;
    q->since = sim_now(s->env);
    enqueue(&s->getq, q);
    trigger_get(s);
    return ev;
}

sim_event *sim_store_get(sim_store *s)
{
    if (!s)
        return NULL;
    sim_event *ev = get(s, NULL, NULL);
    monitor(s);
    return ev;
}

sim_event *sim_filter_store_get(sim_store *s, sim_store_filter pred, void *ctx)
{
    if (!s)
        return NULL;
    if (s->kind != FILTER) {
        sim_env_set_error(s->env, "sim_filter_store_get needs a filter store");
        return NULL;
    }
    sim_event *ev = get(s, pred, ctx);
    monitor(s);
    return ev;
}

sim_status sim_store_cancel(sim_store *s, sim_event *ev)
{
    if (!s || !ev)
        return SIM_EINVAL;
    simi_req *q = simi_wq_pool_find(&s->pool, ev);
    if (!q) {
        if (sim_is_triggered(ev)) /* ours and done, or not a waiting request at all */
            return SIM_OK;
        sim_env_set_error(s->env, "sim_store_cancel: not a request of this store");
        return SIM_EINVAL;
    }
    if (q->where != SIMI_WQ_QUEUED || sim_is_triggered(ev))
        return SIM_OK; /* Put/Get.cancel: only untriggered requests leave the queue */
    simi_wq_list_remove(q->is_put ? &s->putq : &s->getq, q);
    forget(q, &s->pool);
    monitor(s);
    return SIM_OK;
}

size_t sim_store_size(const sim_store *s)
{
    return s ? s->n : 0;
}

void *sim_store_item(const sim_store *s, size_t i)
{
    if (!s || i >= s->n)
        return NULL;
    return s->kind == PRIORITY ? s->it[i].item : ring_at(s, i)->item;
}

long sim_store_capacity(const sim_store *s)
{
    return s ? s->capacity : 0;
}

size_t sim_store_put_queue_length(const sim_store *s)
{
    return s ? s->putq.n : 0;
}

size_t sim_store_get_queue_length(const sim_store *s)
{
    return s ? s->getq.n : 0;
}

size_t sim_store_waiting_puts(const sim_store *s, sim_event **out, size_t max)
{
    return s ? simi_wq_list_events(&s->putq, out, max) : 0;
}

size_t sim_store_waiting_gets(const sim_store *s, sim_event **out, size_t max)
{
    return s ? simi_wq_list_events(&s->getq, out, max) : 0;
}

sim_monitor *sim_store_monitor(sim_store *s)
{
    if (s && !s->mon)
        s->mon = simi_mon_new(s->env, s->capacity == SIM_UNLIMITED ? INFINITY : (double)s->capacity,
                              (double)s->n, (double)s->getq.n, (double)s->putq.n);
    return s ? s->mon : NULL;
}
