/* Resource, PriorityResource and PreemptiveResource (SimPy 3.0.11 resources/resource.py).
 *
 * A request is SimPy's Put: it joins the queue and the queue head is examined at once.
 * A release is SimPy's Get: it leaves the users at once and schedules an internal release
 * event whose callback examines the queue head when it is processed. The get queue of a
 * SimPy Resource is always empty after each release (releases always succeed), so
 * requests need no callback of their own. Every scan examines the head only: SimPy's
 * Resource._do_put returns None, which ends its _trigger_put loop after one request.
 *
 * Fast path: a request that finds the queue empty and a slot free is what SimPy's scan
 * would examine alone and grant, so it is granted without touching the queue. A record
 * holds a reference on its request only while queued (the resource triggers it later);
 * release events are kept alive by the kernel's queue until their hook has run.      */
#include "simi.h" /* simi_misuse: errors with their status */
#include "sim_waitq.h"
#include "simi_monitor.h"

#include <math.h>
#include <stdlib.h>

enum kind { FIFO, PRIORITY, PREEMPTIVE };

struct sim_resource {
    sim_env *env;
    long capacity;
    long count; /* slots in use */
    enum kind kind;
    simi_wq_queue queue; /* waiting requests: FIFO list, or heap ordered by key then seq */
    simi_wq_list users;  /* PREEMPTIVE only: granted requests in grant order */
    simi_wq_pool pool;   /* request and release records */
    uint64_t seq;
    uint64_t grants; /* grant counter: a holder's seq is its grant number */
    sim_monitor *mon; /* NULL unless monitored */
};

/* After each operation: the monitor sees the new slot count and queue length. */
static inline void monitor(sim_resource *r)
{
    if (__builtin_expect(r->mon != NULL, 0))
        simi_mon_set(r->mon, (double)r->count, (double)simi_wq_queue_len(&r->queue), 0);
}

/* SimPy's PriorityRequest.key = (priority, time, not preempt). */
static int key_cmp(const simi_req *a, const simi_req *b)
{
    if (a->priority != b->priority)
        return a->priority < b->priority ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (!a->preempt != !b->preempt)
        return !a->preempt < !b->preempt ? -1 : 1;
    return 0;
}

/* SortedQueue re-sorts a list stably, so equal keys keep insertion order. */
static int queue_less(const simi_req *a, const simi_req *b)
{
    int c = key_cmp(a, b);
    return c ? c < 0 : a->seq < b->seq;
}

static sim_resource *resource_new(sim_env *env, long capacity, enum kind kind)
{
    if (!env)
        return NULL;
    if (capacity < 1) {
        sim_env_set_error(env, "resource capacity must be > 0 (got %ld)", capacity);
        return NULL;
    }
    sim_resource *r = calloc(1, sizeof *r);
    if (!r) {
        simi_misuse(env, SIM_ENOMEM, "out of memory creating a resource");
        return NULL;
    }
    r->env = env;
    r->capacity = capacity;
    r->kind = kind;
    simi_wq_queue_init(&r->queue, kind == FIFO ? NULL : queue_less);
    simi_wq_pool_init(&r->pool);
    return r;
}

sim_resource *sim_resource_new(sim_env *env, long capacity)
{
    return resource_new(env, capacity, FIFO);
}

sim_resource *sim_priority_resource_new(sim_env *env, long capacity)
{
    return resource_new(env, capacity, PRIORITY);
}

sim_resource *sim_preemptive_resource_new(sim_env *env, long capacity)
{
    return resource_new(env, capacity, PREEMPTIVE);
}

/* A request record goes back to the pool with the references it holds. */
static void req_free(sim_resource *r, simi_req *q)
{
    if (q->where == SIMI_WQ_QUEUED)
        sim_unref(q->ev);
    if (q->proc)
        simi_event_release(&q->proc->ev); /* inline: once per request */
    if (r->kind == PREEMPTIVE) {
        if (q->cause.by)
            sim_unref(sim_proc_event(q->cause.by));
        if (q->cause.by_request)
            sim_unref(q->cause.by_request);
    }
    simi_wq_pool_put(&r->pool, q);
}

/* Release events still in the kernel's queue must not call back into freed memory. */
static void forget(simi_req *q, void *ctx)
{
    if (q->has_cb)
        simi_req_unhook(q);
    else
        req_free(ctx, q);
}

