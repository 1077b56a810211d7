/* procsim: the command-line program; everything is in runner_cli_main (runner/cli.c). */
#include "runner.h"

int main(int argc, char **argv) { return runner_cli_main(argc, argv, NULL); }
