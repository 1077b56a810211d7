/* Guide example 11, producer-consumer: a bounded buffer with an "item available" event.
 *
 * The producer adds an item every 2 units; the consumer takes one every 3 units, and
 * when the buffer is empty it waits on `item_available`, which the next put succeeds.
 * An event triggers only once, so the consumer replaces it with a fresh one after each
 * wait. The run stops at 20: the stop event is URGENT, so the consumer's and producer's
 * timeouts due at exactly 20 never run and the trace ends at 18.
 *
 * Items are the strings 'Item <n>' in Python; the buffer here keeps just the numbers.
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory; then the
 * process fails with that status, which stops the run.                                */
#include "experiments.h"

#define BUFFER_CAPACITY 5

typedef struct {
    int items[BUFFER_CAPACITY]; /* FIFO of item numbers: head, then count-1 more */
    int head, count;
    sim_event *item_available; /* owned by the buffer; replaced after each wait */
} buffer;

/* Add an item if there is room and signal that one is available (once per event). */
static int buffer_put(buffer *b, int item, sim_status *st)
{
    *st = SIM_OK;
    if (b->count == BUFFER_CAPACITY)
        return 0;
    b->items[(b->head + b->count) % BUFFER_CAPACITY] = item;
    b->count++;
    if (!sim_is_triggered(b->item_available))
        *st = sim_succeed(b->item_available, NULL);
    return 1;
}

/* Take the oldest item; the buffer must not be empty. */
static int buffer_get(buffer *b)
{
    int item = b->items[b->head];
    b->head = (b->head + 1) % BUFFER_CAPACITY;
    b->count--;
    return item;
}

static void *producer(sim_proc *self, void *arg)
{
    buffer *b = arg;
    sim_env *env = sim_proc_env(self);
    int item_id = 0;
    sim_status st;

    for (;;) {
        if ((st = sim_sleep(self, 2)) != SIM_OK)
            return sim_exit_fail(self, (int)st);
        int added = buffer_put(b, item_id, &st);
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
        if (added) {
            sim_trace(env, "Producer: Added Item %d at %s\n", item_id,
                      sim_fmt_time(sim_now(env)).s);
            item_id++;
        }
    }
}

static void *consumer(sim_proc *self, void *arg)
{
    buffer *b = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st;

    for (;;) {
        if (b->count > 0) {
            int item = buffer_get(b);
            sim_trace(env, "Consumer: Retrieved Item %d at %s\n", item,
                      sim_fmt_time(sim_now(env)).s);
            if ((st = sim_sleep(self, 3)) != SIM_OK)
                return sim_exit_fail(self, (int)st);
        } else {
            sim_trace(env, "Consumer: Waiting for items at %s\n", sim_fmt_time(sim_now(env)).s);
            if ((st = sim_wait(self, b->item_available, NULL)) != SIM_OK)
                return sim_exit_fail(self, (int)st);
            sim_event *fresh = sim_event_new(env);
            if (!fresh)
                return sim_exit_fail(self, (int)SIM_ENOMEM);
            sim_unref(b->item_available);
            b->item_available = fresh;
        }
    }
}

static sim_status producer_consumer_replicate(sim_env *env, const double *params,
                                              double *metrics)
{
    (void)params;
    /* Both processes are still waiting when the run stops; the environment frees them
     * and they never touch the buffer again, so it can live on this stack. */
    buffer b = {.head = 0, .count = 0, .item_available = sim_event_new(env)};
    if (!b.item_available)
        return SIM_ENOMEM;

    sim_status st = sim_spawn(env, "producer", producer, &b);
    if (st == SIM_OK)
        st = sim_spawn(env, "consumer", consumer, &b);
    if (st == SIM_OK)
        st = sim_run(env, 20);

    sim_unref(b.item_available);
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric producer_consumer_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_producer_consumer = {
    .name = "producer_consumer",
    .help = "guide 11: a producer and a consumer share a bounded buffer until time 20",
    .metrics = producer_consumer_metrics,
    .n_metrics = 1,
    .replicate = producer_consumer_replicate,
};