void sim_resource_free(sim_resource *r)
{
    if (!r)
        return;
    simi_wq_pool_each(&r->pool, forget, r);
    simi_wq_queue_fini(&r->queue);
    simi_wq_pool_fini(&r->pool);
    free(r->mon);
    free(r);
}

static void take_slot(sim_resource *r, simi_req *q)
{
    r->count++;
    q->where = SIMI_WQ_HOLDING;
    q->usage_since = sim_now(r->env);
    q->seq = r->grants++; /* the queue is done with it; sim_resource_users sorts by it */
    if (__builtin_expect(r->mon != NULL, 0))
        simi_mon_wait(r->mon, q->usage_since - q->time);
    if (r->kind == PREEMPTIVE)
        simi_wq_list_push(&r->users, q);
}

/* Grant the queue head: it leaves the queue, and the kernel's reference replaces ours. */
static void grant(sim_resource *r, simi_req *q)
{
    simi_wq_queue_remove(&r->queue, q);
    take_slot(r, q);
    sim_succeed(q->ev, NULL);
    sim_unref(q->ev);
    monitor(r);
}

/* PreemptiveResource._do_put: evict the user with the largest key (the last granted
 * among equal keys: SimPy takes sorted(users)[-1] with a stable sort) if it is larger
 * than the new request's key. The interrupt (URGENT) is scheduled before the grant. */
static void preempt(sim_resource *r, simi_req *q)
{
    simi_req *victim = NULL;
    for (simi_req *u = r->users.head; u; u = u->next)
        if (!victim || key_cmp(u, victim) >= 0)
            victim = u;
    if (!victim || key_cmp(victim, q) <= 0)
        return;
    simi_wq_list_remove(&r->users, victim);
    r->count--;
    victim->where = SIMI_WQ_PREEMPTED;
    victim->cause.by = q->proc;
    victim->cause.by_request = sim_ref(q->ev);
    victim->cause.usage_since = victim->usage_since;
    victim->cause.resource = r;
    if (q->proc)
        sim_ref(sim_proc_event(q->proc));
    /* a finished holder or one preempting itself cannot be interrupted: it just loses
     * the slot (SimPy would raise here) */
    if (victim->proc && victim->proc != q->proc && sim_proc_is_alive(victim->proc))
        sim_interrupt(victim->proc, &victim->cause);
}

/* Queued requests someone else triggered leave the queue (SimPy would raise when it
 * examines them); returns the first live one. */
static inline simi_req *live_head(sim_resource *r)
{
    simi_req *q;
    while ((q = simi_wq_queue_first(&r->queue)) && sim_is_triggered(q->ev)) {
        simi_wq_queue_remove(&r->queue, q);
        sim_unref(q->ev);
        q->where = SIMI_WQ_NOWHERE;
        monitor(r); /* rare: the queue shrank without a grant */
    }
    return q;
}

/* BaseResource._trigger_put with Resource._do_put: examine the head only. A head that
 * someone else triggered is dropped and the next one examined. */
static void trigger_put(sim_resource *r)
{
    simi_req *q = live_head(r);
    if (!q)
        return;
    if (r->kind == PREEMPTIVE && q->preempt && r->count >= r->capacity)
        preempt(r, q);
    if (r->count < r->capacity)
        grant(r, q);
}

/* SimPy's Put.__init__: join the queue, then examine its head. A request that finds the
 * queue empty and a slot free is the one the scan would examine and grant: its event is
 * made triggered (a zero timeout is scheduled exactly as a succeed at creation would be). */
