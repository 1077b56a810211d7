/* Internal bookkeeping shared by resource.c, container.c and store.c (simi_wq_, simi_req).
 *
 * A simi_req records one put/get/request/release of a shared object: its event, where it
 * is (queued, holding a slot, waiting for its callback...) and the per-kind data. Records
 * come from a per-object pool of chunks that never move before the object is freed, so
 * they can sit in intrusive lists and carry the kernel's hook node; steady-state operation
 * allocates nothing. The pool also numbers its records: an event handed back by the user
 * (release, cancel) carries number + 1 as its sim_event_data, so finding its record is an
 * array index and a pointer compare, and an event that is not ours (no number, a number
 * out of range, a record now holding another event) is rejected without dereferencing
 * anything the user made. A record holds a reference on its event only while QUEUED: then
 * the object must be able to trigger it later; otherwise the kernel's queue keeps a
 * triggered event alive until its callbacks (ours among them) have run.
 *
 * Queues: a FIFO intrusive list (O(1) everything, inline) or, with a `less` function, a
 * binary heap (O(log n) push and removal).                                              */
#ifndef PROCSIM_SIM_WAITQ_H
#define PROCSIM_SIM_WAITQ_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef struct simi_req simi_req;

enum {
    SIMI_WQ_NOWHERE = 0, /* not in any list (a request someone else triggered) */
    SIMI_WQ_QUEUED,      /* waiting in a put or get queue; holds a reference on ev */
    SIMI_WQ_HOLDING,     /* resource request holding a slot */
    SIMI_WQ_PREEMPTED,   /* resource request that lost its slot to a preemption */
    SIMI_WQ_FIRED        /* triggered; waits for its hook to run when processed */
};

struct simi_req {
    sim_event *ev;         /* the event; NULL while the record is in the pool */
    void *owner;           /* the resource / container / store */
    simi_req *prev, *next; /* links of the list the record is in (or the free list) */
    size_t heap_idx;       /* position in a heap queue */
    uint64_t seq;          /* insertion order, the last tie-break */
    uint32_t num;          /* number in its pool; the event's data is num + 1 */
    unsigned char where;   /* SIMI_WQ_* */
    unsigned char is_put;  /* put queue (1) or get queue (0) */
    unsigned char has_cb;  /* hook registered on ev and not run yet */
    sim_hook hook;         /* the kernel's node for that hook (simi_req_of_hook) */
    /* Per kind; simi_wq_pool_get sets none of the fields: the module fills them. */
    union {
        struct { /* resource requests */
            int priority;
            int preempt;
            double time;         /* request time */
            double usage_since;  /* grant time */
            sim_proc *proc;      /* requesting process (preemptive resources; ref held) */
            sim_preempted cause; /* when preempted: refs held on cause.by and by_request */
        };
        struct { /* container and store requests */
            double since; /* request time, for the monitor's waits */
            double amount;
            void *item;
            double item_priority;
            int (*pred)(void *item, void *ctx);
            void *ctx;
        };
    };
};

static inline simi_req *simi_req_of_hook(sim_hook *h)
{
    return (simi_req *)(void *)((char *)h - offsetof(simi_req, hook));
}

/* Register fn to run when q->ev is processed, before the waiters added after this call
 * (SimPy's ev.callbacks.append). q->ev must be pending. */
static inline void simi_req_hook(simi_req *q, void (*fn)(sim_hook *h, sim_event *ev))
{
    q->hook.fn = fn;
    q->has_cb = sim_event_hook(q->ev, &q->hook) == SIM_OK;
}

static inline void simi_req_unhook(simi_req *q)
{
    if (q->has_cb)
        sim_event_unhook(q->ev, &q->hook);
    q->has_cb = 0;
}

/* ---- pool of records ---- */
typedef struct simi_wq_chunk simi_wq_chunk;
typedef struct {
    simi_req *free;        /* free records, linked through next */
    simi_req **all;        /* every record by number */
    size_t n;              /* records made */
    simi_wq_chunk *chunks; /* every chunk, to free them at the end */
    size_t next_size;      /* records in the next chunk (doubles up to a limit) */
} simi_wq_pool;

