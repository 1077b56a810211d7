/* The procsim command line: dispatch, help, list, describe and merge. Running and
 * tracing, which share the parameter options, are in cli_run.c; plot and compare in
 * cli_plot.c and cli_compare.c; the help text of every command in help.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "help_int.h"

#ifndef PROCSIM_VERSION
#define PROCSIM_VERSION "unknown"
#endif

/* One message line on err, control bytes (from echoed arguments) written as \xNN. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0))) /* clang's -Wformat-nonliteral wants to know */
#endif
static void say(const runneri_cli *c, const char *fmt, va_list ap)
{
    char small[512], *buf = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (buf = malloc((size_t)n + 1)) != NULL)
        vsnprintf(buf, (size_t)n + 1, fmt, again);
    else if (n >= (int)sizeof small)
        buf = small; /* truncated rather than lost */
    va_end(again);
    fprintf(c->err, "%s: ", c->prog);
    for (const unsigned char *b = (const unsigned char *)buf; *b; b++) {
        if (*b < 0x20 || *b == 0x7f)
            fprintf(c->err, "\\x%02x", *b);
        else
            fputc(*b, c->err);
    }
    fputc('\n', c->err);
    if (buf != small)
        free(buf);
}

static void print_usage(const runneri_cli *c, FILE *f)
{
    runneri_help_print(f, c->prog, NULL);
}

int runneri_cli_usage(const runneri_cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(c, fmt, ap);
    va_end(ap);
    return CLI_USAGE;
}

int runneri_cli_error(const runneri_cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(c, fmt, ap);
    va_end(ap);
    return CLI_FAILED;
}

size_t runneri_cli_count(const runneri_cli *c) { return c->exps ? c->n_exps : 0; }

const exp_experiment *runneri_cli_at(const runneri_cli *c, size_t i)
{
    return c->exps && i < c->n_exps ? c->exps[i] : NULL;
}

const exp_experiment *runneri_cli_find(const runneri_cli *c, const char *name)
{
    if (strchr(name, '/'))
        return runneri_plugin_find(c, name);
    for (size_t i = 0; i < runneri_cli_count(c); i++)
        if (strcmp(runneri_cli_at(c, i)->name, name) == 0)
            return runneri_cli_at(c, i);
    runneri_cli_usage(c, "unknown experiment '%s' (%s list shows them)", name, c->prog);
    return NULL;
}

int runneri_cli_help(const runneri_cli *c)
{
    print_usage(c, c->out);
    return CLI_OK;
}

int runneri_cli_list(const runneri_cli *c, int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && strchr(argv[1], '/') == NULL))
        return runneri_cli_usage(c, "list takes no arguments or one plugin path, got '%s'",
                                 argv[argc > 2 ? 2 : 1]);
    size_t n = runneri_cli_count(c);
    const exp_experiment *const *exps = c->exps;
    if (argc == 2 && (exps = runneri_plugin_open(c, argv[1], &n)) == NULL)
        return CLI_USAGE;
    if (n == 0)
        fputs("no experiments are registered\n", c->out);
    for (size_t i = 0; i < n; i++) {
        const exp_experiment *e = exps[i];
        fprintf(c->out, "%s%s  %s\n", i ? "\n" : "", e->name, e->help ? e->help : "");
        fputs("  parameters:", c->out);
        for (size_t k = 0; k < e->n_params; k++)
            fprintf(c->out, " %s", e->params[k].name);
        fputs(e->n_params ? "\n  metrics:   " : " (none)\n  metrics:   ", c->out);
        for (size_t k = 0; k < e->n_metrics; k++)
            fprintf(c->out, " %s", e->metrics[k].name);
        fputc('\n', c->out);
    }
    return CLI_OK;
}

/* Theory next to the metrics: the analytic value of each metric at the default
 * parameters, so a user sees what a run should reproduce (the summary CSV's `analytic`
 * column gives it at every swept point). */
