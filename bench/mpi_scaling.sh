#!/bin/sh
# MPI targets of issue 12, on this machine (best of 3 wall-clock runs each, as a shared
# machine only adds time):
#   scaling:  mm1 (customers=2000) REPS_MM1 replications, mpirun -n 2 -j 1 against
#             mpirun -n 1 -j 2; ratio = time(-n 1 -j 2) / time(-n 2 -j 1), target >= 0.9
#   overhead: basic_signal (a near-empty model) REPS_EMPTY replications; per replication
#             in core-microseconds, 2 x time(-n 2 -j 1) - time(procsim -j 1), divided by
#             the replications: what MPI adds per replication, target < 20 us
# usage: sh bench/mpi_scaling.sh [BUILD_DIR] [REPS_MM1] [REPS_EMPTY]
b=${1:-build}
rm1=${2:-20000}
rempty=${3:-2000000}
mpirun="mpirun --allow-run-as-root --oversubscribe"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
best() { # command...: best wall seconds of 3
    bt=""
    for _ in 1 2 3; do
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "FAIL: $*" >&2; exit 1; }
        e=$(date +%s.%N)
        bt=$(awk -v s="$s" -v e="$e" -v b="$bt" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
    done
    echo "$bt"
}
m="run mm1 --param customers=2000 --param warmup=100 -r $rm1 -q -o /dev/null --summary $tmp/sum.csv"
# --bind-to none: for up to two ranks Open MPI binds each to one core, which would put
# both threads of -n 1 -j 2 on one core
t12=$(best $mpirun --bind-to none -n 1 "$b/procsim-mpi" $m -j 2)
t21=$(best $mpirun -n 2 "$b/procsim-mpi" $m -j 1)
awk -v a="$t12" -v c="$t21" -v r="$rm1" 'BEGIN {
    printf "scaling: mm1 %d reps: -n 1 -j 2 %.3f s (%.0f reps/s), -n 2 -j 1 %.3f s (%.0f reps/s), ratio %.3f (target >= 0.9)\n",
        r, a, r / a, c, r / c, a / c }'
e="run basic_signal -r $rempty -q -o /dev/null --summary $tmp/sum.csv"
t1=$(best "$b/procsim" $e -j 1)
t21=$(best $mpirun -n 2 "$b/procsim-mpi" $e -j 1)
t11=$(best $mpirun -n 1 "$b/procsim-mpi" $e -j 1)
awk -v a="$t1" -v c="$t21" -v d="$t11" -v r="$rempty" 'BEGIN {
    printf "overhead: basic_signal %d reps: procsim -j 1 %.3f s (%.2f us/rep), mpirun -n 1 -j 1 %.3f s, -n 2 -j 1 %.3f s; MPI adds %.2f core-us/rep (target < 20)\n",
        r, a, a / r * 1e6, d, c, (2 * c - a) / r * 1e6 }'
