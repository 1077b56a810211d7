/* procsim plot and run --plot: gnuplot scripts from result files read back (csvtab.h).
 *
 *   plot SUMMARY.csv -x P -y M [--by Q]   mean of M against P with the summary's
 *                                          interval as error bars, one series per value
 *                                          of Q, the analytic value dashed where known
 *   plot REPS.csv --hist M                the empirical distribution function of M
 *                                          across replications, one line per point
 *
 * The data go inline into the script (gnuplot's $block << EOD), so gnuplot reads
 * nothing but its stdin. Series and points come in ascending numeric order and numbers
 * print with all their digits: the same file gives the same script, byte for byte. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "csvtab.h"
#include "plot_int.h"

/* Okabe and Ito's colour-blind-safe colours (yellow left out: unreadable on paper),
 * each series also with its own point shape so the picture survives grey print. */
static const char *const colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000"};
static const int shapes[] = {7, 5, 9, 11, 13, 15, 1};
#define N_STYLES (sizeof colours / sizeof colours[0])

typedef struct {
    const char *input, *x, *y, *by, *hist, *out, *title;
} plot_args;

typedef struct {
    double series, x;
    size_t row;
} keyed;

static int by_series_x(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->series != q->series)
        return p->series < q->series ? -1 : 1;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->row < q->row ? -1 : p->row > q->row;
}

static void num(FILE *f, double v)
{
    char buf[RUNNERI_NUM_MAX];
    if (isnan(v)) {
        fputs("NaN", f);
        return;
    }
    runneri_fmt_double(buf, v);
    fputs(buf, f);
}

/* "name: help" when the experiment knows the help text, else the name; the y axis
 * puts the help on a line of its own (long help would not fit along it). */
