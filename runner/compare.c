/* Paired comparisons of the points of a per-replication file; the rules are in
 * compare_int.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"

#define VAL(c, r, col) ((c)->vals[(r) * (c)->t->n_cols + (col)])

typedef struct {
    double point, rep;
    size_t row;
} sort_key;

static int by_point_rep(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return x->rep < y->rep ? -1 : x->rep > y->rep;
}

/* Every cell as a number; point and rep whole numbers, parameters finite. */
static int read_numbers(runneri_cmp *c, runner_err *err)
{
    const runneri_csvtab *t = c->t;
    c->vals = malloc((t->n_rows ? t->n_rows : 1) * t->n_cols * sizeof *c->vals);
    if (c->vals == NULL)
        return runneri_fail(err, "out of memory");
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t k = 0; k < t->n_cols; k++) {
            double v;
            if (k == 2) { /* the seed: a 64-bit number that need not fit a double */
                VAL(c, r, k) = 0;
                continue;
            }
            size_t whole;
            if (k < 2 ? runner_parse_size(runneri_csvtab_cell(t, r, k), &whole) != 0
                      : runneri_csvtab_num(t, r, k, &v) != 0 ||
                            (k < 3 + c->n_params && !isfinite(v)))
                return runneri_fail(err, "'%s' line %zu: column %s holds '%.40s', not %s",
                                    t->name, t->lines[r], t->head[k],
                                    runneri_csvtab_cell(t, r, k),
                                    k < 2 ? "a whole number" : "a number");
            VAL(c, r, k) = k < 2 ? (double)whole : v;
        }
    }
    return 0;
}

/* Points in file order of their numbers, each with its rows; one point must carry the
 * same parameters on every row. */
static int group_points(runneri_cmp *c, runner_err *err)
{
    const runneri_csvtab *t = c->t;
    size_t n = t->n_rows;
    c->order = malloc((n ? n : 1) * sizeof *c->order);
    c->pts = malloc((n ? n : 1) * sizeof *c->pts);
    if (c->order == NULL || c->pts == NULL)
        return runneri_fail(err, "out of memory");
    sort_key *keys = malloc((n ? n : 1) * sizeof *keys);
    if (keys == NULL)
        return runneri_fail(err, "out of memory");
    for (size_t i = 0; i < n; i++)
        keys[i] = (sort_key){VAL(c, i, 0), VAL(c, i, 1), i};
    qsort(keys, n, sizeof *keys, by_point_rep);
    for (size_t i = 0; i < n; i++)
        c->order[i] = keys[i].row;
    free(keys);
    for (size_t i = 0; i < n; i++) {
        size_t r = c->order[i];
        if (i > 0 && VAL(c, r, 0) == VAL(c, c->order[i - 1], 0)) {
            size_t q = c->order[i - 1];
            if (VAL(c, r, 1) == VAL(c, q, 1))
                return runneri_fail(err, "'%s' lines %zu and %zu: point %s rep %s twice",
                                    t->name, t->lines[q], t->lines[r],
                                    runneri_csvtab_cell(t, r, 0), runneri_csvtab_cell(t, r, 1));
            for (size_t k = 3; k < 3 + c->n_params; k++)
                if (VAL(c, r, k) != VAL(c, q, k))
                    return runneri_fail(err, "'%s' line %zu: point %s has %s=%s here and "
                                             "%s on line %zu", t->name, t->lines[r],
                                        runneri_csvtab_cell(t, r, 0), t->head[k],
                                        runneri_csvtab_cell(t, r, k),
                                        runneri_csvtab_cell(t, q, k), t->lines[q]);
            c->pts[c->n_pts - 1].end = i + 1;
            continue;
        }
        c->pts[c->n_pts++] = (runneri_cmp_point){(size_t)VAL(c, r, 0), i, i + 1};
    }
    return 0;
}

static double param_of(const runneri_cmp *c, size_t p, size_t col)
{
    return VAL(c, c->order[c->pts[p].first], col);
}

/* The point with key = value and every other parameter equal to point p's; -1 if none.
 * O(points) per call. */
static long baseline_of(const runneri_cmp *c, size_t p)
{
    for (size_t b = 0; b < c->n_pts; b++) {
        if (param_of(c, b, c->key) != c->key_value)
            continue;
        size_t k = 3;
        while (k < 3 + c->n_params && (k == c->key || param_of(c, b, k) == param_of(c, p, k)))
            k++;
        if (k == 3 + c->n_params)
            return (long)b;
    }
    return -1;
}

/* Pairs (x, y) of one metric over the replications both points have, where both are
 * numbers; x and y have room for the smaller point's rows. */
