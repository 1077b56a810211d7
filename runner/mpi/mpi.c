/* procsim-mpi: the run spread over MPI ranks, each with its own threads.
 *
 * Rank 0 runs the ordinary command line: it owns the plan, the output and every
 * decision (precision rounds included), and its pool (pool.c) runs tasks on its own
 * threads as always. Through the remote hook (remote.h) its waiting thread also serves
 * the other ranks: each may hold two chunks of task indices at a time (one running, one
 * queued, so it never waits for work), taken from the counter rank 0's threads take from,
 * sized by what is left (left / (2 x all threads), at most 64 tasks per worker thread
 * and 256 in all),
 * so long and short replications balance and the tail is shared finely. A chunk carries
 * each task's point, rep, seed and parameters; the answer carries each task's outcome,
 * metrics and error message, stored by task index in the slots a local thread would
 * fill. Which rank ran a task therefore never shows in the output: the bytes are those
 * of -j 1 on one machine.
 *
 * Messages (bytes; ranks of one run share one architecture, as an MPI job does):
 *   SETUP 0->w   name, n_params, n_metrics, stack size, memory limit, threads, plugin
 *                path (empty for a built-in experiment), series (0 off, 1 the reps
 *                listed, 2 all), the listed reps
 *   READY w->0   1 byte: 0 ok, 1 experiment unknown on that rank, 2 plugin not loaded
 *   CHUNK 0->w   t0, n, then n x (point, rep, seed, params[n_params])
 *   RESULT w->0  t0, n, then n x (state, metrics[n_metrics], error length, error,
 *                series points, each name length, name, t, value)
 *   STOP  0->w   stop the running chunk now (its unfinished tasks come back PENDING)
 *   END   0->w   leave (procsim-mpi on rank 0 is done)
 * MPI has no fault tolerance: errors are made to return (MPI_ERRORS_RETURN) and any
 * failed call, or a rank that does not answer within STOP_GRACE seconds of a stop, ends
 * the run with a message naming the rank and no output file.
 *
 * A plugin's experiment (procsim-mpi run ./model.so ...): rank 0 finds the object that
 * holds the experiment (dladdr) and sends its absolute path; every other rank opens the
 * same path with the same checks as the command line (plugin.c), so on a cluster the
 * plugin must sit at that path on every node (a shared file system, as for the program). */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_int.h"
#include "mpi_int.h"
#include "procsim.h"
#include "remote.h"
#include "result_int.h"

enum { TAG_SETUP = 1, TAG_READY, TAG_CHUNK, TAG_RESULT, TAG_STOP, TAG_END };
/* mpirun turns Ctrl-C or SIGTERM (and a rank's death) into SIGTERM to every rank and
 * SIGKILL one second later (odls_base_sigkill_timeout): rank 0 must have its answers, and
 * its files written or removed, well within that second. */
#define STOP_GRACE 0.5
#define PER_THREAD 64 /* largest chunk per worker thread ... */
#define PER_CHUNK 256 /* ... and in all, so the streaming window stays small */

static void nap(void) { nanosleep(&(struct timespec){0, 50 * 1000}, NULL); }

/* ---- byte buffers ---------------------------------------------------------------- */
typedef struct {
    unsigned char *p;
    size_t len, cap, at; /* at: read position */
    int bad;
} buf;

static void put(buf *b, const void *x, size_t n)
{
    if (b->len + n > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->len + n)
            c *= 2;
        unsigned char *q = realloc(b->p, c);
        if (q == NULL) {
            b->bad = 1;
            return;
        }
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->len, x, n);
    b->len += n;
}

static void put_u64(buf *b, uint64_t v) { put(b, &v, sizeof v); }

static int get(buf *b, void *x, size_t n)
{
    if (b->at + n > b->len) {
        b->bad = 1;
        memset(x, 0, n);
        return -1;
    }
    memcpy(x, b->p + b->at, n);
    b->at += n;
    return 0;
}

static uint64_t get_u64(buf *b)
{
    uint64_t v;
    get(b, &v, sizeof v);
    return v;
}

/* Receive the message `st` announced into b. */
/* A replication's series points: their count, then each name (length, bytes), t, value. */
static void put_series(buf *b, const runneri_series *s)
{
    size_t n = runneri_series_len(s);
    put_u64(b, n);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        double tv[2];
        runneri_series_at(s, i, &name, &tv[0], &tv[1]);
        size_t nl = strlen(name);
        put_u64(b, nl);
        put(b, name, nl);
        put(b, tv, sizeof tv);
    }
}

