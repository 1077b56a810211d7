/* The procsim command line, run in-process against the in-test experiments: every
 * bad-usage case exits 2 with one message and touches no file; failures exit 1 and name
 * point, rep and seed; list, describe, trace, --version. The same behaviours against
 * the real mm1 model are checked by tests/cli_*.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"
#include "scratch_dir.h"
#include "test_runner_models.h"

/* The name the program gives runner_cli_io (NULL: procsim); setup() resets it. */
static const char *cli_prog;

typedef struct {
    char dir[64];
    int rc;
    char out[1 << 16], err[1 << 16];
} cli_state;

static int setup(void **state)
{
    cli_state *s = calloc(1, sizeof *s);
    cli_prog = NULL;
    if (!s || scratch_make(s->dir, sizeof s->dir, "cli") != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    cli_state *s = *state;
    int rc = scratch_remove(s->dir);
    free(s);
    return rc;
}

static void read_all(FILE *f, char *buf, size_t cap)
{
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Run "procsim <words>", words separated by single spaces; "@" stands for the scratch
 * directory. Leaves exit status, stdout and stderr in s. */
static int cli(cli_state *s, const char *words)
{
    char line[1024], *argv[64];
    int argc = 0;
    const char *w = words;
    size_t len = 0;
    for (; *w && len < sizeof line - 64; w++) {
        if (*w == '@')
            len += (size_t)snprintf(line + len, sizeof line - len, "%s", s->dir);
        else
            line[len++] = *w;
    }
    line[len] = '\0';
    argv[argc++] = "procsim";
    for (char *tok = strtok(line, " "); tok && argc < 63; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc] = NULL;
    const exp_experiment *exps[] = {tm_sleepy(), tm_flaky(), tm_odd(), tm_spin(), tm_packed()};
    runner_cli_io io = {exps, 5, tmpfile(), tmpfile(), 0, cli_prog};
    s->rc = runner_cli_main(argc, argv, &io);
    read_all(io.out, s->out, sizeof s->out);
    read_all(io.err, s->err, sizeof s->err);
    return s->rc;
}

/* The file `name` in the scratch directory, read whole; the caller frees it. */
static char *slurp_in(const cli_state *s, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    return slurp(path);
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("'%s' does not mention '%s'", text, part);
}

/* ---- bad usage ------------------------------------------------------------------ */

static void bad_usage_exits_2_with_one_message_and_no_files(void **state)
{
    cli_state *s = *state;
    static const struct {
        const char *args, *message;
    } cases[] = {
        {"run nosuch", "unknown experiment 'nosuch'"},
        {"describe nosuch", "unknown experiment 'nosuch'"},
        {"run", "needs an experiment name"},
        {"run sleepy --param lambda=2 -o @/a.csv", "unknown parameter 'lambda'"},
        {"run sleepy --param rate=fast -o @/a.csv", "'fast' is not a number"},
        {"run sleepy --param rate=-1 -o @/a.csv", "out of range"},
        {"run sleepy --param sleeps=1.5 -o @/a.csv", "whole number"},
        {"run sleepy --sweep rate=2:1:1 -o @/a.csv", "empty"},
        {"run sleepy --sweep rate= -o @/a.csv", "empty"},
        {"run sleepy --sweep rate=1:2:0 -o @/a.csv", "zero"},
        {"run sleepy -j 4097 -o @/a.csv", "at most 4096"},
        {"run sleepy -r 0 -o @/a.csv", "-r must be at least 1"},
        {"run sleepy -r ten -o @/a.csv", "-r expects a whole number, got 'ten'"},
        {"run sleepy -r -5 -o @/a.csv", "-r expects a whole number"},
        {"run sleepy --seed -1 -o @/a.csv", "--seed expects a whole number"},
        {"run sleepy --confidence 1.5 -o @/a.csv", "--confidence must be between 0 and 1"},
        {"run sleepy --precision 0 -o @/a.csv", "--precision must be between"},
        {"run sleepy --max-reps 100 -o @/a.csv", "--max-reps only applies with --precision"},
        {"run sleepy --precision 0.1 --rep 2 -o @/a.csv", "--rep and --precision conflict"},
        {"run sleepy --precision 0.1 -r 50 --max-reps 20 -o @/a.csv", "below -r"},
        {"run sleepy -r 3 --rep 3 -o @/a.csv", "--rep 3 is outside -r 3"},
        {"run sleepy -o @/a.csv --summary @/a.csv", "are the same file"},
        {"run sleepy -r 2 -r 3 -o @/a.csv", "given twice"},
        {"run sleepy --param rate=2 --sweep rate=1,2 -o @/a.csv", "more than once"},
        {"run sleepy --frobnicate -o @/a.csv", "unknown option '--frobnicate'"},
        {"run sleepy odd -o @/a.csv", "unexpected argument 'odd'"},
        {"run sleepy -o", "-o needs a value"},
        {"run sleepy -r 100000000000 -o @/a.csv", "of memory available"},
        {"run sleepy -o @/no/such/dir/a.csv", "No such file or directory"},
        {"run sleepy -o @", "is a directory"},
        {"trace sleepy --sweep rate=1,2", "unknown option '--sweep'"},
        {"merge @/x.csv", "needs an output file"},
        {"merge -o @/a.csv", "needs input files"},
        {"merge @/missing.csv -o @/a.csv", "cannot read"},
        {"frobnicate", "unknown command 'frobnicate'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cli(s, cases[i].args) != 2)
            fail_msg("'%s' exited %d, not 2 (stderr: %s)", cases[i].args, s->rc, s->err);
        if (strstr(s->err, cases[i].message) == NULL)
            fail_msg("'%s': '%s' does not say '%s'", cases[i].args, s->err, cases[i].message);
        if (strncmp(s->err, "procsim: ", 9) != 0 || strchr(s->err, '\n') != strrchr(s->err, '\n'))
            fail_msg("'%s': not one 'procsim: ' line: '%s'", cases[i].args, s->err);
        assert_string_equal(s->out, "");
        assert_int_equal(scratch_entries(s->dir), 0);
    }
}

static void unwritable_output_stops_before_any_file_is_made(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "run spin --param work=100000 -r 1000 --summary @/s.csv "
                            "-o @/missing/r.csv"),
                     2);
    assert_int_equal(scratch_entries(s->dir), 0);
    assert_contains(s->err, "missing/r.csv");
}

/* ---- runs ------------------------------------------------------------------------- */

static void failed_replications_exit_1_naming_point_rep_and_seed(void **state)
{
    cli_state *s = *state;
    char want[128];
    assert_int_equal(cli(s, "run flaky -r 5 -q --sweep rate=1,2 -o @/r.csv --summary @/s.csv"),
                     1);
    snprintf(want, sizeof want, "point 1 (rate=2 sleeps=1) rep 3 seed %llu: ",
             (unsigned long long)runner_seed(1, 1, 3, 1));
    assert_contains(s->err, want);
    assert_contains(s->err, "point 0 (rate=1 sleeps=1) rep 3");
    assert_contains(s->err, "error 42");
    assert_contains(s->err, "2 of 10 replications failed");
    /* the rest are written */
    char *reps = slurp_in(s, "r.csv"), *sum = slurp_in(s, "s.csv");
    assert_contains(reps, "\n1,4,");
    assert_null(strstr(reps, "\n1,3,"));
    assert_contains(sum, "\n0,1,1,end,4,");
    free(reps);
    free(sum);
    assert_int_equal(scratch_entries(s->dir), 2);
}

static void output_is_byte_identical_for_any_jobs_and_for_shards(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "run sleepy -r 30 -j 1 --sweep rate=1,2 --sweep sleeps=1:3:1 "
                            "-o @/j1.csv --summary @/s1.csv"),
                     0);
    assert_int_equal(cli(s, "run sleepy -r 30 -j 2 --sweep rate=1,2 --sweep sleeps=1:3:1 "
                            "-o @/j2.csv --summary @/s2.csv"),
                     0);
    assert_int_equal(cli(s, "run sleepy --rep 29 --sweep rate=1,2 --sweep sleeps=1:3:1 "
                            "-o @/r29.csv"),
                     0);
    char *a = slurp_in(s, "j1.csv"), *b = slurp_in(s, "j2.csv");
    assert_string_equal(a, b);
    char *one = slurp_in(s, "r29.csv");
    /* the same provenance line, and every row of the single-replication run is a row
     * of the full run */
    size_t prov = (size_t)(strchr(one, '\n') - one) + 1;
    assert_memory_equal(one, a, prov);
    const char *row = strchr(one + prov, '\n') + 1;
    int rows = 0;
    for (; *row; row = strchr(row, '\n') + 1, rows++) {
        char line[512];
        size_t len = (size_t)(strchr(row, '\n') - row) + 1;
        memcpy(line + 1, row, len);
        line[0] = '\n';
        line[len + 1] = '\0';
        assert_contains(a, line);
    }
    assert_int_equal(rows, 6);
    free(a);
    free(b);
    free(one);
    a = slurp_in(s, "s1.csv");
    b = slurp_in(s, "s2.csv");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void without_summary_file_a_table_goes_to_stdout(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "run sleepy -r 20 --param sleeps=3"), 0);
    assert_contains(s->out, "point 0: rate=1 sleeps=3");
    assert_contains(s->out, "95% CI");
    assert_contains(s->out, "analytic");
    assert_contains(s->out, "\n  end ");
    assert_string_equal(s->err, "");
    /* A summary file does not take the table away; -q does, and the progress line. */
    assert_int_equal(cli(s, "run sleepy -r 20 --param sleeps=3 --summary @/s.csv"), 0);
    assert_contains(s->out, "point 0: rate=1 sleeps=3");
    assert_int_equal(cli(s, "run sleepy -r 20 --summary @/s.csv -q"), 0);
    assert_string_equal(s->out, "");
    assert_string_equal(s->err, "");
    assert_int_equal(cli(s, "run sleepy -r 20 -q"), 0);
    assert_string_equal(s->out, "");
    /* -j 0 is every core, as threads = 0 is in the library. */
    assert_int_equal(cli(s, "run sleepy -r 20 -j 0 -q --summary @/j0.csv"), 0);
    assert_int_equal(cli(s, "run sleepy -r 20 -j 1 -q --summary @/j1.csv"), 0);
    char *j0 = slurp_in(s, "j0.csv"), *j1 = slurp_in(s, "j1.csv");
    assert_string_equal(j0, j1);
    free(j0);
    free(j1);
}

