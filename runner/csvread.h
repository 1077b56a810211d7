/* Reading RFC 4180 CSV from memory, strictly (internal, prefix runneri_).
 *
 * procsim merge trusts nothing it reads, so the reader refuses what RFC 4180 does not
 * allow instead of guessing: a quote inside an unquoted field, text after a closing
 * quote, a quoted field still open at the end of the input (the opening quote that
 * would swallow every following line), a NUL byte anywhere, a carriage return that does
 * not end a line. Records end in "\n" or "\r\n"; the last one may end at the end of the
 * input. Line breaks inside quoted fields belong to the field. The reader never copies:
 * fields are spans of the caller's buffer, so it works on one blob in memory (and the
 * fuzzer calls it that way).                                                        */
#ifndef PROCSIM_CSVREAD_H
#define PROCSIM_CSVREAD_H

#include <stddef.h>

typedef struct {
    size_t off, len; /* raw span in the input, quotes included when quoted */
    int quoted;
} runneri_csv_field;

typedef struct {
    const char *data;
    size_t len;
    size_t pos;  /* where the next record starts */
    size_t line; /* line number (from 1) of pos */
} runneri_csv_in;

void runneri_csv_init(runneri_csv_in *in, const char *data, size_t len, size_t first_line);

/* The record at in->pos. Up to `max` fields go to f[]; *n_fields counts them all (it may
 * exceed max). [*start, *end) is the record without its line end, *line the line it
 * starts on. Returns 1 for a record, 0 at the end of the input, -1 on malformed input
 * with a static sentence in *why and the line of the fault in *line. */
int runneri_csv_next(runneri_csv_in *in, runneri_csv_field *f, size_t max,
                     size_t *n_fields, size_t *start, size_t *end, size_t *line,
                     const char **why);

#endif
