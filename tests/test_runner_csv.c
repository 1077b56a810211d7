/* The runner's files: per-replication and summary CSV (shape, quoting, numbers that
 * read back exactly), files that appear only when complete, and merging shards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"
#include "scratch_dir.h"
#include "test_runner_models.h"

/* ---- helpers ------------------------------------------------------------------ */

typedef struct {
    char dir[64];
} scratch;

static int scratch_setup(void **state)
{
    scratch *s = malloc(sizeof *s);
    if (!s || scratch_make(s->dir, sizeof s->dir, "csv") != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int scratch_teardown(void **state)
{
    scratch *s = *state;
    int rc = scratch_remove(s->dir);
    free(s);
    return rc;
}

static char *path_in(const scratch *s, const char *name)
{
    static char buf[4][128]; /* test thread only; a few live at once */
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 128, "%s/%s", s->dir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* What a function writing to a FILE* wrote. */
static char *written(int (*fn)(FILE *, const runner_result *), const runner_result *res)
{
    FILE *f = tmpfile();
    assert_int_equal(fn(f, res), 0);
    long len = ftell(f);
    char *buf = calloc(1, (size_t)len + 1);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return buf;
}

static int summary95(FILE *f, const runner_result *res)
{
    return runner_csv_write_summary(f, res, 0.95);
}

/* A minimal RFC 4180 reader: fields of one record into out[], returns their count and
 * advances *s past the record. */
static int record(const char **s, char out[][64], int max)
{
    int n = 0;
    const char *c = *s;
    for (;;) {
        size_t len = 0;
        if (*c == '"') {
            for (c++; *c && !(c[0] == '"' && c[1] != '"'); c++) {
                if (*c == '"')
                    c++;
                out[n][len++] = *c;
            }
            c++;
        } else {
            while (*c && *c != ',' && *c != '\n')
                out[n][len++] = *c++;
        }
        out[n++][len] = '\0';
        if (*c != ',' || n == max)
            break;
        c++;
    }
    if (*c == '\n')
        c++;
    *s = c;
    return n;
}

/* Past the provenance line that opens a per-replication CSV. */
static void skip_provenance(const char **s)
{
    assert_memory_equal(*s, "# procsim ", 10);
    *s = strchr(*s, '\n') + 1;
}

static runner_result *run_with(const exp_experiment *e, const char *sweep, size_t reps,
                               long only_rep, uint64_t seed, int crn)
{
    runner_plan *plan = runner_plan_new(e);
    runner_options opt;
    runner_err err;
    if (sweep)
        assert_int_equal(runner_plan_sweep(plan, sweep, &err), 0);
    runner_options_init(&opt);
    opt.reps = reps;
    opt.only_rep = only_rep;
    opt.threads = 2;
    opt.seed = seed;
    opt.crn = crn;
    runner_result *res = runner_run(plan, &opt, &err);
    assert_non_null(res);
    runner_plan_free(plan);
    return res;
}

static runner_result *run(const exp_experiment *e, const char *sweep, size_t reps,
                          long only_rep)
{
    return run_with(e, sweep, reps, only_rep, 1, 1);
}

/* ---- per-replication CSV -------------------------------------------------------- */

static void reps_csv_has_one_row_per_replication_with_seed_params_metrics(void **state)
{
    (void)state;
    runner_result *res = run(tm_sleepy(), "rate=0.5,2", 3, -1);
    char *csv = written(runner_csv_write_reps, res);
    const char *s = csv;
    char f[16][64];
    skip_provenance(&s);
    assert_int_equal(record(&s, f, 16), 7);
    const char *head[] = {"point", "rep", "seed", "rate", "sleeps", "end", "late"};
    for (int i = 0; i < 7; i++)
        assert_string_equal(f[i], head[i]);
    for (size_t p = 0; p < 2; p++)
        for (size_t r = 0; r < 3; r++) {
            assert_int_equal(record(&s, f, 16), 7);
            assert_int_equal(strtoull(f[0], NULL, 10), p);
            assert_int_equal(strtoull(f[1], NULL, 10), r);
            assert_true(strtoull(f[2], NULL, 10) == runner_seed(1, p, r, 1));
            assert_true(strtod(f[3], NULL) == (p ? 2.0 : 0.5));
            assert_string_equal(f[4], "1");
            /* numbers read back to the very same double */
            const double *m = runner_result_metrics(res, p, r);
            assert_true(strtod(f[5], NULL) == m[0]);
            if (isnan(m[1]))
                assert_string_equal(f[6], ""); /* undefined: an empty cell */
            else
                assert_true(strtod(f[6], NULL) == m[1]);
        }
    assert_string_equal(s, "");
    free(csv);
    runner_result_free(res);
}

static void reps_csv_leaves_out_failed_replications(void **state)
{
    (void)state;
    runner_result *res = run(tm_flaky(), NULL, 5, -1);
    char *csv = written(runner_csv_write_reps, res);
    const char *s = csv;
    char f[16][64];
    skip_provenance(&s);
    record(&s, f, 16);
    for (size_t r = 0; r < 5; r++) {
        if (r == TM_FLAKY_REP)
            continue;
        record(&s, f, 16);
        assert_int_equal(strtoull(f[1], NULL, 10), r);
    }
    assert_string_equal(s, "");
    free(csv);
    runner_result_free(res);
}

static void reps_csv_opens_with_what_made_it(void **state)
{
    (void)state;
    runner_result *res = run_with(tm_sleepy(), "rate=0.5,2", 2, -1, 7, 0);
    char *csv = written(runner_csv_write_reps, res);
    const char *nl = strchr(csv, '\n');
    const char *tail = " experiment=sleepy seed=7 crn=0 params=2\n";
    assert_memory_equal(csv, "# procsim ", 10);
    assert_memory_equal(nl + 1 - strlen(tail), tail, strlen(tail));
    assert_memory_equal(nl + 1, "point,rep,seed,rate,sleeps,", 27);
    free(csv);
    runner_result_free(res);
}

static void names_with_commas_and_quotes_are_quoted(void **state)
{
    (void)state;
    runner_result *res = run(tm_odd(), NULL, 1, -1);
    char *csv = written(runner_csv_write_reps, res);
    assert_non_null(strstr(csv, "point,rep,seed,x,\"a,b\",\"say \"\"hi\"\"\"\n"));
    assert_non_null(strstr(csv, ",0.5,0.5,2.5\n"));
    free(csv);
    csv = written(summary95, res);
    assert_non_null(strstr(csv, ",\"a,b\",1,"));
    assert_non_null(strstr(csv, ",\"say \"\"hi\"\"\",1,"));
    free(csv);
    runner_result_free(res);
}

/* ---- summary CSV ------------------------------------------------------------------ */

static void summary_csv_has_one_row_per_point_and_metric(void **state)
{
    (void)state;
    runner_result *res = run(tm_sleepy(), "sleeps=1,4,9", 20, -1);
    char *csv = written(summary95, res);
    const char *s = csv;
    char f[20][64];
    assert_int_equal(record(&s, f, 20), 13);
    const char *head[] = {"point", "rate", "sleeps", "metric", "n", "mean", "sd", "ci_low",
                          "ci_high", "half_width", "min", "max", "analytic"};
    for (int i = 0; i < 13; i++)
        assert_string_equal(f[i], head[i]);
    for (size_t p = 0; p < 3; p++)
        for (size_t m = 0; m < 2; m++) {
            stats_summary sum;
            runner_summarize(res, p, m, 0.95, &sum);
            assert_int_equal(record(&s, f, 20), 13);
            assert_int_equal(strtoull(f[0], NULL, 10), p);
            assert_string_equal(f[3], m ? "late" : "end");
            assert_int_equal(strtoull(f[4], NULL, 10), sum.n);
            assert_true(strtod(f[5], NULL) == sum.mean);
            assert_true(strtod(f[9], NULL) == sum.half_width);
            /* sleepy knows the mean end time (sleeps / rate), not the other metric */
            if (m == 0)
                assert_true(strtod(f[12], NULL) == (double)(p * p + 2 * p + 1));
            else
                assert_string_equal(f[12], "");
        }
    assert_string_equal(s, "");
    free(csv);
    runner_result_free(res);
}

static void summary_of_one_replication_has_empty_spread_cells(void **state)
{
    (void)state;
    runner_result *res = run(tm_odd(), NULL, 1, -1);
    char *csv = written(summary95, res);
    /* point,x,metric,n,mean,sd,ci_low,ci_high,half_width,min,max,analytic */
    assert_non_null(strstr(csv, "\n0,0.5,\"a,b\",1,0.5,,,,,0.5,0.5,\n"));
    free(csv);
    runner_result_free(res);
}

/* ---- files ------------------------------------------------------------------------ */

static void output_appears_only_when_committed(void **state)
{
    scratch *s = *state;
    const char *target = path_in(s, "out.csv");
    runner_err err;
    runner_outfile *of = runner_outfile_open(target, &err);
    assert_non_null(of);
    fputs("partial", runner_outfile_stream(of));
    assert_false(exists(target));
    assert_int_equal(runner_outfile_commit(of, &err), 0);
    char *text = slurp(target);
    assert_string_equal(text, "partial");
    free(text);
    assert_int_equal(scratch_entries(s->dir), 1); /* no temporary left behind */
}

static void committing_replaces_an_existing_file_whole(void **state)
{
    scratch *s = *state;
    const char *target = path_in(s, "out.csv");
    FILE *f = fopen(target, "w");
    fputs("old content that is longer", f);
    fclose(f);
    runner_err err;
    runner_outfile *of = runner_outfile_open(target, &err);
    fputs("new", runner_outfile_stream(of));
    char *text = slurp(target);
    assert_string_equal(text, "old content that is longer");
    free(text);
    assert_int_equal(runner_outfile_commit(of, &err), 0);
    text = slurp(target);
    assert_string_equal(text, "new");
    free(text);
}

static void aborted_output_leaves_nothing(void **state)
{
    scratch *s = *state;
    runner_err err;
    runner_outfile *of = runner_outfile_open(path_in(s, "out.csv"), &err);
    fputs("half", runner_outfile_stream(of));
    runner_outfile_abort(of);
    assert_int_equal(scratch_entries(s->dir), 0);
}

static void unwritable_paths_fail_when_opened(void **state)
{
    scratch *s = *state;
    runner_err err;
    assert_null(runner_outfile_open(path_in(s, "missing/out.csv"), &err));
    assert_non_null(strstr(err.msg, "No such file or directory"));
    assert_null(runner_outfile_open(s->dir, &err));
    assert_non_null(strstr(err.msg, "is a directory"));
    assert_null(runner_outfile_open("", &err));
}

/* ---- merge ------------------------------------------------------------------------ */

static void write_reps(const runner_result *res, const char *path)
{
    runner_err err;
    runner_outfile *of = runner_outfile_open(path, &err);
    assert_non_null(of);
    assert_int_equal(runner_csv_write_reps(runner_outfile_stream(of), res), 0);
    assert_int_equal(runner_outfile_commit(of, &err), 0);
}

static void merged_single_rep_shards_equal_the_full_run(void **state)
{
    scratch *s = *state;
    runner_result *full = run(tm_sleepy(), "rate=1,3", 4, -1);
    write_reps(full, path_in(s, "full.csv"));
    runner_result_free(full);
    const char *names[] = {"r2.csv", "r0.csv", "r3.csv", "r1.csv"};
    const char *inputs[4];
    static char paths[4][128];
    for (int i = 0; i < 4; i++) {
        runner_result *one = run(tm_sleepy(), "rate=1,3", 1, names[i][1] - '0');
        strcpy(paths[i], path_in(s, names[i]));
        write_reps(one, paths[i]);
        inputs[i] = paths[i];
        runner_result_free(one);
    }
    runner_err err;
    assert_int_equal(runner_merge(inputs, 4, path_in(s, "merged.csv"), &err), 0);
    char *a = slurp(path_in(s, "full.csv")), *b = slurp(path_in(s, "merged.csv"));
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* The provenance line of the hand-made shards below (seed 1, crn). */
#define PROV "# procsim 0.1.0 experiment=t seed=1 crn=1 params=1\n"

/* `text` with every seed cell written "*" replaced by the seed seed=1 crn=1 gives that
 * line's point and rep, so hand-made rows pass merge's seed check. */
static void write_shard(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    for (const char *c = text; *c; c++) {
        if (*c == '*' && c > text && c[-1] == ',') {
            const char *line = c;
            while (line > text && line[-1] != '\n')
                line--;
            char *end;
            unsigned long long p = strtoull(line, &end, 10);
            unsigned long long r = strtoull(end + 1, NULL, 10);
            fprintf(f, "%llu", (unsigned long long)runner_seed(1, p, r, 1));
        } else {
            fputc(*c, f);
        }
    }
    fclose(f);
}

/* Merging a (valid) and b must fail with `msg` in the message and write nothing. */
static void merge_refuses(const scratch *s, const char *a_text, const char *b_text,
                          const char *msg)
{
    char a[128], b[128];
    strcpy(a, path_in(s, "a.csv"));
    strcpy(b, path_in(s, "b.csv"));
    write_shard(a, a_text);
    write_shard(b, b_text);
    const char *inputs[] = {a, b};
    runner_err err;
    if (runner_merge(inputs, 2, path_in(s, "all.csv"), &err) != -1)
        fail_msg("merge accepted what should give \"%s\"", msg);
    if (strstr(err.msg, msg) == NULL)
        fail_msg("merge said \"%s\", want \"%s\"", err.msg, msg);
    assert_false(exists(path_in(s, "all.csv")));
    assert_int_equal(scratch_entries(s->dir), 2); /* no temporary file either */
}

static void merge_rejects_a_replication_present_twice(void **state)
{
    scratch *s = *state;
    char a[128], b[128];
    strcpy(a, path_in(s, "a.csv"));
    strcpy(b, path_in(s, "b.csv"));
    write_shard(a, PROV "point,rep,seed,x,m\n0,0,*,1,1.5\n0,1,*,1,2.5\n");
    write_shard(b, PROV "point,rep,seed,x,m\n0,1,*,1,2.5\n");
    const char *inputs[] = {a, b};
    runner_err err;
    assert_int_equal(runner_merge(inputs, 2, path_in(s, "all.csv"), &err), -1);
    assert_non_null(strstr(err.msg, "point 0 rep 1 appears twice"));
    assert_non_null(strstr(err.msg, "b.csv' line 3"));
    assert_false(exists(path_in(s, "all.csv")));
}

static void merge_rejects_different_headers(void **state)
{
    scratch *s = *state;
    const char *a = PROV "point,rep,seed,x,m\n0,0,*,1,1.5\n";
    merge_refuses(s, a, PROV "point,rep,seed,x,other\n", "different headers");
    merge_refuses(s, a, PROV "something,else\n", "not a per-replication CSV");
    merge_refuses(s, a, PROV "point,rep,seed\n", "fewer than point,rep,seed and 1 param");
    merge_refuses(s, a, PROV "point,rep,seed,x,\n", "column 5 has no name");
    merge_refuses(s, a, PROV, "no header line");
    merge_refuses(s, a, "", "is empty");
}

/* Each row below is refused, with the file and the line it starts on. */
static void merge_reads_every_row_as_strict_rfc4180(void **state)
{
    scratch *s = *state;
    const char *a = PROV "point,rep,seed,x,m\n0,0,*,1,1.5\n";
    char b[512];
    const struct {
        const char *rows, *msg;
    } bad[] = {
        {"0,1,*,1\n", "line 3: 4 fields where the header has 5"},
        {"0,1,*,1,2,3\n", "line 3: 6 fields where the header has 5"},
        {"0,1,*,1,2,\n", "line 3: 6 fields where the header has 5"},
        /* the open quote would swallow the next line, hiding a second rep 0 */
        {"0,2,*,1,2\n0,1,*,1,\"2\n0,0,*,1,2\n", "line 4: a quoted field that starts here "
                                                "is never closed"},
        {"0,1,*,1,2\"5\n", "line 3: a quote inside a field"},
        {"0,1,*,1,\"2\"5\n", "line 3: text after a closing quote"},
        {"0,1,*,1,2\r5\n", "line 3: a carriage return"},
        {"x,1,*,1,2\n", "line 3: expected point, rep and seed numbers"},
        {"00,1,*,1,2\n", "line 3: expected point, rep and seed numbers"},
        {"0,1,4,1,2\n", "line 3: 4 is not the seed of point 0 rep 1 in a run with seed=1 crn=1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(b, sizeof b, PROV "point,rep,seed,x,m\n%s", bad[i].rows);
        merge_refuses(s, a, b, bad[i].msg);
    }
    /* a NUL byte cannot go through a C string: write it by hand */
    char path[128];
    strcpy(path, path_in(s, "nul.csv"));
    static const char nul[] = PROV "point,rep,seed,x,m\n0,1,4,1,2\0" "5\n";
    FILE *f = fopen(path, "w");
    fwrite(nul, 1, sizeof nul - 1, f);
    fclose(f);
    const char *inputs[] = {path};
    runner_err err;
    assert_int_equal(runner_merge(inputs, 1, path_in(s, "all.csv"), &err), -1);
    assert_non_null(strstr(err.msg, "nul.csv' line 3: a NUL byte"));
    assert_false(exists(path_in(s, "all.csv")));
    unlink(path);
    /* cells after seed are numbers procsim writes: not text, not quoted */
    snprintf(b, sizeof b, PROV "point,rep,seed,x,m\n0,1,%llu,1,abc\n",
             (unsigned long long)runner_seed(1, 0, 1, 1));
    merge_refuses(s, a, b, "line 3: field 5 is not a number");
    snprintf(b, sizeof b, PROV "point,rep,seed,x,m\n0,1,%llu,1,\"2\"\n",
             (unsigned long long)runner_seed(1, 0, 1, 1));
    merge_refuses(s, a, b, "line 3: field 5 is not a number");
}

static void merge_refuses_shards_of_another_run(void **state)
{
    scratch *s = *state;
    const char *a = PROV "point,rep,seed,x,m\n0,0,*,1,1.5\n";
    const char *rest = "point,rep,seed,x,m\n0,1,1,1,2.5\n";
    char b[512];
    const struct {
        const char *prov, *msg;
    } other[] = {
        /* mm1 and md1 have the same columns: only the name tells them apart */
        {"# procsim 0.1.0 experiment=u seed=1 crn=1 params=1", "'experiment=t' and "
                                                              "'experiment=u'"},
        {"# procsim 0.1.0 experiment=t seed=2 crn=1 params=1", "'seed=1' and 'seed=2'"},
        {"# procsim 0.1.0 experiment=t seed=1 crn=0 params=1", "'crn=1' and 'crn=0'"},
        {"# procsim 0.2.0 experiment=t seed=1 crn=1 params=1", "'0.1.0' and '0.2.0'"},
        {"point,rep,seed,x,m", "line 1: no provenance line"},
        {"# procsim 0.1.0 experiment=t crn=1 params=1", "lacks a valid"},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        snprintf(b, sizeof b, "%s\n%s", other[i].prov, rest);
        merge_refuses(s, a, b, other[i].msg);
    }
    /* other --param values at the same point */
    snprintf(b, sizeof b, PROV "point,rep,seed,x,m\n0,1,%llu,2,2.5\n",
             (unsigned long long)runner_seed(1, 0, 1, 1));
    merge_refuses(s, a, b, "point 0 has other parameter values");
}

static void merge_of_header_only_shards_writes_the_header(void **state)
{
    scratch *s = *state;
    char a[128], b[128];
    strcpy(a, path_in(s, "a.csv"));
    strcpy(b, path_in(s, "b.csv"));
    write_shard(a, PROV "point,rep,seed,x,m\n");
    const char *inputs[] = {a, b};
    runner_err err;
    assert_int_equal(runner_merge(inputs, 1, path_in(s, "all.csv"), &err), 0);
    char *text = slurp(path_in(s, "all.csv"));
    assert_string_equal(text, PROV "point,rep,seed,x,m\n");
    free(text);
    write_shard(b, PROV "point,rep,seed,x,m\n0,3,*,1,2\n");
    assert_int_equal(runner_merge(inputs, 2, path_in(s, "all.csv"), &err), 0);
    text = slurp(path_in(s, "all.csv"));
    assert_memory_equal(text + strlen(PROV), "point,rep,seed,x,m\n0,3,", 21);
    free(text);
}

static void merge_sorts_numerically_and_keeps_quoted_names(void **state)
{
    scratch *s = *state;
    char a[128], b[128];
    strcpy(a, path_in(s, "a.csv"));
    strcpy(b, path_in(s, "b.csv"));
    write_shard(a, "# procsim 0.1.0 experiment=t seed=1 crn=1 params=0\r\n"
                   "point,rep,seed,\"x,\ny\"\r\n10,0,*,inf\r\n2,1,*,\r\n");
    write_shard(b, "# procsim 0.1.0 experiment=t seed=1 crn=1 params=0\n"
                   "point,rep,seed,\"x,\ny\"\n2,0,*,4\n\n10,1,*,-5e-300");
    const char *inputs[] = {a, b};
    runner_err err;
    assert_int_equal(runner_merge(inputs, 2, path_in(s, "all.csv"), &err), 0);
    char *text = slurp(path_in(s, "all.csv"));
    char want[512];
    snprintf(want, sizeof want,
             "# procsim 0.1.0 experiment=t seed=1 crn=1 params=0\n"
             "point,rep,seed,\"x,\ny\"\n2,0,%llu,4\n2,1,%llu,\n10,0,%llu,inf\n"
             "10,1,%llu,-5e-300\n",
             (unsigned long long)runner_seed(1, 2, 0, 1),
             (unsigned long long)runner_seed(1, 2, 1, 1),
             (unsigned long long)runner_seed(1, 10, 0, 1),
             (unsigned long long)runner_seed(1, 10, 1, 1));
    assert_string_equal(text, want);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reps_csv_has_one_row_per_replication_with_seed_params_metrics),
        cmocka_unit_test(reps_csv_leaves_out_failed_replications),
        cmocka_unit_test(reps_csv_opens_with_what_made_it),
        cmocka_unit_test(names_with_commas_and_quotes_are_quoted),
        cmocka_unit_test(summary_csv_has_one_row_per_point_and_metric),
        cmocka_unit_test(summary_of_one_replication_has_empty_spread_cells),
        cmocka_unit_test_setup_teardown(output_appears_only_when_committed, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(committing_replaces_an_existing_file_whole,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(aborted_output_leaves_nothing, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(unwritable_paths_fail_when_opened, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(merged_single_rep_shards_equal_the_full_run,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(merge_rejects_a_replication_present_twice,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(merge_rejects_different_headers, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(merge_reads_every_row_as_strict_rfc4180,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(merge_refuses_shards_of_another_run, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(merge_of_header_only_shards_writes_the_header,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(merge_sorts_numerically_and_keeps_quoted_names,
                                        scratch_setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