static size_t pair_up(const runneri_cmp *c, size_t p, size_t b, size_t col, double *x,
                      double *y)
{
    size_t i = c->pts[p].first, j = c->pts[b].first, n = 0;
    while (i < c->pts[p].end && j < c->pts[b].end) {
        size_t ri = c->order[i], rj = c->order[j];
        double a = VAL(c, ri, 1), bb = VAL(c, rj, 1);
        if (a < bb) {
            i++;
        } else if (bb < a) {
            j++;
        } else {
            if (!isnan(VAL(c, ri, col)) && !isnan(VAL(c, rj, col))) {
                x[n] = VAL(c, ri, col);
                y[n++] = VAL(c, rj, col);
            }
            i++;
            j++;
        }
    }
    return n;
}

static int parse_baseline(runneri_cmp *c, const char *baseline, runner_err *err)
{
    const runneri_csvtab *t = c->t;
    const char *eq = strchr(baseline, '=');
    if (eq == NULL || eq == baseline)
        return runneri_fail(err, "--baseline expects k=v (a parameter and its value), got "
                                 "'%s'", baseline);
    size_t kl = (size_t)(eq - baseline);
    for (size_t k = 3; k < 3 + c->n_params; k++) {
        if (strlen(t->head[k]) == kl && memcmp(t->head[k], baseline, kl) == 0) {
            c->key = k;
            c->key_text = eq + 1;
            if (runner_parse_double(eq + 1, &c->key_value) != 0)
                return runneri_fail(err, "--baseline %s: '%s' is not a number", baseline,
                                    eq + 1);
            return 0;
        }
    }
    return runneri_fail(err, "--baseline %s: '%.*s' is not a parameter of '%s'", baseline,
                        (int)kl, baseline, t->name);
}

/* Metric columns to compare: the named ones, or all. *cols has room for every column. */
static int pick_metrics(const runneri_cmp *c, const char *const *metrics, size_t n_metrics,
                        size_t *cols, size_t *n, runner_err *err)
{
    const runneri_csvtab *t = c->t;
    size_t first = 3 + c->n_params;
    *n = 0;
    if (n_metrics == 0) {
        for (size_t k = first; k < t->n_cols; k++)
            cols[(*n)++] = k;
        return 0;
    }
    for (size_t i = 0; i < n_metrics; i++) {
        long k = runneri_csvtab_col(t, metrics[i]);
        if (k < (long)first)
            return runneri_fail(err, "--metric %s: '%s' has no such metric", metrics[i],
                                t->name);
        cols[(*n)++] = (size_t)k;
    }
    return 0;
}

int runneri_compare_build(runneri_cmp *c, const runneri_csvtab *t, const char *baseline,
                          const char *const *metrics, size_t n_metrics, double family,
                          runner_err *err)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->family = family;
    if (t->params < 0 || t->n_cols < 3 || strcmp(t->head[0], "point") != 0 ||
        strcmp(t->head[1], "rep") != 0 || strcmp(t->head[2], "seed") != 0 ||
        (size_t)t->params > t->n_cols - 3)
        return runneri_fail(err, "'%s' is not a per-replication file of procsim run (its "
                                 "first line says '# procsim ... params=N', then "
                                 "point,rep,seed,...)", t->name);
    c->n_params = (size_t)t->params;
    size_t *cols = malloc(t->n_cols * sizeof *cols), n_cols = 0;
    double *x = malloc((t->n_rows ? t->n_rows : 1) * sizeof *x);
    double *y = malloc((t->n_rows ? t->n_rows : 1) * sizeof *y);
    int rc = cols && x && y ? 0 : runneri_fail(err, "out of memory");
    if (rc == 0)
        rc = parse_baseline(c, baseline, err);
    if (rc == 0)
        rc = pick_metrics(c, metrics, n_metrics, cols, &n_cols, err);
    if (rc == 0)
        rc = read_numbers(c, err);
    if (rc == 0)
        rc = group_points(c, err);
    size_t n_base = 0;
    for (size_t p = 0; rc == 0 && p < c->n_pts; p++)
        n_base += param_of(c, p, c->key) == c->key_value;
    if (rc == 0 && n_base == 0)
        rc = runneri_fail(err, "--baseline %s: no point in '%s' has %s=%s", baseline,
                          t->name, t->head[c->key], c->key_text);
    if (rc == 0 && (c->rows = malloc((c->n_pts * n_cols + 1) * sizeof *c->rows)) == NULL)
        rc = runneri_fail(err, "out of memory");
    for (size_t p = 0; rc == 0 && p < c->n_pts; p++) {
        if (param_of(c, p, c->key) == c->key_value)
            continue;
        long b = baseline_of(c, p);
        if (b < 0) {
            c->unmatched++;
            continue;
        }
        for (size_t m = 0; m < n_cols; m++)
            c->rows[c->n_rows++] = (runneri_cmp_row){p, (size_t)b, cols[m], {{0}, 0, 0, 0}};
    }
    if (rc == 0 && c->n_rows == 0)
        rc = runneri_fail(err, "--baseline %s: no other point in '%s' has the same other "
                               "parameters as a point with %s=%s", baseline, t->name,
                          t->head[c->key], c->key_text);
    if (rc == 0) {
        c->level = stats_bonferroni_level(family, c->n_rows);
        for (size_t i = 0; i < c->n_rows; i++) {
            runneri_cmp_row *row = &c->rows[i];
            size_t n = pair_up(c, row->point, row->base, row->metric, x, y);
            stats_paired(x, y, n, c->level, &row->s);
        }
    }
    free(cols);
    free(x);
    free(y);
    if (rc != 0)
        runneri_compare_free(c);
    return rc;
}

