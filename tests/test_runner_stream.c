/* Streaming runs (runner_options.rows): rows arrive in (point, rep) order whatever the
 * thread count, equal to the rows a stored run keeps, and the summaries folded on the
 * way have the stored run's bits; failures and shards stream the same way. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "test_runner_models.h"

typedef struct {
    runner_row *rows; /* copies; metrics in m */
    double *m;
    size_t n, cap, nm;
} sink;

static void collect(void *ctx, const runner_row *row)
{
    sink *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->rows = realloc(s->rows, s->cap * sizeof *s->rows);
        s->m = realloc(s->m, s->cap * s->nm * sizeof *s->m);
        assert_non_null(s->rows);
        assert_non_null(s->m);
    }
    s->rows[s->n] = *row;
    s->rows[s->n].error = NULL;
    memcpy(s->m + s->n * s->nm, row->metrics, s->nm * sizeof *s->m);
    s->n++;
}

static runner_plan *plan_with(const exp_experiment *e, const char *sweep)
{
    runner_plan *plan = runner_plan_new(e);
    runner_err err;
    assert_non_null(plan);
    if (sweep && runner_plan_sweep(plan, sweep, &err) != 0)
        fail_msg("sweep %s: %s", sweep, err.msg);
    return plan;
}

static runner_result *run(const runner_plan *plan, unsigned threads, size_t reps,
                          sink *s, size_t shard, size_t shards)
{
    runner_options opt;
    runner_err err;
    runner_options_init(&opt);
    opt.threads = threads;
    opt.reps = reps;
    opt.shard = shard;
    opt.shards = shards;
    if (s) {
        opt.rows = collect;
        opt.rows_ctx = s;
    }
    runner_result *res = runner_run(plan, &opt, &err);
    if (res == NULL)
        fail_msg("runner_run: %s", err.msg);
    return res;
}

/* Summaries of every (point, metric) with the same bits in both results. */
static void assert_same_summaries(const runner_result *a, const runner_result *b)
{
    const exp_experiment *e = runner_result_experiment(a);
    for (size_t p = 0; p < runner_result_points(a); p++)
        for (size_t m = 0; m < e->n_metrics; m++) {
            stats_summary x, y;
            assert_int_equal(runner_summarize(a, p, m, 0.95, &x),
                             runner_summarize(b, p, m, 0.95, &y));
            assert_int_equal(x.n, y.n);
            const double xs[] = {x.mean, x.sd, x.half_width, x.min, x.max};
            const double ys[] = {y.mean, y.sd, y.half_width, y.min, y.max};
            assert_memory_equal(xs, ys, sizeof xs);
        }
}

static void rows_stream_in_order_equal_to_a_stored_run_for_any_thread_count(void **state)
{
    (void)state;
    /* sleeps=1..9: long and short replications side by side finish out of order */
    runner_plan *plan = plan_with(tm_sleepy(), "sleeps=1,9,2,7");
    runner_result *stored = run(plan, 2, 300, NULL, 0, 1);
    for (unsigned threads = 1; threads <= 7; threads += 3) {
        sink s = {.nm = 2};
        runner_result *res = run(plan, threads, 300, &s, 0, 1);
        assert_true(runner_result_streamed(res));
        assert_int_equal(s.n, 4 * 300);
        for (size_t i = 0; i < s.n; i++) {
            size_t p = i / 300, r = i % 300;
            assert_int_equal(s.rows[i].point, p);
            assert_int_equal(s.rows[i].rep, r);
            assert_int_equal(s.rows[i].state, RUNNER_REP_OK);
            assert_true(s.rows[i].seed == runner_result_seed(stored, p, r));
            assert_memory_equal(s.m + i * 2, runner_result_metrics(stored, p, r),
                                2 * sizeof(double));
        }
        /* a streamed run keeps no rows, only what the summary needs */
        assert_null(runner_result_metrics(res, 0, 0));
        assert_same_summaries(stored, res);
        assert_int_equal(runner_result_completed(res), 4 * 300);
        runner_result_free(res);
        free(s.rows);
        free(s.m);
    }
    runner_result_free(stored);
    runner_plan_free(plan);
}

static void failures_stream_with_their_messages_and_are_left_out_of_summaries(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_flaky(), "rate=1,2");
    sink s = {.nm = 2};
    runner_result *stored = run(plan, 2, 6, NULL, 0, 1);
    runner_result *res = run(plan, 2, 6, &s, 0, 1);
    assert_int_equal(s.n, 12);
    assert_int_equal(runner_result_failed(res), 2);
    for (size_t k = 0; k < 2; k++) {
        size_t p, r;
        const char *msg;
        assert_int_equal(runner_result_failure(res, k, &p, &r, &msg), 0);
        assert_int_equal(p, k);
        assert_int_equal(r, TM_FLAKY_REP);
        assert_non_null(msg);
        assert_int_equal(s.rows[k * 6 + TM_FLAKY_REP].state, RUNNER_REP_FAILED);
        /* the stored run names the same failures the same way */
        size_t p2, r2;
        const char *msg2;
        assert_int_equal(runner_result_failure(stored, k, &p2, &r2, &msg2), 0);
        assert_int_equal(p2, p);
        assert_int_equal(r2, r);
        assert_string_equal(msg2, msg);
    }
    assert_int_equal(runner_result_failure(res, 2, &(size_t){0}, &(size_t){0},
                                           &(const char *){NULL}), -1);
    assert_same_summaries(stored, res);
    runner_result_free(res);
    runner_result_free(stored);
    runner_plan_free(plan);
    free(s.rows);
    free(s.m);
}

static void a_shard_streams_exactly_its_tasks_and_the_shards_make_the_run(void **state)
{
    (void)state;
    runner_plan *plan = plan_with(tm_sleepy(), "sleeps=1,3,5");
    runner_result *full = run(plan, 1, 10, NULL, 0, 1);
    size_t seen = 0;
    for (size_t k = 0; k < 4; k++) {
        sink s = {.nm = 2};
        runner_result *res = run(plan, 2, 10, &s, k, 4);
        for (size_t i = 0; i < s.n; i++) {
            const runner_row *row = &s.rows[i];
            assert_int_equal((row->point + row->rep) % 4, k);
            assert_true(i == 0 || row->point > s.rows[i - 1].point ||
                        row->rep > s.rows[i - 1].rep);
            assert_memory_equal(s.m + i * 2, runner_result_metrics(full, row->point, row->rep),
                                2 * sizeof(double));
        }
        seen += s.n;
        runner_result_free(res);
        free(s.rows);
        free(s.m);
    }
    assert_int_equal(seen, 30);
    runner_result_free(full);
    runner_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_stream_in_order_equal_to_a_stored_run_for_any_thread_count),
        cmocka_unit_test(failures_stream_with_their_messages_and_are_left_out_of_summaries),
        cmocka_unit_test(a_shard_streams_exactly_its_tasks_and_the_shards_make_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
