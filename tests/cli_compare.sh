#!/bin/sh
# procsim compare and run --compare-to, end to end: paired differences by replication
# against values computed by hand, the Bonferroni level, the CRN variance reduction,
# the CSV, and refusals. Usage: sh cli_compare.sh PROCSIM SHARED_DIR (77: skipped).
. "$(dirname "$0")/cli_lib.sh"

# Three points of a toy run (a = 1, 2, 3), four replications, metrics m and k.
# Point 1 - point 0 on m: d = 1 2 1 3; point 2 - point 0: d = 0 1 0 2. Both: sd
# sqrt(2.75 / 3) = 0.9574271; with K = 2 intervals each is at 97.5%, t(0.9875, 3) =
# 4.1765348 (closed form of the t cdf with 3 degrees of freedom), half-width
# 4.1765348 x 0.9574271 / 2 = 1.9993640. Variances: point 0: 2/3, point 1: 8.75/3,
# point 2: 8.75/3, so the reduction is (8.75/3 + 2/3) / (2.75/3) = 43/11 = 3.9090909.
cat >"$dir/reps.csv" <<'CSV'
# procsim 0.1.0 experiment=toy seed=1 crn=1 params=2
point,rep,seed,a,b,m,k
0,0,11,1,7,4,1
0,1,12,1,7,5,1
0,2,13,1,7,5,1
0,3,14,1,7,6,1
1,0,11,2,7,5,1
1,1,12,2,7,7,1
1,2,13,2,7,6,1
1,3,14,2,7,9,1
2,3,14,3,7,8,1
2,0,11,3,7,4,1
2,1,12,3,7,6,1
2,2,13,3,7,5,1
CSV

"$procsim" compare "$dir/reps.csv" --baseline a=1 --metric m -o "$dir/cmp.csv" >"$dir/out" 2>"$dir/err" ||
    fail "compare exited $?: $(cat "$dir/err")"
[ -s "$dir/err" ] && fail "compare said: $(cat "$dir/err")"
grep -q "95% family confidence: each of the 2 intervals is at 97.5% (Bonferroni)" "$dir/out" ||
    fail "no family level in the table: $(cat "$dir/out")"
grep -q "point 1: a=2 b=7  minus point 0" "$dir/out" || fail "table: $(cat "$dir/out")"
head -n 1 "$dir/cmp.csv" | grep -qx "point,a,b,baseline,metric,n,mean_diff,sd_diff,ci_low,ci_high,half_width,level,family_level,var_reduction" ||
    fail "CSV header: $(head -n 1 "$dir/cmp.csv")"
[ "$(wc -l <"$dir/cmp.csv")" -eq 3 ] || fail "CSV rows: $(cat "$dir/cmp.csv")"

# check POINT COLUMN VALUE TOLERANCE: the CSV row of that point
check() {
    awk -F, -v p="$1" -v c="$2" -v want="$3" -v tol="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == p { v = $col[c]; d = v - want; if (d < 0) d = -d; found = 1
                  if (d > tol) { print c " of point " p " is " v ", want " want; exit 1 } }
        END { if (!found) { print "no row for point " p; exit 1 } }' "$dir/cmp.csv" ||
        fail "compare CSV"
}
check 1 baseline 0 0
check 1 n 4 0
check 1 mean_diff 1.75 1e-12
check 1 sd_diff 0.9574271078 1e-9
check 1 half_width 1.999364 1e-6
check 1 ci_low -0.249364 1e-6
check 1 ci_high 3.749364 1e-6
check 1 level 0.975 1e-12
check 1 family_level 0.95 1e-12
check 1 var_reduction 3.9090909091 1e-9
check 2 mean_diff 0.75 1e-12
check 2 ci_low -1.249364 1e-6
check 2 var_reduction 3.9090909091 1e-9

# Every metric: four intervals, 98.75% each; k never differs (no variance to reduce).
"$procsim" compare "$dir/reps.csv" --baseline a=1 >"$dir/out" 2>&1 || fail "compare: $?"
grep -q "each of the 4 intervals is at 98.75%" "$dir/out" || fail "K=4: $(cat "$dir/out")"
# A 90% family, one interval: 90% itself.
"$procsim" compare "$dir/reps.csv" --baseline a=2 --metric m --confidence 0.9 -q \
    -o "$dir/one.csv" >"$dir/out" 2>&1 || fail "compare a=2: $?"