static void precision_runs_say_whether_the_target_was_met(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "run sleepy --param sleeps=20 --precision 0.05 --summary @/s.csv"),
                     0);
    char *sum = slurp_in(s, "s.csv");
    assert_contains(sum, ",analytic,precision_met\n");
    assert_contains(sum, ",1\n");
    free(sum);
    /* Points left at --max-reps short of the target: everything written, exit 3. */
    assert_int_equal(cli(s, "run sleepy --precision 0.0001 --max-reps 30 --confidence 0.9"), 3);
    assert_contains(s->out, "NOT met");
    assert_contains(s->out, "90% CI");
    assert_contains(s->err, "precision 0.0001 not reached at 1 of 1 points (1 at --max-reps 30)");
}

/* With one exponential sleep, `end` has a coefficient of variation of 1, `late` (end
 * given end > 1) about 0.5: the same relative target needs about 380 replications for
 * `end` and about 260 for `late`. Capped at 300, all metrics miss, `late` alone does not. */
static void precision_metric_limits_the_stopping_rule(void **state)
{
    cli_state *s = *state;
    const char *base = "run sleepy --param sleeps=1 --precision 0.1 --max-reps 300 -q";
    char cmd[256];
    assert_int_equal(cli(s, base), 3);
    snprintf(cmd, sizeof cmd, "%s --precision-metric late --summary @/s.csv", base);
    assert_int_equal(cli(s, cmd), 0);
    assert_string_equal(s->err, "");
    char *sum = slurp_in(s, "s.csv");
    assert_contains(sum, ",late,");
    assert_null(strstr(sum, ",0\n")); /* precision_met is 1 on every row */
    free(sum);
}

