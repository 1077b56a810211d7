/* Shards for job arrays: --shard I/N runs the tasks (point, rep) with (point + rep) mod N
 * equal to I. The rule needs nothing but the task itself (not the number of replications,
 * which precision runs would change), so merge can check that a row belongs to the shard
 * its file says; it spreads the replications of one point over every shard and, with one
 * replication per point, spreads the points, so shards stay within one task per point of
 * each other. */
#include <string.h>

#include "runner_int.h"

int runner_parse_shard(const char *s, size_t *index, size_t *count)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    char head[32];
    size_t i, n;
    if (slash == NULL || (size_t)(slash - s) >= sizeof head)
        return -1;
    memcpy(head, s, (size_t)(slash - s));
    head[slash - s] = '\0';
    if (runner_parse_size(head, &i) != 0 || runner_parse_size(slash + 1, &n) != 0 || n == 0 ||
        i >= n)
        return -1;
    *index = i;
    *count = n;
    return 0;
}

size_t runner_shard_of(size_t point, size_t rep, size_t count)
{
    return count > 1 ? (point % count + rep % count) % count : 0;
}

/* The first rep >= from that shard `index` of `count` runs at this point. */
size_t runneri_shard_first(size_t point, size_t from, size_t index, size_t count)
{
    if (count <= 1)
        return from;
    size_t have = runner_shard_of(point, from, count);
    return from + (index + count - have) % count;
}
