/* The experiment's check() over every point of a plan, before anything runs: a broken
 * rule between parameters is one usage error (exit 2) naming the first point that breaks
 * it, not a failed replication per seed. The same for built-in experiments, plugins and
 * a user's own program: all of them reach it through parse_args in cli_run.c. Issue 8
 * brings runner_plan_check() with the same message: when both land, keep one. */
#include <stdlib.h>

#include "cli_int.h"

int runneri_cli_check(const runneri_cli *c, const char *cmd, const runner_plan *plan)
{
    const exp_experiment *e = runner_plan_experiment(plan);
    if (e->check == NULL)
        return CLI_OK;
    double *v = malloc((e->n_params ? e->n_params : 1) * sizeof *v);
    if (v == NULL)
        return runneri_cli_usage(c, "out of memory");
    int rc = CLI_OK;
    for (size_t p = 0; p < runner_plan_points(plan) && rc == CLI_OK; p++) {
        runner_plan_point(plan, p, v);
        const char *why = e->check(v);
        if (why == NULL)
            continue;
        char at[256] = "";
        size_t len = 0;
        runneri_clocale l;
        runneri_clocale_enter(&l);
        for (size_t k = 0; k < e->n_params && len < sizeof at - RUNNERI_NUM_MAX - 40; k++) {
            char num[RUNNERI_NUM_MAX];
            runneri_fmt_double(num, v[k]);
            len += (size_t)snprintf(at + len, sizeof at - len, "%s%s=%s", k ? " " : "",
                                    e->params[k].name, num);
        }
        runneri_clocale_leave(&l);
        rc = runneri_cli_usage(c, "%s: point %zu (%s): %s", cmd, p, at, why);
    }
    free(v);
    return rc;
}
