#!/bin/sh
# shellcheck disable=SC2086 # option lists are split into words on purpose
# procsim bad usage, end to end against the mm1 model: every case exits 2 with one
# "procsim: ..." line on stderr that names the problem, prints nothing on stdout and
# creates no file. Usage: sh cli_usage.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"
out=$(mktemp) || exit 1
err=$(mktemp) || exit 1
trap 'rm -rf "$dir" "$out" "$err"' EXIT
failures=0

# expect_usage MESSAGE ARGS...: exit 2, one stderr line containing MESSAGE, no output
expect_usage() {
    want=$1
    shift
    "$procsim" "$@" >"$out" 2>"$err"
    rc=$?
    lines=$(wc -l <"$err")
    left=$(ls -A "$dir")
    if [ "$rc" -ne 2 ] || ! grep -qF -- "$want" "$err" || [ "$lines" -ne 1 ] ||
        ! grep -q '^procsim: ' "$err" || [ -s "$out" ] || [ -n "$left" ]; then
        echo "FAIL: procsim $* -> exit $rc, want 2 and '$want'"
        sed 's/^/  stderr: /' "$err"
        [ -n "$left" ] && echo "  left files: $left"
        failures=$((failures + 1))
    fi
    rm -rf "${dir:?}"/*
}

o="-o $dir/reps.csv --summary $dir/sum.csv"
expect_usage "unknown experiment 'mm9'" run mm9 $o
expect_usage "unknown experiment 'mm9'" describe mm9
expect_usage "unknown experiment 'mm9'" trace mm9
expect_usage "needs an experiment name" run -r 3
expect_usage "unknown parameter 'rho'" run mm1 --param rho=0.5 $o
expect_usage "unknown parameter 'rho'" run mm1 --sweep rho=0.1,0.2 $o
expect_usage "unknown parameter 'rho'" trace mm1 --param rho=0.5
expect_usage "'abc' is not a number" run mm1 --param lambda=abc $o
expect_usage "'0.5x' is not a number" run mm1 --sweep lambda=0.1,0.5x $o
expect_usage "out of range" run mm1 --param lambda=-1 $o
expect_usage "whole number" run mm1 --param customers=10.5 $o
expect_usage "empty" run mm1 --sweep lambda=0.9:0.1:0.1 $o
expect_usage "empty" run mm1 --sweep lambda= $o
expect_usage "step must not be zero" run mm1 --sweep lambda=0.1:0.9:0 $o
expect_usage "-j 4097 is more threads than makes sense" run mm1 -j 4097 $o
expect_usage "-j expects a whole number, got 'two'" run mm1 -j two $o
expect_usage "-r must be at least 1" run mm1 -r 0 $o
expect_usage "-r expects a whole number, got '1e3'" run mm1 -r 1e3 $o
expect_usage "--seed expects a whole number" run mm1 --seed 99999999999999999999 $o
expect_usage "of memory available" run mm1 -r 1000000000000 $o
expect_usage "--confidence must be between 0 and 1" run mm1 --confidence 95 $o
expect_usage "--precision must be between" run mm1 --precision -0.1 $o
expect_usage "No such file or directory" run mm1 -o "$dir/missing/reps.csv"
expect_usage "No such file or directory" run mm1 --summary "$dir/missing/sum.csv"
expect_usage "is a directory" run mm1 -o "$dir"
expect_usage "--rep and --precision conflict" run mm1 --rep 1 --precision 0.1 $o
expect_usage "--max-reps only applies with --precision" run mm1 --max-reps 50 $o
expect_usage "are the same file" run mm1 -o "$dir/x.csv" --summary "$dir/x.csv"
expect_usage "--rep 5 is outside -r 5" run mm1 -r 5 --rep 5 $o
expect_usage "given twice" run mm1 --seed 1 --seed 2 $o

# Rules between parameters (exp_experiment.check), for every point, before anything runs.
expect_usage "warmup must be smaller than customers" run mm1 --param customers=500 $o
expect_usage "warmup must be smaller than customers" trace mm1 --param customers=5
expect_usage "point 1 (lambda=0.9 mu=1 customers=500 warmup=1000): warmup must be" \
    run mm1 --sweep customers=5000,500 $o
expect_usage "warmup must be smaller" run mmc --param customers=10 --param warmup=10 $o
expect_usage "warmup must be smaller" run md1 --param customers=10 --param warmup=10 $o
expect_usage "max_patience must be >= min_patience" run bank_renege --param min_patience=5 $o
expect_usage "t_inter_max must be >= t_inter_min" run gas_station --param t_inter_min=400 $o
expect_usage "read_max must be >= read_min" run broadcast_pipe --param read_min=9 $o
expect_usage "send_max must be >= send_min" run broadcast_pipe --param send_min=11 $o

# Messages that say what is wrong.
long_part=0.$(printf '%070d' 0)1x
expect_usage "'$long_part' is not a number" run mm1 --sweep "lambda=$long_part:0.9:0.1" $o
expect_usage "parameter 'lambda' = 4.9e-324 is out of range" run mm1 --param lambda=4.9e-324 $o
expect_usage "1 points x 18446744073709551615 replications" run mm1 -r 18446744073709551615 $o
expect_usage "unknown experiment 'a\\x1b[2Jb'" run "$(printf 'a\033[2Jb')" $o
expect_usage "unknown option '--x\\x07'" run mm1 "$(printf -- '--x\007')" $o
expect_usage "--confidence 0.9999999999999999 is too close to 1" \
    run mm1 --confidence 0.9999999999999999 $o
expect_usage "--version takes no arguments" --version extra
expect_usage "help takes no arguments or a command, got 'extra'" help extra
expect_usage "--max-memory expects a size" run mm1 --max-memory 12Q $o
expect_usage "--max-memory expects a size" run mm1 --max-memory 1000 $o
expect_usage "--precision-metric: mm1 has no metric 'wiat'" \
    run mm1 --precision 0.1 --precision-metric wiat $o
expect_usage "--precision-metric only applies with --precision or --abs-precision" \
    run mm1 --precision-metric wait $o
expect_usage "--abs-precision expects a number" run mm1 --abs-precision x $o
expect_usage "--max-reps only applies with --precision or --abs-precision" \
    run mm1 --max-reps 20 $o
expect_usage "more than once" run mm1 --param lambda=0.5 --sweep lambda=0.5,0.6 $o
expect_usage "unknown option '--frobnicate'" run mm1 --frobnicate $o
expect_usage "unknown command 'runn'" runn mm1
expect_usage "merge needs an output file" merge "$dir/a.csv"

# A read-only directory: writing is refused before anything runs (skipped as root,
# who can write anywhere).
mkdir "$dir/ro" && chmod 555 "$dir/ro"
if [ ! -w "$dir/ro" ]; then
    "$procsim" run mm1 -r 2 -o "$dir/ro/reps.csv" >/dev/null 2>"$err"
    rc=$?
    if [ "$rc" -ne 2 ] || ! grep -q "Permission denied" "$err"; then
        echo "FAIL: read-only output directory -> exit $rc"
        failures=$((failures + 1))
    fi
fi
chmod 755 "$dir/ro"

[ "$failures" -eq 0 ] || { echo "$failures usage case(s) failed"; exit 1; }
echo "ok: every bad usage exits 2 with one message"
