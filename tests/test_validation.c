/* Validation against theory: the runner's confidence intervals put next to values known
 * exactly, so a biased model or a wrong interval formula shows up as a test failure.
 *
 * Long runs: mm1, mmc and md1 at loads where the steady state is known; every analytic
 * value must lie in its interval. There are many intervals, so they are checked as a
 * family at 95% (Bonferroni: each at 1 - 0.05/k); one 95% interval per metric would let
 * a correct model fail on about one base seed in six (measured over 100). The intervals
 * are still narrow enough to tell the wait from the time in system.
 *
 * Coverage: the intervals' own promise. K independent small experiments of a model whose
 * mean is exactly known at any run length (the mean of exponential sleeps: no warm-up
 * bias, unlike any queue) are run through the runner with their own base seeds;
 * the number of intervals that cover the true mean must be binomial(K, confidence)
 * within 4 standard deviations. K is large enough that a normal quantile in place of
 * Student's t (which under-covers with 10 replications) falls outside that band.
 *
 * Everything is seeded, so each test is deterministic; the measured numbers are printed
 * so a reader can see how much room each check has. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"
#include "runner.h"
#include "sim.h"
#include "stats.h"

/* ---- helpers ------------------------------------------------------------------------ */

static runner_plan *plan_of(const char *name, const char *const *assignments)
{
    const exp_experiment *e = exp_find(name);
    assert_non_null(e);
    runner_plan *plan = runner_plan_new(e);
    assert_non_null(plan);
    runner_err err;
    for (; assignments && *assignments; assignments++)
        if (runner_plan_set(plan, *assignments, &err) != 0)
            fail_msg("%s: %s", *assignments, err.msg);
    return plan;
}

/* Run every replication of the plan; fails the test unless all of them succeed. */
static runner_result *run_all(const runner_plan *plan, size_t reps, uint64_t seed,
                              unsigned threads)
{
    runner_options opt;
    runner_options_init(&opt);
    opt.reps = reps;
    opt.seed = seed;
    opt.threads = threads;
    runner_err err;
    runner_result *res = runner_run(plan, &opt, &err);
    if (res == NULL)
        fail_msg("runner_run: %s", err.msg);
    assert_int_equal(runner_result_failed(res), 0);
    assert_int_equal(runner_result_completed(res), runner_result_planned(res));
    return res;
}

static int covers(const stats_summary *s, double value)
{
    return s->ci_low <= value && value <= s->ci_high;
}

/* ---- long runs of the queueing models ------------------------------------------------ */

#define LONG_REPS 40
#define LONG_SEED 1
#define FAMILY_CONFIDENCE 0.95

typedef struct {
    const char *exp;
    const char *settings[4]; /* NULL-terminated "k=v" */
} long_config;

/* Run lengths: the relaxation time of these queues is tens (rho 0.7) to a few hundred
 * (rho 0.9) time units, so a warm-up of 2000 customers leaves no visible start-up bias
 * and the interval is a few percent of the mean. The time averages have an end effect:
 * their window opens at an arrival and closes at the last departure, a busy stretch with
 * no arrivals, which adds about two busy time units per replication (measured: +1e-3
 * relative utilisation at 2000 customers); at 20000 it is under a tenth of the half-width.
 * mmc's default load (rho 0.9) gives right-skewed replication means, which a t interval
 * under-covers: longer runs there. */
static const long_config long_configs[] = {
    {"mm1", {"lambda=0.5", "customers=20000", "warmup=2000", NULL}},
    {"mm1", {"lambda=0.7", "customers=20000", "warmup=2000", NULL}},
    {"mmc", {"customers=50000", "warmup=5000", NULL}}, /* lambda 1.8, 2 servers */
    {"md1", {"lambda=0.7", "customers=20000", "warmup=2000", NULL}},
};
#define N_LONG (sizeof long_configs / sizeof long_configs[0])

typedef struct {
    runner_result *res[N_LONG];
    size_t n_intervals; /* analytic values known over all configurations */
    double confidence;  /* of each interval, for the family at FAMILY_CONFIDENCE */
} long_runs;

static int long_runs_setup(void **state)
{
    long_runs *lr = calloc(1, sizeof *lr);
    assert_non_null(lr);
    for (size_t c = 0; c < N_LONG; c++) {
        runner_plan *plan = plan_of(long_configs[c].exp, long_configs[c].settings);
        lr->res[c] = run_all(plan, LONG_REPS, LONG_SEED, 0);
        runner_plan_free(plan);
        const exp_experiment *e = runner_result_experiment(lr->res[c]);
        assert_non_null(e->analytic);
        for (size_t m = 0; m < e->n_metrics; m++) {
            double v;
            lr->n_intervals += e->analytic(runner_result_params(lr->res[c], 0), m, &v) != 0;
        }
    }
    lr->confidence = 1.0 - (1.0 - FAMILY_CONFIDENCE) / (double)lr->n_intervals;
    *state = lr;
    return 0;
}

