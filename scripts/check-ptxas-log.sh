#!/usr/bin/env bash
# Fails (exit 1) when an `nvcc -Xptxas -v` log reports a register spill or any warning, or does not look like a
# ptxas verbose log at all (so a changed flag cannot make the check pass vacuously). Used by build-fatbin.sh.
set -euo pipefail
log=${1:?usage: check-ptxas-log.sh NVCC_LOG}
if ! grep -q "Compiling entry function" "$log"; then
  echo "check-ptxas-log: $log holds no 'Compiling entry function' line; was ptxas run with -v?" >&2
  exit 1
fi
status=0
spills=$(grep -nE "[1-9][0-9]* bytes spill (stores|loads)" "$log" || true)
if [ -n "$spills" ]; then
  echo "check-ptxas-log: register spills in $log (every kernel must report 0 spill bytes):" >&2
  # name the kernel each spill line belongs to
  awk '/Compiling entry function/ { fn = $0 } /[1-9][0-9]* bytes spill (stores|loads)/ { print "  " fn; print "    " $0 }' "$log" >&2
  status=1
fi
warnings=$(grep -niE "warning" "$log" || true)
if [ -n "$warnings" ]; then
  echo "check-ptxas-log: compiler warnings in $log:" >&2
  echo "$warnings" | sed 's/^/  /' >&2
  status=1
fi
exit $status
