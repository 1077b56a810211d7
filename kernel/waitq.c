/* Record pool, event map and queues for the shared objects (see sim_waitq.h). */
#include "sim_waitq.h"

#include <stdlib.h>
#include <string.h>

/* ---- processing callbacks ---------------------------------------------------------- */

static void hook_fired(sim_hook *h, sim_event *ev)
{
    simi_req *q = (simi_req *)(void *)((char *)h - offsetof(simi_req, hook));
    (void)ev;
    q->has_cb = 0;
    q->on_processed(q);
}

void simi_req_hook(simi_req *q, void (*on_processed)(simi_req *q))
{
    q->on_processed = on_processed;
    q->hook.fn = hook_fired;
    q->has_cb = sim_event_hook(q->ev, &q->hook) == SIM_OK;
}

void simi_req_unhook(simi_req *q)
{
    if (q->has_cb)
        sim_event_unhook(q->ev, &q->hook);
    q->has_cb = 0;
}

/* ---- pool ------------------------------------------------------------------------ */

struct simi_wq_chunk {
    simi_wq_chunk *next;
    size_t n;
    simi_req rec[];
};

void simi_wq_pool_init(simi_wq_pool *p)
{
    p->free = NULL;
    p->chunks = NULL;
    p->next_size = 16;
}

void simi_wq_pool_fini(simi_wq_pool *p)
{
    simi_wq_chunk *c = p->chunks;
    while (c) {
        simi_wq_chunk *next = c->next;
        free(c);
        c = next;
    }
    simi_wq_pool_init(p);
}

/* Chunks double in size, so a pool holding n records made O(log n) allocations. */
simi_req *simi_wq_pool_get(simi_wq_pool *p)
{
    if (!p->free) {
        size_t n = p->next_size;
        simi_wq_chunk *c = malloc(sizeof *c + n * sizeof(simi_req));
        if (!c)
            return NULL;
        c->next = p->chunks;
        c->n = n;
        p->chunks = c;
        for (size_t i = n; i-- > 0;) {
            c->rec[i].next = p->free;
            p->free = &c->rec[i];
        }
        if (n < 4096)
            p->next_size = 2 * n;
    }
    simi_req *r = p->free;
    p->free = r->next;
    memset(r, 0, offsetof(simi_req, on_processed) + sizeof r->on_processed);
    return r;
}

void simi_wq_pool_put(simi_wq_pool *p, simi_req *r)
{
    r->ev = NULL;
    r->next = p->free;
    p->free = r;
}

/* ---- map ------------------------------------------------------------------------- */

static size_t hash_ptr(const void *p, size_t mask)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return (size_t)x & mask;
}

void simi_wq_map_init(simi_wq_map *m)
{
    m->slot = NULL;
    m->mask = 0;
    m->used = 0;
}

void simi_wq_map_fini(simi_wq_map *m)
{
    free(m->slot);
    simi_wq_map_init(m);
}

static void map_insert(simi_wq_map *m, simi_req *r)
{
    size_t i = hash_ptr(r->ev, m->mask);
    while (m->slot[i])
        i = (i + 1) & m->mask;
    m->slot[i] = r;
}

/* Keep the load at most 1/2 so probe chains stay short. */
int simi_wq_map_reserve(simi_wq_map *m)
{
    size_t slots = m->slot ? m->mask + 1 : 0;
    if (2 * (m->used + 1) <= slots)
        return 1;
    size_t nslots = slots ? 2 * slots : 32;
    simi_req **old = m->slot;
    simi_req **fresh = calloc(nslots, sizeof *fresh);
    if (!fresh)
        return 0;
    m->slot = fresh;
    m->mask = nslots - 1;
    for (size_t i = 0; i < slots; i++)
        if (old[i])
            map_insert(m, old[i]);
    free(old);
    return 1;
}

void simi_wq_map_put(simi_wq_map *m, simi_req *r)
{
    map_insert(m, r);
    m->used++;
}

