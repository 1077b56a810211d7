/* Internal helpers shared by the runner's files (prefix runneri_); not part of the API.
 *
 * Numbers are read and written in the "C" locale whatever the process locale is, without
 * touching the global locale: runneri_clocale_enter() switches the calling thread only
 * (uselocale) and _leave() switches it back.                                         */
#ifndef PROCSIM_RUNNER_INT_H
#define PROCSIM_RUNNER_INT_H

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>

#include "runner.h"

typedef struct {
    locale_t c;   /* the "C" locale we made, or (locale_t)0 if that failed */
    locale_t old; /* the thread's locale before */
} runneri_clocale;

void runneri_clocale_enter(runneri_clocale *l);
void runneri_clocale_leave(runneri_clocale *l);

/* Fewest "%g" digits (15, 16 or 17) that read back to x; NaN gives "" (an empty CSV
 * cell), infinities "inf" / "-inf". Call inside runneri_clocale_enter/leave. */
#define RUNNERI_NUM_MAX 32
void runneri_fmt_double(char buf[RUNNERI_NUM_MAX], double x);

/* One CSV field: as is, or quoted (RFC 4180) when it holds ',', '"', CR or LF. */
void runneri_csv_string(FILE *f, const char *s);

/* printf into err (when err is not NULL). Returns -1 so callers can `return`. */
int runneri_fail(runner_err *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

double runneri_monotonic(void); /* seconds */

/* The rest of f into *data (malloc'ed, *len bytes, not terminated): 0, -1 out of memory,
 * -2 a read error (ferror); *data is NULL unless 0. merge and the CSV readers use it. */
int runneri_read_all(FILE *f, char **data, size_t *len);

/* "%.6g", or "-" for NaN (an undefined value, such as the sd of one replication): the
 * cells of the tables for people (table.c, compare.c). */
const char *runneri_fmt_cell(char *buf, size_t len, double x);

/* The per-replication CSV header line point,rep,seed,<params...>,<metrics...>, without
 * its line end. */
void runneri_csv_reps_columns(FILE *f, const exp_experiment *e);

/* The first rep >= from that shard `index` of `count` runs at `point` (shard.c). */
size_t runneri_shard_first(size_t point, size_t from, size_t index, size_t count);

/* Worker threads for a run: opt->threads (0: one per core), fewer when under ulimit -v
 * the address space cannot hold that many replications' memory budgets (check.c). */
unsigned runneri_threads_for(const runner_options *opt);

#endif
