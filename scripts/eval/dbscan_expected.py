#!/usr/bin/python3
"""Expected DBSCAN labels for dev.memscope.cluster.Dbscan, from scikit-learn's DBSCAN(metric="precomputed").

Cases: seeded 2-D blobs with noise, a chain whose border point two clusters could claim, duplicates (distance 0),
all noise, one cluster; each with the float64 distance matrix (Euclidean, computed here) and several (eps,
min_samples). Labels compared exactly (scikit-learn numbers clusters in the order of their first core point).

Usage: /usr/bin/python3 scripts/eval/dbscan_expected.py   (writes src/test/resources/cluster/dbscan.json)
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "cluster", "dbscan.json")


def dist(p):
    p = np.asarray(p, dtype=np.float64)
    return np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(-1))


def main():
    rng = np.random.default_rng(2024)
    sets = {
        "blobs": np.r_[rng.normal([0, 0], 0.3, (15, 2)), rng.normal([3, 3], 0.3, (12, 2)),
                       rng.uniform(-2, 5, (8, 2))],
        "shared-border": np.array([[0, 0], [0.1, 0], [0.2, 0], [1.0, 0], [1.8, 0], [1.9, 0], [2.0, 0]]),
        "duplicates": np.array([[0, 0], [0, 0], [0, 0], [5, 5], [5, 5], [9, 9]]),
        "line": np.c_[np.arange(20) * 0.25, np.zeros(20)],
    }
    cases = []
    for name, pts in sets.items():
        d = dist(pts)
        for eps in (0.15, 0.5, 0.85, 1.0):
            for m in (1, 3, 5):
                lab = DBSCAN(eps=eps, min_samples=m, metric="precomputed").fit(d).labels_
                cases.append({"name": f"{name}-eps{eps}-min{m}", "eps": eps, "minSamples": m,
                              "distances": d.tolist(), "labels": [int(x) for x in lab]})
    with open(OUT, "w") as f:
        json.dump({"script": "scripts/eval/dbscan_expected.py", "sklearn": sklearn.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", len(cases), "cases")


if __name__ == "__main__":
    main()
