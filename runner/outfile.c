/* Output files. A regular file or a new path is written under a temporary name beside
 * the real target (symlinks resolved first, so a link stays a link and its target gets
 * the new bytes) and renamed over it when complete, so a crash or a signal never leaves
 * half a file. Anything else that exists (a device, a FIFO, a socket) is written in
 * place: renaming over /dev/null would replace the device. "-" is standard output.
 *
 * Temporary names live in a small table of atomic pointers so a signal handler can
 * remove them (runner_outfile_unlink_temps) without locks or allocation.            */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner_int.h"

enum { OF_RENAME, OF_IN_PLACE, OF_STDOUT };

struct runner_outfile {
    char *path;   /* as the user gave it, for messages */
    char *target; /* where the bytes end up: path with symlinks resolved */
    char *tmp;    /* OF_RENAME: the temporary file beside target */
    int mode;
    int slot;     /* index in temps[], or -1 */
    int closed;   /* runner_outfile_close done */
    int failed;   /* ... and it failed: the temporary file is gone */
    FILE *f;
};

/* Temporary files that exist now (or are about to), for the signal handler. */
#define TEMP_SLOTS 16
static char *_Atomic temps[TEMP_SLOTS];
static atomic_uint temp_counter;

static int temp_register(char *name)
{
    for (int i = 0; i < TEMP_SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&temps[i], &expected, name))
            return i;
    }
    return -1; /* more files at once than slots: still written, just not cleaned by a signal */
}

static void temp_unregister(runner_outfile *of)
{
    if (of->slot >= 0)
        atomic_store(&temps[of->slot], NULL);
    of->slot = -1;
}

void runner_outfile_unlink_temps(void)
{
    for (int i = 0; i < TEMP_SLOTS; i++) {
        char *name = atomic_load(&temps[i]);
        if (name)
            unlink(name);
    }
}

static void outfile_release(runner_outfile *of)
{
    temp_unregister(of);
    free(of->path);
    free(of->target);
    free(of->tmp);
    free(of);
}

/* The temporary name beside target: "target.tmp.PID", or a short ".procsim-PID-N.tmp"
 * in the same directory when that would not fit in NAME_MAX. */
static char *temp_name(const char *target)
{
    const char *slash = strrchr(target, '/');
    size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
    size_t base_len = strlen(target) - dir_len;
    char suffix[64];
    snprintf(suffix, sizeof suffix, ".tmp.%ld", (long)getpid());
    size_t len = strlen(target) + 64;
    char *tmp = malloc(len);
    if (tmp == NULL)
        return NULL;
    if (base_len + strlen(suffix) <= NAME_MAX)
        snprintf(tmp, len, "%s%s", target, suffix);
    else
        snprintf(tmp, len, "%.*s.procsim-%ld-%u.tmp", (int)dir_len, target, (long)getpid(),
                 atomic_fetch_add(&temp_counter, 1));
    return tmp;
}

/* path with its symlinks resolved, so the temporary file goes beside the real target
 * and the rename leaves the links alone. A link to a file not there yet (dangling) is
 * followed by hand, hop by hop, to the path that will be created. */
static char *resolve(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur != NULL && hops < 40; hops++) {
        struct stat lst;
        if (lstat(cur, &lst) != 0 || !S_ISLNK(lst.st_mode))
            return cur;
        char *real = realpath(cur, NULL);
        if (real) {
            free(cur);
            return real;
        }
        char to[PATH_MAX];
        ssize_t n = readlink(cur, to, sizeof to - 1);
        if (n < 0)
            return cur;
        to[n] = '\0';
        const char *slash = strrchr(cur, '/');
        size_t dir_len = to[0] == '/' || slash == NULL ? 0 : (size_t)(slash - cur) + 1;
        char *next = malloc(dir_len + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dir_len);
            memcpy(next + dir_len, to, (size_t)n + 1);
        }
        free(cur);
        cur = next;
    }
    return cur;
}

