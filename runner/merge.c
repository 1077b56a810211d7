/* procsim merge: per-replication CSV shards (say, --rep R on several machines) into one
 * file, sorted by (point, rep). Headers must be identical, so shards of different
 * experiments or parameter sets cannot be mixed, and a (point, rep) present twice is
 * rejected rather than silently kept or dropped. Records are copied byte for byte. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner_int.h"

typedef struct {
    size_t point, rep;
    const char *text; /* the record, without its line end */
    size_t len;
    size_t file;
} record;

typedef struct {
    char *data;
    size_t len;
} blob;

static int slurp(const char *path, blob *b, runner_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return runneri_fail(err, "cannot read '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    for (;;) {
        if (data == NULL) {
            fclose(f);
            return runneri_fail(err, "out of memory reading '%s'", path);
        }
        len += fread(data + len, 1, cap - len, f);
        if (len < cap)
            break;
        char *grown = cap <= SIZE_MAX / 2 ? realloc(data, cap * 2) : NULL;
        if (grown == NULL)
            free(data);
        data = grown;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return runneri_fail(err, "cannot read '%s'", path);
    }
    b->data = data;
    b->len = len;
    return 0;
}

/* End of the record starting at s (RFC 4180: line breaks inside quotes belong to the
 * field); *next is where the following record starts. */
static size_t record_end(const char *s, size_t len, size_t *next)
{
    int quoted = 0;
    size_t i = 0;
    for (; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (s[i] == '\n' && !quoted)
            break;
    }
    *next = i < len ? i + 1 : len;
    if (i > 0 && s[i - 1] == '\r')
        i--;
    return i;
}

/* The leading unsigned integer field of s (up to ','), advancing *pos past the comma. */
static int int_field(const char *s, size_t len, size_t *pos, size_t *out)
{
    size_t v = 0, i = *pos, start = i;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    if (i == start || i >= len || s[i] != ',')
        return -1;
    *pos = i + 1;
    *out = v;
    return 0;
}

static int by_point_rep(const void *a, const void *b)
{
    const record *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    if (x->rep != y->rep)
        return x->rep < y->rep ? -1 : 1;
    return x->file < y->file ? -1 : x->file > y->file;
}

static int grow(record **recs, size_t *cap, size_t n)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 1024;
    record *r = realloc(*recs, c * sizeof *r);
    if (r == NULL)
        return -1;
    *recs = r;
    *cap = c;
    return 0;
}

static int merge_into(const char *const *inputs, size_t n_inputs, blob *files,
                      const char *output, runner_err *err)
{
    record *recs = NULL;
    size_t n = 0, cap = 0, next;
    const char *header = NULL;
    size_t header_len = 0;
    int rc = -1;
    for (size_t k = 0; k < n_inputs; k++) {
        const char *s = files[k].data;
        size_t len = files[k].len, at = 0;
        size_t hl = record_end(s, len, &next);
        if (hl < 14 || strncmp(s, "point,rep,seed", 14) != 0 || (hl > 14 && s[14] != ',')) {
            runneri_fail(err, "'%s' is not a per-replication CSV (its header does not "
                              "start with point,rep,seed)", inputs[k]);
            goto out;
        }
        if (header == NULL) {
            header = s;
            header_len = hl;
        } else if (hl != header_len || memcmp(s, header, hl) != 0) {
            runneri_fail(err, "'%s' and '%s' have different headers", inputs[0], inputs[k]);
            goto out;
        }
        size_t line = 1;
        for (at = next; at < len; at = next) {
            size_t rl = record_end(s + at, len - at, &next);
            next += at;
            line++;
            if (rl == 0)
                continue;
            size_t pos = 0;
            record r = {0, 0, s + at, rl, k};
            if (int_field(r.text, rl, &pos, &r.point) != 0 ||
                int_field(r.text, rl, &pos, &r.rep) != 0) {
                runneri_fail(err, "'%s' line %zu: expected point and rep numbers", inputs[k],
                             line);
                goto out;
            }
            if (grow(&recs, &cap, n) != 0) {
                runneri_fail(err, "out of memory");
                goto out;
            }
            recs[n++] = r;
        }
    }
    qsort(recs, n, sizeof *recs, by_point_rep);
    for (size_t i = 1; i < n; i++) {
        if (recs[i].point == recs[i - 1].point && recs[i].rep == recs[i - 1].rep) {
            runneri_fail(err, "point %zu rep %zu appears twice (in '%s' and '%s')",
                         recs[i].point, recs[i].rep, inputs[recs[i - 1].file],
                         inputs[recs[i].file]);
            goto out;
        }
    }
    runner_outfile *of = runner_outfile_open(output, err);
    if (of == NULL)
        goto out;
    FILE *f = runner_outfile_stream(of);
    fwrite(header, 1, header_len, f);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        fwrite(recs[i].text, 1, recs[i].len, f);
        fputc('\n', f);
    }
    rc = runner_outfile_commit(of, err);
out:
    free(recs);
    return rc;
}

int runner_merge(const char *const *inputs, size_t n_inputs, const char *output,
                 runner_err *err)
{
    if (n_inputs == 0)
        return runneri_fail(err, "merge needs at least one input file");
    blob *files = calloc(n_inputs, sizeof *files);
    if (files == NULL)
        return runneri_fail(err, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < n_inputs && rc == 0; k++)
        rc = slurp(inputs[k], &files[k], err);
    if (rc == 0)
        rc = merge_into(inputs, n_inputs, files, output, err);
    for (size_t k = 0; k < n_inputs; k++)
        free(files[k].data);
    free(files);
    return rc;
}
