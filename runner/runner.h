/* procsim runner: experiment x parameter grid x replications -> results -> CSV.
 *
 * A plan is a grid of parameter points: every parameter starts at its default, --param
 * fixes one value, --sweep gives a list of values; several sweeps make a cartesian grid in
 * which the first sweep varies slowest. runner_run() crosses the grid with a number of
 * replications and turns it into tasks (point, rep). A pool of threads pulls task indices
 * from one atomic counter (no lock on the hot path); each task owns one sim_env from
 * sim_env_new() to sim_env_free(). Results are stored by (point, rep), never in
 * completion order, so everything derived from them is bit-identical for any number of
 * threads and when one replication is run alone (--rep R).
 *
 * Seeds. The environment seed of replication r (counted from 0) at point p is
 *     seed(p, r) = sim_rng_mix(base ^ sim_rng_mix(r + 1))                   (default)
 * the same at every point (common random numbers: differences between points are not
 * noise), and with --no-crn it is additionally mixed with the point index:
 *     seed(p, r) = sim_rng_mix(sim_rng_mix(base ^ sim_rng_mix(r + 1)) ^ sim_rng_mix(p + 1))
 * The model draws from sim_env_rng(env, k), streams derived by the kernel from that seed.
 * The seed goes in the `seed` column of the per-replication CSV.
 *
 * Sequential stopping (precision > 0 or abs_precision > 0): every point first gets `reps`
 * replications; then, in rounds, each point where a metric of the stopping rule (every
 * metric, or those in precision_metrics) has a half-width above its target,
 * max(precision x |mean|, abs_precision), gets more replications, decided only from the results of the
 * replications it has, so the replication counts and results are the same for any -j.
 * A point stops when the target is met, when it reaches max_reps, or when one of its
 * replications failed (more would not make its summary trustworthy).
 *
 * Files. Output to a regular file or a new path goes to `name.tmp.PID` beside the real
 * target (symlinks resolved) and is renamed over it only when complete; creating the
 * temporary file up front is how an unwritable path is caught before anything runs.
 * Devices and FIFOs are written in place, "-" is standard output. CSV is RFC 4180 (strings quoted when they hold a
 * comma, a quote or a line break; lines end in "\n"), numbers use '.' whatever the
 * locale and print with the fewest digits that read back to the same double; NaN prints
 * as an empty cell.
 *
 * Errors: functions that can fail on user input fill a runner_err with one sentence.  */
#ifndef PROCSIM_RUNNER_H
#define PROCSIM_RUNNER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "experiments.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char msg[512];
} runner_err;

/* ---- plan: parameter grid and seeds ------------------------------------------------ */
typedef struct runner_plan runner_plan;

/* Largest grid a plan accepts (points); bigger grids are a usage error. */
#define RUNNER_MAX_POINTS ((size_t)1 << 20)

runner_plan *runner_plan_new(const exp_experiment *exp); /* one point: all defaults */
void runner_plan_free(runner_plan *plan);
const exp_experiment *runner_plan_experiment(const runner_plan *plan);
/* "k=v": fix parameter k. Errors: unknown parameter, malformed or out-of-range value,
 * parameter already set or swept. */
int runner_plan_set(runner_plan *plan, const char *assignment, runner_err *err);
/* "k=a:b:step" (a, a+step, ... up to b inclusive, within a tolerance of 1e-9 steps) or
 * "k=v1,v2,...". Errors as runner_plan_set, plus an empty sweep or a zero step. */
int runner_plan_sweep(runner_plan *plan, const char *spec, runner_err *err);
size_t runner_plan_points(const runner_plan *plan);
/* Parameter values of point p (n_params of them, in the experiment's order). */
void runner_plan_point(const runner_plan *plan, size_t p, double *values);
/* The experiment's check() at every point: 0, or -1 with err naming the first point whose
 * values break a rule ("point 3 (lambda=2 ...): <rule>"). */
int runner_plan_check(const runner_plan *plan, runner_err *err);

uint64_t runner_seed(uint64_t base, size_t point, size_t rep, int crn);

/* Strict number parsing shared by the CLI: the whole string, '.' decimal point. */
int runner_parse_double(const char *s, double *out);
int runner_parse_size(const char *s, size_t *out); /* decimal, no sign */
int runner_parse_u64(const char *s, uint64_t *out);
/* A byte count: a whole number with an optional K, M, G or T suffix (powers of 1024,
 * "512M", "4G"); 0 is allowed. */
