/* Reading a finished run: per-replication rows, seeds, failures and the summary of a
 * metric across replications (through stats_summarize). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "result_int.h"

int runneri_point_grow(runneri_point *pt, size_t n_metrics, size_t end)
{
    size_t need = end - pt->first;
    if (need <= pt->cap)
        return 0;
    size_t nm = n_metrics ? n_metrics : 1;
    double *m = realloc(pt->metrics, need * nm * sizeof *m);
    if (m == NULL)
        return -1;
    pt->metrics = m;
    unsigned char *st = realloc(pt->state, need);
    if (st == NULL)
        return -1;
    pt->state = st;
    char **er = realloc(pt->errors, need * sizeof *er);
    if (er == NULL)
        return -1;
    pt->errors = er;
    runneri_series **se = realloc(pt->series, need * sizeof *se);
    if (se == NULL)
        return -1;
    pt->series = se;
    for (size_t i = pt->cap; i < need; i++) {
        se[i] = NULL;
        for (size_t k = 0; k < nm; k++)
            m[i * nm + k] = NAN;
        st[i] = RUNNER_REP_PENDING;
        er[i] = NULL;
    }
    pt->cap = need;
    return 0;
}

void runner_result_free(runner_result *res)
{
    if (res == NULL)
        return;
    for (size_t p = 0; res->pts && p < res->n_points; p++) {
        runneri_point *pt = &res->pts[p];
        for (size_t i = 0; i < pt->cap; i++) {
            free(pt->errors[i]);
            runneri_series_free(pt->series[i]);
        }
        free(pt->series);
        free(pt->metrics);
        free(pt->state);
        free(pt->errors);
        free(pt->tally);
        free(pt->inf);
    }
    for (size_t i = 0; i < RUNNER_FAILURES_KEPT; i++)
        free(res->fails[i].msg);
    free(res->pts);
    free(res->params);
    free(res);
}

const exp_experiment *runner_result_experiment(const runner_result *res) { return res->exp; }
size_t runner_result_points(const runner_result *res) { return res->n_points; }
size_t runner_result_completed(const runner_result *res) { return res->completed; }
size_t runner_result_failed(const runner_result *res) { return res->failed; }
size_t runner_result_planned(const runner_result *res) { return res->planned; }
int runner_result_stopped(const runner_result *res) { return res->stopped; }
double runner_result_precision(const runner_result *res) { return res->precision; }
double runner_result_abs_precision(const runner_result *res) { return res->abs_precision; }
int runner_result_sequential(const runner_result *res)
{
    return res->precision > 0 || res->abs_precision > 0;
}
uint64_t runner_result_base_seed(const runner_result *res) { return res->seed; }
int runner_result_crn(const runner_result *res) { return res->crn; }

void runner_result_shard(const runner_result *res, size_t *shard, size_t *shards)
{
    *shard = res->shard;
    *shards = res->shards;
}

const double *runner_result_params(const runner_result *res, size_t point)
{
    return res->params + point * res->exp->n_params;
}

void runner_result_reps(const runner_result *res, size_t point, size_t *first, size_t *end)
{
    *first = res->pts[point].first;
    *end = res->pts[point].end;
}

/* Slot of (point, rep), or -1 if that replication was not planned. */
static long slot(const runner_result *res, size_t point, size_t rep)
{
    if (point >= res->n_points)
        return -1;
    const runneri_point *pt = &res->pts[point];
    if (pt->state == NULL) /* streaming: no rows kept */
        return -1;
    return rep >= pt->first && rep < pt->end ? (long)(rep - pt->first) : -1;
}

runner_rep_state runner_result_state(const runner_result *res, size_t point, size_t rep)
{
    long s = slot(res, point, rep);
    return s < 0 ? RUNNER_REP_PENDING : (runner_rep_state)res->pts[point].state[s];
}

uint64_t runner_result_seed(const runner_result *res, size_t point, size_t rep)
{
    return runner_seed(res->seed, point, rep, res->crn);
}

const double *runner_result_metrics(const runner_result *res, size_t point, size_t rep)
{
    long s = slot(res, point, rep);
    size_t nm = res->exp->n_metrics ? res->exp->n_metrics : 1;
    return s < 0 ? NULL : res->pts[point].metrics + (size_t)s * nm;
}

const char *runner_result_error(const runner_result *res, size_t point, size_t rep)
{
    long s = slot(res, point, rep);
    return s < 0 ? NULL : res->pts[point].errors[s];
}

int runner_result_precision_met(const runner_result *res, size_t point)
{
    return runner_result_sequential(res) ? res->pts[point].met : -1;
}

size_t runner_result_capped(const runner_result *res, size_t max_reps)
{
    size_t n = 0;
    if (!runner_result_sequential(res) || res->stopped)
        return 0;
    for (size_t p = 0; p < res->n_points; p++) {
        const runneri_point *pt = &res->pts[p];
        int bad = 0;
        for (size_t i = 0; i < pt->end - pt->first; i++)
            bad |= pt->state[i] != RUNNER_REP_OK;
        n += !pt->met && !bad && pt->end >= max_reps;
    }
    return n;
}

/* Wilson's interval for a metric marked as a proportion (experiments.h), with the
 * effective number of trials n p (1 - p) / sd^2 x (z / t_{n-1})^2 (Korn and Graubard
 * 1998, with their degrees-of-freedom correction), never fewer than
 * the replications: for 0/1 values exactly n, for fractions about the t interval's width
 * but inside [0, 1]. Where every replication gave 0 (or 1) it is n, so the interval is
 * [0, hi], not [0, 0]. A mean outside [0, 1] (a model bug) keeps the t interval. */
