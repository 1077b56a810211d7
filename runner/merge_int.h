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
/* Read the files and runneri_merge_parse them; *shards holds their bytes until
 * runneri_merge_unload(m, *shards, n). NULL with err (nothing to unload). */
runneri_merged *runneri_merge_files(const char *const *inputs, size_t n,
                                    runneri_shard **shards, runner_err *err);
void runneri_merge_unload(runneri_merged *m, runneri_shard *shards, size_t n);
/* What procsim summarize reads back: the run's seed and crn, its experiment's name as
 * the provenance line spells it (%XX escapes), the header, and the rows in (point, rep)
 * order (each record without its line end). */
void runneri_merge_run(const runneri_merged *m, uint64_t *seed, int *crn, const char **exp,
                       size_t *exp_len, const char **header, size_t *header_len);
size_t runneri_merge_rows(const runneri_merged *m);
const char *runneri_merge_row(const runneri_merged *m, size_t i, size_t *len, size_t *point,
                              size_t *rep);

#endif
