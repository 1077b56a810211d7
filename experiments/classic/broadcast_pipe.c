/* Broadcast pipe: one producer sends every message to many consumers, each reading at
 * its own pace from its own Store.
 *
 * The pipe is one Store per consumer. Sending puts the message into every Store and
 * waits for all the puts with sim_all_of, so with a bounded capacity a slow consumer
 * holds the producer back; unbounded (capacity 0), the producer never waits and slow
 * consumers fall behind. A consumer takes the next message (sim_store_get: the value of
 * the event is the item), notes whether it arrives late (sent before now), and spends a
 * while on it.
 *
 * Items are message numbers carried in the item pointer; the model keeps the send times
 * in a growing array, so a message costs no allocation of its own.
 *
 * Streams: 0 the producer's gaps, 1 the consumers' reading times.                    */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments.h"
#include "stats.h"

enum { CONSUMERS, CAPACITY, SEND_MIN, SEND_MAX, READ_MIN, READ_MAX, SIM_TIME };

static const exp_param pipe_params[] = {
    [CONSUMERS] = {"consumers", 2, 1, 10000, 1, "consumers reading the pipe"},
    [CAPACITY] = {"capacity", 0, 0, 1e9, 1,
                  "messages each consumer's Store holds (0: no limit)"},
    [SEND_MIN] = {"send_min", 6, 0, 1e6, 0, "shortest gap between messages (uniform)"},
    [SEND_MAX] = {"send_max", 10, 1e-6, 1e6, 0, "longest gap between messages"},
    [READ_MIN] = {"read_min", 4, 0, 1e6, 0, "shortest time a consumer spends on a message"},
    [READ_MAX] = {"read_max", 8, 0, 1e6, 0, "longest time a consumer spends on a message"},
    [SIM_TIME] = {"sim_time", 100, 1e-6, 1e9, 0, "length of the run"},
};

enum { M_SENT, M_RECEIVED, M_LATE, M_LATENCY, M_BACKLOG, M_BLOCKED };

static const exp_metric pipe_metrics[] = {
    [M_SENT] = {"sent", "messages the producer sent", 0},
    [M_RECEIVED] = {"received", "messages taken by all consumers together", 0},
    [M_LATE] = {"late_fraction", "received messages that waited in a Store (NaN if none)", 1},
    [M_LATENCY] = {"latency", "mean time from sending to being taken (NaN if none)", 0},
    [M_BACKLOG] = {"max_backlog", "most messages waiting in one consumer's Store", 0},
    [M_BLOCKED] = {"blocked_time", "time the producer spent waiting for room", 0},
};

typedef struct {
    sim_store **pipes; /* one per consumer */
    sim_event **puts;  /* the puts of the message being sent, one per consumer */
    long consumers;
    sim_rng *gaps, *reads;
    const double *p;
    double *sent_at; /* send time of message i */
    size_t sent, cap;
    long received, late;
    size_t max_backlog;
    double blocked;
    stats_tally latency;
} broadcast;

/* Put message `msg` into every consumer's Store; done when all puts are. */
static sim_status send(sim_proc *self, broadcast *b, size_t msg)
{
    sim_env *env = sim_proc_env(self);
    sim_event **puts = b->puts;
    sim_status st = SIM_OK;
    for (long i = 0; i < b->consumers && st == SIM_OK; i++) {
        puts[i] = sim_store_put(b->pipes[i], (void *)(uintptr_t)msg);
        st = puts[i] ? SIM_OK : SIM_ENOMEM;
    }
    sim_event *all = st == SIM_OK ? sim_all_of(env, puts, (size_t)b->consumers) : NULL;
    double start = sim_now(env);
    if (st == SIM_OK)
        st = all ? sim_wait(self, all, NULL) : SIM_ENOMEM;
    b->blocked += sim_now(env) - start;
    for (long i = 0; i < b->consumers; i++) {
        size_t waiting = sim_store_size(b->pipes[i]);
        if (waiting > b->max_backlog)
            b->max_backlog = waiting;
        sim_unref(puts[i]);
        puts[i] = NULL;
    }
    sim_unref(all);
    return st;
}