static void describe_analytic(const runneri_cli *c, const exp_experiment *e, int w)
{
    double *defaults = malloc((e->n_params ? e->n_params : 1) * sizeof *defaults);
    if (!defaults)
        return;
    for (size_t i = 0; i < e->n_params; i++)
        defaults[i] = e->params[i].def;
    fputs("\nanalytic values at the defaults (steady state; the summary CSV's\n"
          "'analytic' column gives them at every point):\n",
          c->out);
    for (size_t k = 0; k < e->n_metrics; k++) {
        double v;
        char num[RUNNERI_NUM_MAX] = "unknown";
        if (e->analytic(defaults, k, &v))
            snprintf(num, sizeof num, "%.10g", v); /* for reading: CSV has all digits */
        fprintf(c->out, "  %-*s  %s\n", w, e->metrics[k].name, num);
    }
    free(defaults);
}

int runneri_cli_describe(const runneri_cli *c, int argc, char **argv)
{
    if (argc != 2)
        return runneri_cli_usage(c, "describe takes one experiment name");
    const exp_experiment *e = runneri_cli_find(c, argv[1]);
    if (e == NULL)
        return CLI_USAGE;
    int w = 6;
    for (size_t k = 0; k < e->n_params; k++)
        w = (int)strlen(e->params[k].name) > w ? (int)strlen(e->params[k].name) : w;
    for (size_t k = 0; k < e->n_metrics; k++)
        w = (int)strlen(e->metrics[k].name) > w ? (int)strlen(e->metrics[k].name) : w;
    runneri_clocale l;
    runneri_clocale_enter(&l);
    fprintf(c->out, "%s: %s\n\nparameters (--param NAME=VALUE):\n", e->name,
            e->help ? e->help : "");
    if (e->n_params == 0)
        fputs("  (none)\n", c->out);
    /* Columns as wide as their widest entry: name, default, range, help. */
    int wd = 1, wr = 1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < e->n_params; k++) {
            const exp_param *p = &e->params[k];
            char def[RUNNERI_NUM_MAX], lo[RUNNERI_NUM_MAX], hi[RUNNERI_NUM_MAX], range[96];
            runneri_fmt_double(def, p->def);
            runneri_fmt_double(lo, p->min);
            runneri_fmt_double(hi, p->max);
            snprintf(range, sizeof range, "[%s, %s]%s", lo, hi, p->integer ? " whole" : "");
            if (pass == 0) {
                wd = (int)strlen(def) > wd ? (int)strlen(def) : wd;
                wr = (int)strlen(range) > wr ? (int)strlen(range) : wr;
            } else {
                fprintf(c->out, "  %-*s  default %-*s  range %-*s  %s\n", w, p->name, wd, def,
                        wr, range, p->help ? p->help : "");
            }
        }
    }
    fputs("\nmetrics (one value per replication):\n", c->out);
    for (size_t k = 0; k < e->n_metrics; k++)
        fprintf(c->out, "  %-*s  %s%s\n", w, e->metrics[k].name,
                e->metrics[k].help ? e->metrics[k].help : "",
                e->metrics[k].proportion ? " [proportion: Wilson interval]" : "");
    if (e->analytic)
        describe_analytic(c, e, w);
    if (e->stack_size || e->stack_layout)
        fprintf(c->out, "\nprocess stacks: %zu bytes, %s\n",
                e->stack_size ? e->stack_size : (size_t)SIM_DEFAULT_STACK,
                e->stack_layout == SIM_STACKS_PACKED ? "packed" : "guarded");
    runneri_clocale_leave(&l);
    return CLI_OK;
}

