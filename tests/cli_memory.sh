#!/bin/sh
# Memory budget per replication (--max-memory), end to end: an overloaded queue whose
# customers pile up fails its replications with a clear message, the same replications
# with the same message for -j 1 and -j 2 (the budget counts what the kernel holds, so
# it does not depend on the machine or on other threads); the default budget (2 GiB)
# stops a population explosion long before it takes the machine; finished replications
# are still written. Usage: sh cli_memory.sh PROCSIM SHARED_DIR.
. "$(dirname "$0")/cli_lib.sh"

# lambda=5 against mu=1: the queue grows by 4 customers per time unit, each a process.
boom="run mm1 --param lambda=5 --param customers=100000 --param warmup=0 -r 4 -q"
for j in 1 2; do
    # shellcheck disable=SC2086 # options are split on purpose
    "$procsim" $boom -j "$j" --max-memory 16M -o "$dir/r$j.csv" --summary "$dir/s$j.csv" \
        2>"$dir/err$j"
    rc=$?
    [ "$rc" -eq 1 ] || fail "-j $j: exit status $rc, want 1 (failed replications)"
done
cmp -s "$dir/err1" "$dir/err2" || fail "failures differ between -j 1 and -j 2:
$(cat "$dir/err1")
---
$(cat "$dir/err2")"
[ "$(grep -c 'replication failed: .* rep [0-3] seed .*: out of memory: replication exceeded its memory budget of 16 MiB ([0-9]* processes alive' "$dir/err1")" -eq 4 ] ||
    fail "message: $(cat "$dir/err1")"
cmp -s "$dir/s1.csv" "$dir/s2.csv" || fail "summaries differ between -j 1 and -j 2"

# A stable queue under the same budget runs to the end: the budget is not a tax.
"$procsim" run mm1 -r 4 -j 2 -q --max-memory 16M --summary "$dir/ok.csv" ||
    fail "a stable mm1 failed under a 16 MiB budget"

# The default budget: a million cars waiting at the carwash fail at 2 GiB.
"$procsim" run carwash --param initial_cars=1000000 -r 1 -q --summary "$dir/cw.csv" \
    2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "carwash with a million initial cars exited $rc, want 1"
grep -q 'exceeded its memory budget of 2 GiB' "$dir/err" || fail "message: $(cat "$dir/err")"

# Under ulimit -v the same: no more replications run at once than their budgets fit in
# the address space, so -j 2 fails exactly what -j 1 fails. (Sanitizer builds need far
# more address space than any ulimit here allows.)
if ! grep -q __asan_init "$procsim" && ! grep -q __tsan_init "$procsim"; then
    for j in 1 2; do
        (
            ulimit -v 3000000 || exit 3
            "$procsim" run mm1 --param lambda=2 --param customers=60000 -r 4 -j "$j" -q \
                --summary "$dir/u$j.csv" 2>"$dir/uerr$j"
        )
        rc=$?
        [ "$rc" -eq 3 ] && break # no ulimit -v here
        [ "$rc" -eq 1 ] || fail "under ulimit -v, -j $j exited $rc: $(cat "$dir/uerr$j")"
    done
    if [ "$rc" -ne 3 ]; then
        cmp -s "$dir/uerr1" "$dir/uerr2" || fail "under ulimit -v, -j 1 and -j 2 fail differently"
        cmp -s "$dir/u1.csv" "$dir/u2.csv" || fail "under ulimit -v, summaries differ"
    fi
    # The result slots are checked against what is available (here the address space
    # left), not the machine's RAM: 7e7 replications of 49 bytes do not fit in 2.9 GiB.
    (
        ulimit -v 3000000 || exit 0
        timeout 60 "$procsim" run mm1 -r 70000000 -q --summary "$dir/w.csv" 2>"$dir/werr"
        [ $? -eq 2 ] || exit 1
        grep -q 'more than the .* GiB of memory available' "$dir/werr"
    ) || fail "results that cannot fit under ulimit -v were not refused: $(cat "$dir/werr")"
    (
        ulimit -v 1000000 || exit 0
        "$procsim" run mm1 -r 2 -q --summary "$dir/v.csv" 2>"$dir/verr"
        [ $? -eq 2 ] || exit 1
        grep -q 'more than the .* GiB of address space left under ulimit -v' "$dir/verr"
    ) || fail "a budget above ulimit -v was not refused: $(cat "$dir/verr")"
fi

# --max-memory 0 lifts the limit; sizes take K, M, G, T.
"$procsim" run mm1 -r 2 -q --max-memory 0 --summary "$dir/z.csv" || fail "--max-memory 0"
"$procsim" run mm1 -r 2 -q --max-memory 4G --summary "$dir/g.csv" || fail "--max-memory 4G"
echo "ok: memory budget failures are the same for -j 1 and -j 2, with a clear message"
