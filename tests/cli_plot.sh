#!/bin/sh
# procsim plot and run --plot, end to end through gnuplot: the SVG is parsed for its
# axis labels, series, error bars and dashed theory; the same input gives the same bytes
# (svg, png, pdf); without gnuplot procsim says how to get it and touches no file.
# Usage: sh cli_plot.sh PROCSIM SHARED_DIR (exit 77: skipped).
. "$(dirname "$0")/cli_lib.sh"

run="run mm1 -r 20 --param customers=300 --param warmup=10 -q"

# Without gnuplot: exit 2 before anything runs, the way to get it, no file at all.
PROCSIM_GNUPLOT=/nonexistent/gnuplot "$procsim" $run --sweep lambda=0.5,0.6 \
    --plot "$dir/w.svg" -o "$dir/r.csv" 2>"$dir/err"
rc=$?
[ "$rc" -eq 2 ] || fail "run --plot without gnuplot exited $rc, want 2"
grep -q "apt-get install gnuplot-nox" "$dir/err" || fail "no hint: $(cat "$dir/err")"
[ -n "$(ls -A "$dir")" ] && [ "$(ls -A "$dir")" != err ] && fail "files: $(ls -A "$dir")"
"$procsim" $run --sweep lambda=0.5,0.6 --summary "$dir/s.csv" || fail "run: $?"
PROCSIM_GNUPLOT=/nonexistent/gnuplot "$procsim" plot "$dir/s.csv" -x lambda -y wait \
    -o "$dir/w.svg" 2>"$dir/err"
[ $? -eq 2 ] && grep -q "gnuplot-nox" "$dir/err" || fail "plot without gnuplot: $(cat "$dir/err")"
[ -e "$dir/w.svg" ] && fail "plot without gnuplot wrote a file"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "skip: gnuplot is not installed (scripts/setup.sh installs gnuplot-nox)"
    exit 77
fi

# svg_facts FILE: one line per fact, parsed with Python's XML reader:
#   text <label>                  every text element
#   series <title-in-key> <vbars> <dashed>   per plot group: its key text, how many
#                                 vertical segments (error bars) it draws, dashed or not
svg_facts() {
    python3 - "$1" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
for t in root.iter("{http://www.w3.org/2000/svg}text"):
    print("text", "".join(t.itertext()).strip())
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    if not (g.get("id") or "").startswith("gnuplot_plot_"):
        continue
    key = " ".join("".join(t.itertext()).strip()
                   for t in g.iter("{http://www.w3.org/2000/svg}text"))
    vbars, dashed = 0, 0
    for p in g.iter("{http://www.w3.org/2000/svg}path"):
        dashed |= p.get("stroke-dasharray") is not None
        pts = re.findall(r"([ML])\s*([-\d.]+),([-\d.]+)", p.get("d") or "")
        for (c0, x0, y0), (c1, x1, y1) in zip(pts, pts[1:]):
            if c0 == "M" and c1 == "L" and abs(float(x0) - float(x1)) < 0.01 \
                    and abs(float(y0) - float(y1)) > 0.5:
                vbars += 1
    print("series", key, vbars, int(dashed))
PY
}

# A two-parameter sweep: wait against lambda, one line per server count, theory dashed.
"$procsim" run mmc -r 20 --param customers=300 --param warmup=10 -q \
    --sweep lambda=1,1.2,1.4 --sweep servers=2,3 --summary "$dir/c.csv" -o "$dir/cr.csv" \
    --plot "$dir/run.svg" || fail "run --plot: $?"
"$procsim" plot "$dir/c.csv" -x lambda -y wait --by servers -o "$dir/p.svg" ||
    fail "plot: $?"
cmp -s "$dir/run.svg" "$dir/p.svg" || fail "run --plot and plot of its summary differ"
svg_facts "$dir/p.svg" >"$dir/facts" || fail "the SVG does not parse"
grep -qx "text lambda: arrival rate (> 0)" "$dir/facts" || fail "x label: $(cat "$dir/facts")"
grep -qx "text wait (mean and confidence interval)" "$dir/facts" || fail "y label"
grep -q "^text mean time in queue" "$dir/facts" || fail "y label help text"
grep -q "^text mmc: wait against lambda by servers (mu=1 customers=300 warmup=10)" \
    "$dir/facts" || fail "title: $(grep '^text mmc' "$dir/facts")"
[ "$(grep -c '^series ' "$dir/facts")" -eq 4 ] || fail "want 2 series + 2 theory lines"
# Each measured series: 3 points with an error bar each (plus the key's sample), solid.
for s in 2 3; do
    line=$(grep "^series servers=$s " "$dir/facts") || fail "no series servers=$s"
    set -- $line
    [ "$3" -ge 3 ] || fail "servers=$s has $3 error bars: $line"
    [ "$4" -eq 0 ] || fail "servers=$s is dashed"
    line=$(grep "^series servers=$s, theory " "$dir/facts") || fail "no theory for $s"
    set -- $line
    [ "$5" -eq 1 ] || fail "theory of servers=$s is not dashed: $line"
    [ "$4" -eq 0 ] || fail "theory of servers=$s has error bars"