int runneri_cli_merge(const runneri_cli *c, int argc, char **argv)
{
    const char *out = NULL;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n = 0;
    int rc = CLI_OK;
    if (inputs == NULL)
        return runneri_cli_usage(c, "out of memory");
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (out)
                rc = runneri_cli_usage(c, "merge: -o is given twice");
            else if (i + 1 >= argc)
                rc = runneri_cli_usage(c, "merge: %s needs a file name", a);
            else
                out = argv[++i];
        } else if (strncmp(a, "--output=", 9) == 0) {
            if (out)
                rc = runneri_cli_usage(c, "merge: -o is given twice");
            out = a + 9;
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = runneri_cli_usage(c, "merge: unknown option '%s'", a);
        } else {
            inputs[n++] = a;
        }
    }
    if (rc == CLI_OK && out == NULL)
        rc = runneri_cli_usage(c, "merge needs an output file: -o FILE");
    if (rc == CLI_OK && n == 0)
        rc = runneri_cli_usage(c, "merge needs input files");
    if (rc == CLI_OK) {
        runner_err err;
        if (runner_merge(inputs, n, out, &err) != 0)
            rc = runneri_cli_usage(c, "merge: %s", err.msg);
    }
    free(inputs);
    return rc;
}

static int dispatch(const runneri_cli *c, int argc, char **argv);

int runner_cli_main(int argc, char **argv, const runner_cli_io *io)
{
    runneri_plugin plugin = {NULL};
    runneri_cli c = {NULL, 0, stdout, stderr, -1, "procsim", &plugin};
    if (io) {
        c.exps = io->experiments;
        c.n_exps = io->n_experiments;
        c.out = io->out ? io->out : stdout;
        c.err = io->err ? io->err : stderr;
        c.progress = io->progress;
        c.prog = io->prog && *io->prog ? io->prog : "procsim";
    }
    int rc = dispatch(&c, argc, argv);
    runneri_plugin_close(&plugin); /* after the last use of its experiments */
    errno = 0;
    /* Output that never arrived (a full disk, a closed stdout) is an error, said once. */
    if (fflush(c.out) != 0 || ferror(c.out)) {
        int e = errno;
        runneri_cli_error(&c, "error writing standard output: %s", strerror(e ? e : EIO));
        clearerr(c.out);
        if (rc == CLI_OK)
            rc = CLI_FAILED;
    }
    return rc;
}

static int dispatch(const runneri_cli *cp, int argc, char **argv)
{
    runneri_cli c = *cp;
    if (argc < 2) {
        print_usage(&c, c.err);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc > 3 || (argc == 3 && runneri_help_find(argv[2]) == NULL))
            return runneri_cli_usage(&c, "%s takes no arguments or a command, got '%s'", cmd,
                                     argv[argc > 3 ? 3 : 2]);
        if (argc == 3) {
            runneri_help_print(c.out, c.prog, runneri_help_find(argv[2]));
            return CLI_OK;
        }
        return runneri_cli_help(&c);
    }
    /* COMMAND --help (or -h) anywhere after a known command: that command's help. */
    const runneri_help *h = runneri_help_find(cmd);
    for (int i = 2; h && i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            runneri_help_print(c.out, c.prog, h);
            return CLI_OK;
        }
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        if (argc > 2)
            return runneri_cli_usage(&c, "%s takes no arguments, got '%s'", cmd, argv[2]);
        if (strcmp(c.prog, "procsim") == 0)
            fprintf(c.out, "procsim %s\n", PROCSIM_VERSION);
        else
            fprintf(c.out, "%s (procsim %s)\n", c.prog, PROCSIM_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "list") == 0)
        return runneri_cli_list(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "describe") == 0)
        return runneri_cli_describe(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return runneri_cli_run(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "trace") == 0)
        return runneri_cli_trace(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return runneri_cli_merge(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "plot") == 0)
        return runneri_cli_plot(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return runneri_cli_compare(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "summarize") == 0)
        return runneri_cli_summarize(&c, argc - 1, argv + 1);
    return runneri_cli_usage(&c, "unknown command '%s' (%s --help lists them)", cmd, c.prog);
}
