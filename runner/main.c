/* procsim: the command-line program; everything is in runner_cli_main (runner/cli.c),
 * which also reports stdout errors it can see; closing stdout here catches the last. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

int main(int argc, char **argv)
{
    int rc = runner_cli_main(argc, argv, NULL);
    if (fclose(stdout) != 0 && rc == 0) {
        fprintf(stderr, "procsim: error writing standard output: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}
