#!/usr/bin/env bash
# The lab forward pass's two GEMMs (B = 64, K = 2048, D = 4x64x64) on every available GEMM backend, with the
# NumPy/OpenBLAS sgemm peer measured in the same run, and the ratio to it. Peer first, then JMH, then the table.
#
#   scripts/bench-lab.sh [--quick] [extra JMH args]
#
# --quick: 1 warmup and 2 measurement iterations (about 1 minute). Results: jmh/results/lab-<date>.json and
# jmh/results/lab-<date>-numpy.json (git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

quick=0
jmh_args=()
for a in "$@"; do
    if [[ "$a" == --quick ]]; then quick=1; else jmh_args+=("$a"); fi
done
source scripts/jmh-build.sh

stamp="$(date +%Y%m%d-%H%M%S)"
mkdir -p jmh/results
out="jmh/results/lab-$stamp.json"
peer="jmh/results/lab-$stamp-numpy.json"

echo ">> peer: NumPy/OpenBLAS sgemm on the same shapes" >&2
python3 scripts/peer/sgemm_numpy.py | tee /dev/stderr | tail -n 1 > "$peer"

backends=cpu,nd4j
available="$("$java" --add-modules jdk.incubator.vector -cp "$jar" dev.memscope.jmh.AvailableBackends 2>/dev/null)"
if [[ ",$available," == *,cuda,* ]]; then backends="$backends,cuda"; else echo ">> cuda GEMM skipped: no CUDA here" >&2; fi
defaults=(-p "backend=$backends")
(( quick )) && defaults+=(-wi 1 -i 2)
"$java" -jar "$jar" LabForwardBench "${defaults[@]}" -rf json -rff "$out" "${jmh_args[@]+"${jmh_args[@]}"}"
echo
python3 scripts/lab_table.py "$out" "$peer"