void simi_wq_pool_init(simi_wq_pool *p);
void simi_wq_pool_fini(simi_wq_pool *p);
int simi_wq_pool_grow(simi_wq_pool *p); /* 0 when out of memory */
/* Visit every live record (ev != NULL); fn may return the record to the pool. */
void simi_wq_pool_each(simi_wq_pool *p, void (*fn)(simi_req *r, void *ctx), void *ctx);

/* A record with only num set; NULL if out of memory. */
static inline simi_req *simi_wq_pool_get(simi_wq_pool *p)
{
    if (__builtin_expect(!p->free, 0) && !simi_wq_pool_grow(p))
        return NULL;
    simi_req *r = p->free;
    p->free = r->next;
    return r;
}

static inline void simi_wq_pool_put(simi_wq_pool *p, simi_req *r)
{
    r->ev = NULL;
    r->has_cb = 0;
    r->next = p->free;
    p->free = r;
}

/* Mark r->ev as r's (its event data), so simi_wq_pool_find can find r from it. */
static inline void simi_wq_tag(simi_req *r)
{
    sim_event_set_data(r->ev, (void *)(uintptr_t)(r->num + 1));
}

/* The live record of p tagged on ev, or NULL: O(1), and safe for any event. */
static inline simi_req *simi_wq_pool_find(const simi_wq_pool *p, const sim_event *ev)
{
    if (!ev)
        return NULL;
    uintptr_t tag = (uintptr_t)sim_event_data(ev);
    if (tag - 1 >= p->n) /* also rejects tag 0 (no data) */
        return NULL;
    simi_req *r = p->all[tag - 1];
    return r->ev == ev ? r : NULL;
}

/* ---- intrusive FIFO list ---- */
typedef struct {
    simi_req *head, *tail;
    size_t n;
} simi_wq_list;

static inline void simi_wq_list_push(simi_wq_list *l, simi_req *r)
{
    r->next = NULL;
    r->prev = l->tail;
    if (l->tail)
        l->tail->next = r;
    else
        l->head = r;
    l->tail = r;
    l->n++;
}

static inline void simi_wq_list_remove(simi_wq_list *l, simi_req *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        l->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        l->tail = r->prev;
    l->n--;
}

/* Copy up to max waiting events of a list (borrowed), in arrival order; returns how many
 * wait (Store and Container introspection). O(min(n, max)). */
static inline size_t simi_wq_list_events(const simi_wq_list *l, sim_event **out, size_t max)
{
    size_t i = 0;
    for (const simi_req *q = l->head; q && out && i < max; q = q->next)
        out[i++] = q->ev;
    return l->n;
}

/* ---- queue: FIFO list, or a heap when less != NULL ---- */
typedef int (*simi_wq_less)(const simi_req *a, const simi_req *b);
typedef struct {
    simi_wq_less less;
    simi_wq_list list; /* FIFO mode */
    simi_req **a;      /* heap mode */
    size_t n, cap;
} simi_wq_queue;

void simi_wq_queue_init(simi_wq_queue *q, simi_wq_less less);
void simi_wq_queue_fini(simi_wq_queue *q);
int simi_wq_heap_grow(simi_wq_queue *q); /* 0 when out of memory */
void simi_wq_heap_push(simi_wq_queue *q, simi_req *r);
void simi_wq_heap_remove(simi_wq_queue *q, simi_req *r);

/* Room for one more; 0 when out of memory. */
static inline int simi_wq_queue_reserve(simi_wq_queue *q)
{
    return !q->less || q->n < q->cap || simi_wq_heap_grow(q);
}

/* After a successful reserve. */
static inline void simi_wq_queue_push(simi_wq_queue *q, simi_req *r)
{
    if (!q->less)
        simi_wq_list_push(&q->list, r);
    else
        simi_wq_heap_push(q, r);
}

static inline void simi_wq_queue_remove(simi_wq_queue *q, simi_req *r)
{
    if (!q->less)
        simi_wq_list_remove(&q->list, r);
    else
        simi_wq_heap_remove(q, r);
}

static inline simi_req *simi_wq_queue_first(const simi_wq_queue *q)
{
    if (!q->less)
        return q->list.head;
    return q->n ? q->a[0] : NULL;
}

static inline size_t simi_wq_queue_len(const simi_wq_queue *q)
{
    return q->less ? q->n : q->list.n;
}

#endif