runner_outfile *runner_outfile_open(const char *path, runner_err *err)
{
    if (path == NULL || *path == '\0') {
        runneri_fail(err, "empty output file name");
        return NULL;
    }
    runner_outfile *of = calloc(1, sizeof *of);
    if (of == NULL || (of->path = strdup(path)) == NULL) {
        runneri_fail(err, "out of memory");
        free(of);
        return NULL;
    }
    of->slot = -1;
    if (strcmp(path, "-") == 0) {
        of->mode = OF_STDOUT;
        of->f = stdout;
        return of;
    }
    struct stat st;
    if ((of->target = resolve(path)) == NULL) {
        runneri_fail(err, "out of memory");
        goto fail;
    }
    int exists = stat(of->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        runneri_fail(err, "cannot write '%s': it is a directory", path);
        goto fail;
    }
    int fd;
    if (exists && !S_ISREG(st.st_mode)) {
        of->mode = OF_IN_PLACE; /* a device or FIFO: renaming over it would replace it */
        fd = open(of->target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    } else {
        of->mode = OF_RENAME;
        if ((of->tmp = temp_name(of->target)) == NULL) {
            runneri_fail(err, "out of memory");
            goto fail;
        }
        /* Registered before it exists: a signal right after the open finds it. */
        of->slot = temp_register(of->tmp);
        fd = open(of->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    }
    if (fd < 0) {
        runneri_fail(err, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    of->f = fdopen(fd, "w");
    if (of->f == NULL) {
        runneri_fail(err, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        if (of->tmp)
            unlink(of->tmp);
        goto fail;
    }
    return of;
fail:
    outfile_release(of);
    return NULL;
}

FILE *runner_outfile_stream(runner_outfile *of) { return of->f; }

/* The first step of a commit: every byte written and the file closed, so all write
 * errors (a full disk shows at the last flush) are known before any rename. */
int runner_outfile_close(runner_outfile *of, runner_err *err)
{
    if (of->closed)
        return of->failed ? runneri_fail(err, "cannot write '%s'", of->path) : 0;
    of->closed = 1;
    int bad = fflush(of->f) != 0 || ferror(of->f);
    int saved = errno;
    if (of->mode != OF_STDOUT) {
        if (fclose(of->f) != 0 && !bad) {
            bad = 1;
            saved = errno;
        }
    } else {
        clearerr(of->f);
    }
    of->f = NULL;
    if (bad) {
        if (of->tmp)
            unlink(of->tmp);
        temp_unregister(of);
        of->failed = 1;
        if (of->mode == OF_STDOUT)
            return runneri_fail(err, "cannot write standard output: %s",
                                strerror(saved ? saved : EIO));
        return runneri_fail(err, "cannot write '%s': %s", of->path,
                            strerror(saved ? saved : EIO));
    }
    return 0;
}

int runner_outfile_commit(runner_outfile *of, runner_err *err)
{
    int rc = runner_outfile_close(of, err);
    if (rc == 0 && of->mode == OF_RENAME && rename(of->tmp, of->target) != 0) {
        rc = runneri_fail(err, "cannot write '%s': %s", of->path, strerror(errno));
        unlink(of->tmp);
    }
    outfile_release(of);
    return rc;
}

void runner_outfile_abort(runner_outfile *of)
{
    if (of == NULL)
        return;
    if (!of->closed && of->mode != OF_STDOUT)
        fclose(of->f);
    if (of->tmp && !of->failed)
        unlink(of->tmp);
    outfile_release(of);
}

/* Identity of a path for runner_outfile_same: device and inode when it exists, else its
 * directory's real path and its name. */
static int identity(const char *path, struct stat *st, char **canon)
{
    *canon = NULL;
    if (stat(path, st) == 0)
        return 1;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    const char *base = slash ? slash + 1 : path;
    if (real) {
        size_t len = strlen(real) + strlen(base) + 2;
        if ((*canon = malloc(len)) != NULL)
            snprintf(*canon, len, "%s/%s", real, base);
    }
    free(dir);
    free(real);
    if (*canon == NULL)
        *canon = strdup(path);
    return 0;
}

int runner_outfile_same(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return 0;
    struct stat sa, sb;
    char *ca, *cb, *ra = resolve(a), *rb = resolve(b);
    int ea = identity(ra ? ra : a, &sa, &ca), eb = identity(rb ? rb : b, &sb, &cb);
    free(ra);
    free(rb);
    int same;
    if (ea && eb)
        same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    else if (!ea && !eb)
        same = ca && cb && strcmp(ca, cb) == 0;
    else
        same = 0;
    free(ca);
    free(cb);
    return same;
}
