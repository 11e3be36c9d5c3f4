#!/usr/bin/env python3
"""Expected CLiD_th numbers on the released CLiD features (<shared>/data/clid), for ClidThresholdSharedDataTest.

An independent NumPy + scikit-learn implementation of the CLiD_th evaluation protocol (the conventions of the
authors' released cal_clid_th.py, re-implemented here, not copied):
  terms      L = cond0 (the full-caption MSE), D = -(cond1_dif + cond2_dif + cond3_dif + condNull_dif) / 4
  scaler     sklearn.preprocessing.RobustScaler fitted on shadow members + hold-out (both columns)
  score      (1 - alpha) * S(L) + alpha * S(D), alpha in 0.0, 0.1, ..., 1.0; lower = member
  sweep      thresholds np.arange(min, max, (max - min) / 2000) over the pooled scores; member iff score <= th;
             best threshold = first with the highest accuracy; sweep AUC = sklearn.metrics.auc(FPR, TPR)
  alpha      the first with the highest shadow sweep AUC
  ASR        target accuracy at the shadow's best threshold
  AUC, TPR   target scores min-max normalized, hold-out = positive class: roc_auc_score, and the TPR of the first
             roc_curve point with FPR >= 0.01 (plus the nearest-FPR and last-below conventions)
Both row conventions: all 2,500 rows, and dropping the first row of every file as the authors' scripts do.
Needs scikit-learn (Debian: apt-get install python3-sklearn; run with /usr/bin/python3).

Usage: /usr/bin/python3 scripts/eval/clid_expected.py [SHARED_DATA_CLID_DIR] [OUT]
       /usr/bin/python3 scripts/eval/clid_expected.py --lab DIR   (scores the files `memscope clid --lab --out DIR`
       wrote, all rows, and prints the result: a cross-check of the Java pipeline on the lab's features)
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import auc as trapezoid_auc
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.preprocessing import RobustScaler

FILES = {
    "shadowMembers": "Atk_Impt_M_coco_real_split1_DATA_val17_split1_TRTE_train_MAXsmp_3_T_0506_145909.txt",
    "shadowHoldout": "Atk_Impt_M_coco_real_split1_DATA_val17_split1__TRTE_test_MAXsmp_3_T_0506_145909.txt",
    "targetMembers": "Atk_Impt_M_coco_real_ori_DATA_val17_TRTE_train_MAXsmp_3_T_0506_145842.txt",
    "targetHoldout": "Atk_Impt_M_coco_real_ori_DATA_val17_TRTE_test_MAXsmp_3_T_0506_145842.txt",
}
ALPHAS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def load(path, skip_first):
    rows = np.loadtxt(path, delimiter="\t", ndmin=2)
    assert rows.shape[1] == 5, path
    return rows[1:] if skip_first else rows


def terms(rows):
    d = np.array([-(0.0 + r[1] + r[2] + r[3] + r[4]) / 4 for r in rows])
    return np.column_stack([rows[:, 0], d])


def sweep(members, holdout):
    pooled = np.concatenate([members, holdout])
    lo, hi = pooled.min(), pooled.max()
    best_acc, best_th, fprs, tprs = 0.0, 0.0, [], []
    for th in np.arange(lo, hi, (hi - lo) / 2000):
        tp = np.count_nonzero(members <= th)
        fp = np.count_nonzero(holdout <= th)
        tn = len(holdout) - fp
        tprs.append(tp / len(members))
        fprs.append(fp / len(holdout))
        acc = (tp + tn) / len(pooled)
        if acc > best_acc:
            best_acc, best_th = acc, th
    return float(best_th), float(best_acc), float(trapezoid_auc(np.array(fprs), np.array(tprs)))


def evaluate(d, skip_first):
    f = {k: terms(load(os.path.join(d, v), skip_first)) for k, v in FILES.items()}
    scaler = RobustScaler().fit(np.concatenate([f["shadowMembers"], f["shadowHoldout"]]))
    s = {k: scaler.transform(v) for k, v in f.items()}
    best = None
    for alpha in ALPHAS:
        w = {k: (1 - alpha) * v[:, 0] + alpha * v[:, 1] for k, v in s.items()}
        th, acc, sauc = sweep(w["shadowMembers"], w["shadowHoldout"])
        if best is None or sauc > best["shadowSweepAuc"]:
            best = {"alpha": alpha, "threshold": th, "shadowAccuracy": acc, "shadowSweepAuc": sauc, "w": w}
    w = best.pop("w")
    tm, th_ = w["targetMembers"], w["targetHoldout"]
    best["targetAsr"] = float((np.count_nonzero(tm <= best["threshold"]) + np.count_nonzero(th_ > best["threshold"]))
                              / (len(tm) + len(th_)))
    best["targetSweepAuc"] = sweep(tm, th_)[2]
    pooled = np.concatenate([tm, th_])
    norm = (pooled - pooled.min()) / (pooled.max() - pooled.min())
    y = np.r_[np.zeros(len(tm), int), np.ones(len(th_), int)]
    best["targetAuc"] = float(roc_auc_score(y, norm))
    fpr, tpr, _ = roc_curve(y, norm)
    best["targetTprAt1"] = float(tpr[np.flatnonzero(fpr >= 0.01)[0]])
    best["targetTprNearest"] = float(tpr[np.argmin(np.abs(fpr - 0.01))])
    best["targetTprBelow"] = float(tpr[np.flatnonzero(fpr < 0.01)[-1]])
    best["rowsPerFile"] = int(len(tm))
    return best


LAB_FILES = {"shadowMembers": "shadow_members.txt", "shadowHoldout": "shadow_holdout.txt",
             "targetMembers": "target_members.txt", "targetHoldout": "target_holdout.txt"}


def main():
    global FILES
    if len(sys.argv) == 3 and sys.argv[1] == "--lab":
        FILES = LAB_FILES
        print(json.dumps(evaluate(sys.argv[2], False), indent=1))
        return
    d = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/clid"
    out = sys.argv[2] if len(sys.argv) > 2 else "src/test/resources/clid/expected.json"
    doc = {"oracle": "scikit-learn " + sklearn.__version__ + ", numpy " + np.__version__,
           "script": "scripts/eval/clid_expected.py", "files": FILES,
           "allRows": evaluate(d, False), "skipFirstRow": evaluate(d, True)}
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(doc, fh, indent=1, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, out)
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