done

# Deterministic: the same summary twice gives the same bytes, in every format.
for ext in svg png pdf; do
    "$procsim" plot "$dir/c.csv" -x lambda -y wait --by servers -o "$dir/a.$ext" &&
        "$procsim" plot "$dir/c.csv" -x lambda -y wait --by servers -o "$dir/b.$ext" ||
        fail "plot .$ext: $?"
    cmp -s "$dir/a.$ext" "$dir/b.$ext" || fail "two .$ext files of one summary differ"
done
head -c 8 "$dir/a.png" | od -An -c | grep -q "P   N   G" || fail "a.png is not a PNG"
head -c 5 "$dir/a.pdf" | grep -q "%PDF-" || fail "a.pdf is not a PDF"

# One series without --by; a parameter that varies but is not drawn is refused.
"$procsim" plot "$dir/s.csv" -x lambda -y wait -o "$dir/one.svg" || fail "one series: $?"
svg_facts "$dir/one.svg" >"$dir/facts"
[ "$(grep -c '^series ' "$dir/facts")" -eq 2 ] || fail "one series + theory: $(cat "$dir/facts")"
"$procsim" plot "$dir/c.csv" -x lambda -y wait -o "$dir/no.svg" 2>"$dir/err"
[ $? -eq 2 ] && grep -q "servers varies" "$dir/err" || fail "varying servers: $(cat "$dir/err")"
"$procsim" plot "$dir/c.csv" -x rho -y wait -o "$dir/no.svg" 2>"$dir/err"
[ $? -eq 2 ] && grep -q "no such parameter (it has lambda, mu, servers" "$dir/err" ||
    fail "unknown -x: $(cat "$dir/err")"
"$procsim" plot "$dir/c.csv" -x lambda -y wait --by servers -o "$dir/no.gif" 2>"$dir/err"
[ $? -eq 2 ] && grep -q "ends in .svg, .png or .pdf" "$dir/err" || fail ".gif: $(cat "$dir/err")"
[ -e "$dir/no.svg" ] || [ -e "$dir/no.gif" ] && fail "a refused plot wrote a file"

# --hist: one distribution function per point, the metric's help on the x axis.
"$procsim" plot "$dir/cr.csv" --hist wait -o "$dir/h.svg" || fail "--hist: $?"
svg_facts "$dir/h.svg" >"$dir/facts"
[ "$(grep -c '^series point ' "$dir/facts")" -eq 6 ] || fail "--hist lines: $(cat "$dir/facts")"
grep -q "^series point 5 lambda=1.4 servers=3 " "$dir/facts" || fail "--hist names"
grep -q "^text wait: mean time in queue" "$dir/facts" || fail "--hist x label"
"$procsim" plot "$dir/c.csv" --hist wait -o "$dir/no.svg" 2>"$dir/err"
[ $? -eq 2 ] && grep -q "per-replication file" "$dir/err" || fail "--hist of a summary"

# An unwritable picture path is refused before the run, like the CSV outputs.
"$procsim" $run --sweep lambda=0.5,0.6 --plot "$dir/none/w.svg" -o "$dir/no.csv" 2>"$dir/err"
[ $? -eq 2 ] || fail "unwritable --plot: $(cat "$dir/err")"
[ -e "$dir/no.csv" ] && fail "a run refused for its --plot path wrote its CSV"
# A gnuplot that fails: exit 1 after the run, the CSV written, no picture, no temp file.
PROCSIM_GNUPLOT=/bin/false "$procsim" $run --sweep lambda=0.5,0.6 \
    --plot "$dir/f.svg" -o "$dir/f.csv" 2>"$dir/err"
[ $? -eq 1 ] && grep -q "gnuplot failed" "$dir/err" || fail "failing gnuplot: $(cat "$dir/err")"
[ -s "$dir/f.csv" ] || fail "the CSV of a run whose picture failed is missing"
ls "$dir" | grep -q "f.svg" && fail "a failed picture left a file: $(ls "$dir")"

# run --plot needs a sweep of one or two parameters, known before anything runs.
"$procsim" $run --plot "$dir/no.svg" -o "$dir/no.csv" 2>"$dir/err"
[ $? -eq 2 ] && grep -q "sweeps none" "$dir/err" || fail "no sweep: $(cat "$dir/err")"
[ -e "$dir/no.csv" ] && fail "a refused run wrote its CSV"
echo "ok: pictures with labels, series, error bars and theory, byte for byte"
