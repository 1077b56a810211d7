/* Reading a CSV file procsim wrote back into memory; the rules are in csvtab.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "csvtab.h"

static const char prov_tag[] = "# procsim ";

/* The field without its quotes, "" as one quote, in a string of its own. */
static char *unquote(const char *data, const runneri_csv_field *f)
{
    const char *s = data + f->off;
    size_t n = f->len;
    if (f->quoted) {
        s++;
        n -= 2;
    }
    char *out = malloc(n + 1), *o = out;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        *o++ = s[i];
        if (f->quoted && s[i] == '"')
            i++; /* the reader let only doubled quotes through */
    }
    *o = '\0';
    return out;
}

/* params=P, crn=C and experiment=NAME of the provenance line [s, s+len). */
static int provenance(runneri_csvtab *t, const char *s, size_t len)
{
    const char *end = s + len, *c = s + sizeof prov_tag - 1;
    while (c < end) {
        while (c < end && *c == ' ')
            c++;
        const char *w = c;
        while (c < end && *c != ' ')
            c++;
        size_t n = (size_t)(c - w);
        char word[256];
        if (n == 0 || n >= sizeof word)
            continue;
        memcpy(word, w, n);
        word[n] = '\0';
        char *stop;
        if (strncmp(word, "params=", 7) == 0 && word[7] >= '0' && word[7] <= '9') {
            long v = strtol(word + 7, &stop, 10);
            if (*stop == '\0' && v >= 0 && v < 100000)
                t->params = v;
        } else if (strcmp(word, "crn=0") == 0 || strcmp(word, "crn=1") == 0) {
            t->crn = word[4] == '1';
        } else if (strncmp(word, "experiment=", 11) == 0 && t->experiment == NULL) {
            if ((t->experiment = malloc(n - 11 + 1)) == NULL)
                return -1;
            memcpy(t->experiment, word + 11, n - 11 + 1);
        }
    }
    return 0;
}

static int oom(const char *name, runner_err *err)
{
    return runneri_fail(err, "out of memory reading '%s'", name);
}

/* One data row: grow the arrays and copy its cells. */
static int add_row(runneri_csvtab *t, const char *data, const runneri_csv_field *f,
                   size_t line, size_t *cap_rows)
{
    if (t->n_rows == *cap_rows) {
        size_t nc = *cap_rows ? 2 * *cap_rows : 64;
        char **cells = realloc(t->cells, nc * t->n_cols * sizeof *cells);
        if (cells == NULL)
            return -1;
        t->cells = cells;
        size_t *lines = realloc(t->lines, nc * sizeof *lines);
        if (lines == NULL)
            return -1;
        t->lines = lines;
        *cap_rows = nc;
    }
    char **row = t->cells + t->n_rows * t->n_cols;
    memset(row, 0, t->n_cols * sizeof *row);
    t->lines[t->n_rows++] = line; /* counted now, so free() sees its cells */
    for (size_t i = 0; i < t->n_cols; i++)
        if ((row[i] = unquote(data, &f[i])) == NULL)
            return -1;
    return 0;
}

int runneri_csvtab_parse(runneri_csvtab *t, const char *name, const char *data, size_t len,
                         runner_err *err)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->params = -1;
    t->crn = -1;
    size_t first_line = 1;
    if (len >= sizeof prov_tag - 1 && memcmp(data, prov_tag, sizeof prov_tag - 1) == 0) {
        const char *nl = memchr(data, '\n', len);
        size_t pl = nl ? (size_t)(nl - data) : len;
        if (provenance(t, data, pl) != 0)
            return oom(name, err);
        data += nl ? pl + 1 : pl;
        len -= nl ? pl + 1 : pl;
        first_line = 2;
    }
    runneri_csv_in in;
    runneri_csv_init(&in, data, len, first_line);
    size_t cap_f = 64, cap_rows = 0, n_fields, start, end, line;
    runneri_csv_field *f = malloc(cap_f * sizeof *f);
    const char *why = NULL;
    int rc = f ? 0 : oom(name, err);
    while (rc == 0) {
        size_t keep = in.pos, keep_line = in.line;
        int k = runneri_csv_next(&in, f, cap_f, &n_fields, &start, &end, &line, &why);
        if (k < 0) {
            rc = runneri_fail(err, "'%s' line %zu: %s", name, line, why);
            break;
        }
        if (k == 0)
            break;
        if (n_fields > cap_f) { /* read the record again with room for every field */
            runneri_csv_field *g = realloc(f, n_fields * sizeof *f);
            if (g == NULL) {
                rc = oom(name, err);
                break;
            }
            f = g;
            cap_f = n_fields;
            in.pos = keep;
            in.line = keep_line;
            continue;
        }
        if (t->head == NULL) {
            if ((t->head = calloc(n_fields, sizeof *t->head)) == NULL) {
                rc = oom(name, err);
                break;
            }
            t->n_cols = n_fields;
            for (size_t i = 0; i < n_fields && rc == 0; i++)
                if ((t->head[i] = unquote(data, &f[i])) == NULL)
                    rc = oom(name, err);
            continue;
        }
        if (n_fields != t->n_cols)
            rc = runneri_fail(err, "'%s' line %zu: %zu fields, the header has %zu", name,
                              line, n_fields, t->n_cols);
        else if (add_row(t, data, f, line, &cap_rows) != 0)
            rc = oom(name, err);
    }
    free(f);
    if (rc == 0 && t->head == NULL)
        rc = runneri_fail(err, "'%s' is empty: no header line", name);
    if (rc != 0)
        runneri_csvtab_free(t);
    return rc;
}

int runneri_csvtab_read(runneri_csvtab *t, const char *path, runner_err *err)
{
    int std = strcmp(path, "-") == 0;
    FILE *f = std ? stdin : fopen(path, "rb");
    memset(t, 0, sizeof *t);
    if (f == NULL)
        return runneri_fail(err, "cannot read '%s': %s", path, strerror(errno));
    char *data;
    size_t len;
    int got = runneri_read_all(f, &data, &len);
    if (!std)
        fclose(f);
    if (got == -1)
        return oom(path, err);
    if (got != 0)
        return runneri_fail(err, "cannot read '%s'", path);
    int rc = runneri_csvtab_parse(t, std ? "standard input" : path, data, len, err);
    free(data);
    return rc;
}

void runneri_csvtab_free(runneri_csvtab *t)
{
    if (t->head)
        for (size_t i = 0; i < t->n_cols; i++)
            free(t->head[i]);
    if (t->cells)
        for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
            free(t->cells[i]);
    free(t->head);
    free(t->cells);
    free(t->lines);
    free(t->experiment);
    const char *name = t->name;
    memset(t, 0, sizeof *t);
    t->name = name;
}

long runneri_csvtab_col(const runneri_csvtab *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->head[i], name) == 0)
            return (long)i;
    return -1;
}

int runneri_csvtab_num(const runneri_csvtab *t, size_t row, size_t col, double *v)
{
    const char *s = runneri_csvtab_cell(t, row, col);
    if (*s == '\0') {
        *v = NAN;
        return 0;
    }
    if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0) {
        *v = s[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    return runner_parse_double(s, v);
}
