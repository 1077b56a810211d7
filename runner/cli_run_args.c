/* The options of procsim run and procsim trace: each taken once, its value checked
 * (counts, reals in range, byte sizes, shards, sweeps), then the plan they make checked
 * as a whole, so bad usage exits 2 with one message before anything runs.          */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run_args.h"
#include "stats.h"

typedef struct {
    const runneri_cli *c;
    const char *cmd;
    int argc, i;
    char **argv;
} cursor;

/* If argv[i] is option -s / --long, put its value in *val (from "--long=v", "-sv" or
 * the next argument) and return 1; 0 if it is another option; -1 after a usage
 * message. `seen` catches an option given twice. */
static int take(cursor *cu, const char *s, const char *l, int *seen, const char **val)
{
    const char *a = cu->argv[cu->i];
    size_t ll = strlen(l);
    const char *v = NULL;
    if (strcmp(a, l) == 0 || (s && strcmp(a, s) == 0)) {
        if (cu->i + 1 >= cu->argc) {
            runneri_cli_usage(cu->c, "%s: %s needs a value", cu->cmd, a);
            return -1;
        }
        v = cu->argv[++cu->i];
    } else if (strncmp(a, l, ll) == 0 && a[ll] == '=') {
        v = a + ll + 1;
    } else if (s && strncmp(a, s, 2) == 0 && a[2] != '\0' && a[1] != '-') {
        v = a + 2;
    } else {
        return 0;
    }
    if (seen) {
        if (*seen) {
            runneri_cli_usage(cu->c, "%s: %s is given twice", cu->cmd, l);
            return -1;
        }
        *seen = 1;
    }
    *val = v;
    return 1;
}

static int count_arg(cursor *cu, const char *opt, const char *v, size_t min, size_t *out)
{
    if (runner_parse_size(v, out) != 0) {
        runneri_cli_usage(cu->c, "%s: %s expects a whole number, got '%s'", cu->cmd, opt, v);
        return -1;
    }
    if (*out < min) {
        runneri_cli_usage(cu->c, "%s: %s must be at least %zu, got %s", cu->cmd, opt, min, v);
        return -1;
    }
    return 0;
}

static int real_arg(cursor *cu, const char *opt, const char *v, double lo, double hi,
                    double *out)
{
    if (runner_parse_double(v, out) != 0) {
        runneri_cli_usage(cu->c, "%s: %s expects a number, got '%s'", cu->cmd, opt, v);
        return -1;
    }
    if (!(*out > lo && *out < hi)) {
        runneri_cli_usage(cu->c, "%s: %s must be between %g and %g (exclusive), got %s",
                          cu->cmd, opt, lo, hi, v);
        return -1;
    }
    return 0;
}

/* One option of run (all of them) or trace (is_run 0: --param, --seed, --rep only).
 * Returns 1 if consumed, 0 if not an option we know, -1 after a usage message. */
