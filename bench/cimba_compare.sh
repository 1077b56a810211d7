#!/bin/sh
# Times procsim's bench_mm1_queue against Cimba's MM1_single (benchmark/MM1_single.c of
# https://github.com/ambonvik/cimba), the workload bench_mm1_queue copies the shape of:
# 10^6 customers, arrivals put their arrival time into a queue, one server serves them,
# exponential 0.9 / 1.0. The two run alternately, BENCH_REPEAT times each; the best run
# of each counts. Only ratios taken here, in the same minute, mean anything.
#
# MM1_single prints no time, so it runs with bench/cimba_timer.c preloaded, which times
# its trial from the inside (model setup, run, teardown: what bench_mm1_queue times).
# Both programs are also timed whole, start-up included, as a check on that.
#
# usage: bench/cimba_compare.sh BUILD_DIR [CIMBA_BUILD_DIR]
#        BUILD_DIR: a procsim Release build with bench_mm1_queue built
#        CIMBA_BUILD_DIR: Cimba's meson build directory (default $CIMBA_BUILD, else
#        /tmp/cimba-build). Without MM1_single there, prints how to build it and exits 0:
#        nothing depends on this comparison.
# env:   BENCH_REPEAT=5   runs of each program
#        CC=cc            compiler for the timer library
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -d "$1/bench" ]; then
    echo "usage: $0 BUILD_DIR [CIMBA_BUILD_DIR]   (a built procsim Release build directory)" >&2
    exit 2
fi
build=$1
cimba=${2:-${CIMBA_BUILD:-/tmp/cimba-build}}
repeat=${BENCH_REPEAT:-5}
here=$(dirname "$0")
procsim_bin=$build/bench/bench_mm1_queue
cimba_bin=$cimba/benchmark/MM1_single
customers=1000000 # MM1_single's NUM_OBJECTS, fixed in its source

case $repeat in
    '' | *[!0-9]* | 0) echo "BENCH_REPEAT must be a positive integer" >&2; exit 2 ;;
esac

if [ ! -x "$cimba_bin" ]; then
    cat <<EOF
Cimba's MM1_single not found in $cimba: comparison skipped (nothing depends on it).
To build Cimba's release build (not its PGO "benchopt" variant) on Debian 12:

  apt-get install -y meson nasm
  git clone https://github.com/ambonvik/cimba /tmp/cimba-src
  meson setup --buildtype=release -Denable_cuda_tutorials=false \\
      -Dc_args='-include assert.h -include stdbool.h' /tmp/cimba-build /tmp/cimba-src
  meson compile -C /tmp/cimba-build MM1_single

Cimba is C23: with gcc 12 (Debian 12) bool and one-argument static_assert are not yet
keywords, so the two -include flags supply them (gcc >= 13 needs neither).
-Denable_cuda_tutorials=false avoids a hard-coded /opt/cuda/include when CUDA is
installed elsewhere. Then: $0 $build /tmp/cimba-build
EOF
    exit 0
fi
if [ ! -x "$procsim_bin" ]; then
    echo "$procsim_bin not built (cmake --build $build --target bench_mm1_queue)" >&2
    exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

timer=$tmp/cimba_timer.so
if ! "${CC:-cc}" -O2 -shared -fPIC -o "$timer" "$here/cimba_timer.c" -ldl 2>"$tmp/cc.log"; then
    echo "cimba_timer.c did not build (${CC:-cc}): Cimba timed whole process only"
    cat "$tmp/cc.log"
    timer=
fi

# field LINE NAME: the value of NAME=... in a result line.
field() {
    printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
now_ns() { date +%s%N; }
secs() { awk "BEGIN { printf \"%.4f\", ($2 - $1) / 1e9 }"; } # secs T0_NS T1_NS
rate() { # rate SECONDS: customers per second, or empty
    if [ -n "$1" ]; then awk "BEGIN { printf \"%.0f\", $customers / $1 }"; fi
}
max() { # max A B: the larger, either may be empty
    if [ -z "$1" ]; then printf '%s' "$2"
    elif [ -z "$2" ]; then printf '%s' "$1"
    else awk "BEGIN { print ($1 > $2) ? $1 : $2 }"; fi
}
ratio() { # ratio A B: A/B with two decimals, or "-" when either is missing
    if [ -n "$1" ] && [ -n "$2" ]; then awk "BEGIN { printf \"%.2f\", $1 / $2 }"; else printf -- '-'; fi
}

# Which Cimba build this is: a PGO (benchopt) or debug build is another comparison.
opts=$cimba/meson-info/intro-buildoptions.json
opt() { [ -r "$opts" ] && sed -n "s/.*\"name\": \"$1\", \"value\": \"\([a-z0-9]*\)\".*/\1/p" "$opts"; }
# shellcheck source=bench/cpu.sh
. "$here/cpu.sh" # cpu, cpu_id, virt
echo "procsim vs Cimba MM1_single, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc 2>/dev/null || echo '?') cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "CPU: ${cpu:-unknown}${cpu_id:+ ($cpu_id)}${virt:+, $virt guest}"
echo "Cimba: $cimba_bin (buildtype $(opt buildtype || echo '?'), benchopt $(opt benchopt || echo '?'))"
echo "procsim: $procsim_bin $customers 1"
echo "$customers customers each, alternating, best of $repeat; Cimba seeds from hardware, procsim with 0"
echo

status=0
p_in='' p_whole='' c_in='' c_whole=''
i=0
while [ "$i" -lt "$repeat" ]; do
    i=$((i + 1))
    t0=$(now_ns)
    if ! c_out=$(LD_PRELOAD=$timer "$cimba_bin" 2>&1); then
        echo "FAILED: $cimba_bin: $c_out"
        status=1
        break
    fi
    t1=$(now_ns)
    c_sec=$(field "$c_out" cimba_seconds)
    c_mean=$(printf '%s\n' "$c_out" | sed -n 's/^Average system time \([0-9.]*\).*/\1/p')
    c_in=$(max "$c_in" "$(rate "$c_sec")")
    c_wall=$(secs "$t0" "$t1")
    c_whole=$(max "$c_whole" "$(rate "$c_wall")")

    t0=$(now_ns)
    if ! p_out=$("$procsim_bin" "$customers" 1 2>&1); then
        echo "FAILED: $procsim_bin: $p_out"
        status=1
        break
    fi
    t1=$(now_ns)
    p_sec=$(field "$p_out" seconds)
    p_in=$(max "$p_in" "$(field "$p_out" customers_per_s)")
    p_wall=$(secs "$t0" "$t1")
    p_whole=$(max "$p_whole" "$(rate "$p_wall")")
    echo "run $i: Cimba ${c_sec:--} s inside, $c_wall s whole, mean ${c_mean:-?};" \
        "procsim $p_sec s inside, $p_wall s whole, mean $(field "$p_out" mean_system_time)"
done

echo
printf '%-15s %22s %22s\n' '' 'customers/s inside' 'customers/s whole'
printf '%-15s %22s %22s\n' procsim "${p_in:--}" "${p_whole:--}"
printf '%-15s %22s %22s\n' Cimba "${c_in:--}" "${c_whole:--}"
printf '%-15s %22s %22s\n' procsim/Cimba "$(ratio "$p_in" "$c_in")" "$(ratio "$p_whole" "$c_whole")"
echo "CPU: ${cpu:-unknown}${cpu_id:+ ($cpu_id)}"
echo "(target, issue 10: mm1_queue >= 1.5x Cimba's MM1_single, release build; inside ="
echo " model setup + run + teardown, as bench_mm1_queue times; whole = the process, start-up included)"
exit $status
