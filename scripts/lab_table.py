#!/usr/bin/env python3
"""Table of LabForwardBench results (GFLOP/s from its `gflop` aux counter) against the NumPy sgemm peer measured
in the same run (scripts/peer/sgemm_numpy.py's JSON line).

Usage: lab_table.py LAB_RESULT.json NUMPY_PEER.json
"""
import json
import sys

PEER_KEY = {"forward": "forward_gflops", "distancesNT": "nt_gflops", "weightedNN": "nn_gflops"}


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    with open(argv[1]) as f:
        results = json.load(f)
    with open(argv[2]) as f:
        peer = json.load(f)
    if not results:
        raise SystemExit("%s holds no results" % argv[1])
    print("NumPy %s sgemm, B=%d K=%d D=%d" % (peer["numpy"], peer["b"], peer["k"], peer["d"]))
    header = "%-12s %-8s %12s %12s %10s" % ("product", "backend", "GFLOP/s", "NumPy", "ratio")
    print(header)
    print("-" * len(header))
    for r in sorted(results, key=lambda r: (r["benchmark"], r["params"]["backend"])):
        method = r["benchmark"].rsplit(".", 1)[-1]
        gflop = r.get("secondaryMetrics", {}).get("gflop")
        if gflop is None or method not in PEER_KEY:
            continue
        # Throughput mode: the aux counter per second is GFLOP/s; the percentiles are over iterations.
        value = gflop["scorePercentiles"]["50.0"] if "scorePercentiles" in gflop else gflop["score"]
        ref = peer[PEER_KEY[method]]
        print("%-12s %-8s %12.1f %12.1f %9.0f%%" % (method, r["params"]["backend"], value, ref, 100 * value / ref))


if __name__ == "__main__":
    main(sys.argv)
