#!/bin/sh
# procsim describe shows theory next to the metrics: M/M/1 at its defaults
# (lambda 0.9, mu 1) has Wq = 9, W = 10, Lq = 8.1, utilisation 0.9; M/D/1 has Wq = 4.5.
# Usage: sh cli_describe.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"
out=$("$procsim" describe mm1) || fail "describe mm1 exited $?"
for pair in "wait 9" "system_time 10" "queue_length 8.1" "utilization 0.9"; do
    echo "$out" | sed -n '/^analytic values/,$p' | awk -v m="${pair% *}" -v v="${pair#* }" \
        '$1 == m && $2 == v { found = 1 } END { exit !found }' ||
        fail "describe mm1 does not show $pair: $out"
done
"$procsim" describe md1 | sed -n '/^analytic values/,$p' | grep -Eq '^ +wait +4\.5$' ||
    fail "describe md1 does not show wait 4.5"
# An experiment without theory says nothing about analytic values.
"$procsim" describe basic_signal | grep -q analytic && fail "basic_signal claims analytic values"
echo "ok"
