#include "cli_int.h"
int runneri_cli_compare(const runneri_cli *c, int argc, char **argv) { (void)argc; (void)argv; return runneri_cli_usage(c, "compare: todo"); }
