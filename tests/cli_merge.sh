#!/bin/sh
# procsim merge refuses what was not made by one run, and garbage, with exit 2, one line
# on stderr naming the file, and no output file; shards of one run merge to its bytes.
# Usage: sh cli_merge.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"

grid="--param customers=300 --param warmup=10 --sweep lambda=0.5,0.6 -r 2 -q"
"$procsim" run mm1 $grid -o "$dir/full.csv" >/dev/null || fail "full run"
"$procsim" run mm1 $grid --rep 0 -o "$dir/r0.csv" >/dev/null || fail "--rep 0"
"$procsim" run mm1 $grid --rep 1 -o "$dir/r1.csv" >/dev/null || fail "--rep 1"

refused() { # what, expected message part, input files...
    what=$1; want=$2; shift 2
    "$procsim" merge "$@" -o "$dir/out.csv" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2"
    [ "$(wc -l <"$dir/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$dir/err")"
    grep -q "$want" "$dir/err" || fail "$what: message '$(cat "$dir/err")' lacks '$want'"
    [ -e "$dir/out.csv" ] && fail "$what: an output file was written"
    for f in "$dir"/*.tmp.*; do [ -e "$f" ] && fail "$what: temporary file $f left"; done
    return 0
}

# md1 has mm1's columns: only the provenance line tells them apart
"$procsim" run md1 $grid --rep 1 -o "$dir/md1.csv" >/dev/null || fail "md1 run"
refused "mm1 + md1" "'experiment=mm1' and 'experiment=md1'" "$dir/r0.csv" "$dir/md1.csv"
"$procsim" run mm1 $grid --rep 1 --seed 2 -o "$dir/seed2.csv" >/dev/null || fail "seed 2"
refused "another seed" "'seed=1' and 'seed=2'" "$dir/r0.csv" "$dir/seed2.csv"
"$procsim" run mm1 $grid --rep 1 --no-crn -o "$dir/nocrn.csv" >/dev/null || fail "no-crn"
refused "another crn setting" "'crn=1' and 'crn=0'" "$dir/r0.csv" "$dir/nocrn.csv"
"$procsim" run mm1 $grid --rep 1 --param mu=2 -o "$dir/mu2.csv" >/dev/null || fail "mu=2"
refused "other --param values" "point 0 has other parameter values" "$dir/r0.csv" "$dir/mu2.csv"
sed 's/^# procsim [^ ]*/# procsim 0.0.1/' "$dir/r1.csv" >"$dir/old.csv"
refused "another version" "'0.0.1'" "$dir/r0.csv" "$dir/old.csv"
sed '3s/,$/,,/; 3s/$/,/' "$dir/r1.csv" >"$dir/comma.csv"
refused "trailing comma" "comma.csv' line 3: 12 fields where the header has 11" \
    "$dir/r0.csv" "$dir/comma.csv"
sed '3s/,0.5,/,"0.5,/' "$dir/r1.csv" >"$dir/quote.csv"
refused "open quote" "quote.csv' line 3: a quoted field that starts here is never closed" \
    "$dir/r0.csv" "$dir/quote.csv"
sed '1s/$/\r\r/' "$dir/r1.csv" >"$dir/cr.csv" # one CR ends a CRLF line; two are a stray one
refused "a stray CR" "cr.csv' line 1: the provenance line has a control character" \
    "$dir/r0.csv" "$dir/cr.csv"
tail -n +2 "$dir/r1.csv" >"$dir/bare.csv"
refused "no provenance line" "bare.csv' line 1: no provenance line" "$dir/r0.csv" "$dir/bare.csv"

# a header-only shard (a run whose replications all failed) merges to nothing more
head -n 2 "$dir/r1.csv" >"$dir/none.csv"
"$procsim" merge "$dir/none.csv" "$dir/r1.csv" "$dir/r0.csv" -o "$dir/out.csv" ||
    fail "merge with a header-only shard"
cmp -s "$dir/out.csv" "$dir/full.csv" || fail "merged shards differ from the full run"
echo "ok: merge joins one run's shards and refuses others with exit 2"
