#!/bin/sh
# Allocation fault injection: make the n-th allocation of a small run, and of a merge,
# fail, for every n they reach (procsim_fault, alloc_fault.c), once and from then on
# (PROCSIM_FAULT_ALL), and require a clean error
# each time: exit 1 or 2 with a message on stderr (or exit 0 with exactly the fault-free
# output, when the code did without that allocation), no sanitizer report (ASan, LSan,
# UBSan: no crash, no leak), no temporary file, and no partial output -- after exit 2
# no output file at all; after exit 1 what exists is complete (a run's failed
# replications are left out: the rows that remain are rows of the fault-free run, the
# summary has every row).
# Usage: sh cli_fault.sh PROCSIM_FAULT PROCSIM [1|2]: half 1 is the summary table's sweep
# and the run and merge sweeps where every allocation from the n-th fails, half 2 those
# where the n-th alone fails (about as long under ASan: 2-3 minutes each here); both
# without. ctest runs the halves as two tests, side by side.
set -u
fault=$1 procsim=$2 half=${3:-both}
case $half in
1) alls=1 ;;
2) alls=0 ;;
both) alls="0 1" ;;
*) echo "usage: sh cli_fault.sh PROCSIM_FAULT PROCSIM [1|2]" >&2; exit 2 ;;
esac
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export ASAN_OPTIONS="detect_leaks=1:exitcode=97:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:exitcode=96"
grid="--param customers=2000 --sweep lambda=0.5,0.6 -r 3 -q"
# 70 replications a point: a summary needs memory of its own (more than 64 values)
big="--param customers=100 --param warmup=10 -r 70 -q"

# The fault-free outputs every outcome is compared with, and the shards to merge.
"$procsim" run mm1 $grid -o "$dir/x.base" --summary "$dir/y.base" >/dev/null || fail "base run"
"$procsim" run mm1 $grid --rep 0 -o "$dir/a.csv" >/dev/null || fail "--rep 0"
"$procsim" run mm1 $grid --rep 2 -o "$dir/b.csv" >/dev/null || fail "--rep 2"
"$procsim" merge "$dir/a.csv" "$dir/b.csv" -o "$dir/m.base" || fail "base merge"
"$procsim" run mm1 $big -o "$dir/xbig.base" --summary "$dir/ybig.base" >/dev/null || fail "big run"

