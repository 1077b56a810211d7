/* The summary as a table for people, printed on stdout when no --summary file is given:
 * one block per point, one line per metric. */
#include <math.h>
#include <string.h>

#include "runner_int.h"


int runner_print_table(FILE *f, const runner_result *res, double confidence)
{
    const exp_experiment *e = runner_result_experiment(res);
    int precision = runner_result_sequential(res), oom = 0;
    int has_analytic = e->analytic != NULL;
    int width = 6; /* "metric" */
    for (size_t m = 0; m < e->n_metrics; m++) {
        int w = (int)strlen(e->metrics[m].name);
        width = w > width ? w : width;
    }
    char ci_head[32];
    runneri_clocale l;
    runneri_clocale_enter(&l);
    snprintf(ci_head, sizeof ci_head, "%g%% CI", confidence * 100.0);
    char target[80] = "";
    if (runner_result_precision(res) > 0 && runner_result_abs_precision(res) > 0)
        snprintf(target, sizeof target, "%g or +/-%g ", runner_result_precision(res),
                 runner_result_abs_precision(res));
    else if (precision)
        snprintf(target, sizeof target, "%s%g ",
                 runner_result_precision(res) > 0 ? "" : "+/-",
                 runner_result_precision(res) > 0 ? runner_result_precision(res)
                                                  : runner_result_abs_precision(res));
    int first = 1;
    for (size_t p = 0; p < runner_result_points(res); p++) {
        if (runner_result_stopped(res) && !runner_result_point_ran(res, p))
            continue; /* never ran */
        const double *params = runner_result_params(res, p);
        char a[32], b[32], c[32], d[32], g[32], ci[80];
        fprintf(f, "%spoint %zu:", first ? "" : "\n", p);
        first = 0;
        for (size_t i = 0; i < e->n_params; i++)
            fprintf(f, " %s=%s", e->params[i].name, runneri_fmt_cell(a, sizeof a, params[i]));
        if (precision)
            fprintf(f, "  (precision %s%s)", target,
                    runner_result_precision_met(res, p) ? "met" : "NOT met");
        fputc('\n', f);
        fprintf(f, "  %-*s %12s %12s  %-27s %12s %8s", width, "metric", "mean", "+/-",
                ci_head, "sd", "n");
        if (has_analytic)
            fprintf(f, " %12s", "analytic");
        fputc('\n', f);
        for (size_t m = 0; m < e->n_metrics; m++) {
            stats_summary s;
            oom |= runner_summarize(res, p, m, confidence, &s) == -2;
            if (isnan(s.ci_low))
                snprintf(ci, sizeof ci, "-");
            else
                snprintf(ci, sizeof ci, "[%s, %s]", runneri_fmt_cell(a, sizeof a, s.ci_low),
                         runneri_fmt_cell(b, sizeof b, s.ci_high));
            fprintf(f, "  %-*s %12s %12s  %-27s %12s %8zu", width, e->metrics[m].name,
                    runneri_fmt_cell(c, sizeof c, s.mean), runneri_fmt_cell(d, sizeof d, s.half_width), ci,
                    runneri_fmt_cell(g, sizeof g, s.sd), s.n);
            double exact;
            if (has_analytic)
                fprintf(f, " %12s", e->analytic(params, m, &exact) ? runneri_fmt_cell(a, sizeof a, exact)
                                                                  : "-");
            fputc('\n', f);
        }
    }
    runneri_clocale_leave(&l);
    return ferror(f) || oom ? -1 : 0;
}
