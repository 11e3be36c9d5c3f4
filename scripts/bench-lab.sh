#!/usr/bin/env bash
# Kept for old notes: the lab suite of scripts/bench.sh (LabForwardBench with the NumPy sgemm peer in the same run).
#
#   scripts/bench-lab.sh [--quick|--full] [extra JMH args]
exec "$(dirname "$0")/bench.sh" lab "$@"