/* Read what put_series wrote: a new series when `keep` and there were points (NULL
 * otherwise, or out of memory: the replication then shows no series), else skip it. */
static runneri_series *get_series(buf *b, int keep)
{
    size_t n = (size_t)get_u64(b);
    runneri_series *s = keep && n > 0 && !b->bad ? runneri_series_new() : NULL;
    char *name = NULL;
    size_t name_cap = 0;
    for (size_t i = 0; i < n && !b->bad; i++) {
        size_t nl = (size_t)get_u64(b);
        double tv[2];
        if (b->bad || nl > b->len - b->at) {
            b->bad = 1;
            break;
        }
        if (nl + 1 > name_cap) {
            char *grown = realloc(name, nl + 1);
            if (grown == NULL) { /* skip the rest of this series, keep reading */
                runneri_series_free(s);
                s = NULL;
                b->at += nl + sizeof tv;
                continue;
            }
            name = grown;
            name_cap = nl + 1;
        }
        get(b, name, nl);
        name[nl] = '\0';
        get(b, tv, sizeof tv);
        if (s && !b->bad)
            runneri_series_collect(s, name, tv[0], tv[1]);
    }
    free(name);
    if (b->bad) {
        runneri_series_free(s);
        return NULL;
    }
    return s;
}

static int recv_into(buf *b, const MPI_Status *st)
{
    int n;
    if (MPI_Get_count(st, MPI_BYTE, &n) != MPI_SUCCESS || n < 0)
        return -1;
    b->len = b->at = 0;
    if ((size_t)n > b->cap) {
        unsigned char *q = realloc(b->p, (size_t)n);
        if (q == NULL)
            return -1;
        b->p = q;
        b->cap = (size_t)n;
    }
    b->len = (size_t)n;
    return MPI_Recv(b->p, n, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE) == MPI_SUCCESS ? 0 : -1;
}

static int send(const buf *b, int to, int tag)
{
    if (b->bad || b->len > (size_t)0x7fffffff)
        return -1;
    return MPI_Send(b->p, (int)b->len, MPI_BYTE, to, tag, MPI_COMM_WORLD) == MPI_SUCCESS ? 0
                                                                                       : -1;
}

/* ---- rank 0: the remote the pool serves ------------------------------------------ */
typedef struct {
    int out;        /* chunks handed out and not fully stored */
    buf pending;    /* a result that did not fit the window yet */
    size_t pend_i;  /* tasks of it stored so far */
    int has_pending;
} rank_state;

typedef struct {
    runneri_remote base;
    int size;
    size_t nm, np;
    unsigned wthreads; /* threads per worker rank (what -j says, or rank 0's default) */
    rank_state *ranks;
    int stop_sent;
    double stop_at;
    buf b;
} master;

static int lost(runner_err *err, int rank, const char *what)
{
    return runneri_fail(err, "MPI rank %d %s; the run ends without output (MPI cannot go "
                             "on without a rank)", rank, what);
}

/* The absolute path of the plugin that holds e, or "" when e is built into this program. */
static void plugin_of(const exp_experiment *e, char path[PATH_MAX])
{
    Dl_info in_e, in_program;
    path[0] = '\0';
    if (dladdr(e, &in_e) == 0 || in_e.dli_fname == NULL ||
        (dladdr((void *)plugin_of, &in_program) != 0 && in_program.dli_fbase == in_e.dli_fbase))
        return;
    if (realpath(in_e.dli_fname, path) == NULL)
        snprintf(path, PATH_MAX, "%s", in_e.dli_fname);
}

