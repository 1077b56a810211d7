/* Help text of the commands (help.c), shared by the CLI and the man page generator. */
#ifndef PROCSIM_HELP_INT_H
#define PROCSIM_HELP_INT_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *name;     /* "run" */
    const char *synopsis; /* after the program name; may hold a second line */
    const char *summary;  /* one line, no final period */
    const char *body;     /* options and notes, lines ending in "\n" */
} runneri_help;

size_t runneri_help_count(void);
const runneri_help *runneri_help_at(size_t i);
const runneri_help *runneri_help_find(const char *name); /* NULL if no such command */
/* EXP and the exit status, after the command list. */
extern const char runneri_help_trailer[];
/* One command's help (h), or the overview of all of them (h NULL). */
void runneri_help_print(FILE *f, const char *prog, const runneri_help *h);

#endif
