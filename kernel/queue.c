/* The event queue: (time, priority, seq) order with FIFO buckets on a binary heap, and
 * a now lane. A bucket is a heap entry with an array of its events in arrival order; only
 * the newest bucket takes new events. Arrays rather than chains through the events: with
 * thousands of processes waking at the same time, the loop reads the next events' addresses
 * sequentially and fetches them (and their stacks) several wakeups ahead (switch.h).
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
#include <math.h>
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
    *q = (simi_evq){.last_time = NAN};
    q->heap = malloc(INITIAL_CAP * sizeof *q->heap);
    if (!q->heap)
        return -1;
    q->cap = INITIAL_CAP;
    return 0;
}

void simi_evq_fini(simi_evq *q)
{
    /* The events belong to the environment's pools; the heap and the buckets are ours. */
    free(q->heap);
    q->heap = NULL;
    q->len = q->cap = 0;
    for (simi_bucket *b = q->all_buckets, *next; b; b = next) {
        next = b->next_all;
        free(b->ev);
        free(b);
    }
    q->all_buckets = q->free_buckets = NULL;
}

static sim_env *env_of(simi_evq *q)
{
    return (sim_env *)(void *)((char *)q - offsetof(sim_env, queue));
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

/* Double b's array (charged to the environment's memory budget). */
static int grow_bucket(simi_evq *q, simi_bucket *b)
{
    size_t cap = (size_t)(b->limit - b->ev), grown = cap ? 2 * cap : 4;
    if (simi_mem_charge(env_of(q), (grown - cap) * sizeof *b->ev) != 0)
        return -1;
    sim_event **ev = realloc(b->ev, grown * sizeof *ev);
    if (!ev)
        return -1;
    b->rest = ev + (b->rest - b->ev);
    b->end = ev + (b->end - b->ev);
    b->ev = ev;
    b->limit = ev + grown;
    return 0;
}

/* Slow path of simi_evq_push (simi.h): the newest bucket's array is full. */
__attribute__((noinline)) int simi_evq_append_grow(simi_evq *q, sim_event *ev)
{
    simi_bucket *b = q->last;
    if (grow_bucket(q, b) != 0)
        return -1;
    *b->end++ = ev;
    return 0;
}

/* A new bucket for the pool, when it is empty (0, or -1 out of memory). */
static __attribute__((noinline, cold)) int bucket_new(simi_evq *q)
{
    if (simi_mem_charge(env_of(q), sizeof(simi_bucket)) != 0)
        return -1;
    simi_bucket *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    if (grow_bucket(q, b) != 0) {
        free(b);
        return -1;
    }
    b->next_all = q->all_buckets;
    q->all_buckets = b;
    b->next_free = q->free_buckets;
    q->free_buckets = b;
    return 0;
}

/* Double the heap (0, or -1 out of memory). */
static __attribute__((noinline, cold)) int heap_grow(simi_evq *q)
{
    if (simi_mem_charge(env_of(q), q->cap * sizeof *q->heap) != 0)
        return -1;
    simi_heap_entry *grown = realloc(q->heap, 2 * q->cap * sizeof *grown);
    if (!grown)
        return -1;
    q->heap = grown;
    q->cap *= 2;
    return 0;
}

/* Slow path of simi_evq_push (simi.h): the event opens a new bucket. Out of line, so
 * that sim_sleep stays small enough to be inlined into models (switch.h); its own rare
 * paths out of line too, so the common one saves no registers. */
static __attribute__((noinline, cold)) int push_bucket_grow(simi_evq *q, sim_event *ev,
                                                            double time, int priority,
                                                            uint64_t seq)
{
    if (q->len == q->cap && heap_grow(q) != 0)
        return -1;
    if (!q->free_buckets && bucket_new(q) != 0)
        return -1;
    return simi_evq_push_bucket(q, ev, time, priority, seq);
}

__attribute__((noinline)) int simi_evq_push_bucket(simi_evq *q, sim_event *ev, double time,
                                                   int priority, uint64_t seq)
{
    /* Growing is a function of its own: this one then calls nothing but that tail call. */
    if (__builtin_expect(q->len == q->cap || !q->free_buckets, 0))
        return push_bucket_grow(q, ev, time, priority, seq);
    simi_bucket *b = q->free_buckets;
    q->free_buckets = b->next_free;
    b->rest = b->end = b->ev; /* ev itself is the heap entry's head */
    uint64_t key = (uint64_t)priority << SEQ_BITS | seq;
    q->last_time = time;
    q->last_priority = priority;
    q->last_key = key;
    q->last = b;
    q->heap[q->len] = (simi_heap_entry){time, key, ev, b};
    sift_up(q->heap, q->len++);
    return 0;
}

/* Slow path of simi_evq_pop (simi.h): the top bucket ran empty and goes back to the pool.
 * The top bucket stays in the heap until then, so events pushed meanwhile with a smaller
 * key (an URGENT event at now) still overtake the rest of it. Keys are unique, so the
 * newest bucket is known by its key. */
void simi_evq_drop_top(simi_evq *q)
{
    if (q->heap[0].key == q->last_key)
        q->last_time = NAN; /* closed */
    simi_bucket *b = q->heap[0].b;
    b->next_free = q->free_buckets;
    q->free_buckets = b;
    /* Floyd's way: move the hole at the top down to a leaf along the smaller children
     * (one comparison per level), put the last entry there and sift it up (it belongs
     * near the bottom, so that is rarely more than a step): about half the comparisons
     * of sifting the last entry down from the top. */
    simi_heap_entry *h = q->heap;
    size_t len = --q->len, i = 0;
    if (len == 0)
        return;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= len)
            break;
        if (child + 1 < len && entry_less(&h[child + 1], &h[child]))
            child++;
        h[i] = h[child];
        i = child;
    }
    h[i] = h[len];
    sift_up(h, i);
}

double simi_evq_peek(const simi_evq *q, double now)
{
    if (q->now_head || q->urg_head)
        return now;
    return q->len ? q->heap[0].time : 1.0 / 0.0;
}
