#!/usr/bin/env python3
"""Expected MemBench lab metrics for dev.memscope.eval.membench, from an independent NumPy/SciPy float64 oracle.

Fixed inputs (seeded NumPy draws, stored in the JSON so the Java test reads the very same numbers) and:
  trigger   - per prompt: cosine similarity (float64) of each image to the reference; max, mean of the top 3
              (all when fewer), share strictly above 0.5
  pooling   - per-channel average pooling of [n, C, H, W] onto a grid x grid grid (features [n, C*grid*grid],
              order channel, row, column)
  frechet   - |m1 - m2|^2 + tr(S1 + S2 - 2 sqrtm(S1 @ S2)) with np.cov (n - 1) and scipy.linalg.sqrtm (real part),
              the formula of the FID reference implementation (pytorch-fid), on given features; one case with
              fewer samples than features (rank-deficient covariances)
  pipeline  - pooling then frechet on images
Image inputs are float32 (stored as exact decimal float32 values); Frechet features are float64.

Usage: /usr/bin/python3 scripts/eval/membench_expected.py [OUT]  (default src/test/resources/membench/expected.json)
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.linalg

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "src", "test", "resources", "membench", "expected.json")
rng = np.random.default_rng(20261123)


def f32list(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


def cos(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def trigger_case(n, d, strengths):
    ref = rng.standard_normal(d).astype(np.float32)
    imgs = np.stack([(s * ref + rng.standard_normal(d)).astype(np.float32) for s in strengths[:n]])
    sims = np.array([cos(x, ref) for x in imgs])
    top = np.sort(sims)[::-1][:min(3, n)]
    return {"n": n, "d": d, "images": f32list(imgs), "reference": f32list(ref),
            "similarities": sims.tolist(), "max": float(sims.max()), "top3": float(top.mean()),
            "share": float(np.mean(sims > 0.5))}


def pool(x, grid):
    n, c, h, w = x.shape
    return x.astype(np.float64).reshape(n, c, grid, h // grid, grid, w // grid).mean(axis=(3, 5)).reshape(n, -1)


def frechet(a, b):
    m1, m2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def frechet_case(n1, n2, d, rank_deficient=False):
    mix1 = rng.standard_normal((d, d)) * 0.3 + np.eye(d)
    mix2 = rng.standard_normal((d, d)) * 0.5
    a = rng.standard_normal((n1, d)) @ mix1 + 0.2
    b = rng.standard_normal((n2, d)) @ mix2 - 0.1 + rng.standard_normal(d) * 0.3
    return {"a": a.tolist(), "b": b.tolist(), "expected": frechet(a, b), "rankDeficient": rank_deficient}


trigger = [trigger_case(10, 48, [0.0, 0.3, 0.5, 0.8, 1.0, 1.2, 2.0, 3.0, 0.1, 5.0]),
           trigger_case(2, 32, [0.2, 1.5]),
           trigger_case(5, 64, [0.0, 0.0, 0.1, 0.2, 0.0])]

pimg = rng.standard_normal((6, 2, 8, 8)).astype(np.float32)
pooling = {"n": 6, "c": 2, "h": 8, "w": 8, "grid": 4, "images": f32list(pimg), "features": pool(pimg, 4).ravel().tolist()}

frechets = [frechet_case(40, 55, 12), frechet_case(200, 150, 8), frechet_case(10, 12, 16, rank_deficient=True)]

ia = (rng.standard_normal((30, 2, 8, 8)) * 0.8).astype(np.float32)
ib = (rng.standard_normal((35, 2, 8, 8)) + 0.1).astype(np.float32)
pipeline = {"n1": 30, "n2": 35, "c": 2, "h": 8, "w": 8, "grid": 4, "a": f32list(ia), "b": f32list(ib),
            "expected": frechet(pool(ia, 4), pool(ib, 4))}

doc = {"oracle": "NumPy " + np.__version__ + " / SciPy " + scipy.__version__ + " (float64, scipy.linalg.sqrtm)",
       "script": "scripts/eval/membench_expected.py", "trigger": trigger, "pooling": pooling,
       "frechet": frechets, "pipeline": pipeline}
os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
tmp = OUT + ".tmp"
with open(tmp, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
os.replace(tmp, OUT)
print("wrote", OUT, {c["expected"] for c in frechets}, pipeline["expected"])