int runner_parse_bytes(const char *s, size_t *out);
/* "R1,R2,...": replication numbers for --series-reps (*out malloc'ed, *n of them). */
int runner_parse_rep_list(const char *s, size_t **out, size_t *n);
/* "I/N" with 0 <= I < N (--shard). */
int runner_parse_shard(const char *s, size_t *index, size_t *count);
/* The shard, of `count`, that runs task (point, rep): (point + rep) mod count (shard.c
 * says why); 0 when count <= 1. */
size_t runner_shard_of(size_t point, size_t rep, size_t count);

/* ---- running ---------------------------------------------------------------------- */
typedef enum { RUNNER_REP_PENDING = 0, RUNNER_REP_OK, RUNNER_REP_FAILED } runner_rep_state;

/* One finished replication, handed to runner_options.rows. */
typedef struct {
    size_t point, rep;
    uint64_t seed;
    runner_rep_state state;  /* OK or FAILED */
    const double *params;    /* the point's n_params values */
    const double *metrics;   /* n_metrics values (NaN where the model set none) */
    const char *error;       /* FAILED: the message, or NULL */
} runner_row;

typedef struct {
    size_t reps;       /* replications per point (the first batch with precision); >= 1 */
    long only_rep;     /* >= 0: run only replication `only_rep` of each point; -1: all */
    unsigned threads;  /* worker threads; 0: number of online cores. Under RLIMIT_AS no
                        * more than the address space holds memory_limit budgets of */
    uint64_t seed;     /* base seed */
    int crn;           /* 1: common random numbers across points (default) */
    size_t stack_size; /* process stack size; 0: the experiment's (exp_experiment) */
    double confidence; /* confidence level of the intervals used for stopping */
    double precision;  /* > 0: sequential stopping on the relative half-width */
    size_t max_reps;   /* cap on replications per point with precision */
    /* Job-array shard: run only the tasks (point, rep) of shard `shard` of `shards`
     * (runner_shard_of); shards 0 or 1: every task. Not with precision. */
    size_t shard, shards;
    /* Bytes one replication may hold in the kernel (sim_config.memory_limit); 0:
     * unlimited. The default, RUNNER_DEFAULT_MEMORY, is fixed so that whether a
     * replication fails does not depend on -j or on the machine. */
    size_t memory_limit;
    /* Optional: setting *stop (from any thread or a signal handler) stops the run soon:
     * running replications return SIM_ESTOPPED before their next event and are not
     * recorded (a model must pass its run's status on), no new ones start. The runner
     * also sets it when poll() asks to stop. */
    atomic_int *stop;
    /* Called by the thread inside runner_run() about ten times a second while workers
     * run (and once at the end of every round); a nonzero return stops the run: workers
     * finish the replication they are in and take no more. May be NULL. */
    int (*poll)(void *ctx, size_t done, size_t total);
    void *poll_ctx;
    /* Series (--series): nonzero collects the sim_series points of the replications
     * listed in series_reps (NULL: all), for runner_csv_write_series. */
    int series;
    const size_t *series_reps;
    size_t n_series_reps;
    /* Which metrics the stopping rule looks at: NULL for every metric, else n_metrics
     * flags (1: this metric must meet the target). The others are still summarised. */
    const unsigned char *precision_metrics;
    /* > 0: a metric also meets the target when its half-width is at most this (for
     * metrics near zero, where a relative target is out of reach). With precision 0 it
     * is the only target. Either one > 0 makes the run sequential. */
    double abs_precision;
    /* Streaming (without precision): when set, every finished replication is handed to
     * rows() in (point, rep) order, from one thread at a time, as soon as every task
     * before it has finished (a reorder window of RUNNER_WINDOW tasks per thread keeps
     * workers from running further ahead), and the result keeps no per-replication
     * rows: per point and metric a running tally in (point, rep) order, so memory does
     * not grow with replications and the summary has the same bits as without
     * streaming. runner_result_state/metrics/error then answer nothing (PENDING, NULL);
     * runner_result_failure still gives the first failures. Ignored with precision
     * (rounds add replications to earlier points, so rows could not leave in order). */
    void (*rows)(void *ctx, const runner_row *row);
    void *rows_ctx;
} runner_options;

/* 1 when runner_run with these options streams: rows set, no precision target and no
 * series (both need every replication's results kept to the end). */
int runner_streams(const runner_options *opt);

/* A replication as long as 4096 others at the window's head keeps the other threads
 * busy; slots cost n_metrics doubles and a few bytes, so 4096 per thread is small. */
