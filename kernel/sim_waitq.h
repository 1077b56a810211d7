/* Internal bookkeeping shared by resource.c, container.c and store.c (simi_wq_, simi_req).
 *
 * A simi_req records one put/get/request/release event of a shared object: the event (one
 * reference held), where it is (queued, holding a slot, waiting for its callback...) and
 * the per-kind data. Records come from a per-object pool of chunks that are never moved or
 * returned before the object is freed, so they can sit in intrusive lists, and steady-state
 * operation allocates nothing. A small open-addressing map finds the record of an event
 * handle given back by the user (release, cancel) in O(1); it also rejects events that
 * belong to something else. A simi_wq_queue is either a FIFO intrusive list (O(1) everything)
 * or, with a `less` function, a binary heap (O(log n) push and removal).            */
#ifndef PROCSIM_SIM_WAITQ_H
#define PROCSIM_SIM_WAITQ_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef struct simi_req simi_req;

enum {
    SIMI_WQ_NOWHERE = 0, /* not in any list */
    SIMI_WQ_QUEUED,      /* waiting in a put or get queue */
    SIMI_WQ_HOLDING,     /* resource request holding a slot */
    SIMI_WQ_PREEMPTED,   /* resource request that lost its slot to a preemption */
    SIMI_WQ_FIRED        /* triggered by us; its callback runs when it is processed */
};

struct simi_req {
    sim_event *ev;         /* the event; one reference held while the record lives */
    void *owner;           /* the resource / container / store */
    simi_req *prev, *next; /* links of the list the record is in (or the free list) */
    size_t heap_idx;       /* position in a heap queue */
    uint64_t seq;          /* insertion order, the last tie-break */
    unsigned char where;   /* SIMI_* */
    unsigned char is_put;  /* put queue (1) or get queue (0) */
    unsigned char has_cb;  /* our processing callback is registered and has not run */
    sim_hook hook;         /* the kernel's link for that callback */
    void (*on_processed)(simi_req *q);
    /* Per kind; simi_wq_pool_get leaves these to the module that fills the record. */
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
            double amount;
            void *item;
            double item_priority;
            int (*pred)(void *item, void *ctx);
            void *ctx;
        };
    };
};

/* Run on_processed(q) when q->ev is processed, before the waiters added after this call
 * (SimPy's ev.callbacks.append); unhook before it ran. They keep has_cb up to date. */
void simi_req_hook(simi_req *q, void (*on_processed)(simi_req *q));
void simi_req_unhook(simi_req *q);

/* ---- pool of records ---- */
typedef struct simi_wq_chunk simi_wq_chunk;
typedef struct {
    simi_req *free;        /* free records, linked through next */
    simi_wq_chunk *chunks; /* every chunk, to free them at the end */
    size_t next_size;      /* records in the next chunk (doubles) */
} simi_wq_pool;

void simi_wq_pool_init(simi_wq_pool *p);
void simi_wq_pool_fini(simi_wq_pool *p);
/* A record with the common fields zeroed, not the per-kind union; NULL if out of memory. */
simi_req *simi_wq_pool_get(simi_wq_pool *p);
void simi_wq_pool_put(simi_wq_pool *p, simi_req *r);

/* ---- event -> record map ---- */
typedef struct {
    simi_req **slot; /* open addressing, linear probing, NULL = empty */
    size_t mask;     /* slots - 1 (a power of two) or 0 before the first insert */
    size_t used;
} simi_wq_map;

void simi_wq_map_init(simi_wq_map *m);
void simi_wq_map_fini(simi_wq_map *m);
int simi_wq_map_reserve(simi_wq_map *m);           /* room for one more; 0 when out of memory */
void simi_wq_map_put(simi_wq_map *m, simi_req *r); /* after a successful reserve */
simi_req *simi_wq_map_get(const simi_wq_map *m, const sim_event *ev);
void simi_wq_map_del(simi_wq_map *m, simi_req *r);
/* Visit every record (for freeing); `fn` must not change the map. */
void simi_wq_map_each(simi_wq_map *m, void (*fn)(simi_req *r, void *ctx), void *ctx);

/* ---- intrusive FIFO list ---- */
typedef struct {
    simi_req *head, *tail;
    size_t n;
} simi_wq_list;

void simi_wq_list_push(simi_wq_list *l, simi_req *r);
void simi_wq_list_remove(simi_wq_list *l, simi_req *r);

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
int simi_wq_queue_reserve(simi_wq_queue *q); /* room for one more; 0 when out of memory */
void simi_wq_queue_push(simi_wq_queue *q, simi_req *r); /* after a successful reserve */
void simi_wq_queue_remove(simi_wq_queue *q, simi_req *r);
simi_req *simi_wq_queue_first(const simi_wq_queue *q);
size_t simi_wq_queue_len(const simi_wq_queue *q);

#endif
