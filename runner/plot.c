/* Pictures through gnuplot (internal, prefix runneri_): find the program, hand it a
 * script on a pipe, collect the picture it prints, make it reproducible and write it
 * through runner_outfile (a temporary name renamed when complete). procsim never needs
 * gnuplot for anything else, so a machine without it only loses the pictures.   */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot_int.h"

extern char **environ;

const char runneri_plot_missing[] =
    "gnuplot is not installed, and procsim draws its pictures with it: on Debian or "
    "Ubuntu `apt-get install gnuplot-nox` (scripts/setup.sh does), elsewhere see "
    "http://www.gnuplot.info; the CSV files need nothing else";

int runneri_plot_find(char *buf, size_t len)
{
    /* PROCSIM_GNUPLOT names the program exactly (tests, the fuzzer, odd installs). */
    const char *env = getenv("PROCSIM_GNUPLOT");
    if (env) {
        if (access(env, X_OK) != 0 || strlen(env) >= len)
            return -1;
        strcpy(buf, env);
        return 0;
    }
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0')
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        if (n > 0 && n + sizeof "/gnuplot" <= len) {
            memcpy(buf, path, n);
            memcpy(buf + n, "/gnuplot", sizeof "/gnuplot");
            if (access(buf, X_OK) == 0)
                return 0;
        }
        path += n + (colon != NULL);
    }
    return -1;
}

const char *runneri_plot_terminal(const char *path)
{
    size_t n = strlen(path);
    /* Sizes and fonts for print: 14 pt text on a 800 x 560 picture (svg), the same
     * proportions at a higher resolution (png) and on a 6 x 4.2 inch page (pdf). */
    if (n > 4 && strcmp(path + n - 4, ".svg") == 0)
        return "svg size 800,560 fixed font 'Helvetica,14' background rgb 'white'";
    if (n > 4 && strcmp(path + n - 4, ".png") == 0)
        return "pngcairo size 1200,840 font 'Helvetica,18' background rgb 'white'";
    if (n > 4 && strcmp(path + n - 4, ".pdf") == 0)
        return "pdfcairo size 6in,4.2in font 'Helvetica,11'";
    return NULL;
}

typedef struct {
    int fd;
    const char *data;
    size_t len;
    int failed;
} feeder;

/* Writes the script into gnuplot's stdin while the caller reads its stdout, so neither
 * pipe can fill up and stop both. */
static void *feed(void *arg)
{
    feeder *f = arg;
    size_t off = 0;
    while (off < f->len) {
        ssize_t w = write(f->fd, f->data + off, f->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->failed = 1;
            break;
        }
        off += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

/* cairo stamps the PDF with the time it was made; the same input must give the same
 * bytes, so the stamp becomes a fixed one of the same length (no offset moves). */
static void fix_pdf_date(char *data, size_t len)
{
    static const char tag[] = "/CreationDate (D:";
    const size_t t = sizeof tag - 1;
    for (size_t i = 0; i + t + 14 <= len; i++) {
        if (memcmp(data + i, tag, t) != 0)
            continue;
        size_t k = 0;
        while (k < 14 && data[i + t + k] >= '0' && data[i + t + k] <= '9')
            k++;
        if (k == 14)
            memcpy(data + i + t, "19700101000000", 14);
    }
}

/* Run gnuplot on the script; its picture into *out (malloc'ed, *out_len bytes). */
static int run_gnuplot(const char *prog, const char *script, size_t len, char **out,
                       size_t *out_len, runner_err *err)
{
    int in[2], res[2];
    if (pipe(in) != 0)
        return runneri_fail(err, "cannot start gnuplot: %s", strerror(errno));
    if (pipe(res) != 0) {
        close(in[0]);
        close(in[1]);
        return runneri_fail(err, "cannot start gnuplot: %s", strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, res[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, res[0]);
    char *argv[] = {(char *)prog, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(res[1]);
    if (rc != 0) {
        close(in[1]);
        close(res[0]);
        return runneri_fail(err, "cannot start %s: %s", prog, strerror(rc));
    }
    /* A gnuplot that dies early must give us EPIPE, not a SIGPIPE (which `run` takes
     * as a request to stop). Nothing else runs on other threads at this point. */
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    feeder fd = {in[1], script, len, 0};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, feed, &fd) == 0;
    if (!threaded)
        feed(&fd); /* still works for scripts that fit in the pipe */
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int oom = buf == NULL;
    for (;;) {
        if (!oom && n == cap) {
            char *g = realloc(buf, cap * 2);
            if (g == NULL) {
                oom = 1;
            } else {
                buf = g;
                cap *= 2;
            }
        }
        char sink[4096];
        ssize_t r = oom ? read(res[0], sink, sizeof sink) : read(res[0], buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (!oom)
            n += (size_t)r;
    }
    close(res[0]);
    if (threaded)
        pthread_join(th, NULL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGPIPE, &old, NULL);
    if (oom || fd.failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || n == 0) {
        free(buf);
        return runneri_fail(err, oom ? "out of memory for the picture"
                                     : "gnuplot failed to draw the picture (its messages "
                                       "are above)");
    }
    *out = buf;
    *out_len = n;
    return 0;
}

int runneri_plot_render_to(const char *script, size_t len, const char *path,
                           runner_outfile *of, runner_err *err)
{
    char prog[4096];
    char *pic = NULL;
    size_t n = 0;
    if (runneri_plot_find(prog, sizeof prog) != 0) {
        runner_outfile_abort(of);
        return runneri_fail(err, "%s", runneri_plot_missing);
    }
    if (run_gnuplot(prog, script, len, &pic, &n, err) != 0) {
        runner_outfile_abort(of);
        return -1;
    }
    size_t pl = strlen(path);
    if (pl > 4 && strcmp(path + pl - 4, ".pdf") == 0)
        fix_pdf_date(pic, n);
    int rc;
    if (fwrite(pic, 1, n, runner_outfile_stream(of)) != n) {
        runner_outfile_abort(of);
        rc = runneri_fail(err, "cannot write '%s'", path);
    } else {
        rc = runner_outfile_commit(of, err);
    }
    free(pic);
    return rc;
}

int runneri_plot_render(const char *script, size_t len, const char *path, runner_err *err)
{
    runner_outfile *of = runner_outfile_open(path, err);
    return of ? runneri_plot_render_to(script, len, path, of, err) : -1;
}

void runneri_plot_quote(FILE *f, const char *s)
{
    /* gnuplot's single-quoted strings: no escapes but '' for a quote. */
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}
