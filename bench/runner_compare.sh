#!/bin/sh
# M/M/1 replications through the whole tool (`procsim run mm1`: runner, pool, statistics,
# a process per customer on a Resource) against SimPy's mm1.py with the same customers and
# replications, in the same run; then the speed-up of -j 2 over -j 1.
#
# usage: bench/runner_compare.sh BUILD_DIR [N R]     (defaults: N=10000 customers, R=20)
# env:   PROCSIM_SHARED (default $(dirname BUILD_DIR)/../shared), SCALING_REPS (200)
set -u
if [ $# -lt 1 ] || [ ! -x "$1/procsim" ]; then
    echo "usage: $0 BUILD_DIR [N R]   (a built procsim build directory)" >&2
    exit 2
fi
procsim=$1/procsim
n=${2:-10000}
r=${3:-20}
shared=${PROCSIM_SHARED:-$(dirname "$1")/../shared}
scaling_reps=${SCALING_REPS:-200}

now() { date +%s.%N; }
rate() { awk -v c="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", c / (b - a) }'; }

# procsim: warmup 0 so every customer counts, as in mm1.py; the table goes nowhere.
run_procsim() { # jobs reps
    "$procsim" run mm1 --param customers="$n" --param warmup=0 -r "$2" -j "$1" -q >/dev/null
}

t0=$(now); run_procsim 1 "$r" || exit 1; t1=$(now)
ours=$(rate $((n * r)) "$t0" "$t1")
echo "procsim run mm1 -j 1: customers=$n replications=$r customers_per_s=$ours"

if /usr/bin/python3 -c 'import simpy' 2>/dev/null && [ -f "$shared/bench/simpy/mm1.py" ]; then
    line=$(/usr/bin/python3 "$shared/bench/simpy/mm1.py" "$n" "$r")
    echo "SimPy mm1.py:         $line"
    theirs=$(echo "$line" | sed -n 's/.*customers_per_s=\([0-9]*\).*/\1/p')
    awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio procsim run / SimPy: %.2f\n", a / b }'
else
    echo "SimPy not available (Debian python3-simpy3) or $shared missing: no ratio"
fi

t0=$(now); run_procsim 1 "$scaling_reps" || exit 1; t1=$(now)
t2=$(now); run_procsim 2 "$scaling_reps" || exit 1; t3=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v reps="$scaling_reps" 'BEGIN {
    printf "scaling: %d replications, -j 1 %.3f s, -j 2 %.3f s, speed-up %.2f\n",
           reps, b - a, d - c, (b - a) / (d - c) }'
