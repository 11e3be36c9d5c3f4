#!/usr/bin/env bash
# Runs the JMH kernel suite (jmh/) and prints op, backend, batch, median time and GB/s of compulsory traffic.
#
#   scripts/bench-kernels.sh [--smoke] [extra JMH args, e.g. -prof gc, -p batch=64, 'diffNorm|guidanceAlignment']
#
# --smoke: 1 fork, 1 short warmup and measurement iteration, batch 1, every available backend (CI, ~1-2 minutes).
# Backends that cannot run here (nd4j without the test jar, cuda without a driver) are dropped unless -p backend=
# is given. Results: jmh/results/kernels-<date>.json (git-ignored). MVN_FLAGS=-o builds offline.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
smoke=0
jmh_args=()
for a in "$@"; do
    if [[ "$a" == --smoke ]]; then smoke=1; else jmh_args+=("$a"); fi
done

source scripts/jmh-build.sh

# JMH accumulates repeated -p values and rejects repeated -f/-wi/...: add a default only where the caller gave none.
given() {
    local want="$1" a
    for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do
        [[ "$a" == "$want" ]] && return 0
    done
    return 1
}
given_param() {
    local a
    for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do
        [[ "$a" == "$1="* ]] && return 0
    done
    return 1
}
defaults=()
if ! given_param backend; then
    backends="$("$java" --add-modules jdk.incubator.vector -cp "$jar" dev.memscope.jmh.AvailableBackends \
        2> >(grep -v '^WARNING: Using incubator' >&2))"
    defaults+=(-p "backend=$backends")
fi
if (( smoke )); then
    given -f || defaults+=(-f 1)
    given -wi || defaults+=(-wi 1)
    given -w || defaults+=(-w 200ms)
    given -i || defaults+=(-i 1)
    given -r || defaults+=(-r 300ms)
    given_param batch || defaults+=(-p batch=1)
fi

# Only the kernel suite unless a benchmark pattern is given (patterns name their class, e.g. 'KernelBench\.cfg$',
# 'FusedVsComposedBench'); the jar also holds suites that need a GPU or take longer.
include=("KernelBench\\.")
for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do
    [[ "$a" == *Bench* ]] && include=()
done

mkdir -p jmh/results
suffix=""
(( smoke )) && suffix="-smoke"
out="jmh/results/kernels-$(date +%Y%m%d-%H%M%S)$suffix.json"
"$java" -jar "$jar" "${defaults[@]+"${defaults[@]}"}" -rf json -rff "$out" "${jmh_args[@]+"${jmh_args[@]}"}" \
    "${include[@]+"${include[@]}"}"
echo
echo "results: $out"
python3 scripts/jmh_table.py "$out"