static int master_begin(runneri_remote *rm, const exp_experiment *e, const runner_options *opt,
                        runner_err *err)
{
    master *m = (master *)rm;
    m->np = e->n_params;
    m->nm = e->n_metrics;
    /* -j applies to every rank; without it each rank uses its own cores (chunk sizes
     * assume rank 0's count) */
    m->wthreads = opt->threads ? opt->threads : runner_default_threads();
    m->stop_sent = 0;
    buf b = {0};
    size_t name_len = strlen(e->name);
    put_u64(&b, name_len);
    put(&b, e->name, name_len);
    put_u64(&b, e->n_params);
    put_u64(&b, e->n_metrics);
    put_u64(&b, opt->stack_size);
    put_u64(&b, opt->memory_limit);
    put_u64(&b, opt->threads);
    char plugin[PATH_MAX];
    plugin_of(e, plugin);
    size_t plugin_len = strlen(plugin);
    put_u64(&b, plugin_len);
    put(&b, plugin, plugin_len);
    put_u64(&b, !opt->series ? 0 : opt->series_reps ? 1 : 2);
    put_u64(&b, opt->series && opt->series_reps ? opt->n_series_reps : 0);
    for (size_t i = 0; opt->series && opt->series_reps && i < opt->n_series_reps; i++)
        put_u64(&b, opt->series_reps[i]);
    for (int r = 1; r < m->size; r++) {
        m->ranks[r].out = 0;
        m->ranks[r].has_pending = 0;
        if (send(&b, r, TAG_SETUP) != 0) {
            free(b.p);
            return lost(err, r, "could not be reached");
        }
    }
    free(b.p);
    for (int r = 1; r < m->size; r++) {
        unsigned char ok;
        if (MPI_Recv(&ok, 1, MPI_BYTE, r, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
            MPI_SUCCESS)
            return lost(err, r, "did not answer");
        if (ok == 2)
            return runneri_fail(err, "MPI rank %d could not load plugin %s (every rank "
                                     "opens it at that path: put it on a file system all "
                                     "nodes share)", r, plugin);
        if (ok != 0)
            return runneri_fail(err, "MPI rank %d does not know experiment %s (every rank "
                                     "runs the same program%s)", r, e->name,
                                plugin_len ? " and opens the same plugin" : "");
    }
    return 0;
}

/* Store what fits of rank r's pending result; 1 when all of it is stored. */
static int store_pending(master *m, runneri_pool *pl, rank_state *rs)
{
    buf *b = &rs->pending;
    b->at = 0;
    size_t t0 = (size_t)get_u64(b), n = (size_t)get_u64(b);
    double *metrics = malloc((m->nm ? m->nm : 1) * sizeof *metrics);
    if (metrics == NULL)
        return 0;
    /* skip what was stored before */
    size_t i = 0;
    for (; i < n && !b->bad; i++) {
        unsigned char state;
        get(b, &state, 1);
        get(b, metrics, m->nm * sizeof *metrics);
        size_t el = (size_t)get_u64(b);
        if (b->bad || b->at + el > b->len)
            break;
        const unsigned char *msg = b->p + b->at;
        b->at += el;
        int keep = i >= rs->pend_i; /* the ones before were stored in an earlier call */
        runneri_series *series = get_series(b, keep);
        if (!keep)
            continue;
        char *error = NULL;
        if (el > 0 && (error = malloc(el + 1)) != NULL) {
            memcpy(error, msg, el);
            error[el] = '\0';
        }
        if (runneri_pool_store(pl, t0 + i, state, metrics, error, series) != 0) {
            free(error);
            runneri_series_free(series);
            break;
        }
        rs->pend_i = i + 1;
    }
    free(metrics);
    return rs->pend_i >= n || b->bad;
}

static size_t chunk_size(const master *m, runneri_pool *pl)
{
    size_t all = runneri_pool_threads(pl) + (size_t)(m->size - 1) * m->wthreads;
    size_t k = runneri_pool_left(pl) / (2 * (all ? all : 1));
    size_t most = PER_THREAD * (size_t)m->wthreads;
    most = most > PER_CHUNK ? PER_CHUNK : most;
    return k < 1 ? 1 : k > most ? most : k;
}

static int master_serve(runneri_remote *rm, runneri_pool *pl, runner_err *err)
{
    master *m = (master *)rm;
    int did = 0, out = 0;
    if (runneri_pool_stopping(pl) && !m->stop_sent) {
        for (int r = 1; r < m->size; r++)
            if (MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD) != MPI_SUCCESS)
                return lost(err, r, "could not be reached");
        m->stop_sent = 1;
        m->stop_at = runneri_monotonic();
    }
    /* results in: one held per rank until stored (the window may want others first) */
    for (int r = 1; r < m->size; r++) {
        rank_state *rs = &m->ranks[r];
        int flag;
        MPI_Status st;
        if (!rs->has_pending) {
            if (MPI_Iprobe(r, TAG_RESULT, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS)
                return lost(err, r, "failed (MPI error)");
            if (flag && recv_into(&rs->pending, &st) != 0)
                return lost(err, r, "sent a result that could not be received");
            rs->has_pending = flag;
            rs->pend_i = 0;
        }
        if (rs->has_pending && store_pending(m, pl, rs)) {
            rs->has_pending = 0;
            rs->out--;
            did = 1;
        }
    }
    /* chunks out: two per rank, so none waits for its next one */
    for (int r = 1; r < m->size; r++) {
        rank_state *rs = &m->ranks[r];
        while (rs->out < 2) {
            size_t t0, n = runneri_pool_claim(pl, chunk_size(m, pl), &t0);
            if (n == 0)
                break;
            buf *b = &m->b;
            b->len = 0;
            b->bad = 0;
            put_u64(b, t0);
            put_u64(b, n);
            for (size_t i = 0; i < n; i++) {
                size_t point, rep;
                uint64_t seed;
                const double *params;
                runneri_pool_task(pl, t0 + i, &point, &rep, &seed, &params);
                put_u64(b, point);
                put_u64(b, rep);
                put_u64(b, seed);
                put(b, params, m->np * sizeof *params);
            }
            if (send(b, r, TAG_CHUNK) != 0)
                return lost(err, r, "could not be reached");
            rs->out++;
            did = 1;
        }
        out += rs->out;
    }
    if (out > 0 && m->stop_sent && runneri_monotonic() - m->stop_at > STOP_GRACE)
        for (int r = 1; r < m->size; r++)
            if (m->ranks[r].out > 0)
                return lost(err, r, "did not answer after the stop (it may have died)");
    return did ? 2 : out > 0 ? 1 : 0;
}

/* ---- worker ranks -------------------------------------------------------------- */
typedef struct {
    const exp_experiment *e;
    size_t stack_size, memory_limit;
    unsigned threads;
    atomic_int stop;
    runner_options series_sel; /* only series, series_reps, n_series_reps: what to keep */
    size_t *series_reps;
    runneri_series **series;   /* the chunk's: n, NULL where not kept */
    /* the plugin opened for a run of its experiment, if any (open until the rank leaves) */
    runneri_plugin plugin;
    char plugin_path[PATH_MAX];
    const exp_experiment *const *plugin_exps;
    size_t plugin_n;
    /* the chunk being run */
    size_t n;
    const double *params;  /* n x n_params */
    const uint64_t *seeds; /* n */
    double *metrics;       /* n x n_metrics */
    unsigned char *state;
    char **errors;
    atomic_size_t next;
    atomic_uint finished;  /* threads done with the chunk */
} job;

static void *job_thread(void *arg)
{
    job *j = arg;
    sim_stack_cache *stacks = sim_stack_cache_new();
    size_t np = j->e->n_params, nm = j->e->n_metrics ? j->e->n_metrics : 1;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n || atomic_load(&j->stop))
            break;
        for (size_t k = 0; k < nm; k++)
            j->metrics[i * nm + k] = NAN;
        runneri_replicate(j->e, j->params + i * np, j->seeds[i], j->stack_size,
                          j->memory_limit, &j->stop, stacks, j->metrics + i * nm,
                          &j->state[i], &j->errors[i], j->series[i]);
    }
    sim_stack_cache_free(stacks);
    atomic_fetch_add(&j->finished, 1);
    return NULL;
}