static int long_runs_teardown(void **state)
{
    long_runs *lr = *state;
    for (size_t c = 0; c < N_LONG; c++)
        runner_result_free(lr->res[c]);
    free(lr);
    return 0;
}

static void label(char *buf, size_t size, const runner_result *res)
{
    const exp_experiment *e = runner_result_experiment(res);
    const double *p = runner_result_params(res, 0);
    snprintf(buf, size, "%s lambda=%g", e->name, p[exp_param_index(e, "lambda")]);
}

static void analytic_values_lie_in_the_long_run_intervals(void **state)
{
    long_runs *lr = *state;
    size_t checked = 0, covered95 = 0, missed = 0;
    print_message("each interval at %.5f: %zu of them cover together with probability "
                  ">= %.2f\n", lr->confidence, lr->n_intervals, FAMILY_CONFIDENCE);
    for (size_t c = 0; c < N_LONG; c++) {
        const runner_result *res = lr->res[c];
        const exp_experiment *e = runner_result_experiment(res);
        char name[64];
        label(name, sizeof name, res);
        for (size_t m = 0; m < e->n_metrics; m++) {
            double exact;
            if (!e->analytic(runner_result_params(res, 0), m, &exact))
                continue;
            stats_summary fam, s95;
            assert_int_equal(runner_summarize(res, 0, m, lr->confidence, &fam), 0);
            assert_int_equal(runner_summarize(res, 0, m, 0.95, &s95), 0);
            assert_int_equal(fam.n, LONG_REPS);
            double z = (fam.mean - exact) / (fam.sd / sqrt((double)fam.n));
            print_message("%-16s %-12s analytic %-9.6g mean %-9.6g 95%% [%.6g, %.6g] "
                          "family [%.6g, %.6g] z %+.2f\n",
                          name, e->metrics[m].name, exact, fam.mean, s95.ci_low,
                          s95.ci_high, fam.ci_low, fam.ci_high, z);
            checked++;
            covered95 += (size_t)covers(&s95, exact);
            missed += (size_t)!covers(&fam, exact);
        }
    }
    print_message("individual 95%% intervals covering: %zu of %zu\n", covered95, checked);
    assert_int_equal(checked, lr->n_intervals);
    assert_int_equal(missed, 0);
}

/* A model that reported the time in system as its wait would still look plausible; the
 * intervals must be narrow enough to tell (1/mu apart, many half-widths). */
static void long_run_wait_interval_excludes_the_analytic_system_time(void **state)
{
    long_runs *lr = *state;
    for (size_t c = 0; c < N_LONG; c++) {
        const runner_result *res = lr->res[c];
        const exp_experiment *e = runner_result_experiment(res);
        int wait = exp_metric_index(e, "wait"), sys = exp_metric_index(e, "system_time");
        assert_true(wait >= 0 && sys >= 0);
        double system_time;
        assert_int_equal(e->analytic(runner_result_params(res, 0), (size_t)sys,
                                     &system_time), 1);
        stats_summary s;
        assert_int_equal(runner_summarize(res, 0, (size_t)wait, lr->confidence, &s), 0);
        char name[64];
        label(name, sizeof name, res);
        print_message("%-16s wait [%.6g, %.6g], analytic system_time %.6g\n", name,
                      s.ci_low, s.ci_high, system_time);
        assert_false(covers(&s, system_time));
    }
}

/* ---- coverage rate over many small experiments ---------------------------------------- */

/* "sleeps": one process sleeps `draws` exponential(rate) times; the metric is the
 * elapsed time / draws, whose expectation is exactly 1/rate (a sum of exponentials has
 * no start-up transient). Its distribution is Gamma(draws), skewed by 2/sqrt(draws);
 * a two-sided t interval misses a little more often on skewed data (measured over
 * 20 x 4000 intervals: 0.947 at 20 draws), so 100 draws keep that well below the
 * binomial noise (0.9499 measured). */
enum { SL_RATE, SL_DRAWS };

typedef struct {
    double rate;
    long draws;
} sleeps_args;