static void *producer(sim_proc *self, void *arg)
{
    broadcast *b = arg;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        sim_status st =
            sim_sleep(self, sim_rng_uniform(b->gaps, b->p[SEND_MIN], b->p[SEND_MAX]));
        if (st == SIM_OK && b->sent == b->cap) {
            size_t ncap = b->cap ? 2 * b->cap : 64;
            double *grown = realloc(b->sent_at, ncap * sizeof *grown);
            if (grown) {
                b->sent_at = grown;
                b->cap = ncap;
            } else {
                st = SIM_ENOMEM;
            }
        }
        if (st == SIM_OK) {
            size_t msg = b->sent++;
            b->sent_at[msg] = sim_now(env);
            sim_trace(env, "%8.2f producer sends message %zu\n", sim_now(env), msg);
            st = send(self, b, msg);
        }
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
}

typedef struct {
    broadcast *b;
    long id;
} consumer_arg;

static void *consumer(sim_proc *self, void *arg)
{
    const consumer_arg *c = arg;
    broadcast *b = c->b;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        sim_event *get = sim_store_get(b->pipes[c->id]);
        void *item = NULL;
        sim_status st = get ? sim_wait(self, get, &item) : SIM_ENOMEM;
        sim_unref(get);
        if (st == SIM_OK) {
            size_t msg = (size_t)(uintptr_t)item;
            double latency = sim_now(env) - b->sent_at[msg];
            int late = b->sent_at[msg] < sim_now(env);
            b->received++;
            b->late += late;
            stats_tally_add(&b->latency, latency);
            sim_trace(env, "%8.2f consumer %ld takes message %zu%s\n", sim_now(env), c->id, msg,
                      late ? " (late)" : "");
            st = sim_sleep(self, sim_rng_uniform(b->reads, b->p[READ_MIN], b->p[READ_MAX]));
        }
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
}

static sim_status pipe_replicate(sim_env *env, const double *params, double *metrics)
{
    if (params[SEND_MAX] < params[SEND_MIN] || params[READ_MAX] < params[READ_MIN]) {
        sim_env_set_error(env, "broadcast_pipe: each *_max must be >= its *_min");
        return SIM_EINVAL;
    }
    broadcast b = {.consumers = (long)params[CONSUMERS],
                   .gaps = sim_env_rng(env, 0),
                   .reads = sim_env_rng(env, 1),
                   .p = params};
    long capacity = params[CAPACITY] > 0 ? (long)params[CAPACITY] : SIM_UNLIMITED;
    stats_tally_init(&b.latency);
    b.pipes = calloc((size_t)b.consumers, sizeof *b.pipes);
    b.puts = calloc((size_t)b.consumers, sizeof *b.puts);
    sim_status st = b.pipes && b.puts ? SIM_OK : SIM_ENOMEM;

    char name[32];
    for (long i = 0; i < b.consumers && st == SIM_OK; i++) {
        b.pipes[i] = sim_store_new(env, capacity);
        consumer_arg arg = {&b, i}; /* each consumer gets its own copy */
        snprintf(name, sizeof name, "consumer %ld", i);
        st = b.pipes[i] ? sim_spawn_copy(env, name, consumer, &arg, sizeof arg) : SIM_ENOMEM;
    }
    if (st == SIM_OK)
        st = sim_spawn(env, "producer", producer, &b);
    if (st == SIM_OK)
        st = sim_run(env, sim_now(env) + params[SIM_TIME]);

    metrics[M_SENT] = (double)b.sent;
    metrics[M_RECEIVED] = (double)b.received;
    metrics[M_LATE] = b.received ? (double)b.late / (double)b.received : NAN;
    metrics[M_LATENCY] = stats_tally_mean(&b.latency);
    metrics[M_BACKLOG] = (double)b.max_backlog;
    metrics[M_BLOCKED] = b.blocked;
    for (long i = 0; b.pipes && i < b.consumers; i++)
        sim_store_free(b.pipes[i]);
    free(b.pipes);
    free(b.puts); /* a put still pending belongs to the environment now */
    free(b.sent_at);
    return st;
}

static const char *pipe_check(const double *params)
{
    if (params[SEND_MAX] < params[SEND_MIN])
        return "send_max must be >= send_min";
    return params[READ_MAX] < params[READ_MIN] ? "read_max must be >= read_min" : NULL;
}

const exp_experiment exp_classic_broadcast_pipe = {
    .name = "broadcast_pipe",
    .help = "one producer broadcasts messages to many consumers through Stores",
    .params = pipe_params,
    .n_params = sizeof pipe_params / sizeof pipe_params[0],
    .metrics = pipe_metrics,
    .n_metrics = sizeof pipe_metrics / sizeof pipe_metrics[0],
    .replicate = pipe_replicate,
    .check = pipe_check,
};