#define RUNNER_WINDOW 4096

/* 2 GiB: tens of thousands of processes with 64 KiB stacks, far more than any shipped
 * model at sensible parameters, and small enough that two such replications per core
 * fit on an ordinary machine. */
#define RUNNER_DEFAULT_MEMORY ((size_t)2 << 30)

/* reps 10, every rep, seed 1, crn, confidence 0.95, no precision, max_reps 10000,
 * memory_limit RUNNER_DEFAULT_MEMORY */
void runner_options_init(runner_options *opt);
unsigned runner_default_threads(void);         /* online cores, at least 1 */

typedef struct runner_result runner_result;

/* Run the plan. Returns NULL only when the run cannot start (bad options, no memory),
 * with the reason in err; failed replications and a stop requested by poll() are
 * recorded in the result instead. */
runner_result *runner_run(const runner_plan *plan, const runner_options *opt,
                          runner_err *err);
/* The checks runner_run() makes before it starts: option values, and whether the result
 * slots of points x replications fit in the memory available now (MemAvailable, and
 * RLIMIT_AS). 0 or -1 with err. */
int runner_check(const runner_plan *plan, const runner_options *opt, runner_err *err);
void runner_result_free(runner_result *res);

const exp_experiment *runner_result_experiment(const runner_result *res);
size_t runner_result_points(const runner_result *res);
const double *runner_result_params(const runner_result *res, size_t point);
/* Replications [*first, *end) were planned at this point. */
void runner_result_reps(const runner_result *res, size_t point, size_t *first, size_t *end);
runner_rep_state runner_result_state(const runner_result *res, size_t point, size_t rep);
uint64_t runner_result_seed(const runner_result *res, size_t point, size_t rep);
const double *runner_result_metrics(const runner_result *res, size_t point, size_t rep);
const char *runner_result_error(const runner_result *res, size_t point, size_t rep);
/* Failure i (0 <= i < RUNNER_FAILURES_KEPT and < runner_result_failed) in (point, rep)
 * order: 0 and its point, rep and message (NULL if none), or -1. */
#define RUNNER_FAILURES_KEPT 20
int runner_result_failure(const runner_result *res, size_t i, size_t *point, size_t *rep,
                          const char **msg);
int runner_result_streamed(const runner_result *res); /* rows went to options.rows */
size_t runner_result_completed(const runner_result *res); /* ok + failed */
size_t runner_result_failed(const runner_result *res);
size_t runner_result_planned(const runner_result *res);
int runner_result_stopped(const runner_result *res); /* poll() or *stop asked to stop */
/* 1 if any replication of the point completed (ok or failed). After a stop the summary
 * and the table leave out points that never ran: a sweep of 2^20 points stopped early
 * must not write a row for each. */
int runner_result_point_ran(const runner_result *res, size_t point);
/* Sequential runs: 1 if every metric of the stopping rule met its target at this point,
 * else 0; -1 without a target. */
int runner_result_precision_met(const runner_result *res, size_t point);
double runner_result_precision(const runner_result *res);     /* relative target or 0 */
double runner_result_abs_precision(const runner_result *res); /* absolute target or 0 */
int runner_result_sequential(const runner_result *res); /* either target was given */
/* Sequential runs: points that stopped at the cap (max_reps) without meeting the target,
 * with no failed replication and no stop (the run's exit status 3). */
size_t runner_result_capped(const runner_result *res, size_t max_reps);
uint64_t runner_result_base_seed(const runner_result *res); /* runner_options.seed */
int runner_result_crn(const runner_result *res);             /* runner_options.crn */
/* runner_options.shard and .shards (shards 1 for a whole run). */
void runner_result_shard(const runner_result *res, size_t *shard, size_t *shards);

/* Summary of metric m at a point over its successful replications, leaving out NaN
 * values. Returns 0, -1 when no value is left (out->n == 0, the rest NaN), or -2 when
 * there was no memory for it (out as for -1: callers must not print that as "no
 * value"). */
int runner_summarize(const runner_result *res, size_t point, size_t metric,
                     double confidence, stats_summary *out);

/* ---- output --------------------------------------------------------------------- */
/* An output file written under a temporary name and renamed when committed. */
typedef struct runner_outfile runner_outfile;

runner_outfile *runner_outfile_open(const char *path, runner_err *err);
FILE *runner_outfile_stream(runner_outfile *of);
/* Flush and close without renaming: every write error is known after this, so several
 * files can be closed first and then committed all or none. */