static void *sleeper(sim_proc *self, void *arg)
{
    const sleeps_args *a = arg;
    sim_rng *rng = sim_env_rng(sim_proc_env(self), 0);
    for (long i = 0; i < a->draws; i++) {
        sim_status st = sim_sleep(self, sim_rng_exponential(rng, a->rate));
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
    return NULL;
}

static sim_status sleeps_replicate(sim_env *env, const double *params, double *metrics)
{
    sleeps_args a = {params[SL_RATE], (long)params[SL_DRAWS]};
    double t0 = sim_now(env);
    sim_status st = sim_spawn(env, "sleeper", sleeper, &a);
    if (st == SIM_OK)
        st = sim_run(env, -1);
    metrics[0] = (sim_now(env) - t0) / (double)a.draws;
    return st;
}

static int sleeps_analytic(const double *params, size_t m, double *value)
{
    if (m != 0 || !(params[SL_RATE] > 0))
        return 0;
    *value = 1.0 / params[SL_RATE];
    return 1;
}

static const exp_param sleeps_params[] = {
    [SL_RATE] = {"rate", 2.0, 1e-3, 1e3, 0, "rate of each exponential sleep"},
    [SL_DRAWS] = {"draws", 100, 1, 1e6, 1, "sleeps per replication"},
};
static const exp_metric sleeps_metrics[] = {{"mean_sleep", "elapsed time / draws", 0}};
static const exp_experiment sleeps_experiment = {
    "sleeps", "mean of exponential sleeps (expectation exactly 1/rate)",
    sleeps_params, 2, sleeps_metrics, 1, sleeps_replicate, sleeps_analytic, NULL, 0, 0};

/* K separates 95% from the 91.8% a normal quantile gives with 10 replications by more
 * than 4 binomial standard deviations on each side. */
#define COVERAGE_K 4000
#define COVERAGE_REPS 10
#define COVERAGE_SEED 1000 /* experiment k has base seed COVERAGE_SEED + k */

typedef struct {
    double truth;
    size_t t95, t90, z95; /* intervals covering the truth */
} coverage;

static int coverage_setup(void **state)
{
    coverage *cv = calloc(1, sizeof *cv);
    assert_non_null(cv);
    runner_plan *plan = runner_plan_new(&sleeps_experiment);
    assert_non_null(plan);
    double params[2];
    runner_plan_point(plan, 0, params);
    assert_int_equal(sleeps_analytic(params, 0, &cv->truth), 1);
    double z = stats_normal_quantile(0.975);
    for (size_t k = 0; k < COVERAGE_K; k++) {
        runner_result *res = run_all(plan, COVERAGE_REPS, COVERAGE_SEED + k, 1);
        stats_summary s95, s90;
        assert_int_equal(runner_summarize(res, 0, 0, 0.95, &s95), 0);
        assert_int_equal(runner_summarize(res, 0, 0, 0.90, &s90), 0);
        assert_int_equal(s95.n, COVERAGE_REPS);
        cv->t95 += (size_t)covers(&s95, cv->truth);
        cv->t90 += (size_t)covers(&s90, cv->truth);
        /* The same interval with the normal quantile in place of t(9). */
        double half = z * s95.sd / sqrt((double)s95.n);
        cv->z95 += (size_t)(fabs(s95.mean - cv->truth) <= half);
        runner_result_free(res);
    }
    runner_plan_free(plan);
    *state = cv;
    return 0;
}

static int coverage_teardown(void **state)
{
    free(*state);
    return 0;
}

/* [K p - 4 sd, K p + 4 sd] for a binomial(K, p) count. */
static void binomial_band(double p, double *lo, double *hi)
{
    double mean = COVERAGE_K * p, sd = sqrt(COVERAGE_K * p * (1 - p));
    *lo = mean - 4 * sd;
    *hi = mean + 4 * sd;
}

static void report(const char *what, size_t count, double p, double truth)
{
    double lo, hi;
    binomial_band(p, &lo, &hi);
    print_message("%s: %zu of %d intervals cover %g (%.4f); binomial band for %.2f: "
                  "[%.1f, %.1f]\n", what, count, COVERAGE_K, truth,
                  (double)count / COVERAGE_K, p, lo, hi);
}

static void t_intervals_cover_the_true_mean_95_percent_of_the_time(void **state)
{
    coverage *cv = *state;
    double lo, hi;
    binomial_band(0.95, &lo, &hi);
    report("t, 95%", cv->t95, 0.95, cv->truth);
    assert_true(cv->t95 >= lo && cv->t95 <= hi);
}

static void t_intervals_at_90_percent_cover_90_percent_of_the_time(void **state)
{
    coverage *cv = *state;
    double lo, hi;
    binomial_band(0.90, &lo, &hi);
    report("t, 90%", cv->t90, 0.90, cv->truth);
    assert_true(cv->t90 >= lo && cv->t90 <= hi);
    assert_true(cv->t90 < cv->t95); /* nested intervals: never more */
}

/* What the t quantile buys: with the normal quantile the same 95% intervals would
 * under-cover by more than the binomial band allows. */
static void normal_quantile_would_under_cover_with_ten_replications(void **state)
{
    coverage *cv = *state;
    double lo, hi;
    binomial_band(0.95, &lo, &hi);
    report("z, 95%", cv->z95, 0.95, cv->truth);
    assert_true(cv->z95 < lo);
}

/* ---- the analytic column of the summary CSV ------------------------------------------- */

#define MAX_FIELDS 32

/* Split a CSV line without quotes in place; returns the number of fields. */
static size_t split(char *line, char **fields)
{
    size_t n = 0;
    assert_null(strchr(line, '"'));
    for (char *p = line;; p++) {
        assert_true(n < MAX_FIELDS);
        fields[n++] = p;
        p += strcspn(p, ",");
        if (*p == '\0')
            return n;
        *p = '\0';
    }
}

static size_t column(char **header, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(header[i], name) == 0)
            return i;
    fail_msg("no column %s in the summary header", name);
    return 0;
}

