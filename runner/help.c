/* The help text of every command, kept as data in one place: `procsim --help`,
 * `procsim COMMAND --help` and the man page procsim.1 (written at build time by
 * gen_man.c from this table) say the same thing because they are the same bytes.
 *
 * Conventions the man page generator relies on: a line "  -x, --long ARG   text" (two
 * spaces, a '-', then two or more spaces before the text) is an option; a line indented
 * further continues the text above it; any other line is a paragraph line. */
#include <string.h>

#include "help_int.h"

static const runneri_help commands[] = {
    {"list", "list [PLUGIN]", "experiments, their parameters and metrics",
     "Lists the program's experiments, or a plugin's (PLUGIN is PATH with a '/').\n"},
    {"describe", "describe EXP", "one experiment in full",
     "Parameters with defaults and ranges, metrics with their help text (proportions\n"
     "marked), and for the queueing models the analytic values at the defaults.\n"},
    {"trace", "trace EXP [--param k=v]... [--seed S] [--rep R]",
     "one replication, printing the model's trace on stdout",
     "  --param k=v                set a parameter (repeatable)\n"
     "  --seed S                   base seed (default 1)\n"
     "  --rep R                    trace replication R (default 0), same seed as in run\n"
     "  --max-memory SIZE          memory the replication may hold (default 2G)\n"},
    {"run", "run EXP [options]", "replications over a parameter grid, CSV out",
     "  -r, --reps N               replications per point (default 10)\n"
     "  -j, --jobs T               worker threads (default and 0: number of cores)\n"
     "  --seed S                   base seed (default 1)\n"
     "  --param k=v                set a parameter (repeatable)\n"
     "  --sweep k=a:b:step         sweep a parameter from a to b inclusive, or\n"
     "  --sweep k=v1,v2,...        over a list; several sweeps make a grid, the first\n"
     "                             varying slowest\n"
     "  --rep R                    run only replication R (from 0) of each point, with the\n"
     "                             seed it has in a full run (with -r N: R < N)\n"     "  --shard I/N                run only shard I (from 0) of N: the (point, rep) with\n"
     "                             (point + rep) mod N = I; merge joins the N files\n"
     "  --no-crn                   different random numbers at each point (default: the\n"
     "                             same replication uses the same streams everywhere)\n"
     "  --confidence C             confidence level of the intervals (default 0.95)\n"
     "  --precision REL            add replications until each metric's half-width is\n"
     "                             at most REL x |mean| ...\n"
     "  --abs-precision H          ... or at most H (for metrics near zero; alone, the\n"
     "                             only target) ...\n"
     "  --precision-metric NAME    ... looking only at these metrics (repeatable;\n"
     "                             default: every metric) ...\n"
     "  --max-reps N               ... or N replications per point (default 10000)\n"
     "  -o, --output FILE          per-replication CSV: point,rep,seed,params,metrics\n"
     "  --summary FILE             summary CSV, one row per (point, metric)\n"
     "  --plot FILE                picture of the first metric against the first swept\n"
     "                             parameter, one series per value of the second\n"
     "                             (.svg, .png or .pdf; needs gnuplot)\n"
     "  --compare-to k=v           paired differences to the points with k=v (see\n"
     "                             compare), as a table after the summary\n"
     "  --max-memory SIZE          memory one replication may hold in the kernel, e.g.\n"
     "                             512M, 4G (default 2G; 0: no limit); past it that\n"
     "                             replication fails, the same way for any -j\n"
     "  --series FILE              the models' series and records: point,rep,name,t,value\n"
     "  --series-reps R,...        only those replications' series (default: all)\n"
     "  -q, --quiet                no table on stdout and no progress line\n"
     "The summary table goes to stdout unless -q or a CSV file goes there (-o - or\n"
     "--summary -). FILE may be - (standard output). Regular files are replaced whole\n"
     "when the run ends; devices and FIFOs are written in place. Metrics an experiment\n"
     "marks as proportions get Wilson score intervals, clamped to [0, 1].\n"},
    {"merge", "merge A.csv B.csv... -o OUT.csv",
     "join per-replication shards, sorted by (point, rep)",
     "  -o, --output FILE          the merged file (- for standard output)\n"
     "Shards of one run only: their provenance lines and headers must agree; any record\n"
     "that is not strict RFC 4180 is refused with its file and line.\n"},
    {"summarize", "summarize REPS.csv... [--summary FILE] [--confidence C] [--precision REL]"
                  " [--exp EXP]",
     "the run's summary (CSV, or the table) rebuilt from its per-replication rows",
     "  --summary FILE             summary CSV (otherwise the table on stdout)\n"
     "  --confidence C             confidence level of the intervals (default 0.95)\n"
     "  --precision REL            the run's relative target, for precision_met\n"
     "  --exp EXP                  the experiment (a plugin PATH[:NAME]) when it is not\n"
     "                             built in\n"
     "Several files are merged first, with merge's checks. Equal byte for byte to the\n"
     "summary of the run that wrote them.\n"},
    {"plot", "plot SUMMARY.csv -x PARAM -y METRIC [--by PARAM] -o FILE\n"
             "plot REPS.csv --hist METRIC -o FILE",
     "pictures with gnuplot: means with intervals, or distributions",
     "  -x PARAM                   parameter on the horizontal axis\n"
     "  -y METRIC                  metric on the vertical axis: its mean with the\n"
     "                             summary's confidence interval as error bars, and the\n"
     "                             analytic value dashed where the summary has it\n"
     "  --by PARAM                 one series per value of PARAM\n"
     "  --hist METRIC              (per-replication file) the empirical distribution\n"
     "                             function of METRIC across replications, one line per\n"
     "                             point\n"
     "  -o, --output FILE          FILE.svg, FILE.png or FILE.pdf (the ending decides)\n"
     "  --title TEXT               title above the plot\n"
     "Other parameters must be the same on every row drawn. gnuplot draws the picture:\n"
     "on Debian or Ubuntu `apt-get install gnuplot-nox`; procsim runs without it. The\n"
     "same input gives the same file byte for byte.\n"},
    {"compare", "compare REPS.csv --baseline k=v [--metric M]... [options]",
     "paired differences between points under common random numbers",
     "  --baseline k=v             each point is compared with the point that has k=v and\n"
     "                             the same other parameters\n"
     "  --metric M                 compare only metric M (repeatable; default: all)\n"
     "  --confidence C             family confidence level (default 0.95); with K\n"
     "                             intervals each is at 1 - (1 - C)/K (Bonferroni), so\n"
     "                             all hold together with probability C\n"
     "  -o, --output FILE          CSV: point,params,baseline,metric,n,mean_diff,sd_diff,\n"
     "                             ci_low,ci_high,half_width,level,family_level,\n"
     "                             var_reduction\n"
     "  -q, --quiet                no table on stdout\n"
     "Replication r of a point is paired with replication r of its baseline (the same\n"
     "random streams under CRN). var_reduction is (var(x) + var(b)) / var(x - b): how\n"
     "many times more independent replications the same interval would need.\n"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

size_t runneri_help_count(void) { return N_COMMANDS; }
const runneri_help *runneri_help_at(size_t i) { return i < N_COMMANDS ? &commands[i] : NULL; }

const runneri_help *runneri_help_find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

const char runneri_help_trailer[] =
    "EXP is an experiment name, or a plugin built with PROCSIM_EXPERIMENTS: PATH[:NAME]\n"
    "with a '/' in PATH (./ed.so, ./ed.so:ed); NAME may be left out when it holds one.\n"
    "\n"
    "exit status: 0 ok, 1 some replications failed (the rest are written) or output\n"
    "could not be written, 2 bad usage, 3 (run) some points reached --max-reps without\n"
    "their precision target (everything is written), 128+N stopped by signal N (SIGINT,\n"
    "SIGTERM, SIGHUP, SIGPIPE: finished replications are written; a second signal quits\n"
    "at once and writes nothing).\n";

/* Synopsis lines are indented under "usage:"; the second of a two-line one too. */
static void synopsis(FILE *f, const char *prog, const runneri_help *h)
{
    const char *s = h->synopsis;
    for (;;) {
        const char *nl = strchr(s, '\n');
        int n = nl ? (int)(nl - s) : (int)strlen(s);
        fprintf(f, "  %s %.*s\n", prog, n, s);
        if (!nl)
            break;
        s = nl + 1;
    }
}

void runneri_help_print(FILE *f, const char *prog, const runneri_help *h)
{
    if (h) {
        fputs("usage:\n", f);
        synopsis(f, prog, h);
        fprintf(f, "\n%s.\n\n%s\n%s", h->summary, h->body, runneri_help_trailer);
        return;
    }
    fprintf(f, "usage: %s COMMAND [ARGS]   (%s COMMAND --help: its options)\n\ncommands:\n",
            prog, prog);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("  help [CMD]   this text, or one command's;  --version: the version\n\n", f);
    fputs(runneri_help_trailer, f);
}
