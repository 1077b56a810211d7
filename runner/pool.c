/* The pool: T threads pull task indices from one atomic counter and run each task in its
 * own sim_env. The only shared writes on the hot path are that counter and each worker's
 * own (cache-line padded) done counter; results go to per-task slots. The calling thread
 * waits on a condition variable, waking ten times a second to call poll() (progress,
 * Ctrl-C). With a precision target the pool runs in rounds (see runner.h). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"
#include "result_int.h"
#include "runner_int.h"

typedef struct {
    size_t point, first_rep; /* tasks [offset, next segment's offset) run reps from here, */
    size_t offset;           /* every `stride`-th one (the shard count; 1 for a whole run) */
} segment;

typedef struct pool pool;

static runneri_remote *the_remote; /* set once by procsim-mpi's main, before any run */

void runneri_remote_set(runneri_remote *rm) { the_remote = rm; }

typedef struct {
    _Alignas(64) atomic_size_t done; /* written by its worker only */
    pthread_t tid;
    pool *pl;
    sim_stack_cache *stacks; /* process stacks reused by this worker's replications */
} worker;

struct pool {
    runner_result *res;
    const runner_options *opt;
    segment *segs;
    size_t n_segs, n_tasks;
    size_t stride; /* reps of one segment are this far apart (res->shards) */
    atomic_size_t next;
    atomic_int own_stop;
    atomic_int *stop; /* opt->stop, or &own_stop; every sim_config gets it */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned running; /* workers not yet finished; under mu */
    /* Streaming (window > 0): task t runs in slot t % window, only while
     * t < head + window; head is the first task not handed to rows() yet. */
    size_t window, head;       /* head under wmu */
    double *w_metrics;         /* window x n_metrics */
    unsigned char *w_state, *w_fin; /* outcome; finished (under wmu) */
    char **w_err;
    pthread_mutex_t wmu;
    pthread_cond_t space;      /* head moved */
    runneri_remote *remote;    /* or NULL */
    runner_err remote_err;     /* why a rank was lost */
    atomic_size_t remote_done; /* tasks stored from remote ranks this round */
    unsigned threads;          /* local workers this round */
};

void runner_options_init(runner_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->reps = 10;
    opt->only_rep = -1;
    opt->seed = 1;
    opt->crn = 1;
    opt->confidence = 0.95;
    opt->max_reps = 10000;
    opt->memory_limit = RUNNER_DEFAULT_MEMORY;
}

unsigned runner_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

static char *message(sim_status st, const char *detail)
{
    const char *what = sim_strerror(st);
    size_t len = strlen(what) + (detail ? strlen(detail) : 0) + 3;
    char *m = malloc(len);
    if (m) {
        if (detail && *detail)
            snprintf(m, len, "%s: %s", what, detail);
        else
            snprintf(m, len, "%s", what);
    }
    return m;
}

void runneri_replicate(const exp_experiment *e, const double *params, uint64_t seed,
                       size_t stack_size, size_t memory_limit, atomic_int *stop,
                       sim_stack_cache *stacks, double *row, unsigned char *state,
                       char **error, runneri_series *series)
{
    sim_config cfg = {.stack_size = stack_size ? stack_size : e->stack_size,
                      .stack_layout = e->stack_layout,
                      .seed = seed,
                      .stacks = stacks,
                      .stop = stop,
                      .memory_limit = memory_limit};
    if (series) {
        cfg.series = runneri_series_collect;
        cfg.series_ctx = series;
    }
    sim_env *env = sim_env_new(&cfg);
    if (env == NULL) {
        *error = message(SIM_ENOMEM, "could not create the simulation environment");
        *state = RUNNER_REP_FAILED;
        return;
    }
    sim_status st = e->replicate(env, params, row);
    if (st != SIM_OK && atomic_load_explicit(stop, memory_order_relaxed)) {
        /* Cut short by the stop (SIM_ESTOPPED, or what the model made of it): not run.
         * One that finished with SIM_OK before the stop reached it is kept. */
        sim_env_free(env);
        return;
    }
    if (st == SIM_OK && series && runneri_series_failed(series)) {
        st = SIM_ENOMEM;
        sim_env_set_error(env, "out of memory keeping the series");
    }
    if (st != SIM_OK) {
        *error = message(st, sim_env_error_message(env));
        *state = RUNNER_REP_FAILED;
    } else {
        *state = RUNNER_REP_OK;
    }
    sim_env_free(env);
}

