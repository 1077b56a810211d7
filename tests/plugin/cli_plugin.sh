#!/bin/sh
# A model of one's own, both routes: the example coffee bar (examples/cafe) as a plugin
# of the stock procsim and as its own program. Same experiment, so the same bytes: the
# per-replication and summary CSVs of a sweep with -j 2 (plugin) and -j 1 (own program),
# and the trace. The loader's refusals (another ABI, not a plugin, a NAME it lacks) and a
# broken check() rule are one usage line and exit 2, with the program's own name.
# Usage: sh cli_plugin.sh PROCSIM CAFE_SO CAFESIM ABI_NEXT_SO NOT_A_PLUGIN_SO
procsim=$1 cafe=$2 cafesim=$3 abi_next=$4 none=$5
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_usage PROG PATTERN ARGS...: exit 2, one stderr line "PROG: ..." matching PATTERN
# (a grep -E regex), nothing on stdout, no file left in $dir/out
expect_usage() {
    prog=$1 want=$2
    shift 2
    mkdir -p "$dir/out"
    "$@" >"$dir/stdout" 2>"$dir/stderr"
    rc=$?
    name=$(basename "$1")
    if [ "$rc" -ne 2 ] || [ "$(wc -l <"$dir/stderr")" -ne 1 ] ||
        ! grep -qE "^$prog: .*$want" "$dir/stderr" || [ -s "$dir/stdout" ] ||
        [ -n "$(ls -A "$dir/out")" ]; then
        fail "$name ${*#"$1"} -> exit $rc, want 2 and '$prog: ...$want'"
        sed 's/^/  stderr: /' "$dir/stderr"
    fi
    rm -rf "$dir/out"
}

sweep="-r 12 --sweep baristas=1,2,3 --sweep lead_min=10,40 -q"
"$procsim" run "$cafe" $sweep -j 2 -o "$dir/p.csv" --summary "$dir/ps.csv" ||
    fail "plugin run exited $?"
"$cafesim" run cafe $sweep -j 1 -o "$dir/o.csv" --summary "$dir/os.csv" ||
    fail "own program run exited $?"
cmp -s "$dir/p.csv" "$dir/o.csv" || fail "per-replication CSVs differ (plugin, own program)"
cmp -s "$dir/ps.csv" "$dir/os.csv" || fail "summary CSVs differ (plugin, own program)"
[ "$(wc -l <"$dir/p.csv")" -eq 74 ] || fail "want 6 points x 12 reps + provenance + header in p.csv"
# Shards of a plugin run (--rep R) merged, against one run of the own program.
for r in 0 1 2; do
    "$procsim" run "$cafe" -r 3 --rep $r --sweep baristas=1,2 -q -o "$dir/shard$r.csv" ||
        fail "plugin shard $r exited $?"
done
"$procsim" merge "$dir/shard0.csv" "$dir/shard2.csv" "$dir/shard1.csv" -o "$dir/m.csv" ||
    fail "merge of plugin shards exited $?"
"$cafesim" run cafe -r 3 --sweep baristas=1,2 -q -o "$dir/whole.csv" || fail "whole run"
cmp -s "$dir/m.csv" "$dir/whole.csv" || fail "merged plugin shards differ from one run"
# Sequential stopping decides the same replication counts either way.
prec="--precision 0.02 --max-reps 60 -r 10 --sweep baristas=2,3 -q"
# 60 replications do not reach 2% here: exit 3 (everything written), from both routes.
"$procsim" run "$cafe" $prec -j 2 --summary "$dir/pp.csv"
rc=$?
[ "$rc" -eq 3 ] || fail "plugin --precision: $rc, want 3"
"$cafesim" run cafe $prec -j 1 --summary "$dir/op.csv"
rc=$?
[ "$rc" -eq 3 ] || fail "own --precision: $rc, want 3"
cmp -s "$dir/pp.csv" "$dir/op.csv" || fail "--precision summaries differ (plugin, own program)"

short="--param hours=0.5 --param warmup_hours=0"
"$procsim" trace "$cafe:cafe" $short >"$dir/pt" || fail "plugin trace failed"
"$cafesim" trace cafe $short >"$dir/ot" || fail "own program trace failed"
cmp -s "$dir/pt" "$dir/ot" || fail "traces differ (plugin, own program)"
grep -q "leaves after" "$dir/pt" || fail "the trace shows no customer reneging"
"$procsim" list "$cafe" | grep -q '^cafe ' || fail "procsim list PLUGIN does not show cafe"
"$procsim" describe "$cafe" | grep -q 'bean hopper' || fail "describe PLUGIN"

out="-o $dir/out/reps.csv --summary $dir/out/sum.csv"
expect_usage procsim "built for procsim plugin ABI 3, this procsim uses ABI 2: rebuild" \
    "$procsim" run "$abi_next" $out
expect_usage procsim "not a procsim plugin: it exports no 'procsim_plugin'" \
    "$procsim" run "$none" $out
printf 'plain text\n' >"$dir/text.so"
expect_usage procsim "'$dir/text.so' is not a procsim plugin \\(" "$procsim" run "$dir/text.so" $out
expect_usage procsim "cannot open plugin '$dir/missing.so'" "$procsim" describe "$dir/missing.so"
expect_usage procsim "has no experiment 'espresso'" "$procsim" run "$cafe:espresso" $out
expect_usage procsim "point 1 \\(.*warmup_hours=10\\): warmup_hours must be shorter" \
    "$procsim" run "$cafe" --sweep warmup_hours=0,10 $out
expect_usage cafesim "reorder_at must be below hopper" \
    "$cafesim" run cafe --param hopper=10 --param reorder_at=10 $out
expect_usage cafesim "unknown experiment 'mm1' \\(cafesim list shows them\\)" \
    "$cafesim" run mm1 $out
"$cafesim" >/dev/null 2>"$dir/stderr"
grep -q '^usage: cafesim COMMAND' "$dir/stderr" || fail "cafesim usage does not name cafesim"
"$cafesim" --version | grep -q '^cafesim (procsim ' || fail "cafesim --version"
"$cafesim" list | grep -q '^cafe ' || fail "cafesim list does not show cafe"
[ "$("$cafesim" list | grep -c '^[a-z]')" -eq 1 ] || fail "cafesim lists demo models"

[ "$failures" -eq 0 ] || exit 1
echo "plugin and own program: same CSVs and trace; refusals exit 2"
