#!/bin/sh
# Trace parity: for every SimPy guide example NN_name.py in the shared reference folder,
# `procsim trace name` must print exactly the stored SimPy output NN_name.out, byte for
# byte. A reference with no matching experiment is a failure too.
# Usage: sh cli_trace_parity.sh <procsim binary> <shared dir>. Exit 0 pass, 1 fail,
# 77 skipped (no reference folder).

procsim=$1
seed=$2/reference/seed

if [ ! -d "$seed" ]; then
    echo "SKIP: reference traces not found: $seed is not a directory"
    exit 77
fi
if [ ! -x "$procsim" ]; then
    echo "FAIL: procsim binary not found or not executable: $procsim"
    exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

checked=0
failed=0
for ref in "$seed"/[0-9]*.out; do
    [ -f "$ref" ] || continue
    base=$(basename "$ref" .out) # 01_basic_signal
    name=${base#*_}              # basic_signal
    checked=$((checked + 1))

    if ! "$procsim" trace "$name" >"$tmp/out" 2>"$tmp/err"; then
        echo "FAIL: $name: 'procsim trace $name' failed (no such experiment?):"
        sed 's/^/    /' "$tmp/err"
        failed=$((failed + 1))
    elif ! cmp -s "$ref" "$tmp/out"; then
        echo "FAIL: $name: trace differs from $ref (- SimPy, + procsim):"
        diff -u "$ref" "$tmp/out" | sed 's/^/    /'
        failed=$((failed + 1))
    else
        echo "ok:   $name"
    fi
done

if [ "$checked" -eq 0 ]; then
    echo "FAIL: no reference traces ($seed/[0-9]*.out) to compare with"
    exit 1
fi
echo "$((checked - failed)) of $checked guide traces match SimPy"
[ "$failed" -eq 0 ]