/* One replication, start to end, in its own environment: metrics into row, the
 * outcome into *state and *error (left PENDING when a stop cut it short). */
static void run_task(pool *pl, worker *w, size_t point, size_t rep, double *row,
                     unsigned char *state, char **error)
{
    runner_result *res = pl->res;
    runneri_series *series = NULL;
    if (runner_series_selected(pl->opt, rep)) {
        /* Series are kept with stored results only (runner_streams refuses them). */
        runneri_point *pt = &res->pts[point];
        size_t s = rep - pt->first;
        runneri_series_free(pt->series[s]); /* a rerun of the slot starts afresh */
        if ((pt->series[s] = series = runneri_series_new()) == NULL) {
            *error = message(SIM_ENOMEM, "out of memory keeping the series");
            *state = RUNNER_REP_FAILED;
            return;
        }
    }
    runneri_replicate(res->exp, runner_result_params(res, point),
                      runner_seed(res->seed, point, rep, res->crn), pl->opt->stack_size,
                      pl->opt->memory_limit, pl->stop, w->stacks, row, state, error, series);
}

/* The segment holding task t: the last one whose offset is <= t. */
static const segment *segment_of(const pool *pl, size_t t)
{
    size_t lo = 0, hi = pl->n_segs;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->segs[mid].offset <= t)
            lo = mid;
        else
            hi = mid;
    }
    return &pl->segs[lo];
}

/* Streaming: hand the finished tasks at the head of the window to rows() and the
 * point's tallies, in task order, which is (point, rep) order. Under wmu. `last`:
 * after the workers ended (a stop), skip over the tasks that never ran. */
static void drain(pool *pl, int last)
{
    runner_result *res = pl->res;
    size_t nm = res->exp->n_metrics ? res->exp->n_metrics : 1;
    size_t end = pl->head + pl->window < pl->n_tasks ? pl->head + pl->window : pl->n_tasks;
    while (pl->head < end && (last || pl->w_fin[pl->head % pl->window])) {
        size_t k = pl->head % pl->window;
        if (!pl->w_fin[k]) {
            pl->head++;
            continue;
        }
        const segment *sg = segment_of(pl, pl->head);
        runner_row row = {.point = sg->point,
                          .rep = sg->first_rep + (pl->head - sg->offset) * pl->stride,
                          .state = (runner_rep_state)pl->w_state[k],
                          .metrics = pl->w_metrics + k * nm,
                          .error = pl->w_err[k]};
        if (row.state != RUNNER_REP_PENDING) {
            row.seed = runner_seed(res->seed, row.point, row.rep, res->crn);
            row.params = runner_result_params(res, row.point);
            pl->opt->rows(pl->opt->rows_ctx, &row);
            runneri_point_fold(res, &row, pl->w_err[k]);
        } else {
            free(pl->w_err[k]);
        }
        pl->w_err[k] = NULL;
        pl->w_fin[k] = 0;
        pl->head++;
    }
    pthread_cond_broadcast(&pl->space);
}

/* Streaming: run task t in its window slot once the window reaches it. */
static void stream_task(pool *pl, worker *w, size_t t, size_t point, size_t rep)
{
    size_t nm = pl->res->exp->n_metrics ? pl->res->exp->n_metrics : 1;
    size_t k = t % pl->window;
    pthread_mutex_lock(&pl->wmu);
    while (t >= pl->head + pl->window && !atomic_load_explicit(pl->stop, memory_order_relaxed))
        pthread_cond_wait(&pl->space, &pl->wmu);
    int go = t < pl->head + pl->window; /* else stopped while waiting: slot k is busy */
    pthread_mutex_unlock(&pl->wmu);
    if (!go)
        return;
    double *row = pl->w_metrics + k * nm;
    for (size_t m = 0; m < nm; m++)
        row[m] = NAN;
    pl->w_state[k] = RUNNER_REP_PENDING;
    run_task(pl, w, point, rep, row, &pl->w_state[k], &pl->w_err[k]);
    pthread_mutex_lock(&pl->wmu);
    pl->w_fin[k] = 1;
    if (t == pl->head)
        drain(pl, 0);
    pthread_mutex_unlock(&pl->wmu);
}