static void label(FILE *f, const char *cmd, const char *name, const char *help,
                  const char *extra)
{
    int two = strcmp(cmd, "ylabel") == 0 && help && *help;
    fprintf(f, "set %s \"", cmd);
    const char *parts[] = {name, extra ? extra : "", help && *help ? (two ? "\n" : ": ") : "",
                           help ? help : ""};
    for (size_t i = 0; i < 4; i++) {
        if (i == 2) { /* the separator is ours: a real line break in gnuplot's syntax */
            fputs(two ? "\\n" : parts[i], f);
            continue;
        }
        for (const char *c = parts[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                fputc('\\', f);
            fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
        }
    }
    fputs("\"\n", f);
}

static void preamble(FILE *f, const char *terminal)
{
    fprintf(f, "set terminal %s\nset termoption noenhanced\nset encoding utf8\n"
               "set border lw 1.5\nset grid lc rgb '#d0d0d0'\nset key below box\n"
               "set tics out nomirror\nset offsets graph 0.03, graph 0.03, 0, 0\n",
            terminal);
}

/* The experiment whose parameters are exactly the columns [first, first + n) of t. */
static const exp_experiment *match_params(const runneri_cli *c, const runneri_csvtab *t,
                                          size_t first, size_t n)
{
    const exp_experiment *found = NULL;
    for (size_t i = 0; i < runneri_cli_count(c); i++) {
        const exp_experiment *e = runneri_cli_at(c, i);
        size_t k = 0;
        if (e->n_params != n)
            continue;
        while (k < n && strcmp(e->params[k].name, t->head[first + k]) == 0)
            k++;
        if (k == n) {
            if (found)
                return NULL; /* two candidates: say nothing rather than guess */
            found = e;
        }
    }
    return found;
}

static const char *param_help(const exp_experiment *e, const char *name)
{
    int k = e ? exp_param_index(e, name) : -1;
    return k >= 0 ? e->params[k].help : NULL;
}

static const char *metric_help(const exp_experiment *e, const char *name)
{
    int k = e ? exp_metric_index(e, name) : -1;
    return k >= 0 ? e->metrics[k].help : NULL;
}

static long param_col(const runneri_cli *c, const runneri_csvtab *t, size_t first, size_t n,
                      const char *opt, const char *name)
{
    for (size_t k = first; k < first + n; k++)
        if (strcmp(t->head[k], name) == 0)
            return (long)k;
    char list[512] = "";
    for (size_t k = first; k < first + n; k++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k > first ? ", " : "",
                 t->head[k]);
    runneri_cli_usage(c, "plot: %s %s: '%s' has no such parameter (it has %s)", opt, name,
                      t->name, list);
    return -1;
}

/* Every selected row must agree on the parameters that are neither x nor by: they go
 * into the title. Returns 0, or a usage error naming one that varies. */
static int fixed_params(const runneri_cli *c, const runneri_csvtab *t, const keyed *rows,
                        size_t n, size_t first, size_t np, long x, long by, char *title,
                        size_t tlen)
{
    size_t used = strlen(title);
    const char *sep = " (";
    for (size_t k = first; k < first + np; k++) {
        if ((long)k == x || (long)k == by)
            continue;
        const char *v0 = runneri_csvtab_cell(t, rows[0].row, k);
        for (size_t i = 1; i < n; i++)
            if (strcmp(runneri_csvtab_cell(t, rows[i].row, k), v0) != 0)
                return runneri_cli_usage(c, "plot: %s varies in '%s' (%s and %s) but is "
                                            "neither -x nor --by", t->head[k], t->name, v0,
                                         runneri_csvtab_cell(t, rows[i].row, k));
        used += (size_t)snprintf(title + used, used < tlen ? tlen - used : 0, "%s%s=%s", sep,
                                 t->head[k], v0);
        sep = " ";
        if (used >= tlen)
            used = tlen - 1;
    }
    if (strcmp(sep, " ") == 0 && used + 1 < tlen)
        strcat(title, ")");
    return 0;
}

/* One series' data: "x mean low high" per row (and "x analytic" in a second block when
 * the summary knows theory there). Returns whether it did. */
static int series_blocks(FILE *f, const runneri_csvtab *t, const keyed *ser, size_t m,
                         size_t id, const long cols[5])
{
    int theory = 0;
    double v;
    fprintf(f, "$s%zu << EOD\n", id);
    for (size_t k = 0; k < m; k++) {
        for (size_t j = 0; j < 4; j++) {
            runneri_csvtab_num(t, ser[k].row, (size_t)cols[j], &v);
            if (j)
                fputc(' ', f);
            num(f, v);
        }
        fputc('\n', f);
        if (cols[4] >= 0 && runneri_csvtab_num(t, ser[k].row, (size_t)cols[4], &v) == 0 &&
            !isnan(v))
            theory = 1;
    }
    fputs("EOD\n", f);
    if (!theory)
        return 0;
    fprintf(f, "$a%zu << EOD\n", id);
    for (size_t k = 0; k < m; k++) {
        num(f, ser[k].x);
        fputc(' ', f);
        runneri_csvtab_num(t, ser[k].row, (size_t)cols[4], &v);
        num(f, v);
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    return 1;
}

/* plot SUMMARY -x P -y M [--by Q]: the script into f. */
static int summary_script(const runneri_cli *c, const runneri_csvtab *t, const plot_args *pa,
                          const exp_experiment *e, const char *terminal, FILE *f)
{
    long mcol = runneri_csvtab_col(t, "metric"), mean = runneri_csvtab_col(t, "mean");
    long lo = runneri_csvtab_col(t, "ci_low"), hi = runneri_csvtab_col(t, "ci_high");
    long an = runneri_csvtab_col(t, "analytic");
    if (t->n_cols < 2 || strcmp(t->head[0], "point") != 0 || mcol < 1 || mean < 0 ||
        lo < 0 || hi < 0)
        return runneri_cli_usage(c, "plot: '%s' is not a summary of procsim run (point,"
                                    "<params>,metric,n,mean,...,ci_low,ci_high,...); "
                                    "--hist reads per-replication files", t->name);
    size_t first = 1, np = (size_t)mcol - 1;
    if (e == NULL)
        e = match_params(c, t, first, np);
    long x = param_col(c, t, first, np, "-x", pa->x);
    long by = pa->by && x >= 0 ? param_col(c, t, first, np, "--by", pa->by) : -1;
    if (x < 0 || (pa->by && by < 0))
        return CLI_USAGE;
    if (by == x)
        return runneri_cli_usage(c, "plot: -x and --by are both %s", pa->x);
    keyed *rows = malloc((t->n_rows ? t->n_rows : 1) * sizeof *rows);
    size_t *starts = malloc((t->n_rows + 1) * sizeof *starts);
    int *theory = malloc((t->n_rows + 1) * sizeof *theory);
    if (rows == NULL || starts == NULL || theory == NULL) {
        free(rows);
        free(starts);
        free(theory);
        return runneri_cli_usage(c, "out of memory");
    }
    size_t n = 0;
    int rc = CLI_OK;
    for (size_t r = 0; r < t->n_rows && rc == CLI_OK; r++) {
        if (strcmp(runneri_csvtab_cell(t, r, (size_t)mcol), pa->y) != 0)
            continue;
        double xv, bv = 0, v;
        if (runneri_csvtab_num(t, r, (size_t)x, &xv) != 0 || isnan(xv) ||
            (by >= 0 && (runneri_csvtab_num(t, r, (size_t)by, &bv) != 0 || isnan(bv))) ||
            runneri_csvtab_num(t, r, (size_t)mean, &v) != 0 ||
            runneri_csvtab_num(t, r, (size_t)lo, &v) != 0 ||
            runneri_csvtab_num(t, r, (size_t)hi, &v) != 0 ||
            (an >= 0 && runneri_csvtab_num(t, r, (size_t)an, &v) != 0))
            rc = runneri_cli_usage(c, "plot: '%s' line %zu: a cell that is not a number",
                                   t->name, t->lines[r]);
        rows[n++] = (keyed){bv, xv, r};
    }
    if (rc == CLI_OK && n == 0)
        rc = runneri_cli_usage(c, "plot: -y %s: '%s' has no rows for that metric", pa->y,
                               t->name);
    char title[1024];
    snprintf(title, sizeof title, "%s%s%s against %s%s%s", e ? e->name : "", e ? ": " : "",
             pa->y, pa->x, by >= 0 ? " by " : "", by >= 0 ? pa->by : "");
    if (rc == CLI_OK)
        rc = fixed_params(c, t, rows, n, first, np, x, by, title, sizeof title);
    if (rc == CLI_OK) {
        qsort(rows, n, sizeof *rows, by_series_x);
        preamble(f, terminal);
        fputs("set title ", f);
        runneri_plot_quote(f, pa->title ? pa->title : title);
        fputc('\n', f);
        label(f, "xlabel", pa->x, param_help(e, pa->x), NULL);
        label(f, "ylabel", pa->y, metric_help(e, pa->y), " (mean and confidence interval)");
        const long cols[5] = {x, mean, lo, hi, an};
        size_t n_series = 0;
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && rows[i].series == rows[i - 1].series)
                continue;
            size_t end = i + 1;
            while (end < n && rows[end].series == rows[i].series)
                end++;
            starts[n_series] = i;
            theory[n_series] = series_blocks(f, t, rows + i, end - i, n_series, cols);
            n_series++;
        }
        fputs("plot ", f);
        for (size_t s = 0; s < n_series; s++) {
            const char *col = colours[s % N_STYLES];
            char name[256];
            if (by >= 0)
                snprintf(name, sizeof name, "%s=%s", pa->by,
                         runneri_csvtab_cell(t, rows[starts[s]].row, (size_t)by));
            else
                snprintf(name, sizeof name, "%s", pa->y);
            fprintf(f, "%s$s%zu using 1:2:3:4 with yerrorlines lw 2 lc rgb '%s' pt %d ps 1.2 "
                       "title ", s ? ", \\\n     " : "", s, col, shapes[s % N_STYLES]);
            runneri_plot_quote(f, name);
            if (theory[s]) {
                char tn[300];
                snprintf(tn, sizeof tn, "%s, theory", name);
                fprintf(f, ", \\\n     $a%zu using 1:2 with lines dt 2 lw 2 lc rgb '%s' title ",
                        s, col);
                runneri_plot_quote(f, tn);
            }
        }
        fputc('\n', f);
    }
    free(rows);
    free(starts);
    free(theory);
    return rc;
}

