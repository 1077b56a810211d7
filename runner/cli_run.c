/* procsim run and procsim trace: their options, checked completely before anything runs
 * (bad usage exits 2 with one message and no output file touched), then the run itself
 * with progress, Ctrl-C handling, failure reports and the output files. */
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "stats.h"

/* Signals. The first SIGINT, SIGTERM, SIGHUP or SIGPIPE sets the runner's stop flag
 * (running replications return before their next event) and the run writes what
 * finished; a second one removes every temporary output file and exits at once, so no
 * half-named file survives it. A signal ignored when procsim starts stays ignored.
 * Dispositions belong to the process, so these flags are the process's too. atomic_int is lock-free here, so the store is async-signal-safe. */
static volatile sig_atomic_t cli_signal;
static atomic_int cli_stop;
static const int cli_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define N_CLI_SIGNALS (sizeof cli_signals / sizeof cli_signals[0])

static void on_signal(int sig)
{
    if (cli_signal) {
        runner_outfile_unlink_temps();
        _exit(128 + cli_signal);
    }
    cli_signal = sig;
    atomic_store(&cli_stop, 1);
}

static void install_signals(struct sigaction old[N_CLI_SIGNALS])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_CLI_SIGNALS; i++)
        sigaddset(&sa.sa_mask, cli_signals[i]); /* one handler at a time */
    cli_signal = 0;
    atomic_store(&cli_stop, 0);
    for (size_t i = 0; i < N_CLI_SIGNALS; i++) {
        /* A signal ignored on entry stays ignored: nohup's SIGHUP, the SIGINT of a
         * background job (the terminal's Ctrl-C is not meant for it). */
        if (sigaction(cli_signals[i], NULL, &old[i]) == 0 &&
            !(old[i].sa_flags & SA_SIGINFO) && old[i].sa_handler == SIG_IGN)
            continue;
        sigaction(cli_signals[i], &sa, NULL);
    }
}

static void restore_signals(const struct sigaction old[N_CLI_SIGNALS])
{
    for (size_t i = 0; i < N_CLI_SIGNALS; i++)
        sigaction(cli_signals[i], &old[i], NULL);
}

typedef struct {
    int is_sweep;
    const char *text;
} param_spec;

typedef struct {
    const char *exp_name;
    param_spec *specs;
    size_t n_specs;
    runner_options opt;
    int has_reps, has_jobs, has_seed, has_rep, has_conf, has_prec, has_max, has_mem, quiet;
    int has_abs;
    int has_shard;
    const char *out_path, *summary_path;
    const char *series_path, *series_reps; /* --series FILE, --series-reps R,... */
    const char **prec_names; /* --precision-metric NAME..., n_prec of them */
    size_t n_prec;
    unsigned char *prec_mask; /* n_metrics flags from prec_names, or NULL */
    const char *plot_path;    /* --plot FILE */
    const char *compare_to;   /* --compare-to k=v */
} run_args;

typedef struct {
    const runneri_cli *c;
    const char *cmd;
    int argc, i;
    char **argv;
} cursor;

/* If argv[i] is option -s / --long, put its value in *val (from "--long=v", "-sv" or
 * the next argument) and return 1; 0 if it is another option; -1 after a usage
 * message. `seen` catches an option given twice. */
static int take(cursor *cu, const char *s, const char *l, int *seen, const char **val)
{
    const char *a = cu->argv[cu->i];
    size_t ll = strlen(l);
    const char *v = NULL;
    if (strcmp(a, l) == 0 || (s && strcmp(a, s) == 0)) {
        if (cu->i + 1 >= cu->argc) {
            runneri_cli_usage(cu->c, "%s: %s needs a value", cu->cmd, a);
            return -1;
        }
        v = cu->argv[++cu->i];
    } else if (strncmp(a, l, ll) == 0 && a[ll] == '=') {
        v = a + ll + 1;
    } else if (s && strncmp(a, s, 2) == 0 && a[2] != '\0' && a[1] != '-') {
        v = a + 2;
    } else {
        return 0;
    }
    if (seen) {
        if (*seen) {
            runneri_cli_usage(cu->c, "%s: %s is given twice", cu->cmd, l);
            return -1;
        }
        *seen = 1;
    }
    *val = v;
    return 1;
}

