/* procsim for model authors: the one header a model includes, installed as
 * <procsim/procsim.h>. It brings the kernel (sim.h: environments, processes, events,
 * resources, stores, containers, random streams), the statistics collectors (stats.h), the
 * experiment description (experiments.h) and the runner (runner.h), and gives the two
 * ways to run one's own experiments with the whole procsim command line:
 *
 *   as a plugin of the stock `procsim` (a shared object, no link against libprocsim):
 *       PROCSIM_EXPERIMENTS(&exp_ed, &exp_ed_variant);
 *       cc -shared -fPIC $(pkg-config --cflags procsim) ed.c -o ed.so -lm
 *       procsim run ./ed.so:ed -r 1000 --sweep doctors=2,3,4
 *
 *   as a program of its own (links the static libprocsim.a, no demo models):
 *       PROCSIM_MAIN("edsim", &exp_ed, &exp_ed_variant)
 *       cc $(pkg-config --cflags procsim) ed.c -o edsim $(pkg-config --libs procsim)
 *       ./edsim run ed -r 1000 --sweep doctors=2,3,4
 *
 * Both routes reach the same command-line code as the built-in models, so every feature
 * (sweeps, -j, --rep, --precision, CSV, merge, check() at plan time) behaves the same and
 * the output is byte for byte what the same experiment compiled into procsim gives.
 *
 * Plugin ABI. A plugin exports one symbol, `procsim_plugin`, whose first member is the
 * ABI version it was compiled with; the loader compares it with its own before reading
 * anything else. PROCSIM_ABI_VERSION changes whenever a plugin built against older
 * headers could misread this program's structures (exp_experiment, the kernel API). */
#ifndef PROCSIM_PROCSIM_H
#define PROCSIM_PROCSIM_H

#include <stddef.h>

#include "experiments.h"
#include "runner.h"
#include "sim.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PROCSIM_ABI_VERSION 2u /* 2: exp_experiment.stack_size, stack_layout */

typedef struct {
    unsigned abi; /* PROCSIM_ABI_VERSION of the headers the plugin was built with */
    const exp_experiment *const *experiments;
    size_t n_experiments;
} procsim_plugin_info;

#if defined(__GNUC__)
#define PROCSIM_EXPORT __attribute__((visibility("default")))
#else
#define PROCSIM_EXPORT
#endif

/* Declared here so that defining it draws no missing-declaration warning. */
extern PROCSIM_EXPORT const procsim_plugin_info procsim_plugin;

/* At file scope in a plugin: export the experiments, in the order `procsim list ./x.so`
 * shows them. Arguments are pointers to const exp_experiment:
 *     PROCSIM_EXPERIMENTS(&my_model, &my_other_model);                              */
#define PROCSIM_EXPERIMENTS(...)                                                           \
    static const exp_experiment *const procsim_plugin_table_[] = {__VA_ARGS__};           \
    PROCSIM_EXPORT const procsim_plugin_info procsim_plugin = {                            \
        PROCSIM_ABI_VERSION, procsim_plugin_table_,                                        \
        sizeof procsim_plugin_table_ / sizeof procsim_plugin_table_[0]}

/* The whole command line (list, describe, trace, run, merge) over `experiments`, with
 * `prog` as the program's name in usage and messages (NULL: the last part of argv[0]).
 * Returns the exit status: 0 ok, 1 failed replications, 2 bad usage, 128 + signal. */
int procsim_main(int argc, char **argv, const exp_experiment *const *experiments, size_t n,
                 const char *prog);

/* At file scope: a main() that runs procsim_main over the listed experiments. */
#define PROCSIM_MAIN(prog, ...)                                                            \
    int main(int argc, char **argv)                                                        \
    {                                                                                      \
        static const exp_experiment *const procsim_main_table_[] = {__VA_ARGS__};         \
        return procsim_main(argc, argv, procsim_main_table_,                               \
                            sizeof procsim_main_table_ / sizeof procsim_main_table_[0],   \
                            prog);                                                         \
    }

#ifdef __cplusplus
}
#endif
#endif
