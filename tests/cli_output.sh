#!/bin/sh
# procsim run's outputs for mm1: the CSV headers of DESIGN.md section 6 (with the
# analytic column), the table on stdout when there is no --summary file, and a model
# failure reported per replication with point, rep and seed (exit 1).
# Usage: sh cli_output.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"

"$procsim" run mm1 -r 20 --param customers=2000 --param warmup=100 -q \
    -o "$dir/reps.csv" --summary "$dir/sum.csv" >"$dir/out" || fail "run exited $?"
[ -s "$dir/out" ] && fail "stdout not empty with --summary: $(cat "$dir/out")"
head -n 1 "$dir/reps.csv" | grep -qx '# procsim [0-9.]* experiment=mm1 seed=1 crn=1 params=4' ||
    fail "per-replication provenance line: $(head -n 1 "$dir/reps.csv")"
sed -n 2p "$dir/reps.csv" | grep -qx \
    'point,rep,seed,lambda,mu,customers,warmup,wait,system_time,queue_length,utilization' ||
    fail "per-replication header: $(sed -n 2p "$dir/reps.csv")"
head -n 1 "$dir/sum.csv" | grep -qx \
    'point,lambda,mu,customers,warmup,metric,n,mean,sd,ci_low,ci_high,half_width,min,max,analytic' ||
    fail "summary header: $(head -n 1 "$dir/sum.csv")"
[ "$(wc -l <"$dir/sum.csv")" -eq 5 ] || fail "expected one summary row per metric"
grep -q '^0,[^,]*,[^,]*,2000,100,wait,20,' "$dir/sum.csv" || fail "wait row: $(cat "$dir/sum.csv")"
# mm1 knows its analytic waiting time: the last cell of the wait row is a number
awk -F, '$6 == "wait" && $15 !~ /^[0-9.e+-]+$/ { exit 1 }' "$dir/sum.csv" ||
    fail "no analytic value for wait"

"$procsim" run mm1 -r 5 --param customers=500 --param warmup=0 >"$dir/table" ||
    fail "table run exited $?"
grep -q '^point 0: lambda=' "$dir/table" || fail "no table on stdout: $(cat "$dir/table")"
grep -q '95% CI' "$dir/table" || fail "no CI column in the table"
grep -q '^  wait ' "$dir/table" || fail "no wait row in the table"

# a replication that fails (here: an overloaded queue past its memory budget) is reported
# with point, rep and seed, its row left out, exit 1
"$procsim" run mm1 -r 3 --param lambda=5 --param customers=100000 --param warmup=0 \
    --max-memory 8M -q -o "$dir/bad.csv" >/dev/null 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "model error exited $rc, want 1"
grep -q 'replication failed: point 0 (.*) rep 2 seed [0-9][0-9]*: ' "$dir/err" ||
    fail "failure report: $(cat "$dir/err")"
[ "$(wc -l <"$dir/bad.csv")" -eq 2 ] || fail "failed replications must not have rows"
# Numbers as long or as small as a double allows are values, not errors: a sweep part of
# 70 digits, a subnormal patience.
"$procsim" run mm1 -r 2 -q --param customers=200 --param warmup=0 --summary "$dir/long.csv" \
    --sweep "lambda=0.5$(printf '%068d' 0)1:0.6:0.1" || fail "a 70-digit sweep part was refused"
[ "$(wc -l <"$dir/long.csv")" -eq 9 ] || fail "the 70-digit sweep has not two points"
"$procsim" run bank_renege -r 2 -q --param min_patience=4.9e-324 --summary "$dir/sub.csv" ||
    fail "a subnormal parameter value was refused"
echo "ok: CSV headers, table, failures"
