/* A strict RFC 4180 record reader over a buffer in memory; the rules are in csvread.h. */
#include "csvread.h"

void runneri_csv_init(runneri_csv_in *in, const char *data, size_t len, size_t first_line)
{
    in->data = data;
    in->len = len;
    in->pos = 0;
    in->line = first_line;
}

/* Length of the line end at i ("\n" or "\r\n"), 0 if there is none. */
static size_t line_end(const runneri_csv_in *in, size_t i)
{
    if (i < in->len && in->data[i] == '\n')
        return 1;
    if (i + 1 < in->len && in->data[i] == '\r' && in->data[i + 1] == '\n')
        return 2;
    return 0;
}

/* A quoted field from the opening quote at *i; leaves *i just past the closing quote. */
static int quoted_field(runneri_csv_in *in, size_t *i, size_t *line, const char **why)
{
    size_t open_line = *line, k = *i + 1;
    for (; k < in->len; k++) {
        char c = in->data[k];
        if (c == '\0') {
            *why = "a NUL byte";
            return -1;
        }
        if (c == '\n')
            (*line)++;
        if (c != '"')
            continue;
        if (k + 1 < in->len && in->data[k + 1] == '"') {
            k++; /* "" is one quote inside the field */
            continue;
        }
        *i = k + 1;
        return 0;
    }
    *line = open_line;
    *why = "a quoted field that starts here is never closed";
    return -1;
}

/* An unquoted field from *i up to the next ',' or line end. */
static int plain_field(runneri_csv_in *in, size_t *i, const char **why)
{
    size_t k = *i;
    for (; k < in->len && in->data[k] != ',' && !line_end(in, k); k++) {
        char c = in->data[k];
        if (c == '\0') {
            *why = "a NUL byte";
            return -1;
        }
        if (c == '"') {
            *why = "a quote inside a field that does not start with one";
            return -1;
        }
        if (c == '\r') {
            *why = "a carriage return that does not end the line";
            return -1;
        }
    }
    *i = k;
    return 0;
}

int runneri_csv_next(runneri_csv_in *in, runneri_csv_field *f, size_t max,
                     size_t *n_fields, size_t *start, size_t *end, size_t *line,
                     const char **why)
{
    size_t i = in->pos, n = 0, at_line = in->line;
    *line = in->line;
    if (i >= in->len)
        return 0;
    *start = i;
    for (;;) {
        size_t from = i;
        int quoted = i < in->len && in->data[i] == '"';
        int rc = quoted ? quoted_field(in, &i, &at_line, why) : plain_field(in, &i, why);
        if (rc != 0) {
            *line = at_line;
            return -1;
        }
        if (n < max) {
            f[n].off = from;
            f[n].len = i - from;
            f[n].quoted = quoted;
        }
        n++;
        if (i < in->len && in->data[i] == ',') {
            i++;
            continue;
        }
        size_t eol = line_end(in, i);
        if (eol == 0 && i < in->len) {
            *line = at_line;
            *why = in->data[i] == '\0' ? "a NUL byte" : "text after a closing quote";
            return -1;
        }
        *end = i;
        in->pos = i + eol;
        in->line = at_line + (eol != 0);
        *n_fields = n;
        return 1;
    }
}
