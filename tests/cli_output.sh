#!/bin/sh
# procsim run's outputs for mm1: the CSV headers of DESIGN.md section 6 (with the
# analytic column), the table on stdout when there is no --summary file, and a model
# error reported per replication with point, rep and seed (exit 1).
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

# warmup beyond customers is a model error: every replication fails, exit 1
"$procsim" run mm1 -r 3 --param customers=10 --param warmup=20 -q -o "$dir/bad.csv" \
    >/dev/null 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "model error exited $rc, want 1"
grep -q 'replication failed: point 0 (.*) rep 2 seed [0-9][0-9]*: ' "$dir/err" ||
    fail "failure report: $(cat "$dir/err")"
[ "$(wc -l <"$dir/bad.csv")" -eq 2 ] || fail "failed replications must not have rows"
echo "ok: CSV headers, table, failures"