static int count_arg(cursor *cu, const char *opt, const char *v, size_t min, size_t *out)
{
    if (runner_parse_size(v, out) != 0) {
        runneri_cli_usage(cu->c, "%s: %s expects a whole number, got '%s'", cu->cmd, opt, v);
        return -1;
    }
    if (*out < min) {
        runneri_cli_usage(cu->c, "%s: %s must be at least %zu, got %s", cu->cmd, opt, min, v);
        return -1;
    }
    return 0;
}

static int real_arg(cursor *cu, const char *opt, const char *v, double lo, double hi,
                    double *out)
{
    if (runner_parse_double(v, out) != 0) {
        runneri_cli_usage(cu->c, "%s: %s expects a number, got '%s'", cu->cmd, opt, v);
        return -1;
    }
    if (!(*out > lo && *out < hi)) {
        runneri_cli_usage(cu->c, "%s: %s must be between %g and %g (exclusive), got %s",
                          cu->cmd, opt, lo, hi, v);
        return -1;
    }
    return 0;
}

/* One option of run (all of them) or trace (is_run 0: --param, --seed, --rep only).
 * Returns 1 if consumed, 0 if not an option we know, -1 after a usage message. */
static int parse_option(cursor *cu, run_args *ra, int is_run)
{
    const char *v, *a = cu->argv[cu->i];
    size_t n;
    int k;
    if ((k = take(cu, NULL, "--param", NULL, &v)) != 0 ||
        (is_run && (k = take(cu, NULL, "--sweep", NULL, &v)) != 0)) {
        if (k > 0)
            ra->specs[ra->n_specs++] = (param_spec){strncmp(a, "--sweep", 7) == 0, v};
        return k;
    }
    if ((k = take(cu, NULL, "--seed", &ra->has_seed, &v)) != 0) {
        if (k > 0 && runner_parse_u64(v, &ra->opt.seed) != 0) {
            runneri_cli_usage(cu->c, "%s: --seed expects a whole number from 0 to "
                                     "18446744073709551615, got '%s'", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--rep", &ra->has_rep, &v)) != 0) {
        if (k > 0) {
            if (count_arg(cu, "--rep", v, 0, &n) != 0)
                return -1;
            if (n > (size_t)0x7fffffff) {
                runneri_cli_usage(cu->c, "%s: --rep %s is too large", cu->cmd, v);
                return -1;
            }
            ra->opt.only_rep = (long)n;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--max-memory", &ra->has_mem, &v)) != 0) {
        if (k > 0 && (runner_parse_bytes(v, &ra->opt.memory_limit) != 0 ||
                      (ra->opt.memory_limit != 0 && ra->opt.memory_limit < ((size_t)1 << 20)))) {
            runneri_cli_usage(cu->c, "%s: --max-memory expects a size of at least 1M such as "
                                     "512M or 4G (0: no limit), got '%s'", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if (!is_run)
        return 0;
    if ((k = take(cu, NULL, "--shard", &ra->has_shard, &v)) != 0) {
        if (k > 0 && runner_parse_shard(v, &ra->opt.shard, &ra->opt.shards) != 0) {
            runneri_cli_usage(cu->c, "%s: --shard expects I/N with 0 <= I < N (shards count "
                                     "from 0, say 0/4 to 3/4), got '%s'", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if ((k = take(cu, "-r", "--reps", &ra->has_reps, &v)) != 0)
        return k > 0 ? (count_arg(cu, "-r", v, 1, &ra->opt.reps) ? -1 : 1) : k;
    if ((k = take(cu, "-j", "--jobs", &ra->has_jobs, &v)) != 0) {
        if (k > 0) {
            if (count_arg(cu, "-j", v, 0, &n) != 0) /* 0: every core, as in the library */
                return -1;
            if (n > 4096) {
                runneri_cli_usage(cu->c, "%s: -j %s is more threads than makes sense "
                                         "(at most 4096)", cu->cmd, v);
                return -1;
            }
            ra->opt.threads = (unsigned)n;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--confidence", &ra->has_conf, &v)) != 0) {
        if (k > 0 && real_arg(cu, "--confidence", v, 0, 1, &ra->opt.confidence) != 0)
            return -1;
        /* Two replications (1 degree of freedom) give the widest interval: if even that
         * quantile is not finite (the level rounds to 1), every interval would be. */
        if (k > 0 && !isfinite(stats_t_quantile(0.5 + ra->opt.confidence / 2, 1.0))) {
            runneri_cli_usage(cu->c, "%s: --confidence %s is too close to 1 (its t quantile "
                                     "is not finite)", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--precision", &ra->has_prec, &v)) != 0)
        return k > 0 ? (real_arg(cu, "--precision", v, 0, 1e300, &ra->opt.precision) ? -1 : 1)
                     : k;
    if ((k = take(cu, NULL, "--abs-precision", &ra->has_abs, &v)) != 0)
        return k > 0 ? (real_arg(cu, "--abs-precision", v, 0, 1e300, &ra->opt.abs_precision)
                            ? -1
                            : 1)
                     : k;
    if ((k = take(cu, NULL, "--precision-metric", NULL, &v)) != 0) {
        if (k > 0)
            ra->prec_names[ra->n_prec++] = v;
        return k;
    }
    int seen_plot = ra->plot_path != NULL, seen_cmp = ra->compare_to != NULL;
    if ((k = take(cu, NULL, "--plot", &seen_plot, &v)) != 0) {
        if (k > 0)
            ra->plot_path = v;
        return k;
    }
    if ((k = take(cu, NULL, "--compare-to", &seen_cmp, &v)) != 0) {
        if (k > 0)
            ra->compare_to = v;
        return k;
    }
    if ((k = take(cu, NULL, "--max-reps", &ra->has_max, &v)) != 0)
        return k > 0 ? (count_arg(cu, "--max-reps", v, 1, &ra->opt.max_reps) ? -1 : 1) : k;
    int seen_o = ra->out_path != NULL, seen_s = ra->summary_path != NULL;
    if ((k = take(cu, "-o", "--output", &seen_o, &v)) != 0) {
        if (k > 0)
            ra->out_path = v;
        return k;
    }
    if ((k = take(cu, NULL, "--summary", &seen_s, &v)) != 0) {
        if (k > 0)
            ra->summary_path = v;
        return k;
    }
    int seen_se = ra->series_path != NULL, seen_sr = ra->series_reps != NULL;
    if ((k = take(cu, NULL, "--series", &seen_se, &v)) != 0) {
        if (k > 0)
            ra->series_path = v;
        return k;
    }
    if ((k = take(cu, NULL, "--series-reps", &seen_sr, &v)) != 0) {
        if (k > 0)
            ra->series_reps = v;
        return k;
    }
    if (strcmp(a, "--no-crn") == 0) {
        ra->opt.crn = 0;
        return 1;
    }
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        ra->quiet = 1;
        return 1;
    }
    return 0;
}

/* Parse argv (argv[0] is the command name) into ra and a plan; returns the plan, or
 * NULL after a usage message. */
static runner_plan *parse_args(const runneri_cli *c, int argc, char **argv, int is_run,
                               run_args *ra)
{
    cursor cu = {c, argv[0], argc, 1, argv};
    runner_options_init(&ra->opt);
    ra->specs = calloc((size_t)argc, sizeof *ra->specs);
    ra->prec_names = calloc((size_t)argc, sizeof *ra->prec_names);
    if (ra->specs == NULL || ra->prec_names == NULL) {
        runneri_cli_usage(c, "out of memory");
        return NULL;
    }
    for (; cu.i < argc; cu.i++) {
        const char *a = argv[cu.i];
        if (a[0] == '-' && a[1] != '\0') {
            int k = parse_option(&cu, ra, is_run);
            if (k < 0)
                return NULL;
            if (k == 0) {
                runneri_cli_usage(c, "%s: unknown option '%s'", cu.cmd, a);
                return NULL;
            }
        } else if (ra->exp_name == NULL) {
            ra->exp_name = a;
        } else {
            runneri_cli_usage(c, "%s: unexpected argument '%s' (one experiment per run)",
                              cu.cmd, a);
            return NULL;
        }
    }
    if (ra->exp_name == NULL) {
        runneri_cli_usage(c, "%s needs an experiment name (%s list shows them)", cu.cmd,
                          c->prog);
        return NULL;
    }
    if (ra->has_max && !ra->has_prec && !ra->has_abs) {
        runneri_cli_usage(c, "%s: --max-reps only applies with --precision or "
                             "--abs-precision", cu.cmd);
        return NULL;
    }
    if (ra->n_prec && !ra->has_prec && !ra->has_abs) {
        runneri_cli_usage(c, "%s: --precision-metric only applies with --precision or "
                             "--abs-precision", cu.cmd);
        return NULL;
    }
    if ((ra->has_prec || ra->has_abs) && ra->has_rep) {
        runneri_cli_usage(c, "%s: --rep and --precision conflict (sequential stopping "
                             "needs all replications)", cu.cmd);
        return NULL;
    }
    if (ra->has_prec && ra->has_shard) {
        runneri_cli_usage(c, "%s: --shard and --precision conflict (sequential stopping "
                             "needs all replications in one run)", cu.cmd);
        return NULL;
    }
    if (ra->has_max && ra->opt.max_reps < ra->opt.reps) {
        runneri_cli_usage(c, "%s: --max-reps %zu is below -r %zu", cu.cmd, ra->opt.max_reps,
                          ra->opt.reps);
        return NULL;
    }
    if (ra->has_rep && ra->has_reps && (size_t)ra->opt.only_rep >= ra->opt.reps) {
        runneri_cli_usage(c, "%s: --rep %ld is outside -r %zu (replications count from 0; "
                             "without -r any replication can run alone)",
                          cu.cmd, ra->opt.only_rep, ra->opt.reps);
        return NULL;
    }
    if (ra->out_path && ra->summary_path && runner_outfile_same(ra->out_path, ra->summary_path)) {
        runneri_cli_usage(c, "%s: -o '%s' and --summary '%s' are the same file", cu.cmd,
                          ra->out_path, ra->summary_path);
        return NULL;
    }
    if (ra->plot_path && strcmp(ra->plot_path, "-") != 0 &&
        ((ra->out_path && runner_outfile_same(ra->out_path, ra->plot_path)) ||
         (ra->summary_path && runner_outfile_same(ra->summary_path, ra->plot_path)))) {
        runneri_cli_usage(c, "%s: --plot '%s' is also a CSV output", cu.cmd, ra->plot_path);
        return NULL;
    }
    if (ra->series_reps && !ra->series_path) {
        runneri_cli_usage(c, "%s: --series-reps only applies with --series", cu.cmd);
        return NULL;
    }
    if (ra->series_path && ((ra->out_path && runner_outfile_same(ra->series_path, ra->out_path)) ||
                            (ra->summary_path &&
                             runner_outfile_same(ra->series_path, ra->summary_path)))) {
        runneri_cli_usage(c, "%s: --series names the same file as -o or --summary", cu.cmd);
        return NULL;
    }
    ra->opt.series = ra->series_path != NULL;
    if (ra->series_reps && runner_parse_rep_list(ra->series_reps, (size_t **)&ra->opt.series_reps,
                                                 &ra->opt.n_series_reps) != 0) {
        runneri_cli_usage(c, "%s: --series-reps expects replication numbers like 0,3,7, got '%s'",
                          cu.cmd, ra->series_reps);
        return NULL;
    }
    const exp_experiment *e = runneri_cli_find(c, ra->exp_name);
    if (e == NULL)
        return NULL;
    if (ra->n_prec) {
        ra->prec_mask = calloc(e->n_metrics ? e->n_metrics : 1, 1);
        if (ra->prec_mask == NULL) {
            runneri_cli_usage(c, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < ra->n_prec; i++) {
            int m = exp_metric_index(e, ra->prec_names[i]);
            if (m < 0) {
                runneri_cli_usage(c, "%s: --precision-metric: %s has no metric '%s' (%s "
                                     "describe %s lists them)", cu.cmd, e->name,
                                  ra->prec_names[i], c->prog, e->name);
                return NULL;
            }
            ra->prec_mask[m] = 1;
        }
        ra->opt.precision_metrics = ra->prec_mask;
    }
    runner_plan *plan = runner_plan_new(e);
    if (plan == NULL) {
        runneri_cli_usage(c, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < ra->n_specs; i++) {
        runner_err err;
        int rc = ra->specs[i].is_sweep ? runner_plan_sweep(plan, ra->specs[i].text, &err)
                                       : runner_plan_set(plan, ra->specs[i].text, &err);
        if (rc != 0) {
            runneri_cli_usage(c, "%s: %s", cu.cmd, err.msg);
            runner_plan_free(plan);
            return NULL;
        }
    }
    runner_err err;
    if (runner_plan_check(plan, &err) != 0) {
        runneri_cli_usage(c, "%s: %s", cu.cmd, err.msg);
        runner_plan_free(plan);
        return NULL;
    }
    return plan;
}

int runneri_cli_trace(const runneri_cli *c, int argc, char **argv)
{
    run_args ra = {0};
    runner_plan *plan = parse_args(c, argc, argv, 0, &ra);
    free(ra.specs);
    free(ra.prec_names);
    free(ra.prec_mask);
    if (plan == NULL)
        return CLI_USAGE;
    const exp_experiment *e = runner_plan_experiment(plan);
    size_t rep = ra.opt.only_rep >= 0 ? (size_t)ra.opt.only_rep : 0;
    double *params = malloc((e->n_params + 1) * sizeof *params);
    double *metrics = malloc((e->n_metrics + 1) * sizeof *metrics);
    sim_config cfg = {.seed = runner_seed(ra.opt.seed, 0, rep, 1), .trace = c->out,
                      .memory_limit = ra.opt.memory_limit};
    sim_env *env = params && metrics ? sim_env_new(&cfg) : NULL;
    int rc = CLI_OK;
    if (env == NULL) {
        fprintf(c->err, "%s: trace: out of memory\n", c->prog);
        rc = CLI_FAILED;
    } else {
        runner_plan_point(plan, 0, params);
        for (size_t m = 0; m < e->n_metrics; m++)
            metrics[m] = 0.0;
        sim_status st = e->replicate(env, params, metrics);
        fflush(c->out);
        if (st != SIM_OK) {
            const char *msg = sim_env_error_message(env);
            fprintf(c->err, "%s: trace: replication failed (seed %llu): %s%s%s\n", c->prog,
                    (unsigned long long)cfg.seed, sim_strerror(st), msg && *msg ? ": " : "",
                    msg ? msg : "");
            rc = CLI_FAILED;
        }
        sim_env_free(env);
    }
    free(params);
    free(metrics);
    runner_plan_free(plan);
    return rc;
}

typedef struct {
    runner_progress pr;
    const runneri_cli *c;
    int told; /* the stop was announced */
} poll_state;

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGPIPE: return "SIGPIPE";
    }
    return "a signal";
}

/* Announce a stop once, from this thread (never from the handler). */
static void tell_stop(poll_state *ps)
{
    if (!cli_signal || ps->told)
        return;
    ps->told = 1;
    runner_progress_clear(&ps->pr);
    fprintf(ps->c->err, "%s: %s: stopping; writing the replications that finished "
                        "(a second signal quits without writing)\n",
            ps->c->prog, signal_name(cli_signal));
}

static int poll_run(void *ctx, size_t done, size_t total)
{
    poll_state *ps = ctx;
    tell_stop(ps);
    if (!ps->told)
        runner_progress_update(&ps->pr, done, total);
    return cli_signal != 0;
}

/* Failed replications, each with its point, parameters, rep and seed (the first 20). */
static void report_failures(const runneri_cli *c, const runner_result *res)
{
    const exp_experiment *e = runner_result_experiment(res);
    size_t shown = runner_result_failed(res), p, r;
    const char *msg;
    runneri_clocale l;
    runneri_clocale_enter(&l);
    for (size_t k = 0; runner_result_failure(res, k, &p, &r, &msg) == 0; k++) {
        fprintf(c->err, "%s: replication failed: point %zu (", c->prog, p);
        for (size_t i = 0; i < e->n_params; i++) {
            char v[RUNNERI_NUM_MAX];
            runneri_fmt_double(v, runner_result_params(res, p)[i]);
            fprintf(c->err, "%s%s=%s", i ? " " : "", e->params[i].name, v);
        }
        fprintf(c->err, ") rep %zu seed %llu: %s\n", r,
                (unsigned long long)runner_result_seed(res, p, r), msg ? msg : "(no message)");
    }
    runneri_clocale_leave(&l);
    if (shown > 20)
        fprintf(c->err, "%s: ... and %zu more failed replications\n", c->prog, shown - 20);
    fprintf(c->err, "%s: %zu of %zu replications failed\n", c->prog,
            runner_result_failed(res), runner_result_completed(res));
}

/* Points that missed the precision target, and why: the cap, failures, or a stop. */
static void report_precision(const runneri_cli *c, const runner_result *res, size_t max)
{
    size_t missed = 0, capped = 0, failed = 0, n = runner_result_points(res);
    for (size_t p = 0; p < n; p++) {
        if (runner_result_precision_met(res, p) != 0)
            continue;
        size_t first, end, bad = 0;
        missed++;
        runner_result_reps(res, p, &first, &end);
        for (size_t r = first; r < end; r++)
            bad += runner_result_state(res, p, r) == RUNNER_REP_FAILED;
        failed += bad > 0;
        capped += bad == 0 && end >= max;
    }
    if (missed == 0)
        return;
    if (runner_result_precision(res) > 0)
        fprintf(c->err, "%s: precision %g not reached at %zu of %zu points (", c->prog,
                runner_result_precision(res), missed, n);
    else
        fprintf(c->err, "%s: absolute precision %g not reached at %zu of %zu points (",
                c->prog, runner_result_abs_precision(res), missed, n);
    const char *sep = "";
    if (capped) {
        fprintf(c->err, "%zu at --max-reps %zu", capped, max);
        sep = ", ";
    }
    if (failed) {
        fprintf(c->err, "%s%zu with failed replications", sep, failed);
        sep = ", ";
    }
    if (missed > capped + failed)
        fprintf(c->err, "%s%zu interrupted", sep, missed - capped - failed);
    fputs(")\n", c->err);
}

/* The table goes to stdout unless -q, or a CSV file already goes there. */
static int runneri_run_shows_table(const run_args *ra)
{
    return !ra->quiet && !(ra->out_path && strcmp(ra->out_path, "-") == 0) &&
           !(ra->summary_path && strcmp(ra->summary_path, "-") == 0);
}

/* Write the requested files and the table. Both files are closed (every write error
 * known) before either is renamed: both are committed or neither. */
/* Writes every requested output, then commits them all, or none when one of them could
 * not be written (a full disk must not leave a new reps file next to an old summary). */
static int write_outputs(const runneri_cli *c, const run_args *ra, const runner_result *res,
                         runner_outfile *reps_f, runner_outfile *sum_f, runner_outfile *series_f)
{
    runner_err err;
    int bad = 0;
    err.msg[0] = '\0';
    if (reps_f) /* streamed: the rows are in already */
        bad = (!runner_result_streamed(res) &&
               runner_csv_write_reps(runner_outfile_stream(reps_f), res) != 0) ||
              runner_outfile_close(reps_f, &err) != 0;
    if (sum_f && !bad)
        bad = runner_csv_write_summary(runner_outfile_stream(sum_f), res,
                                       ra->opt.confidence) != 0 ||
              runner_outfile_close(sum_f, &err) != 0;
    if (series_f && !bad)
        bad = runner_csv_write_series(runner_outfile_stream(series_f), res) != 0 ||
              runner_outfile_close(series_f, &err) != 0;
    if (bad) {
        runner_outfile_abort(reps_f);
        runner_outfile_abort(sum_f);
        runner_outfile_abort(series_f);
        runneri_cli_error(c, "run: writing the output failed%s%s; no output file was committed",
                          err.msg[0] ? ": " : "", err.msg);
        return -1;
    }
    runner_outfile *files[] = {reps_f, sum_f, series_f};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (files[i] && runner_outfile_commit(files[i], &err) != 0) {
            for (size_t j = i + 1; j < sizeof files / sizeof files[0]; j++)
                runner_outfile_abort(files[j]);
            runneri_cli_error(c, "run: %s", err.msg);
            return -1;
        }
    }
    /* The files are in; a table that could not be made (no memory) must not pass for
     * one with empty cells. */
    if (runneri_run_shows_table(ra) && runner_print_table(c->out, res, ra->opt.confidence) != 0) {
        runneri_cli_error(c, "run: the summary table could not be printed");
        return -1;
    }
    fflush(c->out);
    return 0;
}

/* What parse_args allocated for the run besides the plan. */
static void free_run_args(run_args *ra)
{
    free((size_t *)ra->opt.series_reps);
    ra->opt.series_reps = NULL;
    free(ra->prec_mask);
    ra->prec_mask = NULL;
}

typedef struct {
    FILE *f; /* the per-replication file, or NULL */
    const exp_experiment *e;
} stream_ctx;

/* Write errors show in ferror when the file is closed (write_outputs). */
static void stream_row(void *ctx, const runner_row *row)
{
    stream_ctx *sc = ctx;
    if (sc->f)
        runner_csv_write_row(sc->f, sc->e, row);
}

int runneri_cli_run(const runneri_cli *c, int argc, char **argv)
{
    run_args ra = {0};
    runner_plan *plan = parse_args(c, argc, argv, 1, &ra);
    free(ra.specs);
    free(ra.prec_names);
    if (plan == NULL) {
        free_run_args(&ra);
        return CLI_USAGE;
    }
    runner_err err;
    runner_outfile *reps_f = NULL, *sum_f = NULL, *series_f = NULL;
    if (runner_check(plan, &ra.opt, &err) != 0) {
        runner_plan_free(plan);
        free_run_args(&ra);
        return runneri_cli_usage(c, "run: %s", err.msg);
    }
    if ((ra.compare_to && runneri_compare_check_plan(c, plan, ra.compare_to) != CLI_OK) ||
        (ra.plot_path && runneri_plot_check_run(c, plan, ra.plot_path) != CLI_OK)) {
        runner_plan_free(plan);
        free_run_args(&ra);
        return CLI_USAGE;
    }
    /* Handlers first: a signal from here on finds every temporary file in the list. */
    struct sigaction old[N_CLI_SIGNALS];
    install_signals(old);
    runner_outfile *plot_f = NULL; /* opened now: an unwritable path fails before the run */
    if ((ra.out_path && (reps_f = runner_outfile_open(ra.out_path, &err)) == NULL) ||
        (ra.summary_path && (sum_f = runner_outfile_open(ra.summary_path, &err)) == NULL) ||
        (ra.series_path && (series_f = runner_outfile_open(ra.series_path, &err)) == NULL) ||
        (ra.plot_path && (plot_f = runner_outfile_open(ra.plot_path, &err)) == NULL)) {
        runner_outfile_abort(reps_f);
        runner_outfile_abort(sum_f);
        runner_outfile_abort(series_f);
        restore_signals(old);
        runner_plan_free(plan);
        free_run_args(&ra);
        return runneri_cli_usage(c, "run: %s", err.msg);
    }

    int show = c->progress < 0 ? isatty(fileno(c->err)) : c->progress;
    poll_state ps = {.c = c};
    runner_progress_init(&ps.pr, show && !ra.quiet ? c->err : NULL);
    ra.opt.poll = poll_run;
    ra.opt.poll_ctx = &ps;
    ra.opt.stop = &cli_stop;
    /* Rows go to the file as they finish, unless the run keeps every result to the end
     * (precision rounds, series; --compare-to reads the rows back after the run). */
    stream_ctx sc = {reps_f ? runner_outfile_stream(reps_f) : NULL, runner_plan_experiment(plan)};
    ra.opt.rows = stream_row;
    ra.opt.rows_ctx = &sc;
    if (ra.compare_to || !runner_streams(&ra.opt)) {
        ra.opt.rows = NULL;
        ra.opt.rows_ctx = NULL;
    } else if (sc.f) {
        runner_csv_write_reps_head(sc.f, sc.e, &ra.opt);
    }

    runner_result *res = runner_run(plan, &ra.opt, &err);
    tell_stop(&ps);
    runner_progress_clear(&ps.pr);
    int rc = CLI_OK;
    if (res == NULL) {
        runner_outfile_abort(reps_f);
        runner_outfile_abort(sum_f);
        runner_outfile_abort(series_f);
        runner_outfile_abort(plot_f);
        runneri_cli_error(c, "run: %s", err.msg);
        rc = CLI_FAILED;
    } else {
        if (write_outputs(c, &ra, res, reps_f, sum_f, series_f) != 0)
            rc = CLI_FAILED;
        if (ra.compare_to && runneri_run_shows_table(&ra) &&
            runneri_compare_result(c, res, ra.compare_to, ra.opt.confidence) != CLI_OK)
            rc = CLI_FAILED;
        /* No picture of a run the user stopped: no new program after a stop request. */
        if (plot_f && cli_signal)
            runner_outfile_abort(plot_f);
        else if (plot_f && runneri_plot_result(c, res, plot_f, ra.plot_path,
                                                      ra.opt.confidence) != CLI_OK)
            rc = CLI_FAILED;
        if (runner_result_failed(res)) {
            report_failures(c, res);
            rc = CLI_FAILED;
        }
        if (runner_result_sequential(res)) {
            size_t cap = ra.opt.max_reps > ra.opt.reps ? ra.opt.max_reps : ra.opt.reps;
            report_precision(c, res, cap);
            /* A point that ran out of replications has a wider interval than asked for:
             * say so in the status, not only on stderr. */
            if (rc == CLI_OK && runner_result_capped(res, cap) > 0)
                rc = CLI_IMPRECISE;
        }
        if (cli_signal)
            fprintf(c->err, "%s: interrupted: %zu of %zu replications completed; "
                            "the output holds those\n", c->prog,
                    runner_result_completed(res), runner_result_planned(res));
    }
    int sig = cli_signal;
    restore_signals(old);
    runner_result_free(res);
    runner_plan_free(plan);
    free_run_args(&ra);
    return sig ? 128 + sig : rc;
}
