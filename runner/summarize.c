/* procsim summarize: the summary of a run rebuilt from its per-replication CSV (one file,
 * or shards merged on the fly), byte for byte what the run itself writes, because it is
 * the run's own code over the run's own numbers: the rows are read back into a
 * runner_result (every number in the file reads back to the same double) in (point, rep)
 * order, and runner_csv_write_summary / runner_print_table do the rest.
 *
 * What the file cannot say is taken from the command line: the confidence level and the
 * precision target (--confidence, --precision, as given to run). A point none of whose
 * replications succeeded has no row, so it has no summary rows here (the run writes rows
 * with n 0 for it); a precision run stopped by a signal decided precision_met before its
 * last round, summarize from all the rows it has. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "csvread.h"
#include "merge_int.h"
#include "result_int.h"

/* The experiment name of a provenance line, %XX escapes undone, into buf. */
static int decode_name(const char *s, size_t len, char *buf, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned v = (unsigned char)s[i];
        if (s[i] == '%') {
            if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2]))
                return -1;
            char hex[3] = {s[i + 1], s[i + 2], '\0'};
            v = (unsigned)strtoul(hex, NULL, 16);
            i += 2;
        }
        if (o + 1 >= cap || v == 0)
            return -1;
        buf[o++] = (char)v;
    }
    buf[o] = '\0';
    return 0;
}

/* The header the experiment's per-replication file has (csv.c writes it). */
static int same_header(const exp_experiment *e, const char *h, size_t hl)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return -1;
    runneri_csv_reps_columns(f, e);
    int bad = fclose(f) != 0;
    int same = !bad && len == hl && memcmp(buf, h, hl) == 0;
    free(buf);
    return bad ? -1 : same;
}

/* A number cell as merge accepted it: empty is NaN, else strtod reads it exactly. */
static double cell(const char *s, const runneri_csv_field *f)
{
    char buf[64];
    if (f->len == 0 || f->len >= sizeof buf)
        return NAN;
    memcpy(buf, s + f->off, f->len);
    buf[f->len] = '\0';
    return strcmp(buf, "inf") == 0 ? INFINITY : strcmp(buf, "-inf") == 0 ? -INFINITY
                                                                         : strtod(buf, NULL);
}

/* Rows -> result: points 0 .. last point in the file, each with the reps it has. */
static runner_result *rebuild(const exp_experiment *e, const runneri_merged *m,
                              double precision, double confidence, runner_err *err)
{
    size_t n = runneri_merge_rows(m), len, point, rep, nf;
    const char *exp, *h;
    size_t exp_len, hl;
    uint64_t seed;
    int crn;
    runneri_merge_run(m, &seed, &crn, &exp, &exp_len, &h, &hl);
    runner_result *res = calloc(1, sizeof *res);
    if (res == NULL)
        return NULL;
    res->exp = e;
    res->seed = seed;
    res->crn = crn;
    res->precision = precision;
    res->shards = 1;
    res->stopped = 1; /* points with no row never ran, as far as anyone can tell */
    if (n > 0)
        runneri_merge_row(m, n - 1, &len, &res->n_points, &rep);
    res->n_points += n > 0;
    if (res->n_points > RUNNER_MAX_POINTS) {
        runneri_fail(err, "point %zu is past the largest grid a run makes", res->n_points - 1);
        runner_result_free(res);
        return NULL;
    }
    size_t np = e->n_params, nm = e->n_metrics, cols = 3 + np + nm;
    res->params = malloc((res->n_points ? res->n_points : 1) * (np ? np : 1) * sizeof(double));
    res->pts = calloc(res->n_points ? res->n_points : 1, sizeof *res->pts);
    runneri_csv_field *f = malloc(cols * sizeof *f);
    if (res->params == NULL || res->pts == NULL || f == NULL)
        goto oom;
    for (size_t i = 0; i < res->n_points * np; i++)
        res->params[i] = NAN;
    for (size_t i = 0; i < n; i++) {
        const char *row = runneri_merge_row(m, i, &len, &point, &rep);
        runneri_point *pt = &res->pts[point];
        if (pt->cap == 0) { /* the point's first row: its reps are [rep, last rep] */
            size_t last = rep, j = i, p2, r2, l2;
            for (; j + 1 < n && (runneri_merge_row(m, j + 1, &l2, &p2, &r2), p2 == point); j++)
                last = r2;
            pt->first = rep;
            pt->end = last + 1;
            if (runneri_point_grow(pt, nm, pt->end) != 0)
                goto oom;
        }
        runneri_csv_in in;
        size_t st, en, line;
        const char *why;
        runneri_csv_init(&in, row, len, 1);
        if (runneri_csv_next(&in, f, cols, &nf, &st, &en, &line, &why) != 1 || nf != cols)
            goto oom; /* merge checked every row: cannot happen */
        if (pt->state == NULL || rep < pt->first || rep >= pt->end)
            goto oom;
        for (size_t k = 0; k < np; k++)
            res->params[point * np + k] = cell(row, &f[3 + k]);
        size_t s = rep - pt->first;
        for (size_t k = 0; k < nm; k++)
            pt->metrics[s * (nm ? nm : 1) + k] = cell(row, &f[3 + np + k]);
        pt->state[s] = RUNNER_REP_OK;
        res->completed++;
    }
    free(f);
    for (size_t p = 0; precision > 0 && p < res->n_points; p++) {
        double worst;
        res->pts[p].met = runneri_point_met(res, p, confidence, NULL, &worst);
    }
    res->planned = res->completed;
    return res;
oom:
    free(f);
    runner_result_free(res);
    runneri_fail(err, "out of memory");
    return NULL;
}

