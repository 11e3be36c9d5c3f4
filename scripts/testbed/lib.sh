# Sourced by the testbed's pipeline scripts: strict mode, the repository root as working directory, the work
# folder ($1, default /tmp/testbed-gt), Debian's Python (the one with torch) and a step banner on stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work="${1:-/tmp/testbed-gt}"
py=/usr/bin/python3
models=models/testbed
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)" >&2; }
