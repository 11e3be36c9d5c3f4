#!/usr/bin/env bash
# Writes a self-contained folder for GPU machines that have no Java:
#   runtime/      a jlinked JDK 17 with only the modules the shaded jar needs (+ jdk.incubator.vector, jdk.unsupported)
#   memscope.jar  the shaded jar (target/memscope-*-all.jar), which embeds the CUDA fatbin; ND4J is never in it,
#                 and ONNX Runtime is taken out (see below)
#   lib/          JCuda's driver binding, loaded through -Djava.library.path (so nothing is extracted to /tmp)
#   goldens/      golden-outputs/ (the NumPy float64 reference outputs)
#   gpu-check.sh  what to run there
# The folder must stay at or under 48 MiB; the script prints its size and fails when it is larger.
# It is built under OUTDIR.tmp and renamed at the end, so a failed run never leaves a half-made bundle.
# Usage: scripts/gpu-bundle.sh OUTDIR   (env: JAVA17_HOME, MVN_ARGS="-o -q -B", SKIP_BUILD=1 to reuse target/)
set -euo pipefail
out=${1:?usage: gpu-bundle.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
limit_mib=48

die() { echo "gpu-bundle: $*" >&2; exit 1; }

jdk=${JAVA17_HOME:-}
if [ -z "$jdk" ]; then
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-17-jdk-amd64; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/jlink" ] && grep -q 'JAVA_VERSION="17' "$candidate/release" 2>/dev/null; then
      jdk=$candidate
      break
    fi
  done
fi
[ -n "$jdk" ] || die "no JDK 17 with jlink found; set JAVA17_HOME"
[ -d "$jdk/jmods" ] || die "$jdk has no jmods/ (install the full JDK 17, not a JRE)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$root" && mvn ${MVN_ARGS:--o -q -B} -DskipTests install && mvn ${MVN_ARGS:--o -q -B} -f jmh/pom.xml package)
fi
bench_jar="$root/jmh/target/benchmarks-gpu.jar"
[ -f "$bench_jar" ] || die "$bench_jar is missing: build the JMH module (mvn -f jmh/pom.xml package)"
shopt -s nullglob
jars=("$root"/target/memscope-*-all.jar)
[ ${#jars[@]} -eq 1 ] || die "expected one target/memscope-*-all.jar, found ${#jars[@]}"
jar=${jars[0]}
listing=$(unzip -Z1 "$jar")
grep -qx 'dev/memscope/kernels/cuda/memscope.fatbin' <<<"$listing" \
  || die "$jar has no CUDA fatbin: build where nvcc exists (or with -Dnvcc=PATH)"
if grep -qiE '^(org/nd4j/|org/bytedeco/|lib.*nd4j)' <<<"$listing"; then
  die "$jar contains ND4J/JavaCPP classes; they must stay in test scope"
fi
driver_lib=$(grep -E '^lib/libJCudaDriver-.*\.so$' <<<"$listing" || true)
[ -n "$driver_lib" ] || die "$jar lacks JCuda's driver library (jcuda-natives linux-x86_64)"

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/lib"
trap 'rm -rf "$tmp"' EXIT

# jdeps names java.desktop and java.sql only for Jackson's optional java.beans / java.sql support (it checks for
# them at run time and works without); together with java.xml, which java.sql pulls in, they would cost 14 MiB.
# java.logging is what JCuda's LibUtils uses (jdeps had it only transitively through java.sql).
found=$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar" "$bench_jar")
modules=$(tr ',' '\n' <<<"$found,java.logging,java.management,jdk.incubator.vector,jdk.unsupported" \
  | grep -vxE 'java\.desktop|java\.sql' | sort -u | paste -sd, -)
echo "gpu-bundle: jdeps found $found; jlink modules: $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$tmp/runtime"
# the JDK's native libraries keep their symbol tables (libjvm.so: 24 -> 20 MiB without them)
if command -v strip >/dev/null 2>&1; then
  find "$tmp/runtime" -name '*.so' -exec strip --strip-unneeded {} +
fi

cp "$jar" "$tmp/memscope.jar"
# ONNX Runtime (6 MiB of linux-x64 natives) would push the bundle over its limit; the GPU check does not use it, and
# --onnx then stops with "ONNX Runtime not on the class path" (run the full target/memscope-*-all.jar for that)
command -v zip >/dev/null 2>&1 || die "zip is needed to leave ONNX Runtime out of the bundle's jar"
zip -q -d "$tmp/memscope.jar" 'ai/onnxruntime/*' >/dev/null
cp "$bench_jar" "$tmp/benchmarks-gpu.jar"
unzip -p "$jar" "$driver_lib" > "$tmp/lib/$(basename "$driver_lib")"
if [ -d "$root/golden-outputs" ]; then
  cp -r "$root/golden-outputs" "$tmp/goldens"
else
  echo "gpu-bundle: WARNING: $root/golden-outputs/ does not exist; the bundle's golden check will fail" >&2
  mkdir -p "$tmp/goldens"
fi
cp "$root/scripts/gpu-check.sh" "$tmp/gpu-check.sh"
chmod +x "$tmp/gpu-check.sh"

# smoke test: the jlinked runtime starts the CLI and answers the CUDA probe (exit 0 with a GPU, 3 without)
"$tmp/runtime/bin/java" --add-modules jdk.incubator.vector -jar "$tmp/memscope.jar" --version >/dev/null 2>&1 \
  || die "the jlinked runtime cannot run memscope.jar --version"
set +e
"$tmp/runtime/bin/java" --add-modules jdk.incubator.vector -Djava.library.path="$tmp/lib" -cp "$tmp/memscope.jar" \
  dev.memscope.kernels.cuda.CudaKernelTimer --probe >/dev/null 2>&1
probe=$?
set -e
[ $probe -eq 0 ] || [ $probe -eq 3 ] || die "the CUDA probe failed in the jlinked runtime (exit $probe)"
"$tmp/runtime/bin/java" --add-modules jdk.incubator.vector -cp "$tmp/memscope.jar:$tmp/benchmarks-gpu.jar" \
  org.openjdk.jmh.Main -l >/dev/null 2>&1 || die "the jlinked runtime cannot list the JMH benchmarks"

bytes=$(du -sb "$tmp" | cut -f1)
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "gpu-bundle: size $mib MiB (limit $limit_mib MiB):"
du -sh "$tmp"/* | sed "s|$tmp/|  |"
if [ "$bytes" -gt $((limit_mib * 1048576)) ]; then
  die "bundle is $mib MiB, over the $limit_mib MiB limit"
fi
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "gpu-bundle: wrote $out"