/* plot REPS --hist M: one empirical distribution function per point, named by the
 * parameters that differ between points. */
static int hist_script(const runneri_cli *c, const runneri_csvtab *t, const plot_args *pa,
                       const exp_experiment *e, const char *terminal, FILE *f)
{
    if (t->params < 0 || t->n_cols < 3 || strcmp(t->head[0], "point") != 0 ||
        (size_t)t->params > t->n_cols - 3)
        return runneri_cli_usage(c, "plot: --hist reads a per-replication file of procsim "
                                    "run (-o), and '%s' is not one", t->name);
    size_t first = 3, np = (size_t)t->params;
    long m = runneri_csvtab_col(t, pa->hist);
    if (m < (long)(first + np))
        return runneri_cli_usage(c, "plot: --hist %s: '%s' has no such metric", pa->hist,
                                 t->name);
    for (size_t i = 0; e == NULL && t->experiment && i < runneri_cli_count(c); i++)
        if (strcmp(runneri_cli_at(c, i)->name, t->experiment) == 0)
            e = runneri_cli_at(c, i);
    keyed *rows = malloc((t->n_rows ? t->n_rows : 1) * sizeof *rows);
    if (rows == NULL)
        return runneri_cli_usage(c, "out of memory");
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        double p, v;
        if (runneri_csvtab_num(t, r, 0, &p) != 0 || runneri_csvtab_num(t, r, (size_t)m, &v) != 0) {
            free(rows);
            return runneri_cli_usage(c, "plot: '%s' line %zu: a cell that is not a number",
                                     t->name, t->lines[r]);
        }
        if (!isnan(v))
            rows[n++] = (keyed){p, v, r};
    }
    if (n == 0) {
        free(rows);
        return runneri_cli_usage(c, "plot: --hist %s: '%s' has no values of it", pa->hist,
                                 t->name);
    }
    qsort(rows, n, sizeof *rows, by_series_x);
    /* Parameters that vary between rows name the lines; the others go in the title. */
    unsigned char *varies = calloc(np ? np : 1, 1);
    if (varies == NULL) {
        free(rows);
        return runneri_cli_usage(c, "out of memory");
    }
    char title[1024];
    snprintf(title, sizeof title, "%s%sdistribution of %s across replications",
             e ? e->name : "", e ? ": " : "", pa->hist);
    size_t used = strlen(title);
    const char *sep = " (";
    for (size_t k = 0; k < np; k++) {
        const char *v0 = runneri_csvtab_cell(t, rows[0].row, first + k);
        for (size_t i = 1; i < n && !varies[k]; i++)
            varies[k] = strcmp(runneri_csvtab_cell(t, rows[i].row, first + k), v0) != 0;
        if (!varies[k] && used + 1 < sizeof title) {
            used += (size_t)snprintf(title + used, sizeof title - used, "%s%s=%s", sep,
                                     t->head[first + k], v0);
            sep = " ";
            used = used < sizeof title ? used : sizeof title - 1;
        }
    }
    if (strcmp(sep, " ") == 0 && used + 1 < sizeof title)
        strcat(title, ")");
    preamble(f, terminal);
    fputs("set title ", f);
    runneri_plot_quote(f, pa->title ? pa->title : title);
    fputc('\n', f);
    label(f, "xlabel", pa->hist, metric_help(e, pa->hist), NULL);
    fputs("set ylabel 'fraction of replications at or below'\nset yrange [0:1]\n", f);
    size_t n_lines = 0;
    for (size_t i = 0; i < n; n_lines++) {
        size_t end = i + 1;
        while (end < n && rows[end].series == rows[i].series)
            end++;
        /* Steps from 0 at the smallest value to 1 at the largest. */
        fprintf(f, "$p%zu << EOD\n", n_lines);
        num(f, rows[i].x);
        fputs(" 0\n", f);
        for (size_t k = i; k < end; k++) {
            num(f, rows[k].x);
            fputc(' ', f);
            num(f, (double)(k - i + 1) / (double)(end - i));
            fputc('\n', f);
        }
        fputs("EOD\n", f);
        i = end;
    }
    fputs("plot ", f);
    size_t line = 0;
    for (size_t i = 0; i < n; line++) {
        size_t end = i + 1;
        while (end < n && rows[end].series == rows[i].series)
            end++;
        char name[512];
        size_t u = (size_t)snprintf(name, sizeof name, "point %s",
                                    runneri_csvtab_cell(t, rows[i].row, 0));
        for (size_t k = 0; k < np && u < sizeof name; k++)
            if (varies[k])
                u += (size_t)snprintf(name + u, sizeof name - u, " %s=%s", t->head[first + k],
                                      runneri_csvtab_cell(t, rows[i].row, first + k));
        fprintf(f, "%s$p%zu using 1:2 with steps lw 2 lc rgb '%s' dt %zu title ",
                line ? ", \\\n     " : "", line, colours[line % N_STYLES],
                line / N_STYLES % 4 + 1); /* past the colours, a new dash pattern */
        runneri_plot_quote(f, name);
        i = end;
    }
    fputc('\n', f);
    free(varies);
    free(rows);
    return CLI_OK;
}