void runneri_compare_free(runneri_cmp *c)
{
    free(c->pts);
    free(c->order);
    free(c->vals);
    free(c->rows);
    c->pts = NULL;
    c->order = NULL;
    c->vals = NULL;
    c->rows = NULL;
    c->n_rows = c->n_pts = 0;
}

static void put_num(FILE *f, double x)
{
    char buf[RUNNERI_NUM_MAX];
    runneri_fmt_double(buf, x);
    fputs(buf, f);
}

int runneri_compare_write_csv(FILE *f, const runneri_cmp *c)
{
    const runneri_csvtab *t = c->t;
    runneri_clocale l;
    runneri_clocale_enter(&l);
    fputs("point", f);
    for (size_t k = 3; k < 3 + c->n_params; k++) {
        fputc(',', f);
        runneri_csv_string(f, t->head[k]);
    }
    fputs(",baseline,metric,n,mean_diff,sd_diff,ci_low,ci_high,half_width,level,"
          "family_level,var_reduction\n", f);
    for (size_t i = 0; i < c->n_rows; i++) {
        const runneri_cmp_row *r = &c->rows[i];
        fprintf(f, "%zu", c->pts[r->point].id);
        for (size_t k = 3; k < 3 + c->n_params; k++) {
            fputc(',', f);
            put_num(f, param_of(c, r->point, k));
        }
        fprintf(f, ",%zu,", c->pts[r->base].id);
        runneri_csv_string(f, t->head[r->metric]);
        fprintf(f, ",%zu", r->s.diff.n);
        const double cells[] = {r->s.diff.mean,    r->s.diff.sd,         r->s.diff.ci_low,
                                r->s.diff.ci_high, r->s.diff.half_width, c->level,
                                c->family,         r->s.var_reduction};
        for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
            fputc(',', f);
            put_num(f, cells[k]);
        }
        fputc('\n', f);
    }
    runneri_clocale_leave(&l);
    return ferror(f) ? -1 : 0;
}


int runneri_compare_print(FILE *f, const runneri_cmp *c)
{
    const runneri_csvtab *t = c->t;
    int width = 6;
    for (size_t i = 0; i < c->n_rows; i++) {
        int w = (int)strlen(t->head[c->rows[i].metric]);
        width = w > width ? w : width;
    }
    runneri_clocale l;
    runneri_clocale_enter(&l);
    char a[32], b[32], ci[80], head[48];
    fprintf(f, "paired differences: each point minus its baseline (%s=%s, the same other "
               "parameters),\nreplication by replication",
            t->head[c->key], c->key_text);
    if (t->crn == 0)
        fputs(" (--no-crn: independent streams, so no variance reduction)", f);
    fprintf(f, ".\n%g%% family confidence: each of the %zu intervals is at %.6g%% "
               "(Bonferroni).\n",
            c->family * 100.0, c->n_rows, c->level * 100.0);
    if (c->unmatched)
        fprintf(f, "%zu points have no baseline with the same other parameters.\n",
                c->unmatched);
    snprintf(head, sizeof head, "%.6g%% CI", c->level * 100.0);
    for (size_t i = 0; i < c->n_rows; i++) {
        const runneri_cmp_row *r = &c->rows[i];
        if (i == 0 || r->point != c->rows[i - 1].point) {
            fprintf(f, "\npoint %zu:", c->pts[r->point].id);
            for (size_t k = 3; k < 3 + c->n_params; k++)
                fprintf(f, " %s=%s", t->head[k], runneri_fmt_cell(a, sizeof a, param_of(c, r->point, k)));
            fprintf(f, "  minus point %zu\n", c->pts[r->base].id);
            fprintf(f, "  %-*s %12s %12s  %-27s %12s %8s %10s\n", width, "metric",
                    "mean diff", "+/-", head, "sd", "n", "var. red.");
        }
        const stats_summary *s = &r->s.diff;
        if (isnan(s->ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", runneri_fmt_cell(a, sizeof a, s->ci_low),
                     runneri_fmt_cell(b, sizeof b, s->ci_high));
        char m[32], h[32], sd[32], vr[32];
        fprintf(f, "  %-*s %12s %12s  %-27s %12s %8zu %10s\n", width, t->head[r->metric],
                runneri_fmt_cell(m, sizeof m, s->mean), runneri_fmt_cell(h, sizeof h, s->half_width), ci,
                runneri_fmt_cell(sd, sizeof sd, s->sd), s->n, runneri_fmt_cell(vr, sizeof vr, r->s.var_reduction));
    }
    runneri_clocale_leave(&l);
    return ferror(f) ? -1 : 0;
}
