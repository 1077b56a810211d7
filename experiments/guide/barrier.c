/* Guide example 03, barrier: processes wait until all of them have arrived.
 *
 * The barrier is one event plus a counter: each arrival counts itself and waits on the
 * event, and the last arrival succeeds it, which releases everyone who waits on it in
 * arrival order. Workers A, B and C arrive at 3, 5 and 7 and all pass at 7.
 *
 * Waits here can only end with SIM_OK, unless the kernel runs out of memory (or the
 * barrier is misused); then the process fails with that status, which stops the run. */
#include "experiments.h"

typedef struct {
    int n;            /* arrivals needed to open the barrier */
    int count;        /* arrivals so far */
    sim_event *event; /* succeeds when the n-th process arrives; owned by the barrier */
} barrier;

typedef struct {
    barrier *barrier;
    const char *name;
    double work_time;
} worker_args;

/* Count one arrival and return the event to wait on (borrowed from the barrier). */
static sim_event *barrier_wait(barrier *b, sim_status *st)
{
    b->count++;
    *st = b->count >= b->n ? sim_succeed(b->event, NULL) : SIM_OK;
    return b->event;
}

static void *worker(sim_proc *self, void *arg)
{
    worker_args *a = arg;
    sim_env *env = sim_proc_env(self);
    sim_status st;

    sim_trace(env, "%s: Working at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    if ((st = sim_sleep(self, a->work_time)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "%s: Reached barrier at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    sim_event *pass = barrier_wait(a->barrier, &st);
    if (st == SIM_OK)
        st = sim_wait(self, pass, NULL);
    if (st != SIM_OK)
        return sim_exit_fail(self, (int)st);
    sim_trace(env, "%s: Passed barrier at %s\n", a->name, sim_fmt_time(sim_now(env)).s);
    return NULL;
}

static sim_status barrier_replicate(sim_env *env, const double *params, double *metrics)
{
    (void)params;
    barrier b = {.n = 3, .count = 0, .event = sim_event_new(env)};
    if (!b.event)
        return SIM_ENOMEM;
    worker_args workers[] = {
        {&b, "Worker A", 3},
        {&b, "Worker B", 5},
        {&b, "Worker C", 7},
    };

    sim_status st = SIM_OK;
    for (size_t i = 0; i < sizeof workers / sizeof workers[0] && st == SIM_OK; i++)
        st = sim_spawn(env, workers[i].name, worker, &workers[i]);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    sim_unref(b.event);
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric barrier_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_barrier = {
    .name = "barrier",
    .help = "guide 03: three workers wait at a barrier until the last one arrives",
    .metrics = barrier_metrics,
    .n_metrics = 1,
    .replicate = barrier_replicate,
};
