/* What the command-line files share: the streams and experiment table one invocation of
 * runner_cli_main() works with (tests pass their own). */
#ifndef PROCSIM_CLI_INT_H
#define PROCSIM_CLI_INT_H

#include "runner_int.h"

typedef struct {
    const exp_experiment *const *exps; /* NULL: the registry */
    size_t n_exps;
    FILE *out, *err;
    int progress; /* -1: when err is a terminal */
} runneri_cli;

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

size_t runneri_cli_count(const runneri_cli *c);
const exp_experiment *runneri_cli_at(const runneri_cli *c, size_t i);
/* The experiment called `name`, or NULL after printing a usage error. */
const exp_experiment *runneri_cli_find(const runneri_cli *c, const char *name);
/* "procsim: <message>" on err; returns CLI_USAGE. */
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

#endif