[ -s "$dir/out" ] && fail "-q printed: $(cat "$dir/out")"
# a=2 is the baseline of nothing else but itself... every point has b=7, so points 0
# and 2 are compared with point 1.
[ "$(wc -l <"$dir/one.csv")" -eq 3 ] || fail "a=2 rows: $(cat "$dir/one.csv")"
grep -q "^0,1,7,1,m,4,-1.75," "$dir/one.csv" || fail "a=2: $(cat "$dir/one.csv")"
# -o - is the CSV on stdout, without the table.
"$procsim" compare "$dir/reps.csv" --baseline a=1 --metric m -o - >"$dir/out" 2>&1 ||
    fail "-o -: $?"
cmp -s "$dir/out" "$dir/cmp.csv" || fail "-o - differs from the file: $(cat "$dir/out")"

# Refusals: exit 2, one message, no output file.
expect2() {
    want=$1
    shift
    "$procsim" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "procsim $* exited $rc, want 2"
    grep -qF -- "$want" "$dir/err" || fail "procsim $*: $(cat "$dir/err"), want '$want'"
    [ -e "$dir/no.csv" ] && fail "procsim $* wrote its output"
    return 0
}
expect2 "no point in" compare "$dir/reps.csv" --baseline a=9 -o "$dir/no.csv"
expect2 "'c' is not a parameter" compare "$dir/reps.csv" --baseline c=1 -o "$dir/no.csv"
expect2 "has no such metric" compare "$dir/reps.csv" --baseline a=1 --metric zz -o "$dir/no.csv"
expect2 "needs --baseline" compare "$dir/reps.csv" -o "$dir/no.csv"
tail -n +2 "$dir/reps.csv" >"$dir/noprov.csv"
expect2 "not a per-replication file" compare "$dir/noprov.csv" --baseline a=1 -o "$dir/no.csv"
printf '# procsim 0.1.0 experiment=toy seed=1 crn=1 params=2\npoint,rep,seed,a,b,m\n0,0,1,1,"7,1\n' \
    >"$dir/bad.csv"
expect2 "line 3" compare "$dir/bad.csv" --baseline a=1 -o "$dir/no.csv"
expect2 "--compare-to expects k=v" run mm1 --compare-to rho=1 -o "$dir/no.csv"
expect2 "no point of the run has lambda=0.7" run mm1 --sweep lambda=0.5,0.6 \
    --compare-to lambda=0.7 -o "$dir/no.csv"

# run --compare-to: the same numbers as compare on the run's own file; with every
# replication paired the mean difference is the difference of the summary's means.
run="run mm1 --sweep lambda=0.5,0.6,0.7 -r 30 --param customers=300 --param warmup=10"
"$procsim" $run --compare-to lambda=0.5 -o "$dir/r.csv" --summary "$dir/s.csv" \
    >"$dir/out" 2>"$dir/err" || fail "run --compare-to: $? $(cat "$dir/err")"
grep -q "^paired differences: each point minus its baseline (lambda=0.5" "$dir/out" ||
    fail "run --compare-to printed: $(cat "$dir/out")"
"$procsim" compare "$dir/r.csv" --baseline lambda=0.5 >"$dir/out2" || fail "compare r.csv"
sed -n '/^paired differences/,$p' "$dir/out" | cmp -s - "$dir/out2" ||
    fail "run --compare-to and compare differ"
"$procsim" compare "$dir/r.csv" --baseline lambda=0.5 --metric wait -o "$dir/rc.csv" -q ||
    fail "compare -o"
# (summary: point,4 params,metric,n,mean; compare: point,4 params,baseline,metric,n,mean_diff)
awk -F, 'NR == FNR && FNR > 1 && $6 == "wait" { mean[$1] = $8; next }
         FNR > 1 && NR != FNR { d = mean[$1] - mean[$6] - $9; if (d < 0) d = -d
                                if (d > 1e-12 * (mean[$1] > 1 ? mean[$1] : 1)) bad = 1; n++ }
         END { exit bad || n != 2 }' "$dir/s.csv" "$dir/rc.csv" ||
    fail "mean differences are not the differences of the means"
# Common random numbers make the comparison sharper than independent runs would.
awk -F, 'NR > 1 && !($NF > 1) { bad = 1 } END { exit bad }' "$dir/rc.csv" ||
    fail "no variance reduction under CRN: $(cat "$dir/rc.csv")"
echo "ok: paired comparisons match the hand-computed intervals"
