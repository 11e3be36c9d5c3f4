#!/usr/bin/env python3
"""Expected ROC metrics for dev.memscope.eval.Roc, from an independent oracle.

Oracle: scikit-learn (roc_curve(drop_intermediate=True), roc_auc_score) when importable, e.g. Debian's
python3-sklearn under /usr/bin/python3; otherwise SciPy's mannwhitneyu for the AUC and a NumPy transcription of
scikit-learn's roc_curve. The oracle used is recorded in the JSON ("oracle").

scikit-learn < 1.3 puts max(score) + 1 as the first threshold; since 1.3 it is +inf. We record +inf (the
convention Roc follows) and note the raw value the installed version returned.

TPR at a target FPR (0.01), on the drop_intermediate curve:
  nearest  - np.argmin(|fpr - target|): the point whose distance is smallest; equal distances go to the first
             point (lowest FPR, then lowest TPR), as NumPy's argmin returns the first index
  below    - the last point with fpr < target
  atLeast  - the first point with fpr >= target (the CLiD authors' evaluation code)
TPR at 3% FPR (tprAt3PctFprNearest): np.argmin(|fpr - 0.03|), as rohanasthana/memorization-anisotropy's
  detect_eval.py computes its TPR@3%FPR.
Best accuracy: brute force over thresholds {+inf} U unique(scores), rule "score >= th", ties -> highest th.
Wen's balanced accuracy: np.max(1 - (fpr + (1 - tpr)) / 2) on the same curve (Wen et al.'s det_mem_viz notebook).

Usage: python3 scripts/eval/roc_expected.py [OUT]   (default src/test/resources/roc/expected.json)
"""
import json
import math
import os
import sys

import numpy as np

try:
    import sklearn
    from sklearn.metrics import roc_auc_score, roc_curve
    ORACLE = "scikit-learn " + sklearn.__version__
except ImportError:  # pragma: no cover - depends on the machine
    sklearn = None
    ORACLE = None

TARGET = 0.01
TARGET3 = 0.03   # compare's TPR@3%FPR column: nearest point, as the anisotropy authors' detect_eval.py reports it


def numpy_roc_curve(y, s):
    """scikit-learn's _binary_clf_curve + roc_curve(drop_intermediate=True), transcribed to NumPy."""
    order = np.argsort(s, kind="mergesort")[::-1]
    s = s[order]
    y = y[order]
    distinct = np.where(np.diff(s))[0]
    idx = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[idx].astype(float)
    fps = 1 + idx - tps
    thr = s[idx]
    if len(fps) > 2:
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    tps = np.r_[0, tps]
    fps = np.r_[0, fps]
    thr = np.r_[np.inf, thr]
    return fps / fps[-1], tps / tps[-1], thr


def auc_of(y, s):
    if ORACLE is not None and ORACLE.startswith("scikit-learn"):
        return float(roc_auc_score(y, s))
    from scipy.stats import mannwhitneyu
    pos, neg = s[y == 1], s[y == 0]
    u = mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic").statistic
    return float(u) / (len(pos) * len(neg))


def curve_of(y, s):
    if ORACLE is not None and ORACLE.startswith("scikit-learn"):
        fpr, tpr, thr = roc_curve(y, s, drop_intermediate=True)
        raw_first = float(thr[0])
        thr = thr.astype(float).copy()
        thr[0] = np.inf
        return fpr, tpr, thr, raw_first
    fpr, tpr, thr = numpy_roc_curve(y, s)
    return fpr, tpr, thr, float(thr[0])


def best_accuracy(y, s):
    best, best_th = -1.0, None
    for th in np.r_[np.inf, np.unique(s)[::-1]]:
        acc = float(np.mean((s >= th) == (y == 1)))
        if acc > best:
            best, best_th = acc, float(th)
    return best, best_th


