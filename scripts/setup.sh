#!/bin/sh
# Install what procsim needs to build, test and benchmark on Debian (run as root).
# apt-get update runs once, and only when something is missing.
# Optional for procsim itself (it builds and runs without them, and says what to install):
# libopenmpi-dev + openmpi-bin for procsim-mpi, gnuplot-nox for `procsim plot`. pkg-config
# builds the example model from the installed files in the test suite.
set -eu
pkgs="build-essential cmake clang pkg-config libcmocka-dev libboost-context-dev valgrind python3
python3-simpy3 gnuplot-nox libopenmpi-dev openmpi-bin"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# libFuzzer's runtime (fuzz/, test.sh stage 5) is a package of its own for clang 14 and
# later: libclang-rt-N-dev for the clang just installed, when Debian has it.
rt="libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
if ! dpkg-query -W -f='${Status}' "$rt" 2>/dev/null | grep -q "install ok installed"; then
    if apt-cache show "$rt" >/dev/null 2>&1 ||
        { apt-get update -qq && apt-cache show "$rt" >/dev/null 2>&1; }; then
        echo "setup: installing $rt" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$rt" >/dev/null
    fi
fi