size_t runneri_pool_claim(runneri_pool *pl, size_t want, size_t *t0)
{
    if (want == 0 || atomic_load_explicit(pl->stop, memory_order_relaxed) ||
        atomic_load_explicit(&pl->next, memory_order_relaxed) >= pl->n_tasks)
        return 0;
    size_t t = atomic_fetch_add_explicit(&pl->next, want, memory_order_relaxed);
    if (t >= pl->n_tasks)
        return 0;
    *t0 = t;
    return t + want <= pl->n_tasks ? want : pl->n_tasks - t;
}

size_t runneri_pool_left(runneri_pool *pl)
{
    size_t t = atomic_load_explicit(&pl->next, memory_order_relaxed);
    return t < pl->n_tasks ? pl->n_tasks - t : 0;
}

unsigned runneri_pool_threads(const runneri_pool *pl) { return pl->threads; }

int runneri_pool_stopping(const runneri_pool *pl)
{
    return atomic_load_explicit(pl->stop, memory_order_relaxed) != 0;
}

void runneri_pool_task(const runneri_pool *pl, size_t t, size_t *point, size_t *rep,
                       uint64_t *seed, const double **params)
{
    const segment *sg = segment_of(pl, t);
    *point = sg->point;
    *rep = sg->first_rep + (t - sg->offset) * pl->stride;
    *seed = runner_seed(pl->res->seed, *point, *rep, pl->res->crn);
    *params = runner_result_params(pl->res, *point);
}