typedef struct {
    buf q[2]; /* chunks received, oldest first */
    int n;
} chunk_queue;

/* Take whatever rank 0 sent, without blocking. 1: END seen. */
static int worker_poll(job *j, chunk_queue *cq, int *setup, buf *sb)
{
    for (;;) {
        int flag;
        MPI_Status st;
        if (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS)
            return 1;
        if (!flag)
            return 0;
        if (st.MPI_TAG == TAG_CHUNK && cq->n < 2) {
            if (recv_into(&cq->q[cq->n], &st) != 0)
                return 1;
            cq->n++;
        } else if (st.MPI_TAG == TAG_CHUNK) {
            return 0; /* two queued already: rank 0 never sends a third */
        } else {
            if (recv_into(sb, &st) != 0)
                return 1;
            if (st.MPI_TAG == TAG_STOP)
                atomic_store(&j->stop, 1);
            else if (st.MPI_TAG == TAG_END)
                return 1;
            else if (st.MPI_TAG == TAG_SETUP) {
                *setup = 1;
                return 0;
            }
        }
    }
}

/* The experiments of the plugin at `path`, opened with the command line's checks (their
 * messages go to this rank's stderr) and kept open for the next runs; NULL if it cannot
 * be opened. */
static const exp_experiment *const *worker_plugin(job *j, const char *path, size_t *n)
{
    if (j->plugin.handle == NULL || strcmp(j->plugin_path, path) != 0) {
        runneri_plugin_close(&j->plugin);
        runneri_cli c = {NULL, 0, stdout, stderr, 0, "procsim-mpi", &j->plugin};
        j->plugin_exps = runneri_plugin_open(&c, path, &j->plugin_n);
        if (j->plugin_exps == NULL)
            return NULL;
        snprintf(j->plugin_path, sizeof j->plugin_path, "%s", path);
    }
    *n = j->plugin_n;
    return j->plugin_exps;
}

