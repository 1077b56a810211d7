#!/bin/sh
# Job-array shards and summarize, end to end: --shard 0/3..2/3 (any -j) merged give the
# bytes of the whole run; merge refuses a shard of another seed, one shard twice, shards
# of two splits and a row that belongs to another shard; summarize rebuilds the summary
# CSV and the table of the whole run, also with --precision and --confidence.
# Usage: sh cli_shard.sh PROCSIM SHARED_DIR.
. "$(dirname "$0")/cli_lib.sh"

grid="--param customers=200 --param warmup=10 --sweep lambda=0.5,0.6,0.7 -r 5 -q"
# shellcheck disable=SC2086 # options are split on purpose
"$procsim" run mm1 $grid -j 1 -o "$dir/full.csv" --summary "$dir/full_sum.csv" ||
    fail "full run"
# -q would silence the table too: the table run goes without it
# shellcheck disable=SC2086
"$procsim" run mm1 ${grid% -q} -j 1 >"$dir/full_table.txt" 2>/dev/null || fail "full run, table"
for i in 0 1 2; do
    # shellcheck disable=SC2086
    "$procsim" run mm1 $grid --shard "$i/3" -j 2 -o "$dir/s$i.csv" --summary "$dir/ss$i.csv" ||
        fail "shard $i/3"
    head -n 1 "$dir/s$i.csv" | grep -q " shard=$i/3\$" || fail "shard $i/3: provenance line"
done
rows=$(cat "$dir/s0.csv" "$dir/s1.csv" "$dir/s2.csv" | grep -vc '^#\|^point')
[ "$rows" -eq 15 ] || fail "the three shards hold $rows rows, want 15"
"$procsim" merge "$dir/s2.csv" "$dir/s0.csv" "$dir/s1.csv" -o "$dir/merged.csv" ||
    fail "merge of the shards"
cmp -s "$dir/merged.csv" "$dir/full.csv" || fail "merged shards differ from the full run"

"$procsim" summarize "$dir/merged.csv" --summary "$dir/sum.csv" || fail "summarize"
cmp -s "$dir/sum.csv" "$dir/full_sum.csv" || fail "summarize differs from the run's summary"
"$procsim" summarize "$dir/s0.csv" "$dir/s1.csv" "$dir/s2.csv" >"$dir/table.txt" ||
    fail "summarize of the shards, table"
cmp -s "$dir/table.txt" "$dir/full_table.txt" || fail "summarize's table differs from the run's"
"$procsim" summarize "$dir/s1.csv" --summary "$dir/sum1.csv" || fail "summarize one shard"
cmp -s "$dir/sum1.csv" "$dir/ss1.csv" || fail "summarize of shard 1 differs from its summary"

prec="--precision 0.05 --confidence 0.9"
# shellcheck disable=SC2086
"$procsim" run mm1 $grid $prec --max-reps 200 -o "$dir/p.csv" --summary "$dir/p_sum.csv" 2>/dev/null
rc=$? # 3: some point stopped at --max-reps short of the target
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "precision run exited $rc"
# shellcheck disable=SC2086
"$procsim" summarize "$dir/p.csv" $prec --summary "$dir/p_re.csv" || fail "summarize --precision"
cmp -s "$dir/p_re.csv" "$dir/p_sum.csv" || fail "summarize --precision differs from the run's"

refused() { # what, expected message part, command...
    what=$1; want=$2; shift 2
    "$procsim" "$@" 2>"$dir/err" >/dev/null
    rc=$?
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2"
    grep -q -- "$want" "$dir/err" || fail "$what: message '$(cat "$dir/err")' lacks '$want'"
    [ -e "$dir/out.csv" ] && fail "$what: an output file was written"
    return 0
}
# shellcheck disable=SC2086
"$procsim" run mm1 $grid --seed 2 --shard 1/3 -o "$dir/seed2.csv" || fail "seed 2 shard"
refused "a shard of another seed" "'seed=1' and 'seed=2'" \
    merge "$dir/s0.csv" "$dir/seed2.csv" "$dir/s2.csv" -o "$dir/out.csv"
refused "one shard twice" "are both shard 0/3" merge "$dir/s0.csv" "$dir/s0.csv" -o "$dir/out.csv"
sed '1s|shard=1/3|shard=1/2|' "$dir/s1.csv" >"$dir/half.csv"
refused "two splits" "shards of different splits" \
    merge "$dir/s0.csv" "$dir/half.csv" -o "$dir/out.csv"
sed '1s|shard=1/3|shard=2/3|' "$dir/s1.csv" >"$dir/moved.csv"
refused "a row of another shard" "moved.csv' line 3: point 0 rep 1 belongs to shard 1/3" \
    merge "$dir/s0.csv" "$dir/moved.csv" -o "$dir/out.csv"
refused "summarize a foreign shard" "'seed=1' and 'seed=2'" \
    summarize "$dir/s0.csv" "$dir/seed2.csv" --summary "$dir/out.csv"
# shellcheck disable=SC2086
refused "--shard 3/3" "--shard expects I/N" run mm1 $grid --shard 3/3 -o "$dir/out.csv"
# shellcheck disable=SC2086
refused "--shard with --precision" "--shard and --precision conflict" \
    run mm1 $grid --shard 0/2 --precision 0.1 -o "$dir/out.csv"
echo "ok: shards merge to the whole run, summarize rebuilds its summary"
