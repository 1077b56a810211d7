/* cafesim: the whole procsim command line for the coffee bar, as a program of its own
 * (`cafesim run cafe -r 1000 --sweep baristas=2,3`), linked against libprocsim.a. */
#include "cafe.h"

PROCSIM_MAIN("cafesim", &exp_cafe)
