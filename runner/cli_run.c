/* procsim run and procsim trace: once their options are parsed and checked
 * (cli_run_args.c; bad usage exits 2 with one message and no output file touched), the
 * run itself with progress, Ctrl-C handling, failure reports and the output files. */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "cli_run_args.h"

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

int runneri_cli_trace(const runneri_cli *c, int argc, char **argv)
{
    run_args ra = {0};
    runner_plan *plan = runneri_run_parse(c, argc, argv, 0, &ra);
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
    runner_plan *plan = runneri_run_parse(c, argc, argv, 1, &ra);
    free(ra.specs);
    free(ra.prec_names);
    if (plan == NULL) {
        runneri_run_args_free(&ra);
        return CLI_USAGE;
    }
    runner_err err;
    runner_outfile *reps_f = NULL, *sum_f = NULL, *series_f = NULL;
    if (runner_check(plan, &ra.opt, &err) != 0) {
        runner_plan_free(plan);
        runneri_run_args_free(&ra);
        return runneri_cli_usage(c, "run: %s", err.msg);
    }
    if ((ra.compare_to && runneri_compare_check_plan(c, plan, ra.compare_to) != CLI_OK) ||
        (ra.plot_path && runneri_plot_check_run(c, plan, ra.plot_path) != CLI_OK)) {
        runner_plan_free(plan);
        runneri_run_args_free(&ra);
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
        runneri_run_args_free(&ra);
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
    runneri_run_args_free(&ra);
    return sig ? 128 + sig : rc;
}