/* Script for the arguments, rendered into pa->out (through `of` when it is open
 * already; consumed either way). */
static int draw(const runneri_cli *c, const runneri_csvtab *t, const plot_args *pa,
                const exp_experiment *e, runner_outfile *of)
{
    char *script = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&script, &len);
    if (f == NULL) {
        runner_outfile_abort(of);
        return runneri_cli_error(c, "plot: out of memory");
    }
    runneri_clocale l;
    runneri_clocale_enter(&l);
    const char *terminal = runneri_plot_terminal(pa->out);
    int rc = pa->hist ? hist_script(c, t, pa, e, terminal, f)
                      : summary_script(c, t, pa, e, terminal, f);
    runneri_clocale_leave(&l);
    int bad = fclose(f) != 0;
    runner_err err;
    if (rc == CLI_OK && bad)
        rc = runneri_cli_error(c, "plot: out of memory");
    if (rc != CLI_OK)
        runner_outfile_abort(of); /* NULL is fine */
    else if ((of ? runneri_plot_render_to(script, len, pa->out, of, &err)
                 : runneri_plot_render(script, len, pa->out, &err)) != 0)
        rc = runneri_cli_error(c, "plot: %s", err.msg);
    free(script);
    return rc;
}

/* The output name and gnuplot, before any work: a usage error (exit 2) otherwise. */
static int check_output(const runneri_cli *c, const char *cmd, const char *out)
{
    char prog[4096];
    if (runneri_plot_terminal(out) == NULL)
        return runneri_cli_usage(c, "%s: '%s': a picture file ends in .svg, .png or .pdf",
                                 cmd, out);
    if (runneri_plot_find(prog, sizeof prog) != 0)
        return runneri_cli_usage(c, "%s: %s", cmd, runneri_plot_missing);
    return CLI_OK;
}

