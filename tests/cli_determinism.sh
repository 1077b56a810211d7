#!/bin/sh
# shellcheck disable=SC2086 # option lists are split into words on purpose
# procsim run output is a function of (experiment, grid, reps, seed) only: byte-identical
# for -j 1 and -j 2, and per-replication shards (--rep R) merged back equal the full run.
# Usage: sh cli_determinism.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"

grid="--sweep lambda=0.5:0.8:0.1 --param customers=2000 --param warmup=200 -r 6 -q"
"$procsim" run mm1 $grid -j 1 -o "$dir/j1.csv" --summary "$dir/s1.csv" || fail "-j 1 run"
"$procsim" run mm1 $grid -j 2 -o "$dir/j2.csv" --summary "$dir/s2.csv" || fail "-j 2 run"
cmp -s "$dir/j1.csv" "$dir/j2.csv" || fail "per-replication CSV differs between -j 1 and -j 2"
cmp -s "$dir/s1.csv" "$dir/s2.csv" || fail "summary CSV differs between -j 1 and -j 2"
[ "$(wc -l <"$dir/j1.csv")" -eq 26 ] || fail "expected provenance, header and 4 x 6 rows"
sed -n 2p "$dir/j1.csv" | grep -q '^point,rep,seed,lambda,mu,customers,warmup,' ||
    fail "unexpected header: $(sed -n 2p "$dir/j1.csv")"
grep -q '^3,5,[0-9]*,0.8,' "$dir/j1.csv" || fail "the last point is not lambda=0.8"

# Each replication alone, with the seed it has in the full run, merged in any order.
shards=""
for r in 3 0 5 1 4 2; do
    "$procsim" run mm1 $grid --rep "$r" -o "$dir/rep$r.csv" >/dev/null || fail "--rep $r run"
    shards="$shards $dir/rep$r.csv"
done
"$procsim" merge $shards -o "$dir/merged.csv" || fail "merge"
cmp -s "$dir/j1.csv" "$dir/merged.csv" || fail "merged --rep shards differ from the full run"

# Common random numbers: the same seeds at every point; --no-crn: different ones.
seeds() { awk -F, -v p="$2" 'NR > 2 && $1 == p { print $3 }' "$1"; }
[ "$(seeds "$dir/j1.csv" 0)" = "$(seeds "$dir/j1.csv" 3)" ] || fail "seeds differ across points"
"$procsim" run mm1 $grid --no-crn -o "$dir/nocrn.csv" >/dev/null || fail "--no-crn run"
[ "$(seeds "$dir/nocrn.csv" 0)" != "$(seeds "$dir/nocrn.csv" 3)" ] ||
    fail "--no-crn gave the same seeds at two points"
"$procsim" run mm1 $grid --seed 2 -o "$dir/seed2.csv" >/dev/null || fail "--seed 2 run"
cmp -s "$dir/j1.csv" "$dir/seed2.csv" && fail "--seed 2 gave the same output as seed 1"

# trace runs replication 0 of the same seed: trace exits 0 and prints only the trace.
"$procsim" trace mm1 --param customers=50 --param warmup=0 >"$dir/trace.out" 2>"$dir/trace.err" ||
    fail "trace exited $?"
[ -s "$dir/trace.err" ] && fail "trace wrote to stderr: $(cat "$dir/trace.err")"
echo "ok: output identical for -j 1, -j 2 and merged --rep shards"
