#!/bin/sh
# A model of one's own from installed files only, as a user would (test.sh stage 5):
#   - a Release build (gcc, LTO on, -Werror) installed to a temporary prefix
#   - the installed libprocsim.a holds no demo models and no LTO-only (slim) objects
#   - examples/cafe built out of tree with CMake (find_package) and with its Makefile
#     (pkg-config), each with gcc and with clang, -Wall -Wextra -Werror
#     -Wstrict-prototypes, and no warning at all in the build output
#   - each build run as a plugin of the installed procsim (-j 2) and as its own program
#     (-j 1): every per-replication and summary CSV byte for byte the same
#   - the installed procsim-mpi (when MPI was found) runs the plugin over 3 ranks
#   - the installed procsim refuses a plugin of another ABI and files that are not
#     plugins with one message and exit 2
# Usage: scripts/test_install.sh [WORK_DIR]   (default build-test/install)
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
work=${1:-build-test/install}
mkdir -p "$work"
work=$(cd "$work" && pwd)
prefix=$work/prefix
rm -rf "$prefix" "$work/ex"
fail() { echo "FAIL: $*"; exit 1; }

cmake -S . -B "$work/build" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release \
    -DPROCSIM_WERROR=ON >/dev/null
targets="procsim procsim_lib"
# procsim-mpi exists when an MPI was found; installing it needs it built. grep reads the
# whole list (not -q, which quits at the first match and leaves make a broken pipe).
cmake --build "$work/build" --target help | grep 'procsim-mpi' >/dev/null && targets="$targets procsim-mpi"
# shellcheck disable=SC2086 # targets are words on purpose
cmake --build "$work/build" -j 2 --target $targets >/dev/null
cmake --install "$work/build" --prefix "$prefix" >/dev/null
lib=$prefix/lib/libprocsim.a
for f in bin/procsim include/procsim/procsim.h lib/pkgconfig/procsim.pc \
    lib/cmake/procsim/procsimConfig.cmake share/man/man1/procsim.1; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
done

# No demo models, no registry; every member is an ELF object with machine code.
if nm "$lib" | grep -E ' [TDRB] (exp_(guide|queueing|classic)_|exp_registry|exp_count)'; then
    fail "libprocsim.a holds demo models"
fi
mkdir -p "$work/ex/ar" && (cd "$work/ex/ar" && ar x "$lib")
for o in "$work"/ex/ar/*.o; do
    [ "$(od -An -c -N4 "$o" | tr -d ' ')" = "177ELF" ] || fail "$(basename "$o") is not ELF"
    # readelf, not nm: nm reads LTO bytecode through gcc's plugin and shows its symbols
    ! readelf -s "$o" | grep -q '__gnu_lto_slim' || fail "$(basename "$o") is LTO-only"
    readelf -s "$o" | awk '$4 == "FUNC" && $7 != "UND" { f = 1 } END { exit !f }' ||
        fail "$(basename "$o"): no machine code"
done
echo "libprocsim.a: $(ls "$work"/ex/ar | wc -l) objects with machine code, no demo models"

run="-r 40 --sweep baristas=2,3 --sweep patience_min=2,8 -q"
ref=""
for cc in gcc clang; do
    for how in cmake make; do
        b=$work/ex/$cc-$how
        mkdir -p "$b"
        if [ "$how" = cmake ]; then
            { cmake -S "$src/examples/cafe" -B "$b" -DCMAKE_C_COMPILER="$cc" \
                -DCMAKE_PREFIX_PATH="$prefix" && cmake --build "$b"; } >"$b/log" 2>&1 ||
                { cat "$b/log"; fail "$cc: CMake build of the example"; }
        else
            (cd "$b" && PKG_CONFIG_PATH=$prefix/lib/pkgconfig \
                make -f "$src/examples/cafe/Makefile" CC="$cc") >"$b/log" 2>&1 ||
                { cat "$b/log"; fail "$cc: pkg-config build of the example"; }
        fi
        ! grep -i 'warning' "$b/log" || fail "$cc $how: warnings in the build"
        ! nm "$b/cafesim" | grep -E ' [TDR] exp_(guide|queueing|classic)_' ||
            fail "$cc $how: demo models linked into cafesim"
        "$prefix/bin/procsim" run "$b/cafe.so" $run -j 2 -o "$b/p.csv" --summary "$b/ps.csv"
        "$b/cafesim" run cafe $run -j 1 -o "$b/o.csv" --summary "$b/os.csv"
        ref=${ref:-$b}
        for f in p o; do
            cmp "$ref/p.csv" "$b/$f.csv" || fail "$cc $how: $f.csv differs from $ref/p.csv"
            cmp "$ref/ps.csv" "$b/${f}s.csv" || fail "$cc $how: ${f}s.csv differs"
        done
        echo "$cc $how: plugin and own program, same CSVs"
    done
done

# The installed procsim-mpi (installed when MPI was found) runs the same plugin over ranks.
if [ -x "$prefix/bin/procsim-mpi" ] && command -v mpirun >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # options are split on purpose
    mpirun --allow-run-as-root --oversubscribe -n 3 "$prefix/bin/procsim-mpi" run \
        "$ref/cafe.so" $run -j 1 -o "$work/ex/m.csv" --summary "$work/ex/ms.csv" ||
        fail "installed procsim-mpi: plugin run"
    cmp "$ref/p.csv" "$work/ex/m.csv" || fail "installed procsim-mpi: CSV differs"
    cmp "$ref/ps.csv" "$work/ex/ms.csv" || fail "installed procsim-mpi: summary differs"
    echo "installed procsim-mpi: the plugin over 3 ranks, same CSVs"
else
    echo "note: no installed procsim-mpi or no mpirun: the MPI plugin run was skipped"
fi

# Refusals by the installed procsim: another ABI, a shared object without the symbol,
# a file that is no shared object.
expect_refusal() { # pattern, file
    if "$prefix/bin/procsim" run "$2" >"$work/ex/out" 2>"$work/ex/err"; then
        fail "procsim run $2 succeeded"
    else
        rc=$?
    fi
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$work/ex/err")" -eq 1 ] &&
        grep -q "$1" "$work/ex/err" || { cat "$work/ex/err"; fail "$2: exit $rc"; }
}
gcc -shared -fPIC -I"$prefix/include" "$src/tests/plugin/abi_next.c" -o "$work/ex/abi.so"
gcc -shared -fPIC "$src/tests/plugin/not_a_plugin.c" -o "$work/ex/none.so"
expect_refusal "built for procsim plugin ABI 3, this procsim uses ABI 2" "$work/ex/abi.so"
expect_refusal "is not a procsim plugin: it exports no" "$work/ex/none.so"
expect_refusal "is not a procsim plugin (" "$lib"
echo "installed procsim refuses another ABI and non-plugins (exit 2)"