int runneri_cli_plot(const runneri_cli *c, int argc, char **argv)
{
    plot_args pa = {0};
    const char **slots[] = {&pa.x, &pa.y, &pa.by, &pa.hist, &pa.out, &pa.out, &pa.title};
    const char *names[] = {"-x", "-y", "--by", "--hist", "-o", "--output", "--title"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] && strcmp(a, names[k]) != 0)
            k++;
        if (k < sizeof names / sizeof names[0]) {
            if (i + 1 >= argc)
                return runneri_cli_usage(c, "plot: %s needs a value", a);
            if (*slots[k])
                return runneri_cli_usage(c, "plot: %s is given twice", a);
            *slots[k] = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return runneri_cli_usage(c, "plot: unknown option '%s'", a);
        } else if (pa.input) {
            return runneri_cli_usage(c, "plot: one input file, got '%s' too", a);
        } else {
            pa.input = a;
        }
    }
    if (pa.input == NULL)
        return runneri_cli_usage(c, "plot needs a summary file (run --summary) or, with "
                                    "--hist, a per-replication file (run -o)");
    if (pa.out == NULL)
        return runneri_cli_usage(c, "plot needs an output file: -o FILE.svg|png|pdf");
    if (pa.hist && (pa.x || pa.y || pa.by))
        return runneri_cli_usage(c, "plot: --hist draws one metric of a per-replication file; "
                                    "-x, -y and --by are for summaries");
    if (!pa.hist && (pa.x == NULL || pa.y == NULL))
        return runneri_cli_usage(c, "plot needs -x PARAM and -y METRIC (or --hist METRIC)");
    if (runner_outfile_same(pa.input, pa.out))
        return runneri_cli_usage(c, "plot: -o '%s' is the input file", pa.out);
    if (check_output(c, "plot", pa.out) != CLI_OK)
        return CLI_USAGE;
    runneri_csvtab t;
    runner_err err;
    if (runneri_csvtab_read(&t, pa.input, &err) != 0)
        return runneri_cli_usage(c, "plot: %s", err.msg);
    int rc = draw(c, &t, &pa, NULL, NULL);
    runneri_csvtab_free(&t);
    return rc;
}

