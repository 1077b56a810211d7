# shellcheck shell=sh disable=SC2034
# Sourced by the comparison scripts (compare.sh, cimba_compare.sh): the CPU goes with every
# figure, since rates differ several-fold between x86 models (bench/README.md, MXCSR).
# Sets cpu (model name), cpu_id ("family F model M") and virt (hypervisor vendor), each
# empty when lscpu does not say.
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
cpu_id=$(lscpu 2>/dev/null | awk -F: '/^CPU family/ { gsub(/ /, "", $2); f = $2 }
    /^Model:/ { gsub(/ /, "", $2); m = $2 } END { if (f != "") printf "family %s model %s", f, m }')
virt=$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p' | head -1)
