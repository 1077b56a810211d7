#!/bin/sh
# bench/compare.sh's verdict lines, from fixed figures: a fake build directory whose
# benchmarks print the rates of a table below, and fake SimPy twins. Checks that each
# target is judged on the figure it names (lowest SimPy ratio, the default stacks' rows
# at 10,000 processes, the best row for scale) and that a missing SimPy figure is a miss.
# Usage: sh bench_verdict.sh REPO_DIR (77: skipped without SimPy, which compare.sh needs).
set -u
repo=$1
/usr/bin/python3 -c 'import simpy' 2>/dev/null || { echo "skip: no SimPy"; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$dir/build/bench" "$dir/shared/bench/simpy"

# Every benchmark is this one script: it prints the line its name and arguments map to.
cat >"$dir/fake" <<'SH'
#!/bin/sh
key="$(basename "$0") $*"
line=$(awk -F '|' -v k="$key" '$1 == k { print $2 }' "$(dirname "$0")/../rates")
[ -n "$line" ] || { echo "no rate for: $key"; exit 1; }
echo "workload=fake $line"
SH
chmod +x "$dir/fake"
for b in timeouts floor floor_handoff pingpong interrupts mm1 mm1_queue memory; do
    ln -s "$dir/fake" "$dir/build/bench/bench_$b"
done

# rates K=V...: the table every run below starts from (all targets met), then its edits.
rates() {
    cat >"$dir/build/rates" <<'EOF'
bench_timeouts 1000 1000|wakeups_per_s=100000000
bench_floor 1000 1000|wakeups_per_s=90000000
bench_floor_handoff 1000 1000|wakeups_per_s=150000000
bench_timeouts 10000 100|wakeups_per_s=30000000
bench_floor 10000 100|wakeups_per_s=40000000
bench_floor_handoff 10000 100|wakeups_per_s=50000000
bench_timeouts 100000 10|wakeups_per_s=7000000
bench_floor 100000 10|wakeups_per_s=20000000
bench_floor_handoff 100000 10|wakeups_per_s=25000000
bench_timeouts 10000 100 16384|wakeups_per_s=40000000
bench_floor 10000 100 16384|wakeups_per_s=40000000
bench_floor_handoff 10000 100 16384|wakeups_per_s=50000000
bench_timeouts 100000 10 16384|wakeups_per_s=8000000
bench_floor 100000 10 16384|wakeups_per_s=20000000
bench_floor_handoff 100000 10 16384|wakeups_per_s=25000000
bench_timeouts 10000 100 16384 packed|wakeups_per_s=70000000
bench_floor 10000 100 16384 packed|wakeups_per_s=40000000
bench_floor_handoff 10000 100 16384 packed|wakeups_per_s=50000000
bench_timeouts 100000 10 16384 packed|wakeups_per_s=20000000
bench_floor 100000 10 16384 packed|wakeups_per_s=20000000
bench_floor_handoff 100000 10 16384 packed|wakeups_per_s=25000000
bench_timeouts 10000 1000|wakeups_per_s=33000000
bench_floor 10000 1000|wakeups_per_s=50000000
bench_floor_handoff 10000 1000|wakeups_per_s=60000000
bench_timeouts 10000 1000 16384 packed|wakeups_per_s=78000000
bench_floor 10000 1000 16384 packed|wakeups_per_s=50000000
bench_floor_handoff 10000 1000 16384 packed|wakeups_per_s=60000000
bench_timeouts 100000 100 16384 packed|wakeups_per_s=48000000
bench_floor 100000 100 16384 packed|wakeups_per_s=40000000
bench_floor_handoff 100000 100 16384 packed|wakeups_per_s=50000000
bench_timeouts 100000 100 8192 packed|wakeups_per_s=60000000
bench_floor 100000 100 8192 packed|wakeups_per_s=40000000
bench_floor_handoff 100000 100 8192 packed|wakeups_per_s=50000000
bench_pingpong 200000|rounds_per_s=45000000
bench_interrupts 200000|interrupts_per_s=20000000
bench_mm1 100000 1|customers_per_s=6500000
bench_mm1_queue 100000 1|customers_per_s=11000000
bench_memory events 1000000|events=1000000 peak_rss_kib=6000
bench_memory events 100000000|events=100000000 peak_rss_kib=6060
bench_memory procs 100000|bytes_per_process=8047
bench_memory procs 100000 16384 packed|bytes_per_process=16867
bench_memory procs 100000 8192 packed|bytes_per_process=8687
EOF
    for edit in "$@"; do # "KEY|LINE": replaces KEY's line
        awk -F '|' -v e="$edit" 'BEGIN { split(e, x, "|") } $1 == x[1] { $0 = e } { print }' \
            "$dir/build/rates" >"$dir/build/rates.new" && mv "$dir/build/rates.new" "$dir/build/rates"
    done
}
simpy() { # name rate_field rate
    printf 'print("workload=%s %s=%s")\n' "$1" "$2" "$3" >"$dir/shared/bench/simpy/$1.py"
}
simpy timeouts wakeups_per_s 1000000
simpy pingpong rounds_per_s 800000
simpy interrupts interrupts_per_s 300000
simpy mm1 customers_per_s 120000
simpy mm1_queue customers_per_s 200000

verdicts() { # the Targets lines of one run
    PROCSIM_SHARED=$dir/shared BENCH_REPEAT=1 BENCH_SIMPY_REPEAT=1 \
        sh "$repo/bench/compare.sh" "$dir/build" >"$dir/out" 2>&1
    sed -n '/^Targets/,$p' "$dir/out" >"$dir/v"
    [ -s "$dir/v" ] || fail "no verdict lines: $(tail -20 "$dir/out")"
}
has() { grep -qF -- "$1" "$dir/v" || fail "$2: no line '$1' in: $(cat "$dir/v")"; }

rates
verdicts
has "met    every workload >= 50x SimPy: lowest 54.17 (mm1)" "all met"
has "met    >= 0.6x handoff floor at 1000 processes: 0.67" "all met"
has "met    >= 0.5x handoff floor at 10,000, default stacks: 0.60 (10000 100), 0.55 (10000 1000); best 1.40 (10000 100 16384 packed)" "all met"
has "met    10000 processes within 2x of 1000: best 0.78 (10000 1000 16384 packed); default stacks 0.30 (10000 100), 0.33 (10000 1000)" "all met"
has "met    100000 processes within 2x of 1000: best 0.60 (100000 100 8192 packed); default stacks 0.07 (100000 10)" "all met"
has "met    peak RSS flat, 100000000 events against 10^6 (<= 1.05): 1.01" "all met"
has "met    under 16384 bytes per waiting process (default stacks): 8047" "all met"
grep -q MISSED "$dir/v" && fail "all met: $(grep MISSED "$dir/v")"
# The scale lines, from the same rows: each timeouts rate over the 1000-process one.
grep -qxF "  10000 1000 16384 packed      0.78" "$dir/out" || fail "scale: $(grep -A12 '^Scale' "$dir/out")"

# Each target missed by a little: mm1 at 49.17x, the 10,000 default row at 0.48 (the
# packed one still far above), 100,000 at 0.49 at best, memory growing, 16 KiB each.
rates "bench_mm1 100000 1|customers_per_s=5900000" \
    "bench_floor_handoff 10000 1000|wakeups_per_s=69000000" \
    "bench_timeouts 100000 100 8192 packed|wakeups_per_s=49000000" \
    "bench_floor_handoff 1000 1000|wakeups_per_s=170000000" \
    "bench_memory events 100000000|events=100000000 peak_rss_kib=6600" \
    "bench_memory procs 100000|bytes_per_process=16384"
verdicts
has "MISSED every workload >= 50x SimPy: lowest 49.17 (mm1)" "misses"
has "MISSED >= 0.6x handoff floor at 1000 processes: 0.59" "misses"
has "MISSED >= 0.5x handoff floor at 10,000, default stacks: 0.60 (10000 100), 0.48 (10000 1000)" "misses"
has "MISSED 100000 processes within 2x of 1000: best 0.49 (100000 100 8192 packed)" "misses"
has "MISSED peak RSS flat, 100000000 events against 10^6 (<= 1.05): 1.10" "misses"
has "MISSED under 16384 bytes per waiting process (default stacks): 16384" "misses"

# A SimPy twin that cannot run is no figure, and no figure is no pass.
rates
printf 'raise SystemExit("broken twin")\n' >"$dir/shared/bench/simpy/pingpong.py"
verdicts
has "MISSED every workload >= 50x SimPy: no SimPy figure for pingpong" "a broken twin"
echo "ok: compare.sh verdicts"