/* 0 ok, 1 the experiment is unknown here, 2 its plugin could not be opened (READY). */
static int worker_setup(job *j, buf *b, const exp_experiment *const *exps, size_t n_exps)
{
    b->at = 0;
    size_t nl = (size_t)get_u64(b);
    char name[512];
    if (nl >= sizeof name || get(b, name, nl) != 0)
        return 1;
    name[nl] = '\0';
    size_t np = (size_t)get_u64(b), nm = (size_t)get_u64(b);
    j->stack_size = (size_t)get_u64(b);
    j->memory_limit = (size_t)get_u64(b);
    j->threads = (unsigned)get_u64(b);
    if (j->threads == 0)
        j->threads = runner_default_threads();
    size_t pl = (size_t)get_u64(b);
    char plugin[PATH_MAX];
    if (pl >= sizeof plugin || get(b, plugin, pl) != 0 || b->bad)
        return 1;
    plugin[pl] = '\0';
    size_t series = (size_t)get_u64(b), n_reps = (size_t)get_u64(b);
    free(j->series_reps);
    j->series_reps = NULL;
    if (n_reps > b->len / 8 || (n_reps && !(j->series_reps = malloc(n_reps * sizeof(size_t)))))
        return 1;
    for (size_t i = 0; i < n_reps; i++)
        j->series_reps[i] = (size_t)get_u64(b);
    j->series_sel = (runner_options){.series = series != 0,
                                     .series_reps = series == 1 ? j->series_reps : NULL,
                                     .n_series_reps = n_reps};
    if (b->bad)
        return 1;
    if (pl > 0 && (exps = worker_plugin(j, plugin, &n_exps)) == NULL)
        return 2;
    j->e = NULL;
    for (size_t i = 0; i < n_exps && !j->e; i++)
        if (strcmp(exps[i]->name, name) == 0 && exps[i]->n_params == np &&
            exps[i]->n_metrics == nm)
            j->e = exps[i];
    atomic_store(&j->stop, 0);
    return j->e == NULL;
}

