/* libFuzzer harness: procsim merge's reader, on shards in memory.
 *
 * Input: up to 4 shards separated by the line "%%". Besides the sanitizers it checks
 * that merge is a fixed point: when the shards merge, the merged bytes merged alone
 * again come out unchanged (so what merge accepts is what it writes).            */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The merged bytes of shards, or NULL when merge refuses them. */
static char *merged(const runneri_shard *sh, size_t n, size_t *len)
{
    runner_err err;
    runneri_merged *m = runneri_merge_parse(sh, n, &err);
    if (m == NULL)
        return NULL;
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (f == NULL)
        abort();
    if (runneri_merge_write(m, f) != 0)
        abort();
    fclose(f);
    runneri_merge_free(m);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n%%\n";
    static const char *const names[] = {"s0", "s1", "s2", "s3"};
    runneri_shard sh[4];
    size_t n = 0;
    const char *s = (const char *)data, *end = s + size;
    while (n < 4) {
        const char *cut = NULL;
        for (const char *c = s; c + 4 <= end && cut == NULL; c++)
            if (memcmp(c, sep, 4) == 0)
                cut = c;
        sh[n].name = names[n];
        sh[n].data = s;
        sh[n].len = (size_t)((cut && n < 3 ? cut + 1 : end) - s);
        n++;
        if (cut == NULL || n == 4)
            break;
        s = cut + 4;
    }
    size_t len;
    char *once = merged(sh, n, &len);
    if (once) {
        runneri_shard again = {"merged", once, len};
        size_t len2;
        char *twice = merged(&again, 1, &len2);
        if (twice == NULL || len2 != len || memcmp(once, twice, len) != 0)
            abort();
        free(twice);
    }
    free(once);
    return 0;
}
