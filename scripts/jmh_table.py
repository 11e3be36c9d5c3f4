#!/usr/bin/env python3
"""Summarize a KernelBench JMH JSON result: op, backend, batch, median time, GB/s of compulsory traffic.
DetectorBench rows (those with a `detector` param) get their own table: median ms per prompt and prompts/s.
AmgOverheadBench rows (a `method` param) get theirs: median ms per DDIM step and the ratio to plain guidance.

Compulsory traffic is what the operation cannot avoid: every input tensor read once and every output tensor
written once, nothing for caches, write-allocate or scratch. It is the same for every backend, so GB/s compares
backends (and the machine's stream bandwidth) directly; a fused kernel that re-read an input would not get credit.

Usage: jmh_table.py RESULT.json
"""
import json
import sys

# Shape of one sample in KernelBench (CHANNELS, HEIGHT, WIDTH): SD v1 latents. Keep in step with KernelBench.
CHW = 4 * 64 * 64
FLOAT32 = 4

# op -> (tensors read, tensors written), as KernelBench calls it. Per-sample float[B] results are negligible.
# The definition is src/main/java/dev/memscope/bench/Traffic.java (used by `memscope bench report`); keep in step.
TRAFFIC = {
    "diffNorm": (2, 0),           # a, b
    "guidanceAlignment": (2, 0),  # eps_c, eps_u; eps_c - eps_u is never materialized
    "pixelCosine": (2, 0),        # u, v
    "globalCosine": (2, 0),       # u, v
    "mse": (2, 0),                # pred, target
    "cfg": (2, 1),                # eps_u, eps_c -> out
    "amg": (4, 1),                # eps_u, eps_c, eps_n, g (all optional terms on) -> out
    "ddimStep": (2, 1),           # x_t, eps -> out
}

# Benchmarks of other classes timing the same ops under another name (FusedVsComposedBench, CudaResidentBench).
# method -> (op, what to show in the backend column).
ALIASES = {
    "guidanceAlignmentFusedCpu": ("guidanceAlignment", "cpu"),
    "guidanceAlignmentNd4jFloat32": ("guidanceAlignment", "nd4j-f32"),
    "guidanceAlignmentNd4jReference": ("guidanceAlignment", "nd4j-f64"),
    "diffNormResident": ("diffNorm", "cuda-dev"),
    "guidanceAlignmentResident": ("guidanceAlignment", "cuda-dev"),
    "cfgResident": ("cfg", "cuda-dev"),
}

TO_MICROS = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def op_of(benchmark):
    """The op whose name the benchmark method contains; the longest match wins (none is a prefix of another)."""
    method = benchmark.rsplit(".", 1)[-1]
    if method in ALIASES:
        return ALIASES[method][0]
    matches = [op for op in TRAFFIC if op.lower() in method.lower()]
    return max(matches, key=len) if matches else None


def micros(metric, value):
    unit = metric["scoreUnit"].split("/")[0]
    if unit not in TO_MICROS or not metric["scoreUnit"].endswith("/op"):
        raise SystemExit("unsupported score unit %r: run in AverageTime or SampleTime mode" % metric["scoreUnit"])
    return value * TO_MICROS[unit]


def rows(results):
    for r in results:
        op = op_of(r["benchmark"])
        params = r.get("params", {})
        metric = r["primaryMetric"]
        median_us = micros(metric, metric["scorePercentiles"]["50.0"])
        batch = int(params.get("batch", 0))
        gbs = None
        if op is not None and batch and median_us > 0:
            reads, writes = TRAFFIC[op]
            gbs = (reads + writes) * batch * CHW * FLOAT32 / (median_us * 1e-6) / 1e9
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        yield {
            "op": op or r["benchmark"].rsplit(".", 1)[-1],
            "backend": params.get("backend") or ALIASES.get(r["benchmark"].rsplit(".", 1)[-1], (None, "?"))[1],
            "batch": batch,
            "median_us": median_us,
            "gbs": gbs,
            "alloc": alloc["score"] if alloc else None,
        }


def detector_table(results):
    """DetectorBench rows: time per prompt (the benchmark declares @OperationsPerInvocation(prompts))."""
    header = "%-12s %-8s %6s %16s %10s" % ("detector", "backend", "batch", "median ms/prompt", "prompts/s")
    print(header)
    print("-" * len(header))
    for r in sorted(results, key=lambda r: (r["params"]["detector"], r["params"].get("backend", ""))):
        metric = r["primaryMetric"]
        ms = micros(metric, metric["scorePercentiles"]["50.0"]) / 1e3
        print("%-12s %-8s %6s %16.3f %10.1f" % (r["params"]["detector"], r["params"].get("backend", "?"),
                                               r["params"].get("batch", "-"), ms, 1e3 / ms if ms > 0 else 0.0))


def mitigation_table(results):
    """AmgOverheadBench rows: time per DDIM step (@OperationsPerInvocation(steps)), ratio to `none` of the run."""
    ms = {}
    for r in results:
        metric = r["primaryMetric"]
        ms[(r["params"]["method"], r["params"].get("backend", "?"))] = \
            micros(metric, metric["scorePercentiles"]["50.0"]) / 1e3
    header = "%-8s %-8s %16s %14s" % ("method", "backend", "median ms/step", "x plain DDIM")
    print(header)
    print("-" * len(header))
    for (method, backend), v in sorted(ms.items(), key=lambda kv: (kv[0][1], kv[0][0] != "none", kv[0][0])):
        base = ms.get(("none", backend))
        print("%-8s %-8s %16.3f %14s" % (method, backend, v, "-" if not base else "%.2f" % (v / base)))


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    with open(argv[1]) as f:
        results = json.load(f)
    if not isinstance(results, list) or not results:
        raise SystemExit("%s holds no JMH results (did every benchmark fail?)" % argv[1])
    mitigations = [r for r in results if "method" in r.get("params", {})]
    results = [r for r in results if "method" not in r.get("params", {})]
    if mitigations:
        mitigation_table(mitigations)
        if not results:
            return
        print()
    detectors = [r for r in results if "detector" in r.get("params", {})]
    results = [r for r in results if "detector" not in r.get("params", {})]
    if detectors:
        detector_table(detectors)
        if not results:
            return
        print()
    table = sorted(rows(results), key=lambda x: (x["op"], x["batch"], x["backend"]))
    show_alloc = any(x["alloc"] is not None for x in table)
    header = "%-18s %-8s %6s %14s %9s" % ("op", "backend", "batch", "median (us)", "GB/s")
    if show_alloc:
        header += " %12s" % "alloc B/op"
    print(header)
    print("-" * len(header))
    for x in table:
        line = "%-18s %-8s %6d %14.2f %9s" % (x["op"], x["backend"], x["batch"], x["median_us"],
                                            "-" if x["gbs"] is None else "%.1f" % x["gbs"])
        if show_alloc:
            line += " %12s" % ("-" if x["alloc"] is None else "%.1f" % x["alloc"])
        print(line)


if __name__ == "__main__":
    main(sys.argv)