static void proportion_interval(stats_summary *s, double confidence)
{
    double p = s->mean, n = (double)s->n, lo, hi;
    if (!(p >= 0.0 && p <= 1.0))
        return;
    double v = s->n >= 2 ? s->sd * s->sd : 0.0, eff = n;
    if (v > 0) {
        /* (z / t)^2: the degrees-of-freedom correction, so that a fraction with little
         * variance gets the t interval's width, not the narrower normal one */
        double z = stats_normal_quantile(0.5 + 0.5 * confidence);
        double t = stats_t_quantile(0.5 + 0.5 * confidence, n - 1.0);
        eff = fmax(n, n * p * (1.0 - p) / v * (z / t) * (z / t));
    } else if (p > 0.0 && p < 1.0) {
        return; /* constant inside (0, 1), or one replication: the t result stands */
    }
    if (stats_wilson(p, eff, confidence, &lo, &hi) != 0)
        return;
    s->ci_low = lo;
    s->ci_high = hi;
    s->half_width = 0.5 * (hi - lo);
}

int runner_summarize(const runner_result *res, size_t point, size_t metric,
                     double confidence, stats_summary *out)
{
    const runneri_point *pt = &res->pts[point];
    size_t nm = res->exp->n_metrics;
    size_t count = pt->end - pt->first, n = 0;
    memset(out, 0, sizeof *out);
    out->mean = out->sd = out->ci_low = out->ci_high = out->half_width = NAN;
    out->min = out->max = NAN;
    if (res->stream) { /* the same tally stats_summarize builds, kept as rows came in */
        if (metric >= nm || pt->inf[metric] || pt->tally[metric].n == 0)
            return -1;
        if (stats_summarize_tally(&pt->tally[metric], confidence, out) != 0) {
            out->n = 0;
            return -1;
        }
        if (res->exp->metrics[metric].proportion)
            proportion_interval(out, confidence);
        return 0;
    }
    double small[64]; /* most points: no allocation, so nothing to fail */
    double *x = count <= 64 ? small : malloc(count * sizeof *x);
    if (x == NULL)
        return -2;
    if (metric >= nm) {
        if (x != small)
            free(x);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        double v = pt->metrics[i * nm + metric];
        if (pt->state[i] == RUNNER_REP_OK && !isnan(v))
            x[n++] = v;
    }
    int rc = n > 0 ? stats_summarize(x, n, confidence, out) : -1;
    if (rc == 0 && res->exp->metrics[metric].proportion)
        proportion_interval(out, confidence);
    if (x != small)
        free(x);
    if (rc != 0)
        out->n = 0;
    return rc == 0 ? 0 : -1;
}

int runner_result_point_ran(const runner_result *res, size_t point)
{
    const runneri_point *pt = &res->pts[point];
    if (res->stream)
        return pt->ran > 0;
    for (size_t i = 0; i < pt->end - pt->first; i++)
        if (pt->state[i] != RUNNER_REP_PENDING)
            return 1;
    return 0;
}

int runneri_point_met(const runner_result *res, size_t point, double confidence,
                      const unsigned char *metrics_mask, double *worst)
{
    int met = 1;
    *worst = 0.0;
    for (size_t m = 0; m < res->exp->n_metrics; m++) {
        stats_summary s;
        if (metrics_mask && !metrics_mask[m])
            continue;
        int ok = runner_summarize(res, point, m, confidence, &s) == 0 && s.n >= 2;
        double target = fmax(res->precision * fabs(s.mean), res->abs_precision);
        if (ok && s.half_width <= target)
            continue; /* also a constant metric: half-width 0 */
        met = 0;
        double r = ok && target > 0 ? s.half_width / target : INFINITY;
        *worst = fmax(*worst, r >= 1.0 ? r * r : INFINITY);
    }
    return met;
}

int runner_result_streamed(const runner_result *res) { return res->stream; }

int runner_result_failure(const runner_result *res, size_t i, size_t *point, size_t *rep,
                          const char **msg)
{
    if (i >= RUNNER_FAILURES_KEPT || i >= res->failed)
        return -1;
    if (res->stream) {
        *point = res->fails[i].point;
        *rep = res->fails[i].rep;
        *msg = res->fails[i].msg;
        return 0;
    }
    size_t k = 0;
    for (size_t p = 0; p < res->n_points; p++) {
        const runneri_point *pt = &res->pts[p];
        for (size_t r = pt->first; r < pt->end; r++)
            if (pt->state[r - pt->first] == RUNNER_REP_FAILED && k++ == i) {
                *point = p;
                *rep = r;
                *msg = pt->errors[r - pt->first];
                return 0;
            }
    }
    return -1;
}

void runneri_point_fold(runner_result *res, const runner_row *row, char *msg)
{
    runneri_point *pt = &res->pts[row->point];
    pt->ran++;
    res->completed++;
    if (row->state == RUNNER_REP_FAILED) {
        if (res->failed < RUNNER_FAILURES_KEPT)
            res->fails[res->failed] = (runneri_failure){row->point, row->rep, msg};
        else
            free(msg);
        res->failed++;
        return;
    }
    free(msg);
    for (size_t m = 0; m < res->exp->n_metrics; m++) {
        double v = row->metrics[m];
        if (isinf(v))
            pt->inf[m] = 1;
        else if (!isnan(v))
            stats_tally_add(&pt->tally[m], v);
    }
}
