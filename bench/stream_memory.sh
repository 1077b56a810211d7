#!/bin/sh
# Streaming memory check (issue 12): REPS replications (default 10^7) of a tiny model
# (basic_signal: one metric, a few events) with -j 2, rows streamed to /dev/null and the
# summary to a file; prints wall time, peak RSS and replications per second, and exits 1
# when the peak RSS is 64 MiB or more. A benchmark, not a test: about 40 s on 2 cores.
# usage: sh bench/stream_memory.sh [PROCSIM] [REPS]        (PROCSIM default build/procsim)
procsim=${1:-build/procsim}
reps=${2:-10000000}
limit_kb=65536
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
/usr/bin/time -f "%e %M" -o "$dir/time" "$procsim" run basic_signal -r "$reps" -j 2 -q \
    -o /dev/null --summary "$dir/sum.csv" || { echo "FAIL: the run failed"; exit 1; }
read -r secs kb <"$dir/time"
n=$(awk -F, 'NR == 2 { print $3 }' "$dir/sum.csv")
[ "$n" = "$reps" ] || { echo "FAIL: the summary counts $n replications, want $reps"; exit 1; }
rate=$(awk -v r="$reps" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
echo "stream_memory: $reps replications -j 2 in $secs s ($rate reps/s), peak RSS $kb KiB (limit $limit_kb KiB)"
[ "$kb" -lt "$limit_kb" ] || { echo "FAIL: peak RSS $kb KiB is not under 64 MiB"; exit 1; }
