#!/usr/bin/env bash
# Runs one JMH suite (or all of them) with forks, warm-up and iterations fitting the mode, writes the JSON to
# jmh/results/<suite>-<date>[-quick].json (git-ignored) and prints a summary table.
#
#   scripts/bench.sh SUITE [--quick|--full|--smoke] [extra JMH args]
#   scripts/bench.sh refresh-baselines          # --quick run of each suite, copied to jmh/baselines/<kind>/
#
# SUITE: kernels   KernelBench (+ FusedVsComposedBench with --full); GB/s of compulsory traffic
#        lab       LabForwardBench's GEMMs, with the NumPy/OpenBLAS sgemm peer measured in the same run
#        detectors DetectorBench: ms per prompt of each detector
#        amg       AmgOverheadBench: ms per DDIM step of plain guided DDIM and of AMG (sd-code), same world and batch
#        testbed   TestbedBench + TestbedBareOrtBench: ms per prompt of each detector on the learned testbed, bare
#                  ONNX Runtime passes for the harness overhead, and the PyTorch peer (bench_torch.py) in the same run
#        mitigation TestbedMitigationBench: ms per image of none, rna, rta, amg on the testbed; overhead = row / none
#        all       kernels, lab, detectors, amg, testbed, mitigation in sequence (never in parallel: natives extract to fixed paths)
#        scan      not JMH: `memscope scan` rows/s per executor count (scripts/scan-bench.sh; its own options)
# Modes: default = the annotations' settings; --quick = 1 fork, short iterations, a subset of params, each suite
#        under 5 minutes on a 2-core machine; --full = the annotations' settings plus the extra classes;
#        --smoke (kernels only, CI) = 1 short iteration at batch 1.
# Extra JMH args go last and win: JMH accumulates repeated -p, so a default -p is dropped when the caller gives one.
# MVN_FLAGS=-o builds offline. BASELINE_KIND names the baseline folder (default: java-maven).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-1}"; }
(( $# >= 1 )) || usage 1
suite="$1"; shift

if [[ "$suite" == refresh-baselines ]]; then
    kind="${BASELINE_KIND:-java-maven}"
    dir="jmh/baselines/$kind"
    mkdir -p "$dir"
    for s in kernels lab detectors amg; do
        "$0" "$s" --quick "$@"
        latest="$(ls -t jmh/results/"$s"-*-quick.json | grep -v numpy | head -n 1)"
        cp "$latest" "$dir/$s.json"
        [[ "$s" == lab ]] && cp "${latest%.json}-numpy.json" "$dir/lab-numpy.json"
    done
    echo ">> baselines written to $dir; update $dir/MACHINE.md (lscpu, JDK, commit, uptime) before committing" >&2
    exit 0
fi

if [[ "$suite" == scan ]]; then
    exec scripts/scan-bench.sh "$@"
fi

mode=default
jmh_args=()
for a in "$@"; do
    case "$a" in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --smoke) mode=smoke ;;
        *) jmh_args+=("$a") ;;
    esac
done

case "$suite" in
    kernels|lab|detectors|amg|testbed|mitigation) ;;
    all)
        for s in kernels lab detectors amg testbed mitigation; do
            echo ">> suite $s" >&2
            "$0" "$s" "$@"
        done
        exit 0 ;;
    *) echo "bench.sh: unknown suite '$suite'" >&2; usage 1 ;;
esac
if [[ "$mode" == smoke && "$suite" != kernels ]]; then
    echo "bench.sh: --smoke exists for the kernels suite only (CI); use --quick" >&2
    exit 1
fi

source scripts/jmh-build.sh

# A default applies only where the caller gave none (JMH rejects repeated -f/-wi/... and accumulates -p).
given() {
    local a
    for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do [[ "$a" == "$1" ]] && return 0; done
    return 1
}
given_param() {
    local a
    for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do [[ "$a" == "$1="* ]] && return 0; done
    return 1
}
given_pattern() {
    local a
    for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do [[ "$a" == *Bench* ]] && return 0; done
    return 1
}
available_backends() {
    "$java" --add-modules jdk.incubator.vector -cp "$jar" dev.memscope.jmh.AvailableBackends 2>/dev/null
}
defaults=()
timing() {  # -f, -wi, -w, -i, -r unless given
    given -f || defaults+=(-f "$1")
    given -wi || defaults+=(-wi "$2")
    given -w || defaults+=(-w "$3")
    given -i || defaults+=(-i "$4")
    given -r || defaults+=(-r "$5")
}