static sim_event *request(sim_resource *r, int priority, int preempt_flag, double time)
{
    simi_req *q = simi_wq_pool_get(&r->pool);
    if (!q || !simi_wq_queue_reserve(&r->queue)) {
        if (q)
            simi_wq_pool_put(&r->pool, q);
        simi_misuse(r->env, SIM_ENOMEM, "out of memory in sim_request");
        return NULL;
    }
    int at_once = simi_wq_queue_len(&r->queue) == 0 && r->count < r->capacity;
    sim_event *ev = at_once ? sim_timeout(r->env, 0, NULL) : sim_event_new(r->env);
    if (!ev) {
        simi_wq_pool_put(&r->pool, q);
        return NULL;
    }
    q->ev = ev;
    q->owner = r;
    simi_wq_tag(q);
    /* Every kind keeps what SimPy's Request shows (sim_request_info): the time and the
     * process (whose reference preemption also relies on), and the key fields, which a
     * FIFO resource never orders by (sim_request_info answers SimPy's 0 and 1 there). */
    if (r->kind != FIFO) {
        q->seq = r->seq++;
        q->priority = priority;
        q->preempt = preempt_flag != 0;
    }
    q->time = time;
    q->usage_since = NAN;
    if (r->kind == PREEMPTIVE)
        q->cause = (sim_preempted){0};
    q->proc = r->env->active;
    if (q->proc)
        q->proc->ev.refs++;
    if (at_once) {
        take_slot(r, q);
        monitor(r);
        return ev;
    }
    sim_ref(ev); /* ours while queued; the caller has the one from sim_event_new */
    q->where = SIMI_WQ_QUEUED;
    simi_wq_queue_push(&r->queue, q);
    if (r->count < r->capacity || r->kind == PREEMPTIVE)
        trigger_put(r);
    else
        live_head(r); /* every slot taken: the scan can only drop triggered heads */
    monitor(r);
    return ev;
}

sim_event *sim_request_prio(sim_resource *r, int priority, int preempt)
{
    if (!r)
        return NULL;
    if (r->kind == FIFO) {
        sim_env_set_error(r->env, "sim_request_prio needs a priority or preemptive resource");
        return NULL;
    }
    return request(r, priority, preempt, sim_now(r->env));
}

sim_event *sim_request_prio_at(sim_resource *r, int priority, int preempt, double time)
{
    if (!r)
        return NULL;
    if (r->kind == FIFO) {
        sim_env_set_error(r->env, "sim_request_prio_at needs a priority or preemptive resource");
        return NULL;
    }
    if (!(time <= sim_now(r->env))) {
        sim_env_set_error(r->env, "sim_request_prio_at: time %g is not <= now (%g)", time,
                          sim_now(r->env));
        return NULL;
    }
    return request(r, priority, preempt, time);
}

sim_event *sim_request(sim_resource *r)
{
    return r ? request(r, 0, 1, sim_now(r->env)) : NULL;
}

/* The release event was processed: SimPy's Get callback _trigger_put. */
static void released(sim_hook *h, sim_event *ev)
{
    simi_req *rel = simi_req_of_hook(h);
    sim_resource *r = rel->owner;
    (void)ev;
    simi_wq_pool_put(&r->pool, rel);
    trigger_put(r); /* a grant there tells the monitor */
}

/* Release.__init__; *release_ev (if asked) gets a reference on the release event. */
static sim_status release(sim_resource *r, sim_event *req, sim_event **release_ev)
{
    if (!r || !req)
        return SIM_EINVAL;
    simi_req *q = simi_wq_pool_find(&r->pool, req);
    if (!q) {
        sim_env_set_error(r->env, "sim_release: not a live request of this resource");
        return SIM_EINVAL;
    }
    /* Release.__init__ hooks its callback and succeeds at once (a zero timeout is
     * scheduled the same way, and nothing is scheduled between here and the end); the
     * kernel's queue keeps the event alive until the callback ran. */
    simi_req *rel = simi_wq_pool_get(&r->pool);
    sim_event *ev = rel ? sim_timeout(r->env, 0, NULL) : NULL;
    if (!ev) {
        if (rel)
            simi_wq_pool_put(&r->pool, rel);
        simi_misuse(r->env, SIM_ENOMEM, "out of memory in sim_release");
        return SIM_ENOMEM;
    }
    rel->ev = ev;
    rel->owner = r;
    rel->where = SIMI_WQ_FIRED;
    simi_req_hook(rel, released);
    sim_unref(ev); /* still alive: the queue holds it until processed */
    /* Request.__exit__: cancel() if still waiting, then release() */
    if (q->where == SIMI_WQ_QUEUED) {
        simi_wq_queue_remove(&r->queue, q);
    } else if (q->where == SIMI_WQ_HOLDING) {
        r->count--;
        if (r->kind == PREEMPTIVE)
            simi_wq_list_remove(&r->users, q);
    }
    req_free(r, q);
    monitor(r);
    if (release_ev)
        *release_ev = sim_ref(ev);
    return SIM_OK;
}

sim_status sim_release(sim_resource *r, sim_event *req)
{
    return release(r, req, NULL);
}