int runneri_pool_store(runneri_pool *pl, size_t t, unsigned char state, const double *metrics,
                       char *error, runneri_series *series)
{
    size_t nm = pl->res->exp->n_metrics;
    if (pl->window) {
        pthread_mutex_lock(&pl->wmu);
        if (t >= pl->head + pl->window) {
            pthread_mutex_unlock(&pl->wmu);
            return 1;
        }
        size_t k = t % pl->window;
        memcpy(pl->w_metrics + k * (nm ? nm : 1), metrics, nm * sizeof *metrics);
        pl->w_state[k] = state;
        pl->w_err[k] = error;
        pl->w_fin[k] = 1;
        if (t == pl->head)
            drain(pl, 0);
        pthread_mutex_unlock(&pl->wmu);
    } else {
        size_t point, rep;
        uint64_t seed;
        const double *params;
        runneri_pool_task(pl, t, &point, &rep, &seed, &params);
        runneri_point *pt = &pl->res->pts[point];
        size_t s = rep - pt->first;
        memcpy(pt->metrics + s * (nm ? nm : 1), metrics, nm * sizeof *metrics);
        pt->state[s] = state;
        pt->errors[s] = error;
        if (runner_series_selected(pl->opt, rep)) {
            runneri_series_free(pt->series[s]); /* a rerun of the slot starts afresh */
            pt->series[s] = series;
            series = NULL;
        }
    }
    runneri_series_free(series); /* not asked for (streaming never keeps series) */
    atomic_fetch_add_explicit(&pl->remote_done, 1, memory_order_relaxed);
    return 0;
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *pl = w->pl;
    size_t done = 0;
    /* Mapping a stack costs far more than a small replication; without a cache (out of
     * memory) every environment maps its own. */
    w->stacks = sim_stack_cache_new();
    for (;;) {
        if (atomic_load_explicit(pl->stop, memory_order_relaxed))
            break;
        size_t t = atomic_fetch_add_explicit(&pl->next, 1, memory_order_relaxed);
        if (t >= pl->n_tasks)
            break;
        const segment *sg = segment_of(pl, t);
        size_t point = sg->point, rep = sg->first_rep + (t - sg->offset) * pl->stride;
        if (pl->window) {
            stream_task(pl, w, t, point, rep);
        } else {
            runneri_point *pt = &pl->res->pts[point];
            size_t s = rep - pt->first, nm = pl->res->exp->n_metrics;
            run_task(pl, w, point, rep, pt->metrics + s * (nm ? nm : 1), &pt->state[s],
                     &pt->errors[s]);
        }
        atomic_store_explicit(&w->done, ++done, memory_order_relaxed);
    }
    sim_stack_cache_free(w->stacks);
    pthread_mutex_lock(&pl->mu);
    if (--pl->running == 0)
        pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

static size_t sum_done(worker *ws, unsigned n)
{
    size_t d = 0;
    for (unsigned i = 0; i < n; i++)
        d += atomic_load_explicit(&ws[i].done, memory_order_relaxed);
    return d;
}

static void wake_window(pool *pl)
{
    if (pl->window && atomic_load(pl->stop)) { /* waiters on the window: give up */
        pthread_mutex_lock(&pl->wmu);
        pthread_cond_broadcast(&pl->space);
        pthread_mutex_unlock(&pl->wmu);
    }
}

/* With remote ranks: this thread serves them (without blocking, napping 50 us when
 * nothing happened) until they have nothing left and the local workers are done, and
 * calls poll() ten times a second as the plain wait does. -1 when a rank was lost. */
static int serve_remote(pool *pl, worker *ws, unsigned started, size_t before, size_t total)
{
    double last = runneri_monotonic();
    for (;;) {
        int r = pl->remote->serve(pl->remote, pl, &pl->remote_err);
        if (r < 0) {
            atomic_store(pl->stop, 1);
            wake_window(pl);
            return -1;
        }
        pthread_mutex_lock(&pl->mu);
        unsigned running = pl->running;
        pthread_mutex_unlock(&pl->mu);
        if (r == 0 && running == 0)
            return 0;
        if (r < 2)
            nanosleep(&(struct timespec){0, 50 * 1000}, NULL);
        double now = runneri_monotonic();
        if (now - last >= 0.1 && pl->opt->poll) {
            last = now;
            size_t done = before + sum_done(ws, started) +
                          atomic_load_explicit(&pl->remote_done, memory_order_relaxed);
            if (pl->opt->poll(pl->opt->poll_ctx, done, total))
                atomic_store(pl->stop, 1);
            wake_window(pl);
        }
    }
}

/* Run the tasks of pl->segs on `threads` workers (and remote ranks); `before` tasks were
 * done in earlier rounds, `total` are planned in all. Returns 0, -1 if no thread could
 * start, -2 when a remote rank was lost (pl->remote_err). */
static int run_round(pool *pl, unsigned threads, size_t before, size_t total)
{
    if (threads > pl->n_tasks)
        threads = (unsigned)pl->n_tasks;
    if (threads == 0)
        return 0;
    pl->threads = threads;
    atomic_store(&pl->remote_done, 0);
    worker *ws = aligned_alloc(_Alignof(worker), threads * sizeof *ws);
    if (ws == NULL)
        return -1;
    atomic_store(&pl->next, 0);
    pl->running = 0;
    unsigned started = 0;
    for (unsigned i = 0; i < threads; i++) {
        atomic_init(&ws[i].done, 0);
        ws[i].pl = pl;
        pthread_mutex_lock(&pl->mu);
        pl->running++;
        pthread_mutex_unlock(&pl->mu);
        if (pthread_create(&ws[i].tid, NULL, work, &ws[i]) != 0) {
            pthread_mutex_lock(&pl->mu);
            pl->running--;
            pthread_mutex_unlock(&pl->mu);
            break;
        }
        started++;
    }
    if (started == 0) {
        free(ws);
        return -1;
    }
    int rc = 0;
    if (pl->remote && serve_remote(pl, ws, started, before, total) != 0)
        rc = -2;
    pthread_mutex_lock(&pl->mu);
    while (pl->running > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        int w = pthread_cond_timedwait(&pl->cv, &pl->mu, &ts);
        if (pl->running == 0 || w != ETIMEDOUT || pl->opt->poll == NULL)
            continue;
        pthread_mutex_unlock(&pl->mu);
        if (pl->opt->poll(pl->opt->poll_ctx, before + sum_done(ws, started), total))
            atomic_store(pl->stop, 1);
        wake_window(pl);
        pthread_mutex_lock(&pl->mu);
    }
    pthread_mutex_unlock(&pl->mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(ws[i].tid, NULL);
    free(ws);
    return rc;
}

/* After a round of a precision run: close the points that met the target, hit the cap
 * or failed, and plan the next batch for the others from the sample-size estimate
 * n * (half_width / target)^2, at least `reps` more and at most doubling. A metric's
 * target is max(precision x |mean|, abs_precision); metrics outside precision_metrics
 * do not count. Uses only the results of the point's own replications: the same for
 * any -j. */
static int plan_next(runner_result *res, const runner_options *opt, size_t max_reps)
{
    const exp_experiment *e = res->exp;
    for (size_t p = 0; p < res->n_points; p++) {
        runneri_point *pt = &res->pts[p];
        if (!pt->open)
            continue;
        size_t n = pt->end;
        int failed = 0;
        for (size_t i = 0; i < n; i++)
            failed |= pt->state[i] == RUNNER_REP_FAILED;
        double worst; /* largest (half_width / target)^2 not met */
        pt->met = runneri_point_met(res, p, opt->confidence, opt->precision_metrics, &worst);
        if (pt->met || failed || n >= max_reps) {
            pt->open = 0;
            continue;
        }
        double want = isinf(worst) ? 2.0 * (double)n : ceil((double)n * worst);
        size_t next = want >= 2.0 * (double)n ? 2 * n : (size_t)want;
        if (next < n + opt->reps)
            next = n + opt->reps;
        if (next > max_reps)
            next = max_reps;
        if (runneri_point_grow(pt, e->n_metrics, next) != 0)
            return -1;
        pt->end = next;
    }
    return 0;
}

static void free_window(pool *pl)
{
    for (size_t k = 0; pl->w_err && k < pl->window; k++)
        free(pl->w_err[k]);
    free(pl->w_metrics);
    free(pl->w_state);
    free(pl->w_fin);
    free(pl->w_err);
    pl->window = 0;
}

/* Rows go to opt->rows as they finish (runner.h says when). */
int runner_streams(const runner_options *opt)
{
    return opt->rows != NULL && !(opt->precision > 0) && !(opt->abs_precision > 0) &&
           !opt->series;
}

static runner_result *result_new(const runner_plan *plan, const runner_options *opt,
                                 runner_err *err)
{
    const exp_experiment *e = runner_plan_experiment(plan);
    runner_result *res = calloc(1, sizeof *res);
    size_t np = runner_plan_points(plan);
    if (res == NULL)
        return NULL;
    res->exp = e;
    res->n_points = np;
    res->seed = opt->seed;
    res->crn = opt->crn;
    res->precision = opt->precision;
    res->abs_precision = opt->abs_precision;
    res->shards = opt->shards > 1 ? opt->shards : 1;
    res->shard = res->shards > 1 ? opt->shard : 0;
    res->stream = runner_streams(opt);
    res->params = malloc(np * (e->n_params ? e->n_params : 1) * sizeof *res->params);
    res->pts = calloc(np, sizeof *res->pts);
    if (res->params == NULL || res->pts == NULL)
        goto oom;
    for (size_t p = 0; p < np; p++) {
        runneri_point *pt = &res->pts[p];
        runner_plan_point(plan, p, res->params + p * e->n_params);
        pt->first = opt->only_rep >= 0 ? (size_t)opt->only_rep : 0;
        pt->end = pt->first + (opt->only_rep >= 0 ? 1 : opt->reps);
        pt->open = 1;
        if (res->stream) {
            size_t nm = e->n_metrics ? e->n_metrics : 1;
            pt->tally = malloc(nm * sizeof *pt->tally);
            pt->inf = calloc(nm, 1);
            if (pt->tally == NULL || pt->inf == NULL)
                goto oom;
            for (size_t m = 0; m < nm; m++)
                stats_tally_init(&pt->tally[m]);
        } else if (runneri_point_grow(pt, e->n_metrics, pt->end) != 0) {
            goto oom;
        }
    }
    return res;
oom:
    runner_result_free(res);
    runneri_fail(err, "out of memory for %zu points", np);
    return NULL;
}

/* Tasks for every open point's replications not run yet (of this shard): one segment
 * per point. */
static int build_round(pool *pl, size_t *done_until)
{
    runner_result *res = pl->res;
    size_t n = 0, t = 0;
    pl->stride = res->shards;
    for (size_t p = 0; p < res->n_points; p++)
        if (res->pts[p].open && done_until[p] < res->pts[p].end)
            n++;
    segment *segs = realloc(pl->segs, (n ? n : 1) * sizeof *segs);
    if (segs == NULL)
        return -1;
    pl->segs = segs;
    n = 0;
    for (size_t p = 0; p < res->n_points; p++) {
        runneri_point *pt = &res->pts[p];
        if (!pt->open || done_until[p] >= pt->end)
            continue;
        size_t r0 = runneri_shard_first(p, done_until[p], res->shard, res->shards);
        if (r0 >= pt->end)
            continue;
        segs[n++] = (segment){p, r0, t};
        t += (pt->end - 1 - r0) / res->shards + 1;
    }
    pl->n_segs = n;
    pl->n_tasks = t;
    return 0;
}

runner_result *runner_run(const runner_plan *plan, const runner_options *opt,
                          runner_err *err)
{
    if (runner_check(plan, opt, err) != 0)
        return NULL;
    runner_result *res = result_new(plan, opt, err);
    if (res == NULL)
        return NULL;
    size_t max_reps = opt->max_reps > opt->reps ? opt->max_reps : opt->reps;
    unsigned threads = runneri_threads_for(opt);
    size_t *done_until = malloc(res->n_points * sizeof *done_until);
    pool pl = {.res = res, .opt = opt};
    pthread_condattr_t ca;
    int ok = done_until != NULL && pthread_condattr_init(&ca) == 0;
    if (ok) {
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        ok = pthread_cond_init(&pl.cv, &ca) == 0;
        pthread_condattr_destroy(&ca);
        if (ok && pthread_mutex_init(&pl.mu, NULL) != 0) {
            pthread_cond_destroy(&pl.cv);
            ok = 0;
        }
    }
    if (ok && res->stream) {
        size_t nm = res->exp->n_metrics ? res->exp->n_metrics : 1;
        pl.window = (size_t)RUNNER_WINDOW * threads + (the_remote ? the_remote->capacity : 0);
        pl.w_metrics = malloc(pl.window * nm * sizeof *pl.w_metrics);
        pl.w_state = calloc(pl.window, 1);
        pl.w_fin = calloc(pl.window, 1);
        pl.w_err = calloc(pl.window, sizeof *pl.w_err);
        ok = pl.w_metrics && pl.w_state && pl.w_fin && pl.w_err;
        if (ok && pthread_mutex_init(&pl.wmu, NULL) != 0)
            ok = 0;
        else if (ok && pthread_cond_init(&pl.space, NULL) != 0) {
            pthread_mutex_destroy(&pl.wmu);
            ok = 0;
        }
        if (!ok) {
            pthread_mutex_destroy(&pl.mu);
            pthread_cond_destroy(&pl.cv);
        }
    }
    if (!ok) {
        free_window(&pl);
        free(done_until);
        runner_result_free(res);
        runneri_fail(err, "cannot set up the worker pool");
        return NULL;
    }
    atomic_init(&pl.own_stop, 0);
    pl.stop = opt->stop ? opt->stop : &pl.own_stop;
    pl.remote = the_remote;
    atomic_init(&pl.remote_done, 0);
    atomic_init(&pl.next, 0);
    for (size_t p = 0; p < res->n_points; p++)
        done_until[p] = res->pts[p].first;

    int failed = pl.remote && pl.remote->begin(pl.remote, res->exp, opt, err) != 0;
    for (; !failed;) {
        size_t before = res->completed, planned = res->completed;
        if (build_round(&pl, done_until) != 0) {
            failed = 1;
            break;
        }
        planned += pl.n_tasks;
        res->planned = planned;
        if (pl.n_tasks == 0)
            break;
        int rr = run_round(&pl, threads, before, planned);
        if (rr != 0) {
            if (rr == -2)
                *err = pl.remote_err;
            else
                runneri_fail(err, "cannot start worker threads");
            failed = 1;
            break;
        }
        if (res->stream) { /* what a stop left in the window, in order */
            pthread_mutex_lock(&pl.wmu);
            drain(&pl, 1);
            pthread_mutex_unlock(&pl.wmu);
        }
        for (size_t s = 0; s < pl.n_segs && !res->stream; s++) {
            runneri_point *pt = &res->pts[pl.segs[s].point];
            for (size_t r = done_until[pl.segs[s].point]; r < pt->end; r++) {
                unsigned char st = pt->state[r - pt->first];
                res->completed += st != RUNNER_REP_PENDING;
                res->failed += st == RUNNER_REP_FAILED;
            }
            done_until[pl.segs[s].point] = pt->end;
        }
        if (opt->poll && opt->poll(opt->poll_ctx, res->completed, planned))
            atomic_store(pl.stop, 1);
        if (atomic_load(pl.stop)) {
            res->stopped = 1;
            break;
        }
        if (opt->precision <= 0 && opt->abs_precision <= 0)
            break;
        if (plan_next(res, opt, max_reps) != 0) {
            runneri_fail(err, "out of memory");
            failed = 1;
            break;
        }
    }
    res->planned = res->planned > res->completed ? res->planned : res->completed;
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.cv);
    if (pl.window) {
        pthread_mutex_destroy(&pl.wmu);
        pthread_cond_destroy(&pl.space);
    }
    free_window(&pl);
    free(pl.segs);
    free(done_until);
    if (failed) {
        runner_result_free(res);
        return NULL;
    }
    return res;
}
