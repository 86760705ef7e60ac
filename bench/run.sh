#!/usr/bin/env bash
# rotaplan benchmarks (`make bench`): solves a ladder of generated sizes and the coalition
# scenarios, and prints per run the model size, load/build/solve/write times, peak memory,
# status and gap. Results go to bench/results/<UTC date-time>.csv and bench/results/latest.csv
# (one row per run, the newest: a partial run replaces only its own rows), so a run can be
# compared with the last one (the previous latest.csv is kept as previous.csv).
#
# Environment: BENCH_TIME_LIMIT (seconds per solve, default 60), BENCH_QUICK=1 (small ladder only),
# BENCH_NO_XL=1 (no 30-nation steps),
# BENCH_MODE (mip or lp, default mip; with mip the ladder ends with frontline-100k in lp mode,
# BENCH_LP_LIMIT seconds, default 300),
# BENCH_ONLY="name …" (only the runs of those names, e.g. "gen-XL frontline-100k-lp"),
# BENCH_ROLLING=1 (also the rolling-horizon ladder: one generated scenario at 1, 2, 4 and 8 years
# of weekly periods, each window given the same time, so time should grow linearly with the
# horizon; and demo over 5 years of daily periods; BENCH_ROLLING=only runs just that part).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/rotaplan
LIMIT=${BENCH_TIME_LIMIT:-60}
MODE=${BENCH_MODE:-mip}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || { echo "bench needs GNU time (/usr/bin/time): apt-get install time"; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/$stamp.csv
echo "run,mode,formulation,variables,integer_variables,constraints,nonzeros,load_ms,build_ms,solve_ms,bottlenecks_ms,write_ms,wall_s,peak_mb,status,gap,objective,overhead_pct" > "$out"

# name nations sites unit_types periods nodes
ladder=(
  "gen-S 5 8 4 52 15"
  "gen-M 10 15 6 104 30"
  "gen-L 20 30 8 104 60"
  "gen-XL 30 60 10 104 120"
  "gen-XL-T52 30 60 10 52 120"
  "gen-XL-N15 15 60 10 104 120"
  "gen-XL-S30 30 30 10 104 90"
)
[ "${BENCH_QUICK:-0}" = 1 ] && ladder=("${ladder[@]:0:2}")
coalition=(inputs/reassurance-10k inputs/coalition-30k inputs/frontline-100k)
[ "${BENCH_ROLLING:-0}" = only ] && ladder=() && coalition=()
# BENCH_NO_XL=1 leaves out the 30-nation steps (each takes several minutes with its fallbacks).
[ "${BENCH_NO_XL:-0}" = 1 ] && ladder=("${ladder[@]:0:3}")

wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

run() { # name scenario_dir [extra solve args]
  local name=$1 dir=$2; shift 2
  wanted "$name" || return 0
  local o="$WORK/out-$name"
  local t0=$(date +%s.%N)
  local code=0
  /usr/bin/time -f "%M" -o "$WORK/mem" "$BIN" solve "$dir" --out "$o" --quiet --mode "$MODE" --time-limit "${RUN_LIMIT:-$LIMIT}" "$@" > "$WORK/stdout" 2> "$WORK/stderr" || code=$?
  local wall=$(echo "$(date +%s.%N) - $t0" | bc)
  local mem_kb=$(tail -1 "$WORK/mem")
  if [ "$code" != 0 ]; then
    echo "$name,$MODE,,,,,,,,,,,$wall,$((mem_kb / 1024)),exit-$code,,," >> "$out"
    printf '%-14s exit %s: %s\n' "$name" "$code" "$(tail -1 "$WORK/stderr")"
    return
  fi
  python3 - "$o/summary.json" "$name" "$wall" "$mem_kb" >> "$out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); name, wall, mem = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
m, t = s["model"], s["timings_ms"]
own = t["load"] + t["build"] + t["write"]
total = own + t["solve"] + t.get("bottlenecks", 0)
print(",".join(str(v) for v in [name, s["mode"], m.get("formulation", ""), m["variables"], m["integer_variables"], m["constraints"], m["nonzeros"],
      t["load"], t["build"], t["solve"], t.get("bottlenecks", 0), t["write"], round(wall, 2), mem // 1024, s["status"], s["gap"], s["objective"],
      round(100.0 * own / max(total, 1), 2)]))
PY
  tail -1 "$out" | awk -F, '{printf "%-14s %8s vars %8s rows %9s nz  build %6s ms  solve %7s ms  peak %5s MB  %-8s gap %s  overhead %s%%\n", $1, $4, $6, $7, $9, $10, $14, $15, $16, $18}'
}

for step in ${ladder[@]+"${ladder[@]}"}; do
  read -r name n s u t w <<< "$step"
  wanted "$name" || continue
  "$BIN" generate "$WORK/$name" --nations "$n" --sites "$s" --unit-types "$u" --periods "$t" --nodes "$w" --seed 1 > /dev/null
  run "$name" "$WORK/$name"
done
for sc in ${coalition[@]+"${coalition[@]}"}; do
  [ -d "$sc" ] && run "$(basename "$sc")" "$sc"
done
# The whole LP of the largest coalition scenario (`--mode lp`, solved in two parts), at that
# scenario's own limit (BENCH_LP_LIMIT to change it).
if [ "$MODE" = mip ] && [ ${#coalition[@]} -gt 0 ] && [ -d inputs/frontline-100k ]; then
  MODE=lp RUN_LIMIT=${BENCH_LP_LIMIT:-300} run frontline-100k-lp inputs/frontline-100k
  # The largest plan at five times the limit: more time must never give a worse plan.
  RUN_LIMIT=$((5 * LIMIT)) run frontline-100k-5x inputs/frontline-100k
fi

if [ "${BENCH_ROLLING:-0}" != 0 ]; then
  # Rolling horizon: window 52 weeks (step 52 − longest tour + 1); 20 s per window.
  for years in 1 2 4 8; do
    t=$((52 * years))
    name=roll-${years}y
    "$BIN" generate "$WORK/$name" --nations 5 --sites 8 --unit-types 4 --periods "$t" --nodes 15 --seed 1 > /dev/null
    windows=$(( (t - 52 + 29) / 30 + 1 ))
    RUN_LIMIT=$((windows * 20)) run "$name" "$WORK/$name" --rolling-window 52
  done
  # Five years of daily periods: the demo with reception sized for a battalion a day.
  d5="$WORK/demo-5y-daily"
  cp -r inputs/demo "$d5"
  sed -i 's/^periods = .*/periods = 1826/; s/^period_days = .*/period_days = 1/' "$d5/scenario.toml"
  python3 - "$d5/nodes.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    if r["pax_per_day"]:
        r["pax_per_day"] = str(max(float(r["pax_per_day"]), 1500))
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=list(rows[0].keys()))
w.writeheader(); w.writerows(rows)
PY
  RUN_LIMIT=300 run demo-5y-daily "$d5" --rolling-window 365 --rolling-step 91 --formulation aggregated
fi

if [ "${BENCH_ROLLING:-0}" = only ]; then
  cp "$out" bench/results/rolling-latest.csv
  echo "results: $out (also bench/results/rolling-latest.csv)"
  exit 0
fi
if [ -f bench/results/latest.csv ]; then
  cp bench/results/latest.csv bench/results/previous.csv
  # latest.csv keeps one row per run, the newest: a partial run (BENCH_ONLY, BENCH_NO_XL, …)
  # replaces its own rows in place and keeps the others from before.
  awk -F, 'NR == FNR { if (FNR > 1) { row[$1] = $0; order[++n] = $1 } next }
           FNR == 1 { print; next }
           { if ($1 in row) { print row[$1]; done[$1] = 1 } else print }
           END { for (i = 1; i <= n; i++) if (!(order[i] in done)) print row[order[i]] }' \
    "$out" bench/results/previous.csv > "$WORK/latest.csv"
  cp "$WORK/latest.csv" bench/results/latest.csv
else
  cp "$out" bench/results/latest.csv
fi
echo "results: $out (also bench/results/latest.csv, one row per run, the newest)"
if [ -f bench/results/previous.csv ]; then
  echo "solve time against the previous run (ms):"
  join -t, -j1 <(tail -n +2 bench/results/previous.csv | cut -d, -f1,10 | sort) <(tail -n +2 "$out" | cut -d, -f1,10 | sort) \
    | awk -F, '{printf "  %-14s %10s -> %10s\n", $1, $2, $3}'
fi