/* A metric near zero: no relative target is reachable, an absolute one is. */
static void abs_precision_stops_metrics_near_zero(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "run sleepy --param rate=1000 --precision 0.0001 --max-reps 200 "
                            "--precision-metric end -q"), 3);
    assert_int_equal(cli(s, "run sleepy --param rate=1000 --abs-precision 0.01 --max-reps 200 "
                            "--precision-metric end --summary @/s.csv"), 0);
    char *sum = slurp_in(s, "s.csv");
    assert_contains(sum, ",precision_met\n");
    assert_contains(sum, ",end,10,"); /* met with the first 10 replications */
    free(sum);
    assert_contains(s->out, "(precision +/-0.01 met)");
}

/* ---- list, describe, trace ------------------------------------------------------- */

static void list_shows_experiments_with_parameters_and_metrics(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "list"), 0);
    assert_contains(s->out, "sleepy  exponential sleeps\n  parameters: rate sleeps\n"
                            "  metrics:    end late\n");
    assert_contains(s->out, "\nspin  ");
}

static void describe_shows_defaults_ranges_and_help(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "describe sleepy"), 0);
    assert_contains(s->out, "sleepy: exponential sleeps");
    assert_contains(s->out, "rate    default 1");
    assert_contains(s->out, "[0.001, 1000]");
    assert_contains(s->out, "[1, 1000] whole");
    assert_contains(s->out, "rate of each exponential sleep");
    assert_contains(s->out, "late    the end time when it is past 1");
}

static void describe_shows_the_stacks_an_experiment_declares(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "describe packed"), 0);
    assert_contains(s->out, "\nprocess stacks: 262144 bytes, packed\n");
    assert_int_equal(cli(s, "describe sleepy"), 0);
    if (strstr(s->out, "process stacks"))
        fail_msg("describe shows stacks sleepy does not declare: %s", s->out);
}

