/* The options of procsim run and procsim trace (cli_run_args.c), parsed and checked
 * completely before anything runs, for cli_run.c.                                      */
#ifndef PROCSIM_CLI_RUN_ARGS_H
#define PROCSIM_CLI_RUN_ARGS_H

#include "cli_int.h"

typedef struct {
    int is_sweep;
    const char *text;
} param_spec;

typedef struct {
    const char *exp_name;
    param_spec *specs;
    size_t n_specs;
    runner_options opt;
    int has_reps, has_jobs, has_seed, has_rep, has_conf, has_prec, has_max, has_mem, quiet;
    int has_abs;
    int has_shard;
    const char *out_path, *summary_path;
    const char *series_path, *series_reps; /* --series FILE, --series-reps R,... */
    const char **prec_names; /* --precision-metric NAME..., n_prec of them */
    size_t n_prec;
    unsigned char *prec_mask; /* n_metrics flags from prec_names, or NULL */
    const char *plot_path;    /* --plot FILE */
    const char *compare_to;   /* --compare-to k=v */
} run_args;

/* Parse argv (argv[0] is the command name: run, or trace when !is_run) into ra and a
 * plan; returns the plan, or NULL after a usage message. Either way the caller frees
 * ra->specs and ra->prec_names when it returns (the plan has copied what it needs). */
runner_plan *runneri_run_parse(const runneri_cli *c, int argc, char **argv, int is_run,
                              run_args *ra);

/* What runneri_run_parse allocated for the run besides the plan. */
void runneri_run_args_free(run_args *ra);

#endif
