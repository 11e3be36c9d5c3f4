#!/usr/bin/env bash
# scan-bench.sh (run as `scripts/bench.sh scan`): rows per second of `memscope scan` per executor count.
#
#   scripts/bench.sh scan [--rows 2000] [--model lab] [--detectors anisotropy] [--slots 1,2] [--cluster]
#                         [--threads-per-slot 1]
#
# Makes a seeded corpus (scripts/make_scan_corpus.py, text), scans it once per task-slot count with --master
# local[N] (and, with --cluster, on scripts/scan-cluster.sh's loopback master with N workers of one core) into a
# fresh folder, and prints one row per run: slots, rows, wall seconds of the whole command (JVM and Spark start
# included), scan seconds (the driver loop: model opening, scoring, commits), rows/s over the scan seconds, steady
# rows/s (chunks 2..n: without the first chunk, which pays for opening one model per task slot), peak RSS of the
# driver JVM (and of the largest executor JVM in cluster mode), and the scaling efficiency of the steady rate
# against 1 slot: rate(N) / (N x rate(1)). Every run gives each slot the same threads (default 1), so the
# efficiency measures what adding a slot adds, not a 1-slot run that already spreads over every core. The logs stay in scan/target/bench-<time>/. The machine is whatever it
# is at the time: run it on an idle one for numbers to quote.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
rows=2000 model=lab detectors=anisotropy slots=1,2 cluster=0 threads=1
while (( $# )); do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --detectors) detectors="$2"; shift 2 ;;
    --slots) slots="$2"; shift 2 ;;
    --cluster) cluster=1; shift ;;
    --threads-per-slot) threads="$2"; shift 2 ;;
    *) echo "scan-bench: unknown option $1" >&2; exit 1 ;;
  esac
done
work="$ROOT/scan/target/bench-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$work"
python3 scripts/make_scan_corpus.py --rows "$rows" --text-only --out "$work/corpus.txt" --empty-every 0
scripts/memscope scan --help >/dev/null   # builds when stale, outside the timings

# peak RSS (VmHWM, kB) of a pid and of its executor JVMs, sampled until it exits
watch_rss() {
  local pid="$1" file="$2" drv=0 exe=0 v p
  while kill -0 "$pid" 2>/dev/null; do
    v="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"; (( ${v:-0} > drv )) && drv="$v"
    for p in $(pgrep -f CoarseGrainedExecutorBackend || true); do
      v="$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)"; (( ${v:-0} > exe )) && exe="$v"
    done
    sleep 0.5
  done
  echo "$drv $exe" >"$file"
}

run() {   # label, slots, master, extra args...
  local label="$1" n="$2" master="$3"; shift 3
  local out="$work/out-$label-$n" t0 t1
  t0="$(date +%s.%N)"
  scripts/memscope scan --input "$work/corpus.txt" --out "$out" --model "$model" --detectors "$detectors" \
    --master "$master" --threads-per-slot "$threads" --chunk-rows "$(( rows / 4 > 0 ? rows / 4 : 1 ))" "$@" 2>"$work/log-$label-$n" &
  local pid=$!
  watch_rss "$pid" "$work/rss-$label-$n" &
  local w=$!
  wait "$pid" || { cat "$work/log-$label-$n" >&2; exit 2; }
  wait "$w"
  t1="$(date +%s.%N)"
  local secs rss steady
  secs="$(sed -n 's/.* chunks scored in \([0-9.]*\) s.*/\1/p' "$work/log-$label-$n" | tail -n 1)"
  # "scan: chunk K/N rows A-B: S scored, R rejected in T s": rows and seconds of chunks 2..N
  steady="$(awk '/^scan: chunk / && !/^scan: chunk 1\// { split($5, ab, "-"); sub(":", "", ab[2]);
      rows += ab[2] - ab[1] + 1; for (i = 1; i <= NF; i++) if ($i == "in") secs += $(i + 1) }
      END { print (secs > 0 ? rows / secs : 0) }' "$work/log-$label-$n")"
  read -r -a rss <"$work/rss-$label-$n"
  awk -v l="$label" -v n="$n" -v r="$rows" -v w="$(echo "$t1 - $t0" | bc)" -v s="$secs" -v d="${rss[0]}" \
      -v e="${rss[1]}" -v st="$steady" 'BEGIN { printf "%-8s %5d %8d %8.1f %8.1f %9.1f %9.1f %10.0f %10.0f\n",
      l, n, r, w, s, r / s, st, d / 1024, e / 1024 }' | tee -a "$work/table"
  cp "$out/summary.json" "$work/summary-$label-$n.json"
}

printf '%-8s %5s %8s %8s %8s %9s %9s %10s %10s\n' mode slots rows wall_s scan_s rows/s steady/s drv_MiB exec_MiB
IFS=',' read -r -a counts <<<"$slots"
for n in "${counts[@]}"; do
  run local "$n" "local[$n]"
done
if (( cluster )); then
  for n in "${counts[@]}"; do
    master="$(scripts/scan-cluster.sh start --workers "$n" --cores 1 --port 7177)"
    run cluster "$n" "$master" --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
      --conf spark.executor.cores=1 || true
    scripts/scan-cluster.sh stop
  done
fi
awk 'NR == 1 { base = $7 } { printf "%s x%d: steady efficiency vs 1 slot %.0f%%\n", $1, $2, 100 * $7 / ($2 * base) }' \
  "$work/table"
# the same scores whatever the slot count or master: compare the summaries' top lists and histograms
first=""
for f in "$work"/summary-*.json; do
  if [[ -z "$first" ]]; then first="$f"; continue; fi
  if cmp -s <(grep -v '"model"' "$first") <(grep -v '"model"' "$f"); then
    echo "same summary: $(basename "$first") = $(basename "$f")"
  else
    echo "DIFFERENT summary: $(basename "$first") vs $(basename "$f")"; exit 1
  fi
done
