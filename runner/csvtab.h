/* A whole CSV file procsim wrote, read back into a table of cells (internal, prefix
 * runneri_), for the commands that read results: compare (per-replication files) and
 * plot (summaries and per-replication files).
 *
 * Records go through merge's strict RFC 4180 reader (csvread.h), so a damaged file is
 * refused with its line, never half-read. A first line starting with "# procsim " is
 * the provenance line of a per-replication file (csv.c); its params=P and crn=C words
 * are kept. Every row must have the header's number of fields. Cells are unquoted
 * copies; runneri_csvtab_num() reads one as procsim writes numbers (empty: NaN).    */
#ifndef PROCSIM_CSVTAB_H
#define PROCSIM_CSVTAB_H

#include <stddef.h>

#include "runner_int.h"

typedef struct {
    const char *name;   /* for messages: the file */
    size_t n_cols, n_rows;
    char **head;        /* n_cols names */
    char **cells;       /* n_rows x n_cols, row-major */
    size_t *lines;      /* n_rows: line of each row in the file, for messages */
    long params;        /* provenance params=P, or -1 without a provenance line */
    int crn;            /* provenance crn=, or -1 */
    char *experiment;   /* provenance experiment= (still %XX-encoded), or NULL */
} runneri_csvtab;

/* Read `path` ("-": standard input). 0, or -1 with err naming the file and line. */
int runneri_csvtab_read(runneri_csvtab *t, const char *path, runner_err *err);
/* The same from a buffer in memory (len bytes, need not end in NUL). */
int runneri_csvtab_parse(runneri_csvtab *t, const char *name, const char *data, size_t len,
                         runner_err *err);
void runneri_csvtab_free(runneri_csvtab *t);
/* Column of `name`, or -1. */
long runneri_csvtab_col(const runneri_csvtab *t, const char *name);
static inline const char *runneri_csvtab_cell(const runneri_csvtab *t, size_t row, size_t col)
{
    return t->cells[row * t->n_cols + col];
}
/* Cell as a number: 0 with *v (empty cell: NaN; "inf", "-inf"), -1 if it is not one. */
int runneri_csvtab_num(const runneri_csvtab *t, size_t row, size_t col, double *v);

#endif
