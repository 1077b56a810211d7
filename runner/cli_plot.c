#include "cli_int.h"
int runneri_cli_plot(const runneri_cli *c, int argc, char **argv) { (void)argc; (void)argv; return runneri_cli_usage(c, "plot: todo"); }
int runneri_plot_check_run(const runneri_cli *c, const runner_plan *plan, const char *path) { (void)c; (void)plan; (void)path; return 0; }
int runneri_plot_result(const runneri_cli *c, const runner_result *res, const char *path, double confidence) { (void)c; (void)res; (void)path; (void)confidence; return 0; }
