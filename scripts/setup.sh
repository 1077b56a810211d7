#!/bin/sh
# Install what procsim needs to build, test and benchmark on Debian (run as root).
# apt-get update runs once, and only when something is missing.
set -eu
pkgs="build-essential cmake clang libcmocka-dev libboost-context-dev valgrind python3 python3-simpy3"
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
