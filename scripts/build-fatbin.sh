#!/usr/bin/env bash
# Compiles kernels/memscope.cu into one fatbin: SASS for sm_90 and sm_80 plus compute_90 PTX for newer GPUs.
# Called by the Maven profile `cuda-nvcc` in generate-resources. Fails on any compiler warning (-Werror) and on
# any register spill reported by `-Xptxas -v` (check-ptxas-log.sh). The fatbin appears only when both pass
# (written to a temp name, then renamed). Also writes the compute_90 PTX next to the log (memscope.ptx), which
# KernelSignatureTest compares with the host's signature table (entry names unmangled, parameter types).
# Skips nvcc when the fatbin and the PTX are newer than every kernel source.
set -euo pipefail
nvcc=${1:?usage: build-fatbin.sh NVCC KERNEL_DIR OUT_FATBIN LOG}
src=${2:?}
out=${3:?}
log=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
ptx="$(dirname "$log")/memscope.ptx"
mkdir -p "$(dirname "$out")" "$(dirname "$log")"

if [ -f "$out" ] && [ -f "$log" ] && [ -f "$ptx" ] && [ -z "$(find "$src" "$here/build-fatbin.sh" -newer "$out" -print -quit)" ]; then
  "$here/check-ptxas-log.sh" "$log"
  echo "build-fatbin: $out is up to date"
  exit 0
fi

tmp="$out.tmp.$$"
ptxtmp="$ptx.tmp.$$"
trap 'rm -f "$tmp" "$ptxtmp"' EXIT
echo "build-fatbin: $nvcc -> $out"
if ! "$nvcc" -fatbin \
    -gencode "arch=compute_90,code=[sm_90,compute_90]" \
    -gencode "arch=compute_80,code=sm_80" \
    -Xptxas -v -Werror all-warnings \
    -o "$tmp" "$src/memscope.cu" > "$log" 2>&1; then
  cat "$log" >&2
  echo "build-fatbin: nvcc failed (log: $log)" >&2
  exit 1
fi
if ! "$here/check-ptxas-log.sh" "$log"; then
  rm -f "$out"
  exit 1
fi
if ! "$nvcc" -ptx -arch=compute_90 -Werror all-warnings -o "$ptxtmp" "$src/memscope.cu"; then
  echo "build-fatbin: nvcc -ptx failed" >&2
  exit 1
fi
mv -f "$ptxtmp" "$ptx"
mv -f "$tmp" "$out"
echo "build-fatbin: $(grep -c 'Compiling entry function' "$log") kernel builds, 0 spills, 0 warnings"
