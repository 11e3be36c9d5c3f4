#!/usr/bin/env bash
# Kept for CI and old notes: the kernel suite of scripts/bench.sh (see there for modes and arguments).
#
#   scripts/bench-kernels.sh [--smoke|--quick|--full] [extra JMH args]
exec "$(dirname "$0")/bench.sh" kernels "$@"
