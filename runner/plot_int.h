/* Pictures of results through gnuplot (internal, prefix runneri_): plot.c runs gnuplot,
 * cli_plot.c writes the scripts for `procsim plot` and `run --plot`. */
#ifndef PROCSIM_PLOT_INT_H
#define PROCSIM_PLOT_INT_H

#include <stdio.h>

#include "runner_int.h"

/* What to say when gnuplot is missing (one sentence, how to get it). */
extern const char runneri_plot_missing[];
/* gnuplot's path into buf ($PROCSIM_GNUPLOT, else the first in $PATH); 0 or -1. */
int runneri_plot_find(char *buf, size_t len);
/* The gnuplot terminal for the file's ending (.svg, .png, .pdf), or NULL. */
const char *runneri_plot_terminal(const char *path);
/* Feed `script` to gnuplot and write what it prints to `path` (runner_outfile: whole or
 * not at all). PDF creation dates are fixed so equal input gives equal bytes. 0 or -1. */
int runneri_plot_render(const char *script, size_t len, const char *path, runner_err *err);
/* The same into an output already open for `path` (consumed: committed or aborted). */
int runneri_plot_render_to(const char *script, size_t len, const char *path,
                           runner_outfile *of, runner_err *err);
/* s as a gnuplot string literal (single quotes; line breaks become spaces). */
void runneri_plot_quote(FILE *f, const char *s);

#endif
