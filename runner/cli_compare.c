/* procsim compare REPS.csv --baseline k=v, and the same after a run (--compare-to):
 * paired differences to a baseline configuration (compare_int.h), as a table on stdout
 * and, with -o, as CSV. */
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "compare_int.h"

/* The value of option `a` at argv[*i]: "--opt v", "--opt=v" or "-ov"; NULL if argv[*i]
 * is not that option, and *bad = 1 after a message when its value is missing. */
static const char *opt_value(const runneri_cli *c, int argc, char **argv, int *i,
                             const char *s, const char *l, int *bad)
{
    const char *a = argv[*i];
    size_t ll = strlen(l);
    if (strcmp(a, l) == 0 || (s && strcmp(a, s) == 0)) {
        if (*i + 1 >= argc) {
            *bad = 1;
            runneri_cli_usage(c, "%s: %s needs a value", argv[0], a);
            return NULL;
        }
        return argv[++*i];
    }
    if (strncmp(a, l, ll) == 0 && a[ll] == '=')
        return a + ll + 1;
    if (s && strncmp(a, s, 2) == 0 && a[2] != '\0')
        return a + 2;
    return NULL;
}

int runneri_cli_compare(const runneri_cli *c, int argc, char **argv)
{
    const char *input = NULL, *baseline = NULL, *out = NULL, *v;
    const char **metrics = calloc((size_t)argc, sizeof *metrics);
    size_t n_metrics = 0;
    double family = 0.95;
    int quiet = 0, bad = 0, rc = CLI_OK;
    if (metrics == NULL)
        return runneri_cli_usage(c, "out of memory");
    for (int i = 1; i < argc && !bad; i++) {
        const char *a = argv[i];
        if ((v = opt_value(c, argc, argv, &i, NULL, "--baseline", &bad)) != NULL) {
            if (baseline)
                bad = runneri_cli_usage(c, "compare: --baseline is given twice");
            baseline = v;
        } else if (!bad && (v = opt_value(c, argc, argv, &i, NULL, "--metric", &bad))) {
            metrics[n_metrics++] = v;
        } else if (!bad && (v = opt_value(c, argc, argv, &i, "-o", "--output", &bad))) {
            if (out)
                bad = runneri_cli_usage(c, "compare: -o is given twice");
            out = v;
        } else if (!bad && (v = opt_value(c, argc, argv, &i, NULL, "--confidence", &bad))) {
            if (runner_parse_double(v, &family) != 0 || !(family > 0 && family < 1))
                bad = runneri_cli_usage(c, "compare: --confidence expects a number between "
                                           "0 and 1 (exclusive), got '%s'", v);
        } else if (!bad && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
            quiet = 1;
        } else if (!bad && a[0] == '-' && a[1] != '\0') {
            bad = runneri_cli_usage(c, "compare: unknown option '%s'", a);
        } else if (!bad && input) {
            bad = runneri_cli_usage(c, "compare: one per-replication file, got '%s' too", a);
        } else if (!bad) {
            input = a;
        }
    }
    if (!bad && input == NULL)
        bad = runneri_cli_usage(c, "compare needs a per-replication file (procsim run -o)");
    if (!bad && baseline == NULL)
        bad = runneri_cli_usage(c, "compare needs --baseline k=v (the configuration the "
                                   "others are measured against)");
    runneri_csvtab t = {0};
    runneri_cmp cmp = {0};
    runner_err err;
    runner_outfile *of = NULL;
    if (!bad && runneri_csvtab_read(&t, input, &err) != 0)
        bad = runneri_cli_usage(c, "compare: %s", err.msg);
    else if (!bad && runneri_compare_build(&cmp, &t, baseline, metrics, n_metrics, family,
                                           &err) != 0)
        bad = runneri_cli_usage(c, "compare: %s", err.msg);
    else if (!bad && out && (of = runner_outfile_open(out, &err)) == NULL)
        bad = runneri_cli_usage(c, "compare: %s", err.msg);
    if (bad) {
        rc = CLI_USAGE;
    } else {
        if (of && runneri_compare_write_csv(runner_outfile_stream(of), &cmp) != 0) {
            runner_outfile_abort(of);
            rc = runneri_cli_error(c, "compare: cannot write '%s'", out);
        } else if (of && runner_outfile_commit(of, &err) != 0) { /* it freed of */
            rc = runneri_cli_error(c, "compare: %s", err.msg);
        }
        if (!quiet && !(out && strcmp(out, "-") == 0))
            runneri_compare_print(c->out, &cmp);
    }
    runneri_compare_free(&cmp);
    runneri_csvtab_free(&t);
    free(metrics);
    return rc;
}

int runneri_compare_check_plan(const runneri_cli *c, const runner_plan *plan,
                               const char *baseline)
{
    const exp_experiment *e = runner_plan_experiment(plan);
    const char *eq = strchr(baseline, '=');
    size_t kl = eq ? (size_t)(eq - baseline) : 0;
    long key = -1;
    for (size_t k = 0; eq && k < e->n_params; k++)
        if (strlen(e->params[k].name) == kl && memcmp(e->params[k].name, baseline, kl) == 0)
            key = (long)k;
    double v;
    if (key < 0 || runner_parse_double(eq + 1, &v) != 0)
        return runneri_cli_usage(c, "run: --compare-to expects k=v with a parameter of %s "
                                    "and a number, got '%s'", e->name, baseline);
    double *vals = malloc((e->n_params ? e->n_params : 1) * sizeof *vals);
    int found = 0;
    if (vals == NULL)
        return runneri_cli_usage(c, "out of memory");
    for (size_t p = 0; p < runner_plan_points(plan) && !found; p++) {
        runner_plan_point(plan, p, vals);
        found = vals[key] == v;
    }
    free(vals);
    if (!found)
        return runneri_cli_usage(c, "run: --compare-to %s: no point of the run has %s=%s",
                                 baseline, e->params[key].name, eq + 1);
    return CLI_OK;
}

int runneri_compare_result(const runneri_cli *c, const runner_result *res,
                           const char *baseline, double family)
{
    /* Through the per-replication CSV in memory: the numbers compare reads from a file
     * are then the ones it reads here, digit for digit. */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    runner_err err;
    int rc = CLI_OK;
    if (mem == NULL)
        return runneri_cli_error(c, "run: --compare-to: out of memory");
    int bad = runner_csv_write_reps(mem, res) != 0;
    bad |= fclose(mem) != 0;
    runneri_csvtab t = {0};
    runneri_cmp cmp = {0};
    if (bad)
        rc = runneri_cli_error(c, "run: --compare-to: out of memory");
    else if (runneri_csvtab_parse(&t, "the run", buf, len, &err) != 0 ||
             runneri_compare_build(&cmp, &t, baseline, NULL, 0, family, &err) != 0)
        rc = runneri_cli_error(c, "run: --compare-to: %s", err.msg);
    else {
        fputc('\n', c->out);
        runneri_compare_print(c->out, &cmp);
    }
    runneri_compare_free(&cmp);
    runneri_csvtab_free(&t);
    free(buf);
    return rc;
}
