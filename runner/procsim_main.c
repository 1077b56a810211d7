/* procsim_main: the command line for a user's own program and its own experiments. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "procsim.h"

int procsim_main(int argc, char **argv, const exp_experiment *const *experiments, size_t n,
                 const char *prog)
{
    if (prog == NULL && argc > 0 && argv[0] && *argv[0]) {
        const char *slash = strrchr(argv[0], '/');
        prog = slash ? slash + 1 : argv[0];
    }
    runner_cli_io io = {experiments, n, NULL, NULL, -1, prog};
    int rc = runner_cli_main(argc, argv, &io);
    /* runner_cli_main flushed and checked stdout; closing it catches a last write error. */
    if (fclose(stdout) != 0 && rc == 0) {
        fprintf(stderr, "%s: error writing standard output: %s\n", prog ? prog : "procsim",
                strerror(errno));
        rc = 1;
    }
    return rc;
}
