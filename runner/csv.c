/* The two CSV formats of DESIGN.md section 6 (the files they go to: outfile.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner_int.h"

#ifndef PROCSIM_VERSION
#define PROCSIM_VERSION "unknown"
#endif

static void put_num(FILE *f, double x)
{
    char buf[RUNNERI_NUM_MAX];
    runneri_fmt_double(buf, x);
    fputs(buf, f);
}

/* The experiment name in the provenance line: bytes that could split or fake a token
 * (space, '=', '%', control and non-ASCII bytes) as %XX, so the line stays one line of
 * key=value words whatever a plugin calls its experiment. */
static void put_word(FILE *f, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c > ' ' && *c < 0x7f && *c != '=' && *c != '%')
            fputc(*c, f);
        else
            fprintf(f, "%%%02X", *c);
    }
}

/* Provenance: what decides every byte of a row besides its point's parameters (which
 * are in the row), so procsim merge can refuse a shard of another run. Then the header. */
static void put_head(FILE *f, const exp_experiment *e, uint64_t seed, int crn, size_t shard,
                     size_t shards)
{
    fputs("# procsim " PROCSIM_VERSION " experiment=", f);
    put_word(f, e->name);
    fprintf(f, " seed=%llu crn=%d params=%zu", (unsigned long long)seed, crn ? 1 : 0,
            e->n_params);
    if (shards > 1) /* last, so merge drops it and keeps the whole run's line */
        fprintf(f, " shard=%zu/%zu", shard, shards);
    fputc('\n', f);
    runneri_csv_reps_columns(f, e);
    fputc('\n', f);
}

static void put_row(FILE *f, const exp_experiment *e, const runner_row *row)
{
    fprintf(f, "%zu,%zu,%llu", row->point, row->rep, (unsigned long long)row->seed);
    for (size_t i = 0; i < e->n_params; i++) {
        fputc(',', f);
        put_num(f, row->params[i]);
    }
    for (size_t m = 0; m < e->n_metrics; m++) {
        fputc(',', f);
        put_num(f, row->metrics[m]);
    }
    fputc('\n', f);
}

int runner_csv_write_reps_head(FILE *f, const exp_experiment *e, const runner_options *opt)
{
    runneri_clocale l;
    runneri_clocale_enter(&l);
    put_head(f, e, opt->seed, opt->crn, opt->shards > 1 ? opt->shard : 0, opt->shards);
    runneri_clocale_leave(&l);
    return ferror(f) ? -1 : 0;
}

int runner_csv_write_row(FILE *f, const exp_experiment *e, const runner_row *row)
{
    if (row->state != RUNNER_REP_OK)
        return 0;
    runneri_clocale l;
    runneri_clocale_enter(&l);
    put_row(f, e, row);
    runneri_clocale_leave(&l);
    return ferror(f) ? -1 : 0;
}

int runner_csv_write_reps(FILE *f, const runner_result *res)
{
    const exp_experiment *e = runner_result_experiment(res);
    size_t shard, shards;
    runner_result_shard(res, &shard, &shards);
    runneri_clocale l;
    runneri_clocale_enter(&l);
    put_head(f, e, runner_result_base_seed(res), runner_result_crn(res), shard, shards);
    for (size_t p = 0; p < runner_result_points(res); p++) {
        size_t first, end;
        runner_result_reps(res, p, &first, &end);
        for (size_t r = first; r < end; r++) {
            if (runner_result_state(res, p, r) != RUNNER_REP_OK)
                continue;
            runner_row row = {p, r, runner_result_seed(res, p, r), RUNNER_REP_OK,
                              runner_result_params(res, p), runner_result_metrics(res, p, r),
                              NULL};
            put_row(f, e, &row);
        }
    }
    runneri_clocale_leave(&l);
    return ferror(f) ? -1 : 0;
}

int runner_csv_write_summary(FILE *f, const runner_result *res, double confidence)
{
    const exp_experiment *e = runner_result_experiment(res);
    int precision = runner_result_sequential(res), oom = 0;
    runneri_clocale l;
    runneri_clocale_enter(&l);
    fputs("point", f);
    for (size_t i = 0; i < e->n_params; i++) {
        fputc(',', f);
        runneri_csv_string(f, e->params[i].name);
    }
    fputs(",metric,n,mean,sd,ci_low,ci_high,half_width,min,max,analytic", f);
    fputs(precision ? ",precision_met\n" : "\n", f);
    for (size_t p = 0; p < runner_result_points(res); p++) {
        if (runner_result_stopped(res) && !runner_result_point_ran(res, p))
            continue; /* never ran: nothing to summarise */
        const double *params = runner_result_params(res, p);
        for (size_t m = 0; m < e->n_metrics; m++) {
            stats_summary s;
            double exact = NAN;
            oom |= runner_summarize(res, p, m, confidence, &s) == -2;
            if (e->analytic && !e->analytic(params, m, &exact))
                exact = NAN;
            fprintf(f, "%zu", p);
            for (size_t i = 0; i < e->n_params; i++) {
                fputc(',', f);
                put_num(f, params[i]);
            }
            fputc(',', f);
            runneri_csv_string(f, e->metrics[m].name);
            fprintf(f, ",%zu", s.n);
            const double cells[] = {s.mean, s.sd, s.ci_low, s.ci_high, s.half_width,
                                    s.min,  s.max, exact};
            for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
                fputc(',', f);
                put_num(f, cells[c]);
            }
            if (precision)
                fprintf(f, ",%d", runner_result_precision_met(res, p));
            fputc('\n', f);
        }
    }
    runneri_clocale_leave(&l);
    return ferror(f) || oom ? -1 : 0;
}

void runneri_csv_reps_columns(FILE *f, const exp_experiment *e)
{
    fputs("point,rep,seed", f);
    for (size_t i = 0; i < e->n_params; i++) {
        fputc(',', f);
        runneri_csv_string(f, e->params[i].name);
    }
    for (size_t m = 0; m < e->n_metrics; m++) {
        fputc(',', f);
        runneri_csv_string(f, e->metrics[m].name);
    }
}
