#!/bin/sh
# procsim run's output files, end to end with mm1: a symlink stays a symlink and its
# target gets the new bytes; devices and FIFOs are written in place, never renamed over;
# "-" is standard output; a name too long for ".tmp.PID" still works; one file named
# twice (./, $PWD, a symlink, a hard link) is refused before anything runs; when one file
# cannot be written neither is committed; and output that cannot reach stdout is an
# error (exit 1, one message). Usage: sh cli_files.sh PROCSIM SHARED_DIR.
. "$(dirname "$0")/cli_lib.sh"
run="run mm1 -r 3 --param customers=300 --param warmup=10 -q"
no_temps() {
    for f in "$1"/*.tmp.* "$1"/.procsim-*; do
        [ -e "$f" ] && fail "temporary file left: $f"
    done
    return 0
}

# A symlink to an existing file in another directory: the link survives, the target is
# replaced, no temporary file is left beside either.
mkdir "$dir/a" "$dir/b"
echo old >"$dir/b/real.csv"
ln -s ../b/real.csv "$dir/a/link.csv"
$procsim $run --summary "$dir/a/link.csv" || fail "run through a symlink exited $?"
[ -L "$dir/a/link.csv" ] || fail "the symlink was replaced by a plain file"
head -n 1 "$dir/b/real.csv" | grep -q '^point,lambda,' ||
    fail "the symlink's target kept its old bytes: $(head -n 1 "$dir/b/real.csv")"
no_temps "$dir/a"
no_temps "$dir/b"

# A dangling symlink: the file it names is created, the link stays.
ln -s ../b/later.csv "$dir/a/dangling.csv"
$procsim $run --summary "$dir/a/dangling.csv" || fail "run through a dangling symlink exited $?"
[ -L "$dir/a/dangling.csv" ] || fail "the dangling symlink was replaced by a plain file"
[ -s "$dir/b/later.csv" ] || fail "the dangling symlink's target was not created"
no_temps "$dir/a"
no_temps "$dir/b"

# A FIFO is written in place: it stays a FIFO and the reader gets the CSV.
mkfifo "$dir/pipe" || fail "mkfifo"
cat "$dir/pipe" >"$dir/from_pipe" &
reader=$!
$procsim $run -o "$dir/pipe" --summary "$dir/s.csv"
rc=$?
if [ "$rc" -ne 0 ] || [ ! -p "$dir/pipe" ]; then
    kill "$reader" 2>/dev/null # it never gets an end of file
    fail "run into a FIFO exited $rc, or replaced the FIFO"
fi
wait "$reader"
[ "$(wc -l <"$dir/from_pipe")" -eq 5 ] || fail "the FIFO's reader got: $(cat "$dir/from_pipe")"
no_temps "$dir"

# A device node (made here, so the machine's /dev is never at stake) stays a device.
if mknod "$dir/null" c 1 3 2>/dev/null && mknod "$dir/full" c 1 7 2>/dev/null; then
    $procsim $run --summary "$dir/null" || fail "run into a null device exited $?"
    [ -c "$dir/null" ] || fail "the device was replaced by a regular file"
    no_temps "$dir"
    # Commit both or neither: the summary fails at its flush (ENOSPC), so the reps file
    # must keep its old bytes, though its own writing went well.
    echo old >"$dir/keep.csv"
    $procsim $run -o "$dir/keep.csv" --summary "$dir/full" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "a summary that cannot be written exited $rc, want 1"
    [ "$(cat "$dir/keep.csv")" = old ] || fail "reps file committed though the summary failed"
    grep -q 'no output file was committed' "$dir/err" || fail "message: $(cat "$dir/err")"
    no_temps "$dir"
else
    echo "note: mknod not permitted here; device cases skipped"
fi

# "-" is standard output, for either file; no file named "-" appears.
(cd "$dir" && $procsim $run --summary -) >"$dir/sum_stdout" || fail "--summary - exited $?"
head -n 1 "$dir/sum_stdout" | grep -q '^point,lambda,' || fail "--summary - printed no CSV"
(cd "$dir" && $procsim $run -o - --summary "$dir/s2.csv") >"$dir/reps_stdout" ||
    fail "-o - exited $?"
[ "$(wc -l <"$dir/reps_stdout")" -eq 5 ] || fail "-o - printed: $(cat "$dir/reps_stdout")"
[ -e "$dir/-" ] && fail "a file named '-' was written"

# A 250-byte name: ".tmp.PID" would not fit in NAME_MAX; a short temporary name does.
long=$(printf '%0250d' 0 | tr 0 x)
$procsim $run -o "$dir/$long" >/dev/null || fail "a 250-byte file name exited $?"
[ "$(wc -l <"$dir/$long")" -eq 5 ] || fail "the long-named file is incomplete"
no_temps "$dir"

# The same file under two names: exit 2 before anything runs, the file untouched.
echo old >"$dir/same.csv"
ln -s same.csv "$dir/alias.csv"
ln "$dir/same.csv" "$dir/hard.csv"
for other in ./same.csv "$dir/same.csv" alias.csv hard.csv; do
    (cd "$dir" && $procsim $run -o same.csv --summary "$other") 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "-o same.csv --summary $other exited $rc, want 2"
    grep -q 'are the same file' "$dir/err" || fail "message: $(cat "$dir/err")"
    [ "$(cat "$dir/same.csv")" = old ] || fail "same.csv was written (--summary $other)"
done
(cd "$dir" && $procsim $run -o new.csv --summary ./new.csv) 2>/dev/null
[ $? -eq 2 ] || fail "a new path named twice was not refused"
[ -e "$dir/new.csv" ] && fail "new.csv was created"
ln -s later2.csv "$dir/dangling2.csv"
(cd "$dir" && $procsim $run -o dangling2.csv --summary later2.csv) 2>/dev/null
[ $? -eq 2 ] || fail "a dangling symlink and the new path it names were not refused"
(cd "$dir" && $procsim $run -o - --summary -) >/dev/null 2>&1
[ $? -eq 2 ] || fail "-o - --summary - was not refused"

# Standard output that cannot be written: a message and exit 1, for every command
# (run without -q, which prints nothing on stdout).
for cmd in "${run% -q}" "list" "describe mm1" "trace mm1 --param customers=20 --param warmup=0" \
    "--help" "run --help" "compare --help"; do
    # shellcheck disable=SC2086 # the command is split into words on purpose
    $procsim $cmd >/dev/full 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "procsim $cmd >/dev/full exited $rc, want 1"
    [ "$(grep -c 'error writing standard output' "$dir/err")" -eq 1 ] ||
        fail "procsim $cmd >/dev/full said: $(cat "$dir/err")"
    # shellcheck disable=SC2086
    $procsim $cmd >&- 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "procsim $cmd with stdout closed exited $rc, want 1"
    grep -q 'error writing standard output' "$dir/err" ||
        fail "procsim $cmd with stdout closed said: $(cat "$dir/err")"
done
echo "ok: symlinks, FIFOs, devices, -, long names, one file twice, stdout errors"