def num(x):
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def case(name, scores, labels):
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    fpr, tpr, thr, raw_first = curve_of(y, s)
    nearest = int(np.argmin(np.abs(fpr - TARGET)))
    nearest3 = int(np.argmin(np.abs(fpr - TARGET3)))
    below = np.flatnonzero(fpr < TARGET)[-1]
    at_least = np.flatnonzero(fpr >= TARGET)[0]
    acc, acc_th = best_accuracy(y, s)
    return {
        "name": name,
        "scores": [float(v) for v in s],
        "labels": [bool(v) for v in y],
        "auc": auc_of(y, s),
        "fpr": [float(v) for v in fpr],
        "tpr": [float(v) for v in tpr],
        "thresholds": [num(v) for v in thr],
        "rawFirstThreshold": num(raw_first),
        "targetFpr": TARGET,
        "tprAtFprNearest": float(tpr[nearest]),
        "tprAtFprBelow": float(tpr[below]),
        "tprAt3PctFprNearest": float(tpr[nearest3]),
        "tprAtFprAtLeast": float(tpr[at_least]),
        "bestAccuracy": acc,
        "wenBalancedAccuracy": float(np.max(1 - (fpr + (1 - tpr)) / 2)),
        "bestAccuracyThreshold": num(acc_th),
    }


def cases():
    rng = np.random.default_rng(20240506)
    out = [
        case("tiny-correct", [0.9, 0.1], [1, 0]),
        case("tiny-inverted", [0.1, 0.9], [1, 0]),
        case("tiny-tied", [0.5, 0.5], [1, 0]),
        case("all-tied", [2.0] * 7, [1, 0, 1, 1, 0, 0, 1]),
        case("perfect", [5, 4, 3, 2, 1, 0], [1, 1, 1, 0, 0, 0]),
        case("inverted", [5, 4, 3, 2, 1, 0], [0, 0, 0, 1, 1, 1]),
        case("ties-mixed", [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.1, 0.9, 0.35, 0.2],
             [0, 0, 1, 1, 1, 0, 1, 1, 0, 0]),
        case("collinear-run", [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]),
        case("negative-and-zero", [-1.5, -0.0, 0.0, 2.5, -3.0, 1e-300], [0, 1, 0, 1, 0, 1]),
    ]
    # 500 negatives: FPR 4/500 and 6/500 are exactly equally far from 0.01 in float64 (no point at 5/500, the two
    # negatives tied); argmin takes the first point at 0.008 (TPR 0.25), a "later point" rule the last at 0.012.
    s = list(range(100, 95, -1)) + list(range(95, 91, -1)) + list(range(91, 86, -1)) + [86, 86] \
        + list(range(85, 80, -1)) + list(range(0, -494, -1)) + [-1000] * 5
    lab = [1] * 5 + [0] * 4 + [1] * 5 + [0] * 2 + [1] * 5 + [0] * 494 + [1] * 5
    out.append(case("nearest-tie-500", s, lab))
    # Integer-valued scores: many ties.
    y = rng.random(300) < 0.4
    out.append(case("random-ties-300", rng.integers(0, 12, 300) + 1.5 * y, y.astype(int)))
    # Continuous scores, shifted positives; sizes around the 1% FPR resolution.
    for n_pos, n_neg, shift, tag in [(50, 50, 0.5, "random-100"), (150, 250, 1.0, "random-400"),
                                     (1000, 1000, 0.3, "random-2000"), (37, 963, 1.5, "random-imbalanced")]:
        s = np.r_[rng.normal(shift, 1.0, n_pos), rng.normal(0.0, 1.0, n_neg)]
        lab = np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]
        perm = rng.permutation(len(s))
        out.append(case(tag, s[perm], lab[perm]))
    return out


def main():
    global ORACLE
    if ORACLE is None:
        import scipy
        ORACLE = "scipy " + scipy.__version__ + " mannwhitneyu + numpy " + np.__version__ + " roc_curve transcription"
    path = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/roc/expected.json"
    doc = {"oracle": ORACLE, "numpy": np.__version__, "script": "scripts/eval/roc_expected.py",
           "cases": cases()}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)
    print("wrote", len(doc["cases"]), "cases to", path, "with", ORACLE)


if __name__ == "__main__":
    main()
