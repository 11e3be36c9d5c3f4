#!/usr/bin/env bash
# Run inside a folder made by scripts/gpu-bundle.sh, on a machine with an NVIDIA driver and GPU (no Java needed):
#   1. says which device and driver it found (or why CUDA cannot run here: then exits 3),
#   2. runs the golden checks on the cuda backend,
#   3. measures the HBM copy bandwidth with our copy kernel and times every kernel at batch 1, 16, 64, 256 of
#      [4, 64, 64] on device-resident buffers, two figures each: L2-resident (same buffers every launch) and HBM
#      (launches rotate through copies of the buffers that evict L2 in between; % of the copy bandwidth); the
#      non-finite flag's memset is timed on its own line, and the blocks per SM of every kernel are printed,
#   4. runs the CUDA JMH suite (KernelBench -p backend=cuda, CudaResidentBench) into results/*.json.
# Exit: 0 all passed, 1 a golden check, the timing or JMH failed, 3 no usable CUDA driver/device.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java="$here/runtime/bin/java"
flags=(--add-modules jdk.incubator.vector -Djava.library.path="$here/lib")
[ -x "$java" ] || { echo "gpu-check: $java missing; run this inside a folder made by gpu-bundle.sh" >&2; exit 1; }

if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi
if ! "$java" "${flags[@]}" -cp "$here/memscope.jar" dev.memscope.kernels.cuda.CudaKernelTimer --probe; then
  echo "gpu-check: no CUDA driver or device usable on this machine (reason above); nothing was checked" >&2
  exit 3
fi

status=0
echo "== golden checks on cuda"
if ! "$java" "${flags[@]}" -jar "$here/memscope.jar" golden check --backend cuda --dir "$here/goldens"; then
  echo "gpu-check: golden check FAILED" >&2
  status=1
fi
echo "== kernel timings (device-resident, CUDA events; L2-resident and HBM figures)"
if ! "$java" "${flags[@]}" -cp "$here/memscope.jar" dev.memscope.kernels.cuda.CudaKernelTimer \
    --reps "${REPS:-50}" --batches 1,16,64,256 --image 4,64,64; then
  echo "gpu-check: kernel timing FAILED" >&2
  status=1
fi
echo "== JMH: KernelBench on cuda (copies included) and CudaResidentBench (kernels alone)"
mkdir -p "$here/results"
jmh=("$java" "${flags[@]}" -cp "$here/memscope.jar:$here/benchmarks-gpu.jar" org.openjdk.jmh.Main)
if ! "${jmh[@]}" 'KernelBench\.' -p backend=cuda -f 1 -wi "${JMH_WI:-3}" -i "${JMH_I:-5}" \
    -rf json -rff "$here/results/jmh-kernels-cuda.json"; then
  echo "gpu-check: JMH KernelBench FAILED" >&2
  status=1
fi
if ! "${jmh[@]}" 'CudaResidentBench' -f 1 -wi "${JMH_WI:-3}" -i "${JMH_I:-5}" \
    -rf json -rff "$here/results/jmh-resident-cuda.json"; then
  echo "gpu-check: JMH CudaResidentBench FAILED" >&2
  status=1
fi
exit $status
