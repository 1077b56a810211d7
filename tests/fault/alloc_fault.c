/* Allocation fault injection for procsim_fault, a test-only build of the CLI.
 *
 * Linked with -Wl,--wrap=malloc,... (tests/fault/CMakeLists.txt): every call the
 * procsim code makes to malloc, calloc, realloc, aligned_alloc, strdup, fopen or fdopen
 * comes here first and is counted. PROCSIM_FAULT_AT=n makes the n-th call (from 1) fail
 * as it would without memory (NULL, errno ENOMEM), and with PROCSIM_FAULT_ALL=1 every
 * call from the n-th on (memory that stays exhausted); 0 or unset fails none. At exit the
 * number of calls goes to the file PROCSIM_FAULT_COUNT names, so a driver knows the
 * range to sweep (tests/fault/cli_fault.sh). Calls inside libc are not counted.      */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
char *__real_strdup(const char *s);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__real_fdopen(int fd, const char *mode);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
char *__wrap_strdup(const char *s);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fdopen(int fd, const char *mode);

static atomic_ulong calls;
static atomic_ulong fail_at; /* from PROCSIM_FAULT_AT, read at the first call */
static atomic_int report_set;
static atomic_int fail_all;

static void report(void)
{
    const char *path = getenv("PROCSIM_FAULT_COUNT");
    if (path == NULL)
        return;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%lu\n", atomic_load(&calls));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, buf, (size_t)len) != len)
            _exit(99);
        close(fd);
    }
}

/* 1 if this call is the one to fail. */
static int fault(void)
{
    if (!atomic_exchange(&report_set, 1)) {
        const char *at = getenv("PROCSIM_FAULT_AT");
        atomic_store(&fail_at, at ? strtoul(at, NULL, 10) : 0);
        const char *all = getenv("PROCSIM_FAULT_ALL");
        atomic_store(&fail_all, all != NULL && strcmp(all, "1") == 0);
        atexit(report);
    }
    unsigned long n = atomic_fetch_add(&calls, 1) + 1;
    unsigned long at = atomic_load(&fail_at);
    if (at != 0 && (n == at || (n > at && atomic_load(&fail_all)))) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n) { return fault() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fault() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return fault() ? NULL : __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t a, size_t n)
{
    return fault() ? NULL : __real_aligned_alloc(a, n);
}
char *__wrap_strdup(const char *s) { return fault() ? NULL : __real_strdup(s); }
FILE *__wrap_fopen(const char *path, const char *mode)
{
    return fault() ? NULL : __real_fopen(path, mode);
}
FILE *__wrap_fdopen(int fd, const char *mode)
{
    return fault() ? NULL : __real_fdopen(fd, mode);
}
