/* procsim merge in two steps over shards already in memory (internal, prefix runneri_):
 * runner_merge() reads the files and writes the output file around them, the fuzzer
 * (fuzz/fuzz_merge.c) calls them on its own buffers. */
#ifndef PROCSIM_MERGE_INT_H
#define PROCSIM_MERGE_INT_H

#include "runner_int.h"

typedef struct {
    const char *name; /* for messages: the file it came from */
    const char *data;
    size_t len;
} runneri_shard;

typedef struct runneri_merged runneri_merged;

/* Check the shards against each other (runner.h, runner_merge) and sort their rows.
 * The result points into the shards' buffers, which must outlive it. NULL with err. */
runneri_merged *runneri_merge_parse(const runneri_shard *shards, size_t n,
                                    runner_err *err);
/* Provenance line, header and rows in (point, rep) order. 0, or -1 on a write error. */
int runneri_merge_write(const runneri_merged *m, FILE *f);
void runneri_merge_free(runneri_merged *m);

#endif