static void trace_prints_the_model_trace_and_nothing_else(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "trace odd --param x=2"), 0);
    assert_string_equal(s->out, "start at 0\nend at 2.5\n");
    assert_string_equal(s->err, "");
}

static void trace_of_a_failing_replication_exits_1(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "trace flaky --rep 2"), 0);
    assert_int_equal(cli(s, "trace flaky --rep 3"), 1);
    assert_contains(s->err, "replication failed");
}

static void version_and_help_exit_0(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "--version"), 0);
    assert_true(strncmp(s->out, "procsim ", 8) == 0);
    assert_int_equal(cli(s, "--help"), 0);
    assert_contains(s->out, "\n  compare ");
    assert_contains(s->out, "COMMAND --help");
    assert_int_equal(cli(s, "help"), 0);
    /* Each command's own help, however it is asked for. */
    assert_int_equal(cli(s, "run --help"), 0);
    assert_contains(s->out, "--sweep k=a:b:step");
    assert_contains(s->out, "--precision-metric NAME");
    assert_contains(s->out, "3 (run) some points reached --max-reps");
    assert_int_equal(cli(s, "help run"), 0);
    assert_contains(s->out, "--sweep k=a:b:step");
    const char *cmds[] = {"list", "describe", "trace", "merge", "plot", "compare"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "%s --help", cmds[i]);
        assert_int_equal(cli(s, cmd), 0);
        snprintf(cmd, sizeof cmd, "usage:\n  procsim %s", cmds[i]);
        assert_contains(s->out, cmd);
    }
    assert_int_equal(cli(s, "run sleepy -r 3 -h"), 0);
    assert_contains(s->out, "--sweep");
}

/* A user's own program (procsim_main with its name): usage, version and every message
 * say its name, never procsim's. */
static void messages_carry_the_program_name(void **state)
{
    cli_state *s = *state;
    cli_prog = "edsim";
    assert_int_equal(cli(s, "run nope"), 2);
    assert_string_equal(s->err, "edsim: unknown experiment 'nope' (edsim list shows them)\n");
    assert_int_equal(cli(s, "run sleepy --param nosuch=1"), 2);
    assert_true(strncmp(s->err, "edsim: run: ", 12) == 0);
    assert_int_equal(cli(s, "frobnicate"), 2);
    assert_string_equal(s->err, "edsim: unknown command 'frobnicate' (edsim --help lists them)\n");
    assert_int_equal(cli(s, "trace flaky --rep 3"), 1);
    assert_true(strncmp(s->err, "edsim: trace: ", 14) == 0);
    assert_int_equal(cli(s, "--help"), 0);
    assert_true(strncmp(s->out, "usage: edsim COMMAND", 20) == 0);
    assert_int_equal(cli(s, "--version"), 0);
    assert_true(strncmp(s->out, "edsim (procsim ", 15) == 0);
    cli_prog = NULL;
}

/* A plugin path that names no file, or a file that is no shared object: exit 2, one line. */
static void plugin_paths_that_are_not_plugins_exit_2(void **state)
{
    cli_state *s = *state;
    assert_int_equal(cli(s, "describe @/none.so"), 2);
    assert_contains(s->err, "procsim: cannot open plugin '");
    assert_contains(s->err, "/none.so': No such file or directory\n");
    char path[128];
    snprintf(path, sizeof path, "%s/text.so", s->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not an object\n", f);
    fclose(f);
    assert_int_equal(cli(s, "run @/text.so:sleepy"), 2);
    assert_contains(s->err, "/text.so' is not a procsim plugin (");
    assert_int_equal(cli(s, "list @/text.so"), 2);
    assert_int_equal(cli(s, "list sleepy"), 2);
    assert_contains(s->err, "list takes no arguments or one plugin path, got 'sleepy'");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bad_usage_exits_2_with_one_message_and_no_files),
        T(unwritable_output_stops_before_any_file_is_made),
        T(failed_replications_exit_1_naming_point_rep_and_seed),
        T(output_is_byte_identical_for_any_jobs_and_for_shards),
        T(without_summary_file_a_table_goes_to_stdout),
        T(precision_runs_say_whether_the_target_was_met),
        T(precision_metric_limits_the_stopping_rule),
        T(abs_precision_stops_metrics_near_zero),
        T(list_shows_experiments_with_parameters_and_metrics),
        T(describe_shows_defaults_ranges_and_help),
        T(describe_shows_the_stacks_an_experiment_declares),
        T(trace_prints_the_model_trace_and_nothing_else),
        T(trace_of_a_failing_replication_exits_1),
        T(version_and_help_exit_0),
        T(messages_carry_the_program_name),
        T(plugin_paths_that_are_not_plugins_exit_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
