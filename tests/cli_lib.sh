# Shared preamble of the CLI tests that drive the real mm1 model. A test script is run as
# `sh script PROCSIM SHARED_DIR` and sources this first, by its own location:
#     . "$(dirname "$0")/cli_lib.sh"
# (ctest passes the script's absolute path, so $0 names it from any working directory).
# Sets $procsim, skips (exit 77) when mm1 is not registered, makes a scratch directory
# $dir removed on exit, and defines fail MESSAGE (print it, exit 1).
# shellcheck shell=sh disable=SC2034 # procsim and dir are for the sourcing script
procsim=$1
if ! "$procsim" describe mm1 >/dev/null 2>&1; then
    echo "skip: the mm1 experiment is not registered yet"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
