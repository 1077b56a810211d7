#!/bin/sh
# procsim-mpi under mpirun -n 3 (oversubscribed on this machine) writes the bytes procsim
# -j 1 writes: per-replication CSV, summary CSV and table, with and without --precision,
# and with failing replications (same messages, same exit status); shards run under MPI
# merge to the full run; --series and a plugin's experiment run there too (the plugin:
# PROCSIM_TEST_PLUGIN, set by ctest). Ctrl-C to mpirun stops cleanly with the finished replications written; a
# rank killed mid-run ends the run with a message naming it and no file.
# Skipped (77) when procsim-mpi was not built or mpirun is missing.
# Usage: sh cli_mpi.sh PROCSIM SHARED_DIR.
. "$(dirname "$0")/cli_lib.sh"
mpi=$(dirname "$procsim")/procsim-mpi
if [ ! -x "$mpi" ] || ! command -v mpirun >/dev/null 2>&1; then
    echo "skip: procsim-mpi or mpirun is missing (install libopenmpi-dev openmpi-bin)"
    exit 77
fi
mpirun="mpirun --allow-run-as-root --oversubscribe -n 3"

same() { # what, options...: -j 1 against -n 3 -j 1, every output and the exit status
    what=$1; shift
    "$procsim" run mm1 "$@" -j 1 -q -o "$dir/a.csv" --summary "$dir/a_sum.csv" 2>"$dir/a.err"
    ra=$?
    "$procsim" run mm1 "$@" -j 1 -q >"$dir/a.txt" 2>/dev/null
    $mpirun "$mpi" run mm1 "$@" -j 1 -q -o "$dir/b.csv" --summary "$dir/b_sum.csv" \
        2>"$dir/b.err"
    rb=$?
    $mpirun "$mpi" run mm1 "$@" -j 1 -q >"$dir/b.txt" 2>/dev/null
    [ "$ra" -eq "$rb" ] || fail "$what: exit $rb under mpirun, $ra with -j 1"
    cmp -s "$dir/a.csv" "$dir/b.csv" || fail "$what: per-replication CSV differs"
    cmp -s "$dir/a_sum.csv" "$dir/b_sum.csv" || fail "$what: summary CSV differs"
    cmp -s "$dir/a.txt" "$dir/b.txt" || fail "$what: the table differs"
    # the program's own lines (mpirun adds its own notices on a nonzero exit)
    sed -n 's/^procsim: //p' "$dir/a.err" >"$dir/a.msg"
    sed -n 's/^procsim-mpi: //p' "$dir/b.err" >"$dir/b.msg"
    cmp -s "$dir/a.msg" "$dir/b.msg" || fail "$what: messages differ:
$(cat "$dir/a.msg")
---
$(cat "$dir/b.msg")"
}

grid="--param customers=300 --param warmup=10 --sweep lambda=0.5,0.7,0.9"
# shellcheck disable=SC2086 # options are split on purpose
same "fixed replications" $grid -r 60
# shellcheck disable=SC2086
same "--precision" $grid -r 5 --precision 0.05 --max-reps 300
# lambda=5 piles customers up past the budget: that point's replications fail
same "failing replications" --sweep lambda=0.5,5 --param customers=100000 --param warmup=0 \
    -r 4 --max-memory 16M
grep -q "replication failed: point 1 .* rep 0 seed" "$dir/b.msg" ||
    fail "failures are not reported with point, rep and seed: $(cat "$dir/b.msg")"

# shards, each under MPI, merge to the one-machine run
# shellcheck disable=SC2086
"$procsim" run mm1 $grid -r 20 -j 1 -q -o "$dir/full.csv" || fail "full run"
for i in 0 1 2; do
    # shellcheck disable=SC2086
    $mpirun "$mpi" run mm1 $grid -r 20 -j 1 -q --shard "$i/3" -o "$dir/s$i.csv" ||
        fail "shard $i/3 under mpirun"
done
"$procsim" merge "$dir/s0.csv" "$dir/s1.csv" "$dir/s2.csv" -o "$dir/merged.csv" || fail "merge"
cmp -s "$dir/merged.csv" "$dir/full.csv" || fail "MPI shards merged differ from the full run"

# --series over MPI: the other ranks send their replications' points with the metrics;
# the series file is that of -j 1, for all replications and for --series-reps.
series="bank_renege --param customers=30 -r 200 -j 1 -q"
for reps in "" "--series-reps 3,150,7"; do
    # shellcheck disable=SC2086
    "$procsim" run $series $reps --series "$dir/ser1.csv" >/dev/null || fail "series: -j 1 $reps"
    # shellcheck disable=SC2086
    $mpirun "$mpi" run $series $reps --series "$dir/ser2.csv" >/dev/null ||
        fail "series under mpirun $reps"
    cmp -s "$dir/ser1.csv" "$dir/ser2.csv" || fail "series $reps: differs under MPI"
done

