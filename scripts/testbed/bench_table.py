#!/usr/bin/env python3
"""The testbed suite's table: milliseconds per prompt of each detector (median of JMH's measurement iterations,
divided by the invocation's prompt count), per prompt count, and the three ratios issue 13 sets goals for, each
from numbers measured side by side in one run:

  wen-full / anisotropy          wall-time speed-up of the denoising-free detector (goal >= 90x;
                                 400P / (2P + 2) in passes for P prompts)
  anisotropy / bare ORT - 1      MemScope's overhead over the same passes through bare ONNX Runtime (goal <= 3%)
  PyTorch / MemScope             the peer's time over ours, per detector (goal >= 2x)

  python3 scripts/testbed/bench_table.py JMH.json [TORCH.json]"""
import json
import statistics
import sys


def medians(path):
    """{(benchmark, detector or '', prompts): (median, min, max, iterations)} in ms per prompt."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for run in json.load(f):
            name = run["benchmark"].rsplit(".", 2)[-2]
            params = run.get("params", {})
            prompts = int(params["prompts"])
            if run["primaryMetric"]["scoreUnit"] != "ms/op":
                raise SystemExit(f"{path}: {name}: unit {run['primaryMetric']['scoreUnit']}, expected ms/op")
            raw = [v / prompts for fork in run["primaryMetric"]["rawData"] for v in fork]
            out[(name, params.get("detector", ""), prompts)] = (statistics.median(raw), min(raw), max(raw), len(raw))
    return out


def verdict(ok):
    return "meets goal" if ok else "MISSES goal"


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    m = medians(sys.argv[1])
    peer = None
    if len(sys.argv) == 3:
        with open(sys.argv[2], encoding="utf-8") as f:
            peer = json.loads(f.read().strip().splitlines()[-1])
    print("\n| benchmark | detector | prompts | median ms/prompt | min | max | iterations |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (name, det, p), (med, lo, hi, n) in sorted(m.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        print(f"| {name} | {det or '-'} | {p} | {med:.3f} | {lo:.3f} | {hi:.3f} | {n} |")
    for p in sorted({k[2] for k in m}):
        print(f"\n{p} prompts per invocation:")
        an = m.get(("TestbedBench", "anisotropy", p))
        wf = m.get(("TestbedBench", "wen-full", p))
        bare = m.get(("TestbedBareOrtBench", "", p))
        if an and wf:
            r = wf[0] / an[0]
            # wen-full: 50 CFG steps x 2 branches x 4 generations per prompt; anisotropy: [u; c_1..c_P] at two
            # timesteps, the unconditional pair shared by the call's prompts
            passes = 400 * p / (2 * p + 2)
            print(f"  wen-full / anisotropy: {r:.1f}x wall ({verdict(r >= 90)} of >= 90x; {passes:.0f}x in passes)")
        if an and bare:
            o = an[0] / bare[0] - 1
            print(f"  anisotropy over bare ONNX Runtime: {100 * o:+.1f}% ({verdict(o <= 0.03)} of <= 3%)")
        theirs = peer["by_prompts"].get(str(p)) if peer else None
        for det, ours in (("anisotropy", an), ("wen-full", wf)):
            if theirs and ours:
                t = theirs[f"{det}_ms_per_prompt"]
                r = t / ours[0]
                print(f"  PyTorch {peer['torch']} ({peer['threads']} threads) / MemScope, {det}: "
                      f"{t:.3f} / {ours[0]:.3f} ms = {r:.2f}x ({verdict(r >= 2)} of >= 2x)")


if __name__ == "__main__":
    main()