faults=0 exits0=0 exits1=0 exits2=0
no_temp() {
    for f in "$dir"/w/* "$dir"/w/.*; do
        case $f in *.tmp.*) [ -e "$f" ] && fail "$1: temporary file $f left" ;; esac
    done
    return 0
}

# outcome LABEL RC: the checks shared by both commands
outcome() {
    label=$1 rc=$2
    grep -q 'Sanitizer\|runtime error' "$dir/err" && fail "$label: $(head -20 "$dir/err")"
    case $rc in
    0 | 1 | 2) ;;
    *) fail "$label: exit $rc: $(head -20 "$dir/err")" ;;
    esac
    [ "$rc" -ne 0 ] && [ ! -s "$dir/err" ] && fail "$label: exit $rc without a message"
    no_temp "$label"
    faults=$((faults + 1))
    eval "exits$rc=\$((exits$rc + 1))"
}

sweep_run() { # -j value, grid, base name, PROCSIM_FAULT_ALL
    j=$1 g=$2 base=$3 all=$4
    rm -rf "$dir/w" && mkdir "$dir/w"
    PROCSIM_FAULT_COUNT="$dir/count" "$fault" run mm1 $g -j "$j" -o "$dir/w/x" \
        --summary "$dir/w/y" >/dev/null 2>"$dir/err" || fail "run -j $j without faults"
    total=$(cat "$dir/count")
    n=1
    while [ "$n" -le "$total" ]; do
        rm -rf "$dir/w" && mkdir "$dir/w"
        PROCSIM_FAULT_ALL=$all PROCSIM_FAULT_AT=$n "$fault" run mm1 $g -j "$j" -o "$dir/w/x" \
            --summary "$dir/w/y" >/dev/null 2>"$dir/err"
        rc=$?
        label="run $base -j $j, allocation $n of $total failing (all after: $all)"
        outcome "$label" "$rc"
        case $rc in
        0) cmp -s "$dir/w/x" "$dir/x$base.base" && cmp -s "$dir/w/y" "$dir/y$base.base" ||
            fail "$label: exit 0 with other output" ;;
        2) [ -e "$dir/w/x" ] || [ -e "$dir/w/y" ] && fail "$label: exit 2 left output" ;;
        1) if [ -e "$dir/w/x" ]; then
               # every row a row of the fault-free run, and the file merges (is whole)
               sed 1,2d "$dir/w/x" | while IFS= read -r row; do
                   grep -qxF "$row" "$dir/x$base.base" || { echo "$row"; exit 1; }
               done >"$dir/odd" || fail "$label: a row not in the fault-free run: $(cat "$dir/odd")"
               "$procsim" merge "$dir/w/x" -o "$dir/w/check" 2>"$dir/merr" ||
                   fail "$label: the reps file is not whole: $(cat "$dir/merr")"
               rm -f "$dir/w/check"
           fi
           if [ -e "$dir/w/y" ]; then
               [ "$(wc -l <"$dir/w/y")" -eq "$(wc -l <"$dir/y$base.base")" ] ||
                   fail "$label: the summary lacks rows"
           fi ;;
        esac
        n=$((n + 1))
    done
    echo "run $base -j $j: $total allocations, each failed (all after: $all): clean"
}

sweep_merge() { # PROCSIM_FAULT_ALL
    all=$1
    rm -rf "$dir/w" && mkdir "$dir/w"
    PROCSIM_FAULT_COUNT="$dir/count" "$fault" merge "$dir/a.csv" "$dir/b.csv" -o "$dir/w/m" \
        2>"$dir/err" || fail "merge without faults"
    total=$(cat "$dir/count")
    n=1
    while [ "$n" -le "$total" ]; do
        rm -rf "$dir/w" && mkdir "$dir/w"
        PROCSIM_FAULT_ALL=$all PROCSIM_FAULT_AT=$n "$fault" merge "$dir/a.csv" "$dir/b.csv" \
            -o "$dir/w/m" 2>"$dir/err"
        rc=$?
        label="merge, allocation $n of $total failing (all after: $all)"
        outcome "$label" "$rc"
        case $rc in
        0) cmp -s "$dir/w/m" "$dir/m.base" || fail "$label: exit 0 with other output" ;;
        *) [ -e "$dir/w/m" ] && fail "$label: exit $rc left output" ;;
        esac
        n=$((n + 1))
    done
    echo "merge: $total allocations, each failed (all after: $all): clean"
}

# The summary table on stdout: exit 0 only with the fault-free table; a table whose
# summaries had no memory is an error, not a table of empty cells. (--series keeps every
# result to the end, so the table's summaries need memory of their own.)
sweep_table() {
    rm -rf "$dir/w" && mkdir "$dir/w"
    table="--param customers=100 --param warmup=10 -r 70 --series $dir/w/s.csv"
    # shellcheck disable=SC2086
    "$procsim" run mm1 $table -j 1 >"$dir/t.base" 2>/dev/null || fail "table run"
    # shellcheck disable=SC2086
    PROCSIM_FAULT_COUNT="$dir/count" "$fault" run mm1 $table -j 1 >/dev/null 2>&1 ||
        fail "table run without faults"
    total=$(cat "$dir/count")
    n=1
    while [ "$n" -le "$total" ]; do
        rm -rf "$dir/w" && mkdir "$dir/w"
        # shellcheck disable=SC2086
        PROCSIM_FAULT_AT=$n "$fault" run mm1 $table -j 1 >"$dir/t.out" 2>"$dir/err"
        rc=$?
        label="run (table), allocation $n of $total failing"
        outcome "$label" "$rc"
        [ "$rc" -eq 0 ] && ! cmp -s "$dir/t.out" "$dir/t.base" && fail "$label: exit 0 with another table"
        n=$((n + 1))
    done
    echo "run (table): $total allocations, each failed: clean"
}
[ "$half" = 2 ] || sweep_table

for all in $alls; do
    sweep_run 1 "$grid" "" $all
    sweep_run 2 "$grid" "" $all
    sweep_run 1 "$big" big $all
    sweep_merge $all
done
echo "ok: $faults faults injected (exit 0: $exits0, 1: $exits1, 2: $exits2), all clean"
