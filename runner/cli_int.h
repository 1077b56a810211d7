/* What the command-line files share: the streams and experiment table one invocation of
 * runner_cli_main() works with (tests pass their own). */
#ifndef PROCSIM_CLI_INT_H
#define PROCSIM_CLI_INT_H

#include "runner_int.h"

/* A plugin opened for this invocation (closed when runner_cli_main returns). */
typedef struct {
    void *handle; /* dlopen handle or NULL */
} runneri_plugin;

typedef struct {
    const exp_experiment *const *exps; /* the program's own table (may be empty) */
    size_t n_exps;
    FILE *out, *err;
    int progress;     /* -1: when err is a terminal */
    const char *prog; /* program name, first word of every message */
    runneri_plugin *plugin;
} runneri_cli;

/* 3: a sequential run left points at --max-reps without their precision target. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2, CLI_IMPRECISE = 3 };

size_t runneri_cli_count(const runneri_cli *c);
const exp_experiment *runneri_cli_at(const runneri_cli *c, size_t i);
/* The experiment called `name`, or NULL after printing a usage error. A name with a '/'
 * is a plugin, PATH[:NAME] (plugin.c); anything else is looked up in the program's table. */
const exp_experiment *runneri_cli_find(const runneri_cli *c, const char *name);
/* Open the plugin at `path` into c->plugin and return its table (*n entries), or NULL
 * after printing a usage error: no such file, not a procsim plugin, another ABI. */
const exp_experiment *const *runneri_plugin_open(const runneri_cli *c, const char *path,
                                                 size_t *n);
/* The experiment `spec` (PATH or PATH:NAME) names in a plugin, or NULL after an error. */
const exp_experiment *runneri_plugin_find(const runneri_cli *c, const char *spec);
void runneri_plugin_close(runneri_plugin *pl);
/* "PROG: <message>" on err; returns CLI_USAGE. */
int runneri_cli_usage(const runneri_cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;


/* "procsim: <message>" on err, like runneri_cli_usage; returns CLI_FAILED. Both escape
 * control bytes (\x1b...) so an echoed argument cannot drive the terminal. */
int runneri_cli_error(const runneri_cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

int runneri_cli_list(const runneri_cli *c, int argc, char **argv);
int runneri_cli_describe(const runneri_cli *c, int argc, char **argv);
int runneri_cli_help(const runneri_cli *c);
int runneri_cli_run(const runneri_cli *c, int argc, char **argv);
int runneri_cli_trace(const runneri_cli *c, int argc, char **argv);
int runneri_cli_merge(const runneri_cli *c, int argc, char **argv);
int runneri_cli_plot(const runneri_cli *c, int argc, char **argv);       /* cli_plot.c */
int runneri_cli_compare(const runneri_cli *c, int argc, char **argv);    /* cli_compare.c */
/* run --compare-to k=v: a usage error unless k is a parameter, v a number and some point
 * of the plan has k=v (checked before anything runs). */
int runneri_compare_check_plan(const runneri_cli *c, const runner_plan *plan,
                               const char *baseline);
/* run --plot FILE: a usage error unless FILE ends in .svg, .png or .pdf, gnuplot can be
 * found and the plan sweeps one or two parameters (checked before anything runs). */
int runneri_plot_check_run(const runneri_cli *c, const runner_plan *plan, const char *path);
/* The default picture of a finished run into `of` (committed, or aborted on failure:
 * either way it is consumed); CLI_OK or CLI_FAILED. */
int runneri_plot_result(const runneri_cli *c, const runner_result *res, runner_outfile *of,
                        const char *path, double confidence);
/* The comparison table of a finished run on c->out; CLI_OK or CLI_FAILED. */
int runneri_compare_result(const runneri_cli *c, const runner_result *res,
                           const char *baseline, double family);
int runneri_cli_summarize(const runneri_cli *c, int argc, char **argv);

#endif