/* Run chunk c with j->threads threads, keeping rank 0's messages flowing meanwhile. */
static int worker_run(job *j, buf *c, chunk_queue *cq, int *setup, buf *sb, buf *out)
{
    c->at = 0;
    size_t t0 = (size_t)get_u64(c), n = (size_t)get_u64(c);
    size_t np = j->e->n_params, nm = j->e->n_metrics;
    size_t nmc = nm ? nm : 1;
    double *params = malloc((n * np + 1) * sizeof *params);
    uint64_t *seeds = malloc((n + 1) * sizeof *seeds);
    double *metrics = malloc((n * nmc + 1) * sizeof *metrics);
    unsigned char *state = calloc(n + 1, 1);
    char **errors = calloc(n + 1, sizeof *errors);
    runneri_series **series = calloc(n + 1, sizeof *series);
    int end = 0;
    if (!params || !seeds || !metrics || !state || !errors || !series)
        end = 1;
    for (size_t i = 0; i < n && !end; i++) {
        get_u64(c); /* the point: rank 0 knows it by index */
        size_t rep = (size_t)get_u64(c);
        seeds[i] = get_u64(c);
        get(c, params + i * np, np * sizeof *params);
        /* out of memory here: no series for it (runneri_replicate fails it otherwise) */
        if (runner_series_selected(&j->series_sel, rep))
            series[i] = runneri_series_new();
    }
    if (!end && !c->bad) {
        j->n = n;
        j->params = params;
        j->seeds = seeds;
        j->metrics = metrics;
        j->state = state;
        j->errors = errors;
        j->series = series;
        atomic_store(&j->next, 0);
        atomic_store(&j->finished, 0);
        unsigned nt = j->threads < n ? j->threads : (unsigned)n, started = 0;
        pthread_t *tid = malloc((nt ? nt : 1) * sizeof *tid);
        for (unsigned i = 0; tid && i < nt; i++)
            started += pthread_create(&tid[i], NULL, job_thread, j) == 0;
        if (started == 0)
            job_thread(j); /* no thread: run it here */
        while (atomic_load(&j->finished) < (started ? started : 1)) {
            if (worker_poll(j, cq, setup, sb))
                end = 1, atomic_store(&j->stop, 1);
            nap();
        }
        for (unsigned i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
        free(tid);
        out->len = 0;
        out->bad = 0;
        put_u64(out, t0);
        put_u64(out, n);
        for (size_t i = 0; i < n; i++) {
            put(out, &state[i], 1);
            put(out, metrics + i * nmc, nm * sizeof *metrics);
            size_t el = errors[i] ? strlen(errors[i]) : 0;
            put_u64(out, el);
            put(out, errors[i], el);
            put_series(out, series[i]);
        }
        if (send(out, 0, TAG_RESULT) != 0)
            end = 1;
    }
    for (size_t i = 0; errors && i < n; i++)
        free(errors[i]);
    for (size_t i = 0; series && i < n; i++)
        runneri_series_free(series[i]);
    free(series);
    free(params);
    free(seeds);
    free(metrics);
    free(state);
    free(errors);
    return end;
}

/* A worker rank stops its chunk on a signal and lets rank 0 decide: the signal
 * reaches rank 0 too, which asks every rank for what finished and writes it. */
static job *signalled_job;

static void on_worker_signal(int sig)
{
    (void)sig;
    if (signalled_job)
        atomic_store(&signalled_job->stop, 1);
}

static int worker_main(const exp_experiment *const *exps, size_t n_exps)
{
    static job j;
    chunk_queue cq = {0};
    buf sb = {0}, out = {0};
    int setup = 0, end = 0;
    atomic_init(&j.stop, 0);
    signalled_job = &j;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_worker_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    while (!end) {
        end = worker_poll(&j, &cq, &setup, &sb);
        if (setup) {
            setup = 0;
            unsigned char bad = (unsigned char)worker_setup(&j, &sb, exps, n_exps);
            if (MPI_Send(&bad, 1, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD) != MPI_SUCCESS)
                end = 1;
            continue;
        }
        if (cq.n > 0 && j.e) {
            buf c = cq.q[0];
            cq.q[0] = cq.q[1];
            cq.q[1] = (buf){0};
            cq.n--;
            end |= worker_run(&j, &c, &cq, &setup, &sb, &out);
            free(c.p);
            continue;
        }
        if (!end)
            nap();
    }
    for (int i = 0; i < 2; i++)
        free(cq.q[i].p);
    free(sb.p);
    free(out.p);
    runneri_plugin_close(&j.plugin);
    free(j.series_reps);
    return 0;
}

/* ---- the program --------------------------------------------------------------- */
int runneri_mpi_main(int argc, char **argv, const exp_experiment *const *exps, size_t n,
                     const char *prog)
{
    int provided, rank, size;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "%s: MPI_Init failed\n", prog);
        return 1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int rc = 0;
    if (rank > 0) {
        rc = worker_main(exps, n);
    } else {
        master m = {.base = {master_begin, master_serve, 0}, .size = size};
        m.ranks = calloc((size_t)size, sizeof *m.ranks);
        if (m.ranks == NULL) {
            fprintf(stderr, "%s: out of memory\n", prog);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        /* window room: two chunks of the largest size per rank */
        m.base.capacity = (size_t)(size - 1) * 2 * PER_CHUNK;
        if (size > 1)
            runneri_remote_set(&m.base);
        rc = procsim_main(argc, argv, exps, n, prog);
        runneri_remote_set(NULL);
        for (int r = 1; r < size; r++)
            MPI_Send(NULL, 0, MPI_BYTE, r, TAG_END, MPI_COMM_WORLD);
        for (int r = 1; r < size; r++)
            free(m.ranks[r].pending.p);
        free(m.ranks);
        free(m.b.p);
    }
    MPI_Finalize();
    return rc;
}