sim_event *sim_release_event(sim_resource *r, sim_event *req)
{
    sim_event *ev = NULL;
    return release(r, req, &ev) == SIM_OK ? ev : NULL;
}

long sim_resource_count(const sim_resource *r)
{
    return r ? r->count : 0;
}

long sim_resource_capacity(const sim_resource *r)
{
    return r ? r->capacity : 0;
}

size_t sim_resource_queue_length(const sim_resource *r)
{
    return r ? simi_wq_queue_len(&r->queue) : 0;
}

sim_status sim_request_info(const sim_resource *r, const sim_event *req,
                            sim_request_state *out)
{
    if (!r || !out)
        return SIM_EINVAL;
    simi_req *q = simi_wq_pool_find(&r->pool, req);
    if (!q || q->where == SIMI_WQ_FIRED) {
        sim_env_set_error(r->env, "sim_request_info: not a live request of this resource");
        return SIM_EINVAL;
    }
    int fifo = r->kind == FIFO;
    *out = (sim_request_state){
        .priority = fifo ? 0 : q->priority,
        .preempt = fifo ? 1 : q->preempt,
        .time = q->time,
        .usage_since = q->where == SIMI_WQ_QUEUED || q->where == SIMI_WQ_NOWHERE
                           ? NAN
                           : q->usage_since,
        .proc = q->proc,
        .is_queued = q->where == SIMI_WQ_QUEUED,
        .is_holding = q->where == SIMI_WQ_HOLDING,
        .is_preempted = q->where == SIMI_WQ_PREEMPTED,
    };
    return SIM_OK;
}

typedef struct {
    simi_req **a;
    size_t n;
} holders;

static void collect_holder(simi_req *q, void *ctx)
{
    holders *h = ctx;
    if (q->where == SIMI_WQ_HOLDING)
        h->a[h->n++] = q;
}

static int grant_order(const void *a, const void *b)
{
    const simi_req *x = *(simi_req *const *)a, *y = *(simi_req *const *)b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Only preemption needs the users in a list; the other kinds keep the hot path free of
 * it and find their holders here, among the live records, sorted by grant number. */
size_t sim_resource_users(const sim_resource *r, sim_event **out, size_t max)
{
    if (!r)
        return 0;
    size_t n = (size_t)r->count, i = 0;
    if (!out || max == 0 || n == 0)
        return n;
    if (r->kind == PREEMPTIVE) {
        for (const simi_req *q = r->users.head; q && i < max; q = q->next)
            out[i++] = q->ev;
        return n;
    }
    holders h = {malloc(n * sizeof *h.a), 0};
    if (!h.a) {
        simi_misuse(r->env, SIM_ENOMEM, "out of memory in sim_resource_users");
        return 0;
    }
    simi_wq_pool_each((simi_wq_pool *)&r->pool, collect_holder, &h);
    qsort(h.a, h.n, sizeof *h.a, grant_order);
    for (; i < h.n && i < max; i++)
        out[i] = h.a[i]->ev;
    free(h.a);
    return n;
}

/* The heap holds the queue in heap order; SimPy's queue is sorted by key. */
static int queue_order(const void *a, const void *b)
{
    const simi_req *x = *(simi_req *const *)a, *y = *(simi_req *const *)b;
    return queue_less(x, y) ? -1 : queue_less(y, x) ? 1 : 0;
}

size_t sim_resource_queue(const sim_resource *r, sim_event **out, size_t max)
{
    if (!r)
        return 0;
    size_t n = simi_wq_queue_len(&r->queue);
    if (!out || max == 0)
        return n;
    if (!r->queue.less) {
        size_t i = 0;
        for (const simi_req *q = r->queue.list.head; q && i < max; q = q->next)
            out[i++] = q->ev;
        return n;
    }
    simi_req **sorted = malloc(n * sizeof *sorted);
    if (!sorted) {
        simi_misuse(r->env, SIM_ENOMEM, "out of memory in sim_resource_queue");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = r->queue.a[i];
    qsort(sorted, n, sizeof *sorted, queue_order);
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = sorted[i]->ev;
    free(sorted);
    return n;
}

sim_monitor *sim_resource_monitor(sim_resource *r)
{
    if (r && !r->mon)
        r->mon = simi_mon_new(r->env, (double)r->capacity, (double)r->count,
                              (double)simi_wq_queue_len(&r->queue), 0);
    return r ? r->mon : NULL;
}
