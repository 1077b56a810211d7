#!/bin/sh
# Signals during procsim run, end to end with mm1 (cli_sigint.sh covers one SIGINT in a
# run of many short replications):
#  - one SIGINT stops even a replication that would run for hours, says so once, and
#    writes what finished: here nothing, so no summary row for points that never ran;
#  - SIGTERM, SIGHUP and SIGPIPE stop the same way (exit 128 + N), unless ignored on
#    entry (nohup): then they stay ignored;
#  - a second signal quits at once and leaves no temporary file, even while the run is
#    still opening its outputs (a FIFO nobody reads blocks that open).
# Usage: sh cli_signals.sh PROCSIM SHARED_DIR.
. "$(dirname "$0")/cli_lib.sh"
# A background job of a script starts with SIGINT ignored (and under nohup SIGHUP), and
# procsim keeps a signal ignored on entry ignored: start it with the defaults.
sig_default="env --default-signal=INT,TERM,HUP,PIPE"

# wait_gone PID: wait for it to exit (bounded, so a run that ignores signals fails the
# test instead of hanging it); its exit status in $rc.
wait_gone() {
    n=0
    while kill -0 "$1" 2>/dev/null && [ "$n" -lt 600 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1"
        wait "$1"
        fail "still running a minute after the signal"
    fi
    wait "$1"
    rc=$?
}

# wait_for GLOB: until a file matching it exists (the run has opened its outputs).
wait_for() {
    n=0
    while [ "$n" -lt 600 ]; do
        for f in $1; do
            [ -e "$f" ] && return 0
        done
        sleep 0.1
        n=$((n + 1))
    done
    fail "no file $1 appeared"
}

no_temps() {
    for f in "$dir"/*.tmp.* "$dir"/.procsim-*; do
        [ -e "$f" ] && fail "temporary file left: $f"
    done
    return 0
}

long="run mm1 --param customers=1000000000000 --param warmup=0 -r 2 -j 1 -q"

for pair in INT:2 TERM:15 HUP:1 PIPE:13; do
    sig=${pair%:*}
    rm -f "$dir"/*.csv
    # shellcheck disable=SC2086 # options are split on purpose
    $sig_default "$procsim" $long --sweep lambda=0.5,0.6 -o "$dir/reps.csv" --summary "$dir/sum.csv" \
        2>"$dir/err" &
    pid=$!
    wait_for "$dir/sum.csv.tmp.*"
    sleep 0.5 # inside the first replication
    kill -"$sig" "$pid"
    wait_gone "$pid"
    want=$((128 + ${pair#*:}))
    [ "$rc" -eq "$want" ] || fail "exit status $rc after SIG$sig, want $want ($(cat "$dir/err"))"
    [ "$(grep -c "SIG$sig: stopping" "$dir/err")" -eq 1 ] ||
        fail "SIG$sig not announced once: $(cat "$dir/err")"
    grep -q "interrupted: 0 of 4 replications completed" "$dir/err" ||
        fail "SIG$sig: no completion count in: $(cat "$dir/err")"
    [ "$(wc -l <"$dir/reps.csv")" -eq 2 ] || fail "SIG$sig: reps.csv has rows of unfinished runs"
    [ "$(wc -l <"$dir/sum.csv")" -eq 1 ] ||
        fail "SIG$sig: the summary has rows for points that never ran: $(cat "$dir/sum.csv")"
    no_temps
done

# A signal ignored on entry (nohup's SIGHUP) stays ignored; SIGTERM still stops the run.
rm -f "$dir"/*.csv
# shellcheck disable=SC2086
env --default-signal=TERM --ignore-signal=HUP "$procsim" $long -o "$dir/reps.csv" 2>"$dir/err" &
pid=$!
wait_for "$dir/reps.csv.tmp.*"
kill -HUP "$pid"
sleep 0.5
kill -0 "$pid" 2>/dev/null || { wait "$pid"; fail "an ignored SIGHUP stopped the run (exit $?)"; }
kill -TERM "$pid"
wait_gone "$pid"
[ "$rc" -eq 143 ] || fail "exit status $rc after SIGTERM with SIGHUP ignored, want 143"

# A second signal while the outputs are being opened: the first stops the run, the
# second quits; neither output file exists afterwards, nor any temporary one.
mkfifo "$dir/fifo" || fail "mkfifo"
rm -f "$dir"/*.csv
$sig_default "$procsim" run mm1 -r 2 -q -o "$dir/reps.csv" --summary "$dir/fifo" 2>"$dir/err" &
pid=$!
wait_for "$dir/reps.csv.tmp.*"
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
wait_gone "$pid"
[ "$rc" -eq 130 ] || fail "exit status $rc after two SIGINTs, want 130"
no_temps
[ -e "$dir/reps.csv" ] && fail "reps.csv written after a second signal"
[ -p "$dir/fifo" ] || fail "the FIFO was replaced"
echo "ok: one signal stops a long replication and writes no unrun point; two leave no file"