int runner_outfile_close(runner_outfile *of, runner_err *err);
/* Close (if not done) and rename over the target; frees `of`. On error the temporary
 * file is removed and the target left untouched. */
int runner_outfile_commit(runner_outfile *of, runner_err *err);
void runner_outfile_abort(runner_outfile *of); /* close and remove; frees `of` */
/* 1 if the two output paths name one file (the same inode, through links, "./" or an
 * absolute path; for new paths the same directory and name; "-" only equals "-"). */
int runner_outfile_same(const char *a, const char *b);
/* Async-signal-safe: remove the temporary file of every output not committed yet. */
void runner_outfile_unlink_temps(void);

/* Per-replication CSV. Its first line says what made it (provenance, for merge):
 *     # procsim VERSION experiment=NAME seed=S crn=0|1 params=P [shard=I/N]
 * (NAME with space, '=', '%', control and non-ASCII bytes written as %XX; P parameter
 * columns follow seed; shard=I/N only for a run of one shard of N > 1). Then the header point,rep,seed,<params...>,<metrics...> and one
 * row per successful replication in (point, rep) order. 0, or -1 on a write error. */
int runner_csv_write_reps(FILE *f, const runner_result *res);
/* The same file in pieces, for streaming: the provenance line and header (before the
 * run, from its options), then one row at a time (OK rows only; others write nothing). */
int runner_csv_write_reps_head(FILE *f, const exp_experiment *e, const runner_options *opt);
int runner_csv_write_row(FILE *f, const exp_experiment *e, const runner_row *row);
/* Summary CSV: point,<params...>,metric,n,mean,sd,ci_low,ci_high,half_width,min,max,
 * analytic (empty when the experiment does not know it), and with precision a last
 * column precision_met (1/0). One row per (point, metric). 0, or -1 on a write error
 * or when a summary had no memory (runner_summarize -2). */
int runner_csv_write_summary(FILE *f, const runner_result *res, double confidence);
/* Series CSV: point,rep,name,t,value, the sim_series points of the successful chosen
 * replications in (point, rep) order and, within one, in the order the model emitted
 * them. Returns 0, or -1 on a write error. */
int runner_csv_write_series(FILE *f, const runner_result *res);
/* Whether replication rep is one whose series the options collect. */
int runner_series_selected(const runner_options *opt, size_t rep);
/* The same summary as a table for people. 0, or -1 on a write error or no memory. */
int runner_print_table(FILE *f, const runner_result *res, double confidence);

/* Join per-replication CSV shards of one run into `output`, rows sorted by (point, rep).
 * Every shard is read as strict RFC 4180 (csvread.h) and refused, with the file and line,
 * unless: its provenance line and header equal the first shard's (same version,
 * experiment, seed, crn setting, columns); every row has the header's field count, point
 * and rep numbers, the seed that (seed, crn, point, rep) gives, and numbers in every other
 * cell; rows of one point have the same parameter values everywhere; no (point, rep)
 * appears twice. Nothing is written unless all of that holds. 0, or -1 with err. */
int runner_merge(const char *const *inputs, size_t n_inputs, const char *output,
                 runner_err *err);

/* ---- progress line ----------------------------------------------------------------- */
typedef struct {
    FILE *f;           /* NULL: silent */
    double start, last; /* monotonic seconds */
    int shown;
} runner_progress;

void runner_progress_init(runner_progress *pr, FILE *f); /* f NULL: silent */
/* Redraw "\r[run] done/total reps  R reps/s  ETA Ns", at most ten times a second. */
void runner_progress_update(runner_progress *pr, size_t done, size_t total);
void runner_progress_clear(runner_progress *pr);

/* ---- command line ------------------------------------------------------------------ */
typedef struct {
    const exp_experiment *const *experiments; /* the program's experiments (NULL: none) */
    size_t n_experiments;
    FILE *out, *err; /* NULL: stdout / stderr */
    int progress;    /* -1: when err is a terminal; 0: never; 1: always (unless --quiet) */
    const char *prog; /* name in usage and messages; NULL: "procsim" */
} runner_cli_io;

/* The whole procsim command line over io's experiments and any plugin named as
 * PATH[:NAME]; returns the exit status (0 ok, 1 failed replications, 2 bad usage,
 * 128 + signal when interrupted). io may be NULL (no experiments but plugins).
 * procsim_main() in procsim.h is the short form for a user's own program. */
int runner_cli_main(int argc, char **argv, const runner_cli_io *io);

#ifdef __cplusplus
}
#endif
#endif
