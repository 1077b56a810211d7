/* Record pool and heap queues for the shared objects (see sim_waitq.h). */
#include "sim_waitq.h"

#include <stdlib.h>
#include <string.h>

/* ---- pool ------------------------------------------------------------------------ */

struct simi_wq_chunk {
    simi_wq_chunk *next;
    size_t n;
    simi_req rec[];
};

void simi_wq_pool_init(simi_wq_pool *p)
{
    memset(p, 0, sizeof *p);
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
    free(p->all);
    simi_wq_pool_init(p);
}

/* Chunks double in size up to 4096 records, so a pool holding n records made
 * O(log n + n / 4096) allocations; the number table grows with them. */
int simi_wq_pool_grow(simi_wq_pool *p)
{
    size_t n = p->next_size;
    if (p->n + n > UINT32_MAX)
        return 0;
    simi_wq_chunk *c = malloc(sizeof *c + n * sizeof(simi_req));
    simi_req **all = c ? realloc(p->all, (p->n + n) * sizeof *all) : NULL;
    if (!all) {
        free(c);
        return 0;
    }
    p->all = all;
    c->next = p->chunks;
    c->n = n;
    p->chunks = c;
    for (size_t i = n; i-- > 0;) {
        simi_req *r = &c->rec[i];
        r->ev = NULL;
        r->has_cb = 0;
        r->num = (uint32_t)(p->n + i);
        all[p->n + i] = r;
        r->next = p->free;
        p->free = r;
    }
    p->n += n;
    if (n < 4096)
        p->next_size = 2 * n;
    return 1;
}

void simi_wq_pool_each(simi_wq_pool *p, void (*fn)(simi_req *r, void *ctx), void *ctx)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->all[i]->ev)
            fn(p->all[i], ctx);
}

/* ---- heap queue ------------------------------------------------------------------ */

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

int simi_wq_heap_grow(simi_wq_queue *q)
{
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

void simi_wq_heap_push(simi_wq_queue *q, simi_req *r)
{
    heap_set(q, q->n++, r);
    sift_up(q, q->n - 1);
}

void simi_wq_heap_remove(simi_wq_queue *q, simi_req *r)
{
    size_t i = r->heap_idx;
    simi_req *last = q->a[--q->n];
    if (i == q->n)
        return;
    heap_set(q, i, last);
    sift_up(q, i);
    sift_down(q, last->heap_idx);
}