# A plugin's experiment (a model of one's own) over MPI: every rank opens the plugin at
# the absolute path rank 0 found it at; the bytes are again those of -j 1.
if [ -n "${PROCSIM_TEST_PLUGIN:-}" ] && [ -f "$PROCSIM_TEST_PLUGIN" ]; then
    cp "$PROCSIM_TEST_PLUGIN" "$dir/model.so" || fail "copy the plugin"
    plugin_grid="--sweep baristas=1,2 -r 30 -j 1 -q"
    # shellcheck disable=SC2086
    (cd "$dir" && "$procsim" run ./model.so $plugin_grid -o p1.csv --summary p1_sum.csv) ||
        fail "plugin: procsim -j 1"
    # shellcheck disable=SC2086
    (cd "$dir" && $mpirun "$mpi" run ./model.so $plugin_grid -o p2.csv --summary p2_sum.csv) ||
        fail "plugin under mpirun"
    cmp -s "$dir/p1.csv" "$dir/p2.csv" || fail "plugin: per-replication CSV differs under MPI"
    cmp -s "$dir/p1_sum.csv" "$dir/p2_sum.csv" || fail "plugin: summary CSV differs under MPI"
    # Ranks that cannot open it (a node without the file: here ranks 1 and 2 see an empty
    # directory in a mount namespace of their own) end the run before it starts: exit 1,
    # a message naming the rank and the path, no file.
    mkdir "$dir/nodes" && cp "$dir/model.so" "$dir/nodes/model.so"
    if unshare -m sh -c "mount -t tmpfs none '$dir/nodes'" 2>/dev/null; then
        # Ranks 1 and 2 write their own message to a file each: through mpirun, two ranks
        # writing to one stderr at once can interleave byte by byte.
        cat >"$dir/hidden.sh" <<'EOF_HIDDEN'
#!/bin/sh
exec unshare -m sh -c 'mount -t tmpfs none "$1" && err=$2 && shift 2 &&
    exec "$@" 2>"$err.$$"' sh "$@"
EOF_HIDDEN
        args="run $dir/nodes/model.so -r 10 -j 1 -q -o $dir/none.csv"
        # shellcheck disable=SC2086
        mpirun --allow-run-as-root --oversubscribe -n 1 "$mpi" $args : \
            -n 2 sh "$dir/hidden.sh" "$dir/nodes" "$dir/rank" "$mpi" $args >/dev/null \
            2>"$dir/none.err"
        rc=$?
        [ "$rc" -eq 1 ] || fail "plugin missing on other ranks: exit $rc, want 1"
        grep -q "^procsim-mpi: run: MPI rank [12] could not load plugin $dir/nodes/model.so" \
            "$dir/none.err" || fail "plugin missing on other ranks: $(cat "$dir/none.err")"
        [ "$(cat "$dir"/rank.* | grep -c "cannot open plugin '$dir/nodes/model.so'")" -eq 2 ] ||
            fail "plugin missing on other ranks: each says so: $(cat "$dir"/rank.*)"
        [ -e "$dir/none.csv" ] && fail "plugin missing on other ranks: a file was written"
    else
        echo "note: no mount namespaces here: the missing-plugin case did not run"
    fi
else
    echo "note: PROCSIM_TEST_PLUGIN unset: the plugin case did not run"
fi

# A long run (minutes) that a signal or a death ends early; $1 names its files.
long() {
    $mpirun "$mpi" run mm1 --param customers=200000 -r 100000 -j 1 -q \
        -o "$dir/$1.csv" --summary "$dir/$1_sum.csv" >/dev/null 2>"$dir/$1.err" &
    echo $! >"$dir/$1.pid"
    # wait until rows reach the temporary file (every rank is up and working by then)
    i=0
    until [ -n "$(find "$dir" -name "$1.csv.tmp.*" -size +0c 2>/dev/null)" ] || [ $i -ge 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
    sleep 0.5
}
long int
kill -INT "$(cat "$dir/int.pid")"
wait "$(cat "$dir/int.pid")"
[ -s "$dir/int.csv" ] || fail "Ctrl-C: no per-replication file: $(cat "$dir/int.err")"
grep -q "interrupted: .* replications completed" "$dir/int.err" ||
    fail "Ctrl-C: no interruption message: $(cat "$dir/int.err")"
"$procsim" merge "$dir/int.csv" -o "$dir/int_checked.csv" ||
    fail "Ctrl-C: the file written is not a valid per-replication file"
for f in "$dir"/*.tmp.*; do [ -e "$f" ] && fail "Ctrl-C: temporary file $f left"; done

long dead
worker=$(pgrep -f "^$mpi run mm1 .*$dir/dead.csv" | sort -n | sed -n 2p)
[ -n "$worker" ] || fail "no worker rank found to kill"
kill -9 "$worker"
wait "$(cat "$dir/dead.pid")"
rc=$?
[ "$rc" -ne 0 ] || fail "a dead rank: exit 0"
grep -q "MPI rank [12] .*without output" "$dir/dead.err" ||
    fail "a dead rank: no message naming it: $(cat "$dir/dead.err")"
[ -e "$dir/dead.csv" ] && fail "a dead rank: a per-replication file was written"
[ -e "$dir/dead_sum.csv" ] && fail "a dead rank: a summary file was written"
for f in "$dir"/*.tmp.*; do [ -e "$f" ] && fail "a dead rank: temporary file $f left"; done
echo "ok: mpirun -n 3 writes the bytes of -j 1 (series, built-in and plugin); Ctrl-C and a dead rank end cleanly"