static int parse_option(cursor *cu, run_args *ra, int is_run)
{
    const char *v, *a = cu->argv[cu->i];
    size_t n;
    int k;
    if ((k = take(cu, NULL, "--param", NULL, &v)) != 0 ||
        (is_run && (k = take(cu, NULL, "--sweep", NULL, &v)) != 0)) {
        if (k > 0)
            ra->specs[ra->n_specs++] = (param_spec){strncmp(a, "--sweep", 7) == 0, v};
        return k;
    }
    if ((k = take(cu, NULL, "--seed", &ra->has_seed, &v)) != 0) {
        if (k > 0 && runner_parse_u64(v, &ra->opt.seed) != 0) {
            runneri_cli_usage(cu->c, "%s: --seed expects a whole number from 0 to "
                                     "18446744073709551615, got '%s'", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--rep", &ra->has_rep, &v)) != 0) {
        if (k > 0) {
            if (count_arg(cu, "--rep", v, 0, &n) != 0)
                return -1;
            if (n > (size_t)0x7fffffff) {
                runneri_cli_usage(cu->c, "%s: --rep %s is too large", cu->cmd, v);
                return -1;
            }
            ra->opt.only_rep = (long)n;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--max-memory", &ra->has_mem, &v)) != 0) {
        if (k > 0 && (runner_parse_bytes(v, &ra->opt.memory_limit) != 0 ||
                      (ra->opt.memory_limit != 0 && ra->opt.memory_limit < ((size_t)1 << 20)))) {
            runneri_cli_usage(cu->c, "%s: --max-memory expects a size of at least 1M such as "
                                     "512M or 4G (0: no limit), got '%s'", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if (!is_run)
        return 0;
    if ((k = take(cu, NULL, "--shard", &ra->has_shard, &v)) != 0) {
        if (k > 0 && runner_parse_shard(v, &ra->opt.shard, &ra->opt.shards) != 0) {
            runneri_cli_usage(cu->c, "%s: --shard expects I/N with 0 <= I < N (shards count "
                                     "from 0, say 0/4 to 3/4), got '%s'", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if ((k = take(cu, "-r", "--reps", &ra->has_reps, &v)) != 0)
        return k > 0 ? (count_arg(cu, "-r", v, 1, &ra->opt.reps) ? -1 : 1) : k;
    if ((k = take(cu, "-j", "--jobs", &ra->has_jobs, &v)) != 0) {
        if (k > 0) {
            if (count_arg(cu, "-j", v, 0, &n) != 0) /* 0: every core, as in the library */
                return -1;
            if (n > 4096) {
                runneri_cli_usage(cu->c, "%s: -j %s is more threads than makes sense "
                                         "(at most 4096)", cu->cmd, v);
                return -1;
            }
            ra->opt.threads = (unsigned)n;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--confidence", &ra->has_conf, &v)) != 0) {
        if (k > 0 && real_arg(cu, "--confidence", v, 0, 1, &ra->opt.confidence) != 0)
            return -1;
        /* Two replications (1 degree of freedom) give the widest interval: if even that
         * quantile is not finite (the level rounds to 1), every interval would be. */
        if (k > 0 && !isfinite(stats_t_quantile(0.5 + ra->opt.confidence / 2, 1.0))) {
            runneri_cli_usage(cu->c, "%s: --confidence %s is too close to 1 (its t quantile "
                                     "is not finite)", cu->cmd, v);
            return -1;
        }
        return k;
    }
    if ((k = take(cu, NULL, "--precision", &ra->has_prec, &v)) != 0)
        return k > 0 ? (real_arg(cu, "--precision", v, 0, 1e300, &ra->opt.precision) ? -1 : 1)
                     : k;
    if ((k = take(cu, NULL, "--abs-precision", &ra->has_abs, &v)) != 0)
        return k > 0 ? (real_arg(cu, "--abs-precision", v, 0, 1e300, &ra->opt.abs_precision)
                            ? -1
                            : 1)
                     : k;
    if ((k = take(cu, NULL, "--precision-metric", NULL, &v)) != 0) {
        if (k > 0)
            ra->prec_names[ra->n_prec++] = v;
        return k;
    }
    int seen_plot = ra->plot_path != NULL, seen_cmp = ra->compare_to != NULL;
    if ((k = take(cu, NULL, "--plot", &seen_plot, &v)) != 0) {
        if (k > 0)
            ra->plot_path = v;
        return k;
    }
    if ((k = take(cu, NULL, "--compare-to", &seen_cmp, &v)) != 0) {
        if (k > 0)
            ra->compare_to = v;
        return k;
    }
    if ((k = take(cu, NULL, "--max-reps", &ra->has_max, &v)) != 0)
        return k > 0 ? (count_arg(cu, "--max-reps", v, 1, &ra->opt.max_reps) ? -1 : 1) : k;
    int seen_o = ra->out_path != NULL, seen_s = ra->summary_path != NULL;
    if ((k = take(cu, "-o", "--output", &seen_o, &v)) != 0) {
        if (k > 0)
            ra->out_path = v;
        return k;
    }
    if ((k = take(cu, NULL, "--summary", &seen_s, &v)) != 0) {
        if (k > 0)
            ra->summary_path = v;
        return k;
    }
    int seen_se = ra->series_path != NULL, seen_sr = ra->series_reps != NULL;
    if ((k = take(cu, NULL, "--series", &seen_se, &v)) != 0) {
        if (k > 0)
            ra->series_path = v;
        return k;
    }
    if ((k = take(cu, NULL, "--series-reps", &seen_sr, &v)) != 0) {
        if (k > 0)
            ra->series_reps = v;
        return k;
    }
    if (strcmp(a, "--no-crn") == 0) {
        ra->opt.crn = 0;
        return 1;
    }
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        ra->quiet = 1;
        return 1;
    }
    return 0;
}

runner_plan *runneri_run_parse(const runneri_cli *c, int argc, char **argv, int is_run,
                              run_args *ra)
{
    cursor cu = {c, argv[0], argc, 1, argv};
    runner_options_init(&ra->opt);
    ra->specs = calloc((size_t)argc, sizeof *ra->specs);
    ra->prec_names = calloc((size_t)argc, sizeof *ra->prec_names);
    if (ra->specs == NULL || ra->prec_names == NULL) {
        runneri_cli_usage(c, "out of memory");
        return NULL;
    }
    for (; cu.i < argc; cu.i++) {
        const char *a = argv[cu.i];
        if (a[0] == '-' && a[1] != '\0') {
            int k = parse_option(&cu, ra, is_run);
            if (k < 0)
                return NULL;
            if (k == 0) {
                runneri_cli_usage(c, "%s: unknown option '%s'", cu.cmd, a);
                return NULL;
            }
        } else if (ra->exp_name == NULL) {
            ra->exp_name = a;
        } else {
            runneri_cli_usage(c, "%s: unexpected argument '%s' (one experiment per run)",
                              cu.cmd, a);
            return NULL;
        }
    }
    if (ra->exp_name == NULL) {
        runneri_cli_usage(c, "%s needs an experiment name (%s list shows them)", cu.cmd,
                          c->prog);
        return NULL;
    }
    if (ra->has_max && !ra->has_prec && !ra->has_abs) {
        runneri_cli_usage(c, "%s: --max-reps only applies with --precision or "
                             "--abs-precision", cu.cmd);
        return NULL;
    }
    if (ra->n_prec && !ra->has_prec && !ra->has_abs) {
        runneri_cli_usage(c, "%s: --precision-metric only applies with --precision or "
                             "--abs-precision", cu.cmd);
        return NULL;
    }
    if ((ra->has_prec || ra->has_abs) && ra->has_rep) {
        runneri_cli_usage(c, "%s: --rep and --precision conflict (sequential stopping "
                             "needs all replications)", cu.cmd);
        return NULL;
    }
    if (ra->has_prec && ra->has_shard) {
        runneri_cli_usage(c, "%s: --shard and --precision conflict (sequential stopping "
                             "needs all replications in one run)", cu.cmd);
        return NULL;
    }
    if (ra->has_max && ra->opt.max_reps < ra->opt.reps) {
        runneri_cli_usage(c, "%s: --max-reps %zu is below -r %zu", cu.cmd, ra->opt.max_reps,
                          ra->opt.reps);
        return NULL;
    }
    if (ra->has_rep && ra->has_reps && (size_t)ra->opt.only_rep >= ra->opt.reps) {
        runneri_cli_usage(c, "%s: --rep %ld is outside -r %zu (replications count from 0; "
                             "without -r any replication can run alone)",
                          cu.cmd, ra->opt.only_rep, ra->opt.reps);
        return NULL;
    }
    if (ra->out_path && ra->summary_path && runner_outfile_same(ra->out_path, ra->summary_path)) {
        runneri_cli_usage(c, "%s: -o '%s' and --summary '%s' are the same file", cu.cmd,
                          ra->out_path, ra->summary_path);
        return NULL;
    }
    if (ra->plot_path && strcmp(ra->plot_path, "-") != 0 &&
        ((ra->out_path && runner_outfile_same(ra->out_path, ra->plot_path)) ||
         (ra->summary_path && runner_outfile_same(ra->summary_path, ra->plot_path)))) {
        runneri_cli_usage(c, "%s: --plot '%s' is also a CSV output", cu.cmd, ra->plot_path);
        return NULL;
    }
    if (ra->series_reps && !ra->series_path) {
        runneri_cli_usage(c, "%s: --series-reps only applies with --series", cu.cmd);
        return NULL;
    }
    if (ra->series_path && ((ra->out_path && runner_outfile_same(ra->series_path, ra->out_path)) ||
                            (ra->summary_path &&
                             runner_outfile_same(ra->series_path, ra->summary_path)))) {
        runneri_cli_usage(c, "%s: --series names the same file as -o or --summary", cu.cmd);
        return NULL;
    }
    ra->opt.series = ra->series_path != NULL;
    if (ra->series_reps && runner_parse_rep_list(ra->series_reps, (size_t **)&ra->opt.series_reps,
                                                 &ra->opt.n_series_reps) != 0) {
        runneri_cli_usage(c, "%s: --series-reps expects replication numbers like 0,3,7, got '%s'",
                          cu.cmd, ra->series_reps);
        return NULL;
    }
    const exp_experiment *e = runneri_cli_find(c, ra->exp_name);
    if (e == NULL)
        return NULL;
    if (ra->n_prec) {
        ra->prec_mask = calloc(e->n_metrics ? e->n_metrics : 1, 1);
        if (ra->prec_mask == NULL) {
            runneri_cli_usage(c, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < ra->n_prec; i++) {
            int m = exp_metric_index(e, ra->prec_names[i]);
            if (m < 0) {
                runneri_cli_usage(c, "%s: --precision-metric: %s has no metric '%s' (%s "
                                     "describe %s lists them)", cu.cmd, e->name,
                                  ra->prec_names[i], c->prog, e->name);
                return NULL;
            }
            ra->prec_mask[m] = 1;
        }
        ra->opt.precision_metrics = ra->prec_mask;
    }
    runner_plan *plan = runner_plan_new(e);
    if (plan == NULL) {
        runneri_cli_usage(c, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < ra->n_specs; i++) {
        runner_err err;
        int rc = ra->specs[i].is_sweep ? runner_plan_sweep(plan, ra->specs[i].text, &err)
                                       : runner_plan_set(plan, ra->specs[i].text, &err);
        if (rc != 0) {
            runneri_cli_usage(c, "%s: %s", cu.cmd, err.msg);
            runner_plan_free(plan);
            return NULL;
        }
    }
    runner_err err;
    if (runner_plan_check(plan, &err) != 0) {
        runneri_cli_usage(c, "%s: %s", cu.cmd, err.msg);
        runner_plan_free(plan);
        return NULL;
    }
    return plan;
}

void runneri_run_args_free(run_args *ra)
{
    free((size_t *)ra->opt.series_reps);
    ra->opt.series_reps = NULL;
    free(ra->prec_mask);
    ra->prec_mask = NULL;
}
