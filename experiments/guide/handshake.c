/* Guide example 12, handshake: request / acknowledge over two events, which deadlocks.
 *
 * The sender succeeds `request` and waits for `ack`; the receiver waits for `request`,
 * works 2 units and succeeds `ack`. After the first round each side "resets" by making
 * new events of its own, so the two no longer share any: the sender's second request
 * goes to no one and both wait forever. The run ends at 3 when the queue is empty,
 * after five lines; that deadlock is the reference behaviour, reproduced on purpose.
 *
 * Each process holds its own reference to the events it currently uses (like a Python
 * local variable) and drops it when it replaces them. Both end the run still waiting;
 * the environment frees them with everything they hold.
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory; then the
 * process fails with that status, which stops the run.                                */
#include <stdio.h>

#include "experiments.h"

#define N_ROUNDS 3

typedef struct {
    sim_event *request, *ack; /* the shared first pair; replicate() owns them */
    char requests[N_ROUNDS][16]; /* "Request <i>": the sender's values, kept alive here */
} handshake;

/* Replace *request and *ack with new events, dropping this process's old references. */
static sim_status renew(sim_env *env, sim_event **request, sim_event **ack)
{
    sim_unref(*request);
    sim_unref(*ack);
    *request = sim_event_new(env);
    *ack = sim_event_new(env);
    return *request && *ack ? SIM_OK : SIM_ENOMEM;
}

/* Drop this process's references on the way out (unref of NULL after a failed renew
 * is skipped). */
static void *finish(sim_proc *self, sim_event *request, sim_event *ack, sim_status st)
{
    if (request)
        sim_unref(request);
    if (ack)
        sim_unref(ack);
    return st == SIM_OK ? NULL : sim_exit_fail(self, (int)st);
}

static void *sender(sim_proc *self, void *arg)
{
    handshake *h = arg;
    sim_env *env = sim_proc_env(self);
    sim_event *request_event = sim_ref(h->request);
    sim_event *acknowledge_event = sim_ref(h->ack);
    sim_status st = SIM_OK;

    for (int i = 0; i < N_ROUNDS; i++) {
        sim_trace(env, "Sender: Sending request %d at %s\n", i, sim_fmt_time(sim_now(env)).s);
        snprintf(h->requests[i], sizeof h->requests[i], "Request %d", i);
        if ((st = sim_succeed(request_event, h->requests[i])) != SIM_OK)
            break;
        if ((st = sim_wait(self, acknowledge_event, NULL)) != SIM_OK)
            break;
        sim_trace(env, "Sender: Received acknowledgment at %s\n", sim_fmt_time(sim_now(env)).s);

        /* Reset events for next iteration. */
        if ((st = renew(env, &request_event, &acknowledge_event)) != SIM_OK)
            break;
        if ((st = sim_sleep(self, 1)) != SIM_OK)
            break;
    }
    return finish(self, request_event, acknowledge_event, st);
}

static void *receiver(sim_proc *self, void *arg)
{
    handshake *h = arg;
    sim_env *env = sim_proc_env(self);
    sim_event *request_event = sim_ref(h->request);
    sim_event *acknowledge_event = sim_ref(h->ack);
    sim_status st = SIM_OK;

    for (int i = 0; i < N_ROUNDS; i++) {
        void *request;
        if ((st = sim_wait(self, request_event, &request)) != SIM_OK)
            break;
        sim_trace(env, "Receiver: Got %s at %s\n", (const char *)request,
                  sim_fmt_time(sim_now(env)).s);
        if ((st = sim_sleep(self, 2)) != SIM_OK) /* process the request */
            break;
        if ((st = sim_succeed(acknowledge_event, NULL)) != SIM_OK)
            break;
        sim_trace(env, "Receiver: Sent acknowledgment at %s\n", sim_fmt_time(sim_now(env)).s);

        /* Reset for next iteration. */
        if ((st = renew(env, &request_event, &acknowledge_event)) != SIM_OK)
            break;
    }
    return finish(self, request_event, acknowledge_event, st);
}

static sim_status handshake_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    handshake h = {.request = sim_event_new(env), .ack = sim_event_new(env)};
    sim_status st = h.request && h.ack ? SIM_OK : SIM_ENOMEM;

    if (st == SIM_OK)
        st = sim_spawn(env, "sender", sender, &h);
    if (st == SIM_OK)
        st = sim_spawn(env, "receiver", receiver, &h);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    if (h.request)
        sim_unref(h.request);
    if (h.ack)
        sim_unref(h.ack);
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric handshake_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_handshake = {
    .name = "handshake",
    .help = "guide 12: request/acknowledge over events, deadlocking after one round",
    .metrics = handshake_metrics,
    .n_metrics = 1,
    .replicate = handshake_replicate,
};