/* How many parameters the plan sweeps (have more than one value), up to 3. */
static size_t swept(const runner_plan *plan)
{
    const exp_experiment *e = runner_plan_experiment(plan);
    size_t np = runner_plan_points(plan), n = 0;
    double *first = malloc((e->n_params ? e->n_params : 1) * sizeof *first);
    double *v = malloc((e->n_params ? e->n_params : 1) * sizeof *v);
    unsigned char *seen = calloc(e->n_params ? e->n_params : 1, 1);
    if (first && v && seen) {
        runner_plan_point(plan, 0, first);
        for (size_t p = 1; p < np; p++) {
            runner_plan_point(plan, p, v);
            for (size_t k = 0; k < e->n_params; k++)
                seen[k] |= v[k] != first[k];
        }
        for (size_t k = 0; k < e->n_params; k++)
            n += seen[k];
    }
    free(first);
    free(v);
    free(seen);
    return n > 3 ? 3 : n;
}

int runneri_plot_check_run(const runneri_cli *c, const runner_plan *plan, const char *path)
{
    const exp_experiment *e = runner_plan_experiment(plan);
    if (check_output(c, "run: --plot", path) != CLI_OK)
        return CLI_USAGE;
    size_t n = swept(plan);
    if (n == 0 || n > 2)
        return runneri_cli_usage(c, "run: --plot draws a sweep of one or two parameters, "
                                    "and this run sweeps %s; use procsim plot on its "
                                    "--summary file", n ? "more" : "none");
    if (e->n_metrics == 0)
        return runneri_cli_usage(c, "run: --plot: %s has no metrics", e->name);
    return CLI_OK;
}

int runneri_plot_result(const runneri_cli *c, const runner_result *res, runner_outfile *of,
                        const char *path, double confidence)
{
    /* Through the summary CSV in memory: run --plot draws what procsim plot would draw
     * from the --summary file of the same run. */
    const exp_experiment *e = runner_result_experiment(res);
    size_t idx[2], n = 0, np = runner_result_points(res);
    for (size_t k = 0; k < e->n_params && n < 2; k++)
        for (size_t p = 1; p < np; p++)
            if (runner_result_params(res, p)[k] != runner_result_params(res, 0)[k]) {
                idx[n++] = k;
                break;
            }
    /* The first --sweep varies slowest and makes the x axis; the one that changes from
     * point 0 to point 1 varies fastest and makes the series. */
    if (n == 2 && runner_result_params(res, 1)[idx[0]] != runner_result_params(res, 0)[idx[0]]) {
        size_t s = idx[0];
        idx[0] = idx[1];
        idx[1] = s;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        runner_outfile_abort(of);
        return runneri_cli_error(c, "run: --plot: out of memory");
    }
    int bad = runner_csv_write_summary(mem, res, confidence) != 0;
    bad |= fclose(mem) != 0;
    runneri_csvtab t;
    runner_err err;
    int rc = CLI_OK;
    if (bad || n == 0) {
        runner_outfile_abort(of);
        rc = runneri_cli_error(c, "run: --plot: %s", n ? "out of memory" : "nothing swept ran");
    } else if (runneri_csvtab_parse(&t, "the run", buf, len, &err) != 0) {
        runner_outfile_abort(of);
        rc = runneri_cli_error(c, "run: --plot: %s", err.msg);
    } else {
        plot_args pa = {"the run", e->params[idx[0]].name, e->metrics[0].name,
                        n == 2 ? e->params[idx[1]].name : NULL, NULL, path, NULL};
        rc = draw(c, &t, &pa, e, of) == CLI_OK ? CLI_OK : CLI_FAILED;
        runneri_csvtab_free(&t);
    }
    free(buf);
    return rc;
}