int runneri_cli_summarize(const runneri_cli *c, int argc, char **argv)
{
    const char *out = NULL, *exp_spec = NULL;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    double confidence = 0.95, precision = 0;
    size_t n = 0;
    int rc = CLI_OK;
    if (inputs == NULL)
        return runneri_cli_usage(c, "out of memory");
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i], *v = NULL;
        int is_opt = a[0] == '-' && a[1] != '\0';
        if (is_opt && i + 1 >= argc) {
            rc = runneri_cli_usage(c, "summarize: %s needs a value", a);
            break;
        }
        if (is_opt)
            v = argv[++i];
        if (!is_opt) {
            inputs[n++] = a;
        } else if (strcmp(a, "--summary") == 0 && !out) {
            out = v;
        } else if (strcmp(a, "--exp") == 0 && !exp_spec) {
            exp_spec = v;
        } else if (strcmp(a, "--confidence") == 0) {
            if (runner_parse_double(v, &confidence) != 0 ||
                !(confidence > 0 && confidence < 1) ||
                !isfinite(stats_t_quantile(0.5 + confidence / 2, 1.0)))
                rc = runneri_cli_usage(c, "summarize: --confidence expects a level between 0 "
                                          "and 1 (exclusive), got '%s'", v);
        } else if (strcmp(a, "--precision") == 0) {
            if (runner_parse_double(v, &precision) != 0 || !(precision > 0) ||
                !isfinite(precision))
                rc = runneri_cli_usage(c, "summarize: --precision expects a positive number, "
                                          "got '%s'", v);
        } else {
            rc = runneri_cli_usage(c, "summarize: unknown or repeated option '%s'", a);
        }
    }
    if (rc == CLI_OK && n == 0)
        rc = runneri_cli_usage(c, "summarize needs a per-replication CSV (run -o FILE)");
    runner_err err;
    runneri_shard *shards = NULL;
    runneri_merged *m = NULL;
    if (rc == CLI_OK && (m = runneri_merge_files(inputs, n, &shards, &err)) == NULL)
        rc = runneri_cli_usage(c, "summarize: %s", err.msg);
    /* The experiment: --exp (a plugin, or to be explicit), else the file's, built in. */
    const exp_experiment *e = NULL;
    char name[256];
    if (rc == CLI_OK) {
        const char *ew, *h;
        size_t el, hl;
        uint64_t seed;
        int crn;
        runneri_merge_run(m, &seed, &crn, &ew, &el, &h, &hl);
        if (decode_name(ew, el, name, sizeof name) != 0) {
            rc = runneri_cli_usage(c, "summarize: '%s' names its experiment badly", inputs[0]);
        } else if (exp_spec) {
            if ((e = runneri_cli_find(c, exp_spec)) == NULL)
                rc = CLI_USAGE;
            else if (strcmp(e->name, name) != 0)
                rc = runneri_cli_usage(c, "summarize: '%s' was made by experiment %s, not %s",
                                       inputs[0], name, e->name);
        } else {
            for (size_t i = 0; i < runneri_cli_count(c) && !e; i++)
                if (strcmp(runneri_cli_at(c, i)->name, name) == 0)
                    e = runneri_cli_at(c, i);
            if (e == NULL)
                rc = runneri_cli_usage(c, "summarize: '%s' was made by experiment %s, which "
                                          "is not built in: name it with --exp PATH[:NAME]",
                                       inputs[0], name);
        }
        if (rc == CLI_OK && same_header(e, h, hl) != 1)
            rc = runneri_cli_usage(c, "summarize: the columns of '%s' are not experiment "
                                      "%s's (another version of it?)", inputs[0], e->name);
    }
    runner_result *res = NULL;
    if (rc == CLI_OK && (res = rebuild(e, m, precision, confidence, &err)) == NULL)
        rc = runneri_cli_error(c, "summarize: %s", err.msg);
    runneri_merge_unload(m, shards, n);
    if (rc == CLI_OK && out) {
        runner_outfile *of = runner_outfile_open(out, &err);
        if (of == NULL)
            rc = runneri_cli_usage(c, "summarize: %s", err.msg);
        else if (runner_csv_write_summary(runner_outfile_stream(of), res, confidence) != 0) {
            runner_outfile_abort(of);
            rc = runneri_cli_error(c, "summarize: writing '%s' failed; no file was changed",
                                   out);
        } else if (runner_outfile_commit(of, &err) != 0) {
            rc = runneri_cli_error(c, "summarize: %s", err.msg);
        }
    } else if (rc == CLI_OK && runner_print_table(c->out, res, confidence) != 0) {
        rc = runneri_cli_error(c, "summarize: the summary table could not be printed");
    }
    runner_result_free(res);
    free(inputs);
    return rc;
}
