/* libFuzzer harness: the whole command line, runner_cli_main() on argv built from the
 * input (one argument per line, at most 24); the files a.csv and b.csv, two shards of
 * one run of the model, are there for merge to read.
 *
 * Confinement: the process works in a fresh temporary directory, emptied after every
 * input; '/' in arguments becomes '_', so every path the CLI opens is a file in it.
 * stdout and stderr of the CLI go to /dev/null. The experiments are fuzz_model.h's (no
 * processes, microseconds per replication), and runner_run() is wrapped at link time
 * (-Wl,--wrap=runner_run) to refuse plans of more than 64 tasks and to use at most 2
 * threads, so no input runs long. Besides the sanitizers it checks the exit status is
 * one the CLI documents and that no temporary file is left behind (inputs that name
 * files "*.tmp.*" themselves are skipped).                                        */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_model.h"
#include "runner.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
runner_result *__real_runner_run(const runner_plan *plan, const runner_options *opt,
                                 runner_err *err);
runner_result *__wrap_runner_run(const runner_plan *plan, const runner_options *opt,
                                 runner_err *err);

enum { MAX_ARGS = 24, MAX_TASKS = 64 };

static FILE *devnull;

runner_result *__wrap_runner_run(const runner_plan *plan, const runner_options *opt,
                                 runner_err *err)
{
    size_t per_point = opt->only_rep >= 0 ? 1 : opt->precision > 0 ? opt->max_reps : opt->reps;
    size_t points = runner_plan_points(plan);
    if (per_point > MAX_TASKS || points > MAX_TASKS || points * per_point > MAX_TASKS) {
        snprintf(err->msg, sizeof err->msg, "fuzz: more than %d tasks", MAX_TASKS);
        return NULL;
    }
    runner_options o = *opt;
    if (o.threads == 0 || o.threads > 2)
        o.threads = 2; /* output is the same for any -j */
    return __real_runner_run(plan, &o, err);
}

static char workdir[] = "/tmp/procsim_fuzz_cli_XXXXXX";
static const exp_experiment *const exps[] = {&fuzz_model};

/* Two shards of one run, put back before every input so `merge a.csv b.csv` has
 * real files to read. */
static struct {
    const char *name;
    char *data;
    size_t len;
} shards[] = {{"a.csv", NULL, 0}, {"b.csv", NULL, 0}};

static void put_shards(void)
{
    for (size_t i = 0; i < 2; i++) {
        FILE *f = fopen(shards[i].name, "wb");
        if (f == NULL || fwrite(shards[i].data, 1, shards[i].len, f) != shards[i].len)
            abort();
        fclose(f);
    }
}

static void sweep_dir(void);

static void leave_workdir(void)
{
    sweep_dir();
    if (chdir("/") == 0)
        rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (mkdtemp(workdir) == NULL || chdir(workdir) != 0)
        abort();
    devnull = fopen("/dev/null", "w");
    if (devnull == NULL)
        abort();
    runner_cli_io io = {exps, 1, devnull, devnull, 0, NULL};
    for (size_t i = 0; i < 2; i++) {
        char rep[] = {(char)('0' + i), '\0'}, name[8];
        snprintf(name, sizeof name, "%s", shards[i].name);
        char *argv_[] = {"procsim", "run", "t", "-r", "3", "--rep", rep, "-q", "-o", name, NULL};
        FILE *f;
        if (runner_cli_main(10, argv_, &io) != 0 || (f = fopen(name, "rb")) == NULL)
            abort();
        shards[i].data = malloc(1 << 16);
        shards[i].len = fread(shards[i].data, 1, 1 << 16, f);
        fclose(f);
    }
    atexit(leave_workdir);
    return 0;
}

/* Empties the working directory; aborts if a temporary output file was left. */
static void sweep_dir(void)
{
    DIR *d = opendir(".");
    if (d == NULL)
        abort();
    int tmp_left = 0;
    char tmp[32]; /* runner_outfile's temporary names end so */
    snprintf(tmp, sizeof tmp, ".tmp.%ld", (long)getpid());
    size_t tl = strlen(tmp);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t nl = strlen(e->d_name);
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        tmp_left |= nl >= tl && strcmp(e->d_name + nl - tl, tmp) == 0;
        if (unlink(e->d_name) != 0)
            rmdir(e->d_name);
    }
    closedir(d);
    if (tmp_left)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1), *argv[MAX_ARGS + 2];
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (size_t i = 0; i < size; i++)
        if (text[i] == '/')
            text[i] = '_';
    if (strstr(text, ".tmp.")) { /* a file of that name would look like a leftover */
        free(text);
        return 0;
    }
    int argc = 0;
    argv[argc++] = "procsim";
    for (char *a = text, *next; a && argc <= MAX_ARGS; a = next) {
        next = strchr(a, '\n');
        if (next)
            *next++ = '\0';
        argv[argc++] = a;
    }
    argv[argc] = NULL;
    runner_cli_io io = {exps, 1, devnull, devnull, 0, NULL};
    put_shards();
    int rc = runner_cli_main(argc, argv, &io);
    free(text);
    sweep_dir();
    if (rc != 0 && rc != 1 && rc != 2 && rc != 130)
        abort();
    return 0;
}
