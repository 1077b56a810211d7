/* A scratch directory per test, for the tests of what the runner writes to disk
 * (tests/test_runner_cli.c, test_runner_csv.c).
 *
 * Each test gets a fresh directory from mkdtemp and it is removed whole afterwards, so a
 * test can count what the code under test left behind (no temporary file, no partial
 * output). Everything is static inline: a test file that leaves a helper unused gets no
 * warning.                                                                          */
#ifndef PROCSIM_TESTS_SCRATCH_DIR_H
#define PROCSIM_TESTS_SCRATCH_DIR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes /tmp/procsim_<tag>_XXXXXX into dir (cap bytes); 0 on success. */
static inline int scratch_make(char *dir, size_t cap, const char *tag)
{
    int n = snprintf(dir, cap, "/tmp/procsim_%s_XXXXXX", tag);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes dir and everything in it; 0 on success. */
static inline int scratch_remove(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Number of entries in dir, "." and ".." aside. */
static inline int scratch_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* The whole file (up to 1 MiB) as a string the caller frees. */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

#endif