static void summary_csv_analytic_column_has_mm1_values_and_is_empty_in_overload(void **state)
{
    (void)state;
    static const char *const settings[] = {"customers=300", "warmup=30", NULL};
    runner_plan *plan = plan_of("mm1", settings);
    runner_err err;
    assert_int_equal(runner_plan_sweep(plan, "lambda=0.9,1.2", &err), 0);
    runner_result *res = run_all(plan, 3, 7, 1);
    const exp_experiment *e = runner_result_experiment(res);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(runner_csv_write_summary(f, res, 0.95), 0);
    assert_int_equal(fclose(f), 0);

    char *save = NULL, *line = strtok_r(text, "\n", &save);
    char *head[MAX_FIELDS], *row[MAX_FIELDS];
    assert_non_null(line);
    size_t n = split(line, head);
    size_t c_point = column(head, n, "point"), c_lambda = column(head, n, "lambda");
    size_t c_metric = column(head, n, "metric"), c_analytic = column(head, n, "analytic");

    size_t rows = 0, wait_rows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        assert_int_equal(split(line, row), n);
        size_t point = (size_t)strtoul(row[c_point], NULL, 10);
        double lambda = strtod(row[c_lambda], NULL);
        assert_true(point < runner_result_points(res));
        assert_true(lambda == runner_result_params(res, point)[exp_param_index(e, "lambda")]);
        int m = exp_metric_index(e, row[c_metric]);
        assert_true(m >= 0);
        rows++;
        if (lambda >= 1.0) { /* rho >= 1: no steady state, nothing to compare with */
            assert_string_equal(row[c_analytic], "");
            continue;
        }
        double exact, cell;
        char *end;
        assert_int_equal(e->analytic(runner_result_params(res, point), (size_t)m, &exact), 1);
        cell = strtod(row[c_analytic], &end);
        assert_true(end != row[c_analytic] && *end == '\0');
        assert_true(cell == exact); /* printed to read back exactly */
        if (m == exp_metric_index(e, "wait")) {
            print_message("lambda %g: wait analytic cell \"%s\"\n", lambda, row[c_analytic]);
            assert_true(fabs(cell - 9.0) < 1e-12);
            wait_rows++;
        }
    }
    assert_int_equal(rows, 2 * e->n_metrics);
    assert_int_equal(wait_rows, 1);
    free(text);
    runner_result_free(res);
    runner_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest long_tests[] = {
        cmocka_unit_test(analytic_values_lie_in_the_long_run_intervals),
        cmocka_unit_test(long_run_wait_interval_excludes_the_analytic_system_time),
    };
    const struct CMUnitTest coverage_tests[] = {
        cmocka_unit_test(t_intervals_cover_the_true_mean_95_percent_of_the_time),
        cmocka_unit_test(t_intervals_at_90_percent_cover_90_percent_of_the_time),
        cmocka_unit_test(normal_quantile_would_under_cover_with_ten_replications),
    };
    const struct CMUnitTest csv_tests[] = {
        cmocka_unit_test(summary_csv_analytic_column_has_mm1_values_and_is_empty_in_overload),
    };
    int failed = cmocka_run_group_tests_name("long runs", long_tests, long_runs_setup,
                                             long_runs_teardown);
    failed += cmocka_run_group_tests_name("coverage", coverage_tests, coverage_setup,
                                          coverage_teardown);
    failed += cmocka_run_group_tests_name("summary csv", csv_tests, NULL, NULL);
    return failed;
}