stamp="$(date +%Y%m%d-%H%M%S)"
suffix=""
[[ "$mode" != default ]] && suffix="-$mode"
mkdir -p jmh/results
out="jmh/results/$suite-$stamp$suffix.json"
include=()
peer=""

case "$suite" in
    kernels)
        if ! given_param backend; then
            backends="$(available_backends)"
            # quick: the three CPU-side backends only; CUDA has its own suite on the GPU machine.
            [[ "$mode" == quick ]] && backends="$(tr , '\n' <<< "$backends" | grep -E '^(cpu|scalar|nd4j)$' | paste -sd,)"
            defaults+=(-p "backend=$backends")
        fi
        case "$mode" in
            smoke) timing 1 1 200ms 1 300ms; given_param batch || defaults+=(-p batch=1) ;;
            quick) timing 1 1 500ms 5 500ms; given_param batch || defaults+=(-p batch=64) ;;
        esac
        if ! given_pattern; then
            include=("KernelBench\\.")
            [[ "$mode" == full ]] && include+=("FusedVsComposedBench")
        fi ;;
    lab)
        if ! given_param backend; then
            backends=cpu,nd4j
            if [[ ",$(available_backends)," == *,cuda,* ]]; then backends="$backends,cuda"
            else echo ">> cuda GEMM skipped: no CUDA here" >&2; fi
            defaults+=(-p "backend=$backends")
        fi
        [[ "$mode" == quick ]] && timing 1 1 2s 3 3s
        given_pattern || include=("LabForwardBench")
        peer="jmh/results/$suite-$stamp$suffix-numpy.json"
        echo ">> peer: NumPy/OpenBLAS sgemm on the same shapes" >&2
        python3 scripts/peer/sgemm_numpy.py | tee /dev/stderr | tail -n 1 > "$peer" ;;
    detectors)
        [[ "$mode" == quick ]] && timing 1 1 2s 3 3s
        given_pattern || include=("DetectorBench")
        ;;
    amg)
        [[ "$mode" == quick ]] && timing 1 1 3s 3 4s
        given_pattern || include=("AmgOverheadBench")
        ;;
    mitigation)
        [[ "$mode" == quick ]] && timing 1 1 3s 2 4s
        given_pattern || include=("TestbedMitigationBench")
        ;;
    testbed)
        [[ "$mode" == quick ]] && timing 1 1 3s 3 3s
        given_pattern || include=("TestbedBench" "TestbedBareOrtBench")
        peer="jmh/results/$suite-$stamp$suffix-torch.json"
        if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
            echo ">> peer: PyTorch float32 (2 threads) on the same model and prompts, before the JMH run" >&2
            peer_args=()
            [[ "$mode" == quick ]] && peer_args=(--repeats 3)
            /usr/bin/python3 scripts/testbed/bench_torch.py "${peer_args[@]+"${peer_args[@]}"}" | tee /dev/stderr | tail -n 1 > "$peer"
        else
            echo ">> PyTorch peer skipped: /usr/bin/python3 has no torch (apt-get install python3-torch)" >&2
            peer=""
        fi ;;
esac

"$java" -jar "$jar" "${defaults[@]+"${defaults[@]}"}" -rf json -rff "$out" "${jmh_args[@]+"${jmh_args[@]}"}" \
    "${include[@]+"${include[@]}"}"
echo
echo "results: $out${peer:+ (peer: $peer)}"
if [[ "$suite" == lab ]]; then
    python3 scripts/lab_table.py "$out" "$peer"
elif [[ "$suite" == testbed ]]; then
    python3 scripts/testbed/bench_table.py "$out" ${peer:+"$peer"}
else
    "$java" --add-modules jdk.incubator.vector -cp "$jar" dev.memscope.cli.MemScope bench summary "$out"
fi
