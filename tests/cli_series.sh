#!/bin/sh
# procsim run --series: the models' sim_series points as long CSV point,rep,name,t,value,
# only for the replications --series-reps names, byte-identical for -j 1 and -j 2.
# Usage: sh cli_series.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"

run() { "$procsim" run bank_renege --param customers=30 -r 5 -q "$@"; }
run -j 1 --series "$dir/s1.csv" >/dev/null || fail "-j 1 run"
run -j 2 --series "$dir/s2.csv" >/dev/null || fail "-j 2 run"
cmp -s "$dir/s1.csv" "$dir/s2.csv" || fail "series differ between -j 1 and -j 2"
[ "$(head -n 1 "$dir/s1.csv")" = "point,rep,name,t,value" ] ||
    fail "unexpected header: $(head -n 1 "$dir/s1.csv")"
[ "$(awk -F, 'NR > 1 { print $2 }' "$dir/s1.csv" | sort -u | tr '\n' ' ')" = "0 1 2 3 4 " ] ||
    fail "not every replication has its series"
# one wait record per customer that got a counter or gave up: 30 per replication
[ "$(grep -c '^0,2,wait,' "$dir/s1.csv")" -eq 30 ] || fail "expected 30 records in rep 2"

run -j 2 --series "$dir/some.csv" --series-reps 3,1 >/dev/null || fail "--series-reps run"
[ "$(awk -F, 'NR > 1 { print $2 }' "$dir/some.csv" | sort -u | tr '\n' ' ')" = "1 3 " ] ||
    fail "--series-reps 3,1 kept other replications"
tail -n +2 "$dir/some.csv" >"$dir/some.rows"
grep '^0,[13],' "$dir/s1.csv" >"$dir/all13.rows"
cmp -s "$dir/some.rows" "$dir/all13.rows" || fail "the chosen replications' rows differ"

# usage errors: exit 2, nothing written
run --series-reps 1 >/dev/null 2>&1; [ $? -eq 2 ] || fail "--series-reps without --series"
run --series "$dir/x.csv" --series-reps 1,,2 >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad list"
run --series "$dir/x.csv" -o "$dir/x.csv" >/dev/null 2>&1; [ $? -eq 2 ] || fail "same file"
[ -e "$dir/x.csv" ] && fail "a usage error wrote a file"
echo "ok: series deterministic, filtered by --series-reps, usage errors caught"
