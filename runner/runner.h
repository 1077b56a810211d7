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
 * Sequential stopping (precision > 0): every point first gets `reps` replications; then,
 * in rounds, each point whose relative half-width (half_width / |mean|, for every metric)
 * is above the target gets more replications, decided only from the results of the
 * replications it has, so the replication counts and results are the same for any -j.
 * A point stops when the target is met, when it reaches max_reps, or when one of its
 * replications failed (more would not make its summary trustworthy).
 *
 * Files. Output goes to `name.tmp.PID` in the target's directory and is renamed over the
 * target only when complete; creating the temporary file up front is how an unwritable
 * path is caught before anything runs. CSV is RFC 4180 (strings quoted when they hold a
 * comma, a quote or a line break; lines end in "\n"), numbers use '.' whatever the
 * locale and print with the fewest digits that read back to the same double; NaN prints
 * as an empty cell.
 *
 * Errors: functions that can fail on user input fill a runner_err with one sentence.  */
#ifndef PROCSIM_RUNNER_H
#define PROCSIM_RUNNER_H

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

uint64_t runner_seed(uint64_t base, size_t point, size_t rep, int crn);

/* Strict number parsing shared by the CLI: the whole string, '.' decimal point. */
int runner_parse_double(const char *s, double *out);
int runner_parse_size(const char *s, size_t *out); /* decimal, no sign */
int runner_parse_u64(const char *s, uint64_t *out);
/* "R1,R2,...": replication numbers for --series-reps (*out malloc'ed, *n of them). */
int runner_parse_rep_list(const char *s, size_t **out, size_t *n);

/* ---- running ---------------------------------------------------------------------- */
typedef struct {
    size_t reps;       /* replications per point (the first batch with precision); >= 1 */
    long only_rep;     /* >= 0: run only replication `only_rep` of each point; -1: all */
    unsigned threads;  /* worker threads; 0: number of online cores */
    uint64_t seed;     /* base seed */
    int crn;           /* 1: common random numbers across points (default) */
    size_t stack_size; /* process stack size for sim_config; 0: kernel default */
    double confidence; /* confidence level of the intervals used for stopping */
    double precision;  /* > 0: sequential stopping on the relative half-width */
    size_t max_reps;   /* cap on replications per point with precision */
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
} runner_options;

/* reps 10, every rep, seed 1, crn, confidence 0.95, no precision, max_reps 10000 */
void runner_options_init(runner_options *opt);
unsigned runner_default_threads(void);         /* online cores, at least 1 */

typedef enum { RUNNER_REP_PENDING = 0, RUNNER_REP_OK, RUNNER_REP_FAILED } runner_rep_state;

typedef struct runner_result runner_result;

/* Run the plan. Returns NULL only when the run cannot start (bad options, no memory),
 * with the reason in err; failed replications and a stop requested by poll() are
 * recorded in the result instead. */
runner_result *runner_run(const runner_plan *plan, const runner_options *opt,
                          runner_err *err);
/* The checks runner_run() makes before it starts: option values, and whether the result
 * slots of points x replications fit in this machine's memory. 0 or -1 with err. */
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
size_t runner_result_completed(const runner_result *res); /* ok + failed */
size_t runner_result_failed(const runner_result *res);
size_t runner_result_planned(const runner_result *res);
int runner_result_stopped(const runner_result *res); /* poll() asked to stop */
/* With precision: 1 if every metric met the target at this point, else 0; -1 without. */
int runner_result_precision_met(const runner_result *res, size_t point);
double runner_result_precision(const runner_result *res);

/* Summary of metric m at a point over its successful replications, leaving out NaN
 * values. Returns 0, or -1 when no value is left (out->n == 0, the rest NaN). */
int runner_summarize(const runner_result *res, size_t point, size_t metric,
                     double confidence, stats_summary *out);

/* ---- output --------------------------------------------------------------------- */
/* An output file written under a temporary name and renamed when committed. */
typedef struct runner_outfile runner_outfile;

runner_outfile *runner_outfile_open(const char *path, runner_err *err);
FILE *runner_outfile_stream(runner_outfile *of);
/* Flush, close and rename over the target; frees `of`. On error the temporary file is
 * removed and the target left untouched. */
int runner_outfile_commit(runner_outfile *of, runner_err *err);
void runner_outfile_abort(runner_outfile *of); /* close and remove; frees `of` */

/* Per-replication CSV: point,rep,seed,<params...>,<metrics...>, one row per successful
 * replication in (point, rep) order. Returns 0, or -1 on a write error. */
int runner_csv_write_reps(FILE *f, const runner_result *res);
/* Summary CSV: point,<params...>,metric,n,mean,sd,ci_low,ci_high,half_width,min,max,
 * analytic (empty when the experiment does not know it), and with precision a last
 * column precision_met (1/0). One row per (point, metric). */
int runner_csv_write_summary(FILE *f, const runner_result *res, double confidence);
/* Series CSV: point,rep,name,t,value, the sim_series points of the successful chosen
 * replications in (point, rep) order and, within one, in the order the model emitted
 * them. Returns 0, or -1 on a write error. */
int runner_csv_write_series(FILE *f, const runner_result *res);
/* Whether replication rep is one whose series the options collect. */
int runner_series_selected(const runner_options *opt, size_t rep);
/* The same summary as a table for people. */
int runner_print_table(FILE *f, const runner_result *res, double confidence);

/* Concatenate per-replication CSV shards with identical headers into `output`, rows
 * sorted by (point, rep); a (point, rep) present twice is an error. */
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
    const exp_experiment *const *experiments; /* NULL: the registry (experiments/list.h) */
    size_t n_experiments;
    FILE *out, *err; /* NULL: stdout / stderr */
    int progress;    /* -1: when err is a terminal; 0: never; 1: always (unless --quiet) */
} runner_cli_io;

/* The whole procsim command line; returns the exit status (0 ok, 1 failed replications,
 * 2 bad usage, 128 + signal when interrupted). io may be NULL. */
int runner_cli_main(int argc, char **argv, const runner_cli_io *io);

#ifdef __cplusplus
}
#endif
#endif
