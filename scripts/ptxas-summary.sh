#!/usr/bin/env bash
# Prints one line per (kernel, arch) from an `nvcc -Xptxas -v` log: registers, spill stores/loads, stack, smem.
set -euo pipefail
awk '
/Compiling entry function/ { match($0, /\x27[^\x27]+\x27/); fn = substr($0, RSTART + 1, RLENGTH - 2);
                             match($0, /for \x27sm_[0-9a-z]+\x27/); arch = substr($0, RSTART + 5, RLENGTH - 6); next }
/bytes stack frame/        { stack = $1; st = $5; ld = $9; next }
/Used [0-9]+ registers/    { match($0, /Used [0-9]+ registers/); regs = substr($0, RSTART + 5, RLENGTH - 15);
                             smem = 0; if (match($0, /[0-9]+ bytes smem/)) smem = substr($0, RSTART, RLENGTH - 11);
                             printf "%-32s %-6s regs %3d  spill st/ld %s/%s  stack %s  smem %s\n", fn, arch, regs, st, ld, stack, smem }
' "$1"
