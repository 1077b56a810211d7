/* The event queue: (time, priority, seq) order with FIFO buckets on a binary heap, and
 * a now lane. A bucket is just a heap entry holding its first event; the events chain
 * through their next pointers, and only the newest bucket's tail is remembered.
 *
 * SimPy orders by (time, priority, seq) with seq counting scheduled events, so events of
 * equal (time, priority) come out in the order they went in. The queue exploits that:
 * events of equal key are chained in a bucket, and only buckets sit in the heap, keyed by
 * (time, priority, seq) where seq counts buckets. A push whose key equals that of the
 * newest bucket joins its tail in O(1): every other bucket of that key is older, so the
 * order stays exact. Any other push opens a new bucket (O(log buckets)). Typical models
 * schedule in runs of equal keys (every process waking at t+1), so most pushes and pops
 * never touch the heap; with all-distinct times it is a plain heap of single events.
 *
 * The lanes (simi.h) take every event scheduled with no delay: the now lane those at
 * NORMAL priority (most triggers), the urgent lane those at URGENT (process starts,
 * interruptions). Every heap entry at (now, p) was scheduled earlier, so comes before
 * the lane of priority p; hence: heap entries at (now, URGENT), the urgent lane, heap
 * entries at (now, NORMAL), the now lane, then the rest of the heap. Time cannot advance
 * while a lane holds events, since they are all at now. Lanes are plain FIFOs: O(1).  */
#include <stdlib.h>

#include "simi.h"

#define SEQ_BITS 62
#define INITIAL_CAP 64

static int entry_less(const simi_heap_entry *a, const simi_heap_entry *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    return a->key < b->key;
}

int simi_evq_init(simi_evq *q)
{
    q->heap = malloc(INITIAL_CAP * sizeof *q->heap);
    if (!q->heap)
        return -1;
    q->now_head = q->now_tail = NULL;
    q->urg_head = q->urg_tail = NULL;
    q->len = 0;
    q->cap = INITIAL_CAP;
    q->last_open = 0;
    q->last_time = 0;
    q->last_key = 0;
    q->last_tail = NULL;
    q->seq = 0;
    return 0;
}

void simi_evq_fini(simi_evq *q)
{
    /* The events belong to the environment's pools; only the heap is ours. */
    free(q->heap);
    q->heap = NULL;
    q->len = q->cap = 0;
}

static void sift_up(simi_heap_entry *h, size_t i)
{
    simi_heap_entry e = h[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!entry_less(&e, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static void sift_down(simi_heap_entry *h, size_t len, size_t i)
{
    simi_heap_entry e = h[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= len)
            break;
        if (child + 1 < len && entry_less(&h[child + 1], &h[child]))
            child++;
        if (!entry_less(&h[child], &e))
            break;
        h[i] = h[child];
        i = child;
    }
    h[i] = e;
}

/* Slow path of simi_evq_push (simi.h): the event opens a new bucket. */
__attribute__((noinline)) int simi_evq_push_bucket(simi_evq *q, sim_event *ev, double time, int priority,
                                                 uint64_t seq)
{
    if (q->len == q->cap) {
        sim_env *env = (sim_env *)(void *)((char *)q - offsetof(sim_env, queue));
        if (simi_mem_charge(env, q->cap * sizeof *q->heap) != 0)
            return -1;
        simi_heap_entry *grown = realloc(q->heap, 2 * q->cap * sizeof *grown);
        if (!grown)
            return -1;
        q->heap = grown;
        q->cap *= 2;
    }
    uint64_t key = (uint64_t)priority << SEQ_BITS | seq;
    q->heap[q->len] = (simi_heap_entry){time, key, ev};
    sift_up(q->heap, q->len++);
    q->last_open = 1;
    q->last_time = time;
    q->last_key = key;
    q->last_tail = ev;
    return 0;
}

/* Slow path of simi_evq_pop (simi.h): the top bucket ran empty. The top bucket stays in
 * the heap until then, so events pushed meanwhile with a smaller key (an URGENT event at
 * now) still overtake the rest of it. Keys are unique, so the newest bucket is known by
 * its key. */
void simi_evq_drop_top(simi_evq *q)
{
    if (q->heap[0].key == q->last_key)
        q->last_open = 0;
    q->heap[0] = q->heap[--q->len];
    if (q->len > 1)
        sift_down(q->heap, q->len, 0);
}

double simi_evq_peek(const simi_evq *q, double now)
{
    if (q->now_head || q->urg_head)
        return now;
    return q->len ? q->heap[0].time : 1.0 / 0.0;
}
