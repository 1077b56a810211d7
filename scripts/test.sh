#!/bin/sh
# The whole test suite, as CI runs it (.ci/run): every stage must pass.
#   1. gcc build, warnings as errors, all ctest tests (unit, CLI, guide trace parity)
#   2. clang build, warnings as errors, AddressSanitizer + UndefinedBehaviorSanitizer,
#      with the allocation fault-injection test (tests/fault/)
#   3. clang build with ThreadSanitizer: the runner's tests (the worker pool)
#   4. valgrind memcheck over the unit tests (leaks and memory errors)
#   5. install to a temporary prefix; the example model (examples/cafe) built from the
#      installed files with CMake and pkg-config, gcc and clang, run as a plugin and as
#      its own program (scripts/test_install.sh)
#   6. libFuzzer: each harness of fuzz/ for PROCSIM_FUZZ_SECONDS (default 60) from its
#      committed seed corpus (skipped, with a message, when clang has no libFuzzer)
# Build trees go to build-test/ (override with PROCSIM_TEST_DIR).
set -eu
cd "$(dirname "$0")/.."
out=${PROCSIM_TEST_DIR:-build-test}
jobs=$(nproc 2>/dev/null || echo 2)
stage() { printf '\n=== %s\n' "$*"; }

build() { # dir, compiler, extra cmake args...
    dir=$1; cc=$2; shift 2
    cmake -S . -B "$dir" -DCMAKE_C_COMPILER="$cc" -DPROCSIM_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs" >/dev/null
}

stage "gcc -Werror: all tests"
build "$out/gcc" gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir "$out/gcc" -j "$jobs" --output-on-failure

stage "clang -Werror, ASan + UBSan: all tests"
build "$out/asan" clang -DCMAKE_BUILD_TYPE=Debug -DPROCSIM_SANITIZE=address,undefined \
    -DPROCSIM_FAULT=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$out/asan" -j "$jobs" --output-on-failure

stage "clang, TSan: runner tests"
build "$out/tsan" clang -DCMAKE_BUILD_TYPE=Debug -DPROCSIM_SANITIZE=thread
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$out/tsan" -L runner --output-on-failure

stage "valgrind memcheck: every unit test (test_validation's long runs excepted)"
find "$out/gcc/tests" -maxdepth 1 -type f -name 'test_*' ! -name '*.*' ! -name test_validation |
    xargs -P "$jobs" -I{} sh -c '
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            "$1" >"$1.valgrind.log" 2>&1 && echo "$(basename "$1"): clean" ||
            { echo "$(basename "$1"): FAILED"; tail -40 "$1.valgrind.log"; exit 1; }' _ {}

stage "install, then a model of one's own from the installed files"
./scripts/test_install.sh "$out/install"

stage "libFuzzer: each harness for ${PROCSIM_FUZZ_SECONDS:-60} s"
if printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
    clang -fsanitize=fuzzer -x c - -o "$out/fuzz-probe" >/dev/null 2>&1; then
    cmake -S . -B "$out/fuzz" -DCMAKE_C_COMPILER=clang -DPROCSIM_WERROR=ON \
        -DCMAKE_BUILD_TYPE=Debug -DPROCSIM_FUZZ=ON >/dev/null
    cmake --build "$out/fuzz" -j "$jobs" --target fuzz_parse fuzz_merge fuzz_cli >/dev/null
    root=$(pwd)
    for h in parse merge cli; do
        # a scratch corpus copy, so new inputs never land in the repository
        rm -rf "$out/fuzz/work-$h" && mkdir -p "$out/fuzz/work-$h" "$out/fuzz/artifacts"
        "$out/fuzz/fuzz/fuzz_$h" -max_total_time="${PROCSIM_FUZZ_SECONDS:-60}" \
            -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
            -artifact_prefix="$root/$out/fuzz/artifacts/$h-" \
            "$root/$out/fuzz/work-$h" "$root/fuzz/corpus/$h" >"$out/fuzz/$h.log" 2>&1 ||
            { echo "fuzz_$h: FAILED"; tail -40 "$out/fuzz/$h.log"; exit 1; }
        echo "fuzz_$h: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/fuzz/$h.log" |
            sed 's/.*: //') executions, clean"
    done
else
    echo "skipped: clang cannot link -fsanitize=fuzzer (install libclang-rt-dev for clang $(
        clang -dumpversion 2>/dev/null | cut -d. -f1))"
fi
printf '\nall test stages passed\n'
