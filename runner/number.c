/* Numbers in and out: strict parsing for the command line, shortest round-trip printing
 * for CSV, both in the "C" locale of the calling thread only. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner_int.h"

void runneri_clocale_enter(runneri_clocale *l)
{
    /* A fresh "C" locale per call keeps the library free of global state; callers enter
     * once per file or per command, not per number. If it cannot be made we stay in the
     * current locale, which is "C" unless the program called setlocale. */
    l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    l->old = l->c ? uselocale(l->c) : (locale_t)0;
}

void runneri_clocale_leave(runneri_clocale *l)
{
    if (l->c) {
        uselocale(l->old);
        freelocale(l->c);
        l->c = (locale_t)0;
    }
}

void runneri_fmt_double(char buf[RUNNERI_NUM_MAX], double x)
{
    if (isnan(x)) {
        buf[0] = '\0';
        return;
    }
    if (isinf(x)) {
        strcpy(buf, x > 0 ? "inf" : "-inf");
        return;
    }
    /* 15 significant digits always suffice for a number that has a shorter exact
     * decimal form, so the first of 15/16/17 that reads back is the shortest. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, RUNNERI_NUM_MAX, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x)
            return;
    }
}

void runneri_csv_string(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int runneri_fail(runner_err *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

double runneri_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 1 if the digits before the exponent are all zeros ("0.000e-400" is plain zero). */
static int zero_mantissa(const char *s)
{
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '1' && *s <= '9')
            return 0;
    return 1;
}

int runner_parse_double(const char *s, double *out)
{
    /* strtod would skip leading blanks and accept "nan", "inf" and hex floats; a
     * parameter value is a plain finite decimal number, so check the shape first. */
    if (s == NULL || *s == '\0' || strchr("+-.0123456789", *s) == NULL)
        return -1;
    for (const char *c = s; *c; c++)
        if (strchr("+-.0123456789eE", *c) == NULL)
            return -1;
    runneri_clocale l;
    runneri_clocale_enter(&l);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* ERANGE also flags subnormal results (4.9e-324 is a valid double): refuse only an
     * overflow and a nonzero number that underflowed to zero (1e-400). */
    int bad = *end != '\0' || end == s || !isfinite(v) ||
              (errno == ERANGE && v == 0.0 && !zero_mantissa(s));
    runneri_clocale_leave(&l);
    if (bad)
        return -1;
    *out = v;
    return 0;
}

int runner_parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int runner_parse_size(const char *s, size_t *out)
{
    uint64_t v;
    if (runner_parse_u64(s, &v) != 0 || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int runner_parse_bytes(const char *s, size_t *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    static const char units[] = "KMGT";
    size_t len = strlen(s), shift = 0;
    const char *u = len > 1 ? strchr(units, toupper((unsigned char)s[len - 1])) : NULL;
    if (u != NULL) {
        shift = 10 * (size_t)(u - units + 1);
        len--;
    }
    char digits[24];
    if (len == 0 || len >= sizeof digits)
        return -1;
    memcpy(digits, s, len);
    digits[len] = '\0';
    uint64_t v;
    if (runner_parse_u64(digits, &v) != 0 || v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)v << shift;
    return 0;
}

int runneri_read_all(FILE *f, char **data, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    *data = NULL;
    *len = 0;
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *grown = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (grown == NULL)
            free(buf);
        buf = grown;
        cap *= 2;
    }
    if (buf == NULL)
        return -1;
    if (ferror(f)) {
        free(buf);
        return -2;
    }
    *data = buf;
    *len = n;
    return 0;
}

const char *runneri_fmt_cell(char *buf, size_t len, double x)
{
    if (isnan(x))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.6g", x);
    return buf;
}
