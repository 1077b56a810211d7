#!/bin/sh
# The command-line habits people expect, end to end against mm1: the table on stdout
# even with --summary FILE, -q for silence, - for stdout, -j 0 for every core, each
# command's --help, the man page made from the same text, exit 3 when a precision target
# was not reached. Usage: sh cli_habits.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"

run="run mm1 -r 5 --param customers=300 --param warmup=10 --sweep lambda=0.5,0.6"

# --summary FILE and the table, both.
"$procsim" $run --summary "$dir/s.csv" >"$dir/out" 2>"$dir/err" || fail "run: $?"
grep -q "^point 1: lambda=0.6" "$dir/out" || fail "no table with --summary FILE"
[ "$(wc -l <"$dir/s.csv")" -eq 9 ] || fail "summary rows: $(cat "$dir/s.csv")"
# -q: nothing on stdout, nothing on stderr, files still written.
"$procsim" $run --summary "$dir/q.csv" -o "$dir/q_reps.csv" -q >"$dir/out" 2>"$dir/err" ||
    fail "run -q: $?"
[ -s "$dir/out" ] && fail "-q printed: $(cat "$dir/out")"
[ -s "$dir/err" ] && fail "-q said: $(cat "$dir/err")"
cmp -s "$dir/s.csv" "$dir/q.csv" || fail "-q changed the summary"
# --summary - and -o -: the CSV on stdout, alone.
"$procsim" $run --summary - >"$dir/out" || fail "--summary -: $?"
cmp -s "$dir/out" "$dir/s.csv" || fail "--summary - printed more than the CSV"
"$procsim" $run -o - >"$dir/out" || fail "-o -: $?"
cmp -s "$dir/out" "$dir/q_reps.csv" || fail "-o - printed more than the CSV"
[ -e "$dir/-" ] && fail "a file named - appeared"
# -j 0: every core, the same bytes as one thread.
"$procsim" $run -j 0 -q -o "$dir/j0.csv" || fail "-j 0: $?"
"$procsim" $run -j 1 -q -o "$dir/j1.csv" || fail "-j 1: $?"
cmp -s "$dir/j0.csv" "$dir/j1.csv" || fail "-j 0 and -j 1 differ"

# Exit 3: points left at --max-reps short of the target, everything still written.
"$procsim" $run --precision 0.0001 --max-reps 12 --summary "$dir/p.csv" -q 2>"$dir/err"
rc=$?
[ "$rc" -eq 3 ] || fail "--precision short of the target exited $rc, want 3"
grep -q "not reached at 2 of 2 points (2 at --max-reps 12)" "$dir/err" || fail "$(cat "$dir/err")"
grep -q ",12,.*,0$" "$dir/p.csv" || fail "summary of a capped run: $(cat "$dir/p.csv")"
# ... and 0 when only the metric that can meet it is asked for (utilization varies
# little, wait a lot: 10% on every metric misses by 12 replications, 10% on utilization
# is met), or with an absolute target.
"$procsim" $run --precision 0.1 --max-reps 12 -q 2>/dev/null
[ $? -eq 3 ] || fail "--precision 0.1 on every metric did not exit 3"
"$procsim" $run --precision 0.1 --precision-metric utilization --max-reps 12 -q ||
    fail "--precision-metric utilization exited $?"
"$procsim" $run --abs-precision 10 --max-reps 12 -q || fail "--abs-precision 10 exited $?"

# Help: every command has its own, from the same table as the man page.
for cmd in run trace merge plot compare list describe; do
    "$procsim" "$cmd" --help >"$dir/h_$cmd" 2>"$dir/err" || fail "$cmd --help exited $?"
    [ -s "$dir/err" ] && fail "$cmd --help said: $(cat "$dir/err")"
    head -n 2 "$dir/h_$cmd" | grep -q "^  procsim $cmd" || fail "$cmd --help: $(head -n 3 "$dir/h_$cmd")"
    "$procsim" help "$cmd" | cmp -s - "$dir/h_$cmd" || fail "help $cmd differs from $cmd --help"
done
grep -q -- "--precision-metric NAME" "$dir/h_run" || fail "run --help lacks --precision-metric"
grep -q -- "--baseline k=v" "$dir/h_compare" || fail "compare --help lacks --baseline"
grep -q -- "--hist METRIC" "$dir/h_plot" || fail "plot --help lacks --hist"
man=$(dirname "$procsim")/procsim.1
[ -f "$man" ] || fail "no man page beside $procsim"
head -n 1 "$man" | grep -q '^\.TH PROCSIM 1 ' || fail "man page header: $(head -n 1 "$man")"
# Every option line of every command's help is an entry of the page.
for cmd in run trace merge plot compare; do
    grep '^  -' "$dir/h_$cmd" | sed 's/^  \([^ ]\( \{0,1\}[^ ]\)*\).*/\1/' |
        sed 's/-/\\-/g' | while read -r opt; do
            grep -qF -- "$opt" "$man" || { echo "missing: $opt"; exit 1; }
        done || fail "the man page lacks options of $cmd --help"
done
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww "$man" >/dev/null 2>"$dir/err" || fail "groff: $?"
    [ -s "$dir/err" ] && fail "groff warns: $(cat "$dir/err")"
fi
echo "ok: table and files, quiet, stdout, -j 0, exit 3, help and man page"
