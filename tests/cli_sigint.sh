#!/bin/sh
# Ctrl-C during procsim run: exit 130, the message says how many replications completed,
# and the output files exist whole (every row complete, rows only of finished
# replications, no temporary file left). Usage: sh cli_sigint.sh PROCSIM SHARED_DIR.
. "$(dirname "$0")/cli_lib.sh"
# A background job of a script starts with SIGINT ignored (and under nohup SIGHUP), and
# procsim keeps a signal ignored on entry ignored: start it with the defaults.
sig_default="env --default-signal=INT,TERM,HUP,PIPE"

# Long enough not to finish in the second we wait (~100k customers per replication).
$sig_default "$procsim" run mm1 --param customers=100000 --param warmup=1000 -r 100000 -j 2 -q \
    -o "$dir/reps.csv" --summary "$dir/sum.csv" >"$dir/out" 2>"$dir/err" &
pid=$!
# The handlers are in before the temporary files exist: wait for those (up to 20 s on a
# loaded machine), then give the run a moment to finish some replications.
i=0
while [ "$i" -lt 200 ] && ! ls "$dir"/*.tmp.* >/dev/null 2>&1; do
    sleep 0.1
    i=$((i + 1))
done
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "exit status $rc after SIGINT, want 130 (stderr: $(cat "$dir/err"))"
grep -q "interrupted: [0-9]* of 100000 replications completed" "$dir/err" ||
    fail "no completion count in: $(cat "$dir/err")"
done=$(sed -n 's/.*interrupted: \([0-9]*\) of.*/\1/p' "$dir/err")
for f in "$dir"/*.tmp.*; do
    [ -e "$f" ] && fail "temporary file left: $f"
done
if [ ! -f "$dir/reps.csv" ] || [ ! -f "$dir/sum.csv" ]; then
    fail "output files missing"
fi
# Every line has the header's number of fields and ends with a newline.
# (line 1 is the provenance comment, line 2 the header)
fields=$(sed -n 2p "$dir/reps.csv" | awk -F, '{ print NF }')
awk -F, -v n="$fields" 'NR > 1 && NF != n { bad = 1 } END { exit bad }' "$dir/reps.csv" ||
    fail "a row of reps.csv is incomplete"
[ "$(tail -c 1 "$dir/reps.csv" | od -An -c | tr -d ' ')" = '\n' ] ||
    fail "reps.csv does not end with a newline"
rows=$(($(wc -l <"$dir/reps.csv") - 2))
[ "$rows" -eq "$done" ] || fail "reps.csv has $rows rows, stderr says $done completed"
if [ "$done" -gt 0 ]; then
    grep -q ",wait,$done," "$dir/sum.csv" || fail "summary n is not $done: $(cat "$dir/sum.csv")"
else # a slow machine: nothing finished, and a point that never ran has no summary rows
    [ "$(wc -l <"$dir/sum.csv")" -eq 1 ] || fail "summary rows without replications"
fi
echo "ok: SIGINT after $done replications left complete files and exit 130"