simi_req *simi_wq_map_get(const simi_wq_map *m, const sim_event *ev)
{
    if (!m->slot || !ev)
        return NULL;
    for (size_t i = hash_ptr(ev, m->mask); m->slot[i]; i = (i + 1) & m->mask)
        if (m->slot[i]->ev == ev)
            return m->slot[i];
    return NULL;
}

/* Backward-shift deletion: no tombstones, so lookups never degrade over a long run. */
void simi_wq_map_del(simi_wq_map *m, simi_req *r)
{
    if (!m->slot)
        return;
    size_t i = hash_ptr(r->ev, m->mask);
    while (m->slot[i] && m->slot[i] != r)
        i = (i + 1) & m->mask;
    if (!m->slot[i])
        return;
    m->slot[i] = NULL;
    m->used--;
    for (size_t j = (i + 1) & m->mask; m->slot[j]; j = (j + 1) & m->mask) {
        size_t home = hash_ptr(m->slot[j]->ev, m->mask);
        /* move slot j back into the hole at i unless its home lies cyclically in (i, j] */
        int stays = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->slot[i] = m->slot[j];
            m->slot[j] = NULL;
            i = j;
        }
    }
}

void simi_wq_map_each(simi_wq_map *m, void (*fn)(simi_req *r, void *ctx), void *ctx)
{
    if (!m->slot)
        return;
    for (size_t i = 0; i <= m->mask; i++)
        if (m->slot[i])
            fn(m->slot[i], ctx);
}

/* ---- list ------------------------------------------------------------------------ */

void simi_wq_list_push(simi_wq_list *l, simi_req *r)
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

void simi_wq_list_remove(simi_wq_list *l, simi_req *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        l->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        l->tail = r->prev;
    r->prev = r->next = NULL;
    l->n--;
}

/* ---- queue ----------------------------------------------------------------------- */

void simi_wq_queue_init(simi_wq_queue *q, simi_wq_less less)
{
    memset(q, 0, sizeof *q);
    q->less = less;
}

void simi_wq_queue_fini(simi_wq_queue *q)
{
    free(q->a);
    simi_wq_queue_init(q, q->less);
}

int simi_wq_queue_reserve(simi_wq_queue *q)
{
    if (!q->less || q->n < q->cap)
        return 1;
    size_t ncap = q->cap ? 2 * q->cap : 16;
    simi_req **a = realloc(q->a, ncap * sizeof *a);
    if (!a)
        return 0;
    q->a = a;
    q->cap = ncap;
    return 1;
}

static void heap_set(simi_wq_queue *q, size_t i, simi_req *r)
{
    q->a[i] = r;
    r->heap_idx = i;
}

static void sift_up(simi_wq_queue *q, size_t i)
{
    simi_req *r = q->a[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!q->less(r, q->a[parent]))
            break;
        heap_set(q, i, q->a[parent]);
        i = parent;
    }
    heap_set(q, i, r);
}

static void sift_down(simi_wq_queue *q, size_t i)
{
    simi_req *r = q->a[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && q->less(q->a[c + 1], q->a[c]))
            c++;
        if (!q->less(q->a[c], r))
            break;
        heap_set(q, i, q->a[c]);
        i = c;
    }
    heap_set(q, i, r);
}

void simi_wq_queue_push(simi_wq_queue *q, simi_req *r)
{
    if (!q->less) {
        simi_wq_list_push(&q->list, r);
        return;
    }
    heap_set(q, q->n++, r);
    sift_up(q, q->n - 1);
}

void simi_wq_queue_remove(simi_wq_queue *q, simi_req *r)
{
    if (!q->less) {
        simi_wq_list_remove(&q->list, r);
        return;
    }
    size_t i = r->heap_idx;
    simi_req *last = q->a[--q->n];
    if (i == q->n)
        return;
    heap_set(q, i, last);
    sift_up(q, i);
    sift_down(q, last->heap_idx);
}

simi_req *simi_wq_queue_first(const simi_wq_queue *q)
{
    if (!q->less)
        return q->list.head;
    return q->n ? q->a[0] : NULL;
}

size_t simi_wq_queue_len(const simi_wq_queue *q)
{
    return q->less ? q->n : q->list.n;
}
