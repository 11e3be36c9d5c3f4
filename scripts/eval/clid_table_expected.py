#!/usr/bin/env python3
"""Expected CLiD table 2 rows (COCO, real-world setting) from the released files in <shared>/data/clid, for
ClidTableSharedDataTest and `memscope clid --table`.

An independent NumPy + scikit-learn + xgboost implementation of the authors' scoring protocol (their released
cal_baselines.py and cal_clid_xgb.py, re-implemented from the protocol in <shared>/data/clid/README.md, not copied):

  PIA, SecMI, PFAMI  one score column per file, PFAMI negated (larger = more hold-out-like for all three). Shadow:
                     thresholds np.arange(min, max, (max - min) / 2000) over the pooled shadow scores, predict
                     hold-out iff score > th, keep the first threshold of best accuracy (sklearn accuracy_score).
                     ASR: target accuracy at that threshold. AUC and TPR@1%FPR: target pooled scores min-max
                     normalised, hold-out = class 1, roc_auc_score and the TPR of the first roc_curve point with
                     FPR >= 0.01.
  CLiD_th            scripts/eval/clid_expected.py (imported).
  CLiD_vec           xgboost.XGBClassifier(n_estimators=20, gamma=0.7, max_depth=3, subsample=0.7,
                     colsample_bytree=0.7, reg_alpha=1, reg_lambda=1, random_state=SEED), everything else at the
                     defaults of the installed xgboost, fitted on the five raw columns of all shadow rows (members
                     label 0, hold-out label 1) in file order (members, then hold-out); the authors shuffle these
                     rows without a seed first, which only changes which rows the subsample draws (see
                     "shuffleSpread"). ASR: accuracy of clf.predict on the target (probability > 0.5); AUC and
                     TPR@1%FPR on predict_proba[:, 1].

Both row conventions: all 2,500 rows, and dropping the first row of every file as the authors' scripts do. For
all rows the per-sample target probabilities of CLiD_vec are recorded (as float32 values) so that the Java
booster can be compared sample by sample.

"shuffleSpread": CLiD_vec with the authors' unseeded shuffle replaced by np.random.RandomState(s).permutation for
s = 0..29 (XGBoost seed 0): the spread their figures carry. Documentation only; not pinned.

Needs scikit-learn and xgboost (Debian: apt-get install python3-sklearn python3-xgboost; run with
/usr/bin/python3). The committed file names the versions used.

Usage: /usr/bin/python3 scripts/eval/clid_table_expected.py [SHARED_DATA_CLID_DIR] [OUT]
"""
import json
import os
import sys

import numpy as np
import sklearn
import xgboost
from sklearn.metrics import accuracy_score, roc_auc_score, roc_curve

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clid_expected  # noqa: E402  (CLiD_th row)

SEED = 0
QUERIES = {"PIA": 2, "SecMI": 12, "PFAMI": 20, "CLiD_th": 15, "CLiD_vec": 15}
BASELINES = {
    "PIA": ("PIA__Atk_pia_M_coco_real_split1_DATA_val17_split1__TRTE_train_T_0510_172145.txt",
            "PIA__Atk_pia_M_coco_real_split1_DATA_val17_split1__TRTE_test_T_0510_172145.txt",
            "PIA__Atk_pia_M_coco_real_ori_DATA_val17_TRTE_train_T_0510_172145.txt",
            "PIA__Atk_pia_M_coco_real_ori_DATA_val17_TRTE_test_T_0510_172145.txt"),
    "SecMI": ("SecMI__Atk_sec_M_coco_real_split1_DATA_val17_split1__TRTE_train_T_0510_172145.txt",
              "SecMI__Atk_sec_M_coco_real_split1_DATA_val17_split1__TRTE_test_T_0510_172145.txt",
              "SecMI__Atk_sec_M_coco_real_ori_DATA_val17_TRTE_train_T_0510_172145.txt",
              "SecMI__Atk_sec_M_coco_real_ori_DATA_val17_TRTE_test_T_0510_172145.txt"),
    "PFAMI": ("PFAMI__Atk_fluc_M_coco_real_split1_DATA_val17_split1__TRTE_train_T_0518_160926.txt",
              "PFAMI__Atk_fluc_M_coco_real_split1_DATA_val17_split1__TRTE_test_T_0518_160926.txt",
              "PFAMI__Atk_fluc_M_coco_real_ori_DATA_val17_TRTE_train_T_0518_160926.txt",
              "PFAMI__Atk_fluc_M_coco_real_ori_DATA_val17_TRTE_test_T_0518_160926.txt"),
}
XGB_PARAMS = dict(n_estimators=20, gamma=0.7, max_depth=3, subsample=0.7, colsample_bytree=0.7, reg_alpha=1,
                  reg_lambda=1)


def column(path, skip_first, negate):
    rows = np.loadtxt(path, ndmin=1)
    rows = rows[1:] if skip_first else rows
    return -rows if negate else rows


def tpr_at_1(y, s):
    fpr, tpr, _ = roc_curve(y, s)
    return float(tpr[np.flatnonzero(fpr >= 0.01)[0]])


def baseline(d, files, skip_first, negate):
    sm, sh, tm, th = (column(os.path.join(d, f), skip_first, negate) for f in files)
    pooled = np.concatenate([sm, sh])
    y = [0] * len(sm) + [1] * len(sh)
    lo, hi = pooled.min(), pooled.max()
    best_acc, best_th = 0.0, None
    for t in np.arange(lo, hi, (hi - lo) / 2000):
        acc = accuracy_score(y, (pooled > t).astype(int))
        if acc > best_acc:
            best_acc, best_th = acc, t
    target = np.concatenate([tm, th])
    yt = np.r_[np.zeros(len(tm), int), np.ones(len(th), int)]
    asr = float(np.mean((target > best_th).astype(int) == yt))
    norm = (target - target.min()) / (target.max() - target.min())
    return {"threshold": float(best_th), "shadowAccuracy": float(best_acc), "asr": asr,
            "auc": float(roc_auc_score(yt, norm)), "tprAt1": tpr_at_1(yt, norm)}


def xgb_fit_predict(sm, sh, tm, th, seed, order=None):
    x = np.concatenate([sm, sh])
    y = np.r_[np.zeros(len(sm)), np.ones(len(sh))]
    if order is not None:
        x, y = x[order], y[order]
    clf = xgboost.XGBClassifier(random_state=seed, **XGB_PARAMS)
    clf.fit(x, y)
    xt = np.concatenate([tm, th])
    yt = np.r_[np.zeros(len(tm)), np.ones(len(th))]
    proba = clf.predict_proba(xt)[:, 1]
    pred = clf.predict(xt)
    return {"asr": float(np.mean(pred == yt)), "auc": float(roc_auc_score(yt, proba)),
            "tprAt1": tpr_at_1(yt, proba), "shadowAccuracy": float(np.mean(clf.predict(x) == y))}, proba


def clid_vec(d, skip_first, with_proba):
    f = clid_expected.FILES
    sm, sh, tm, th = (clid_expected.load(os.path.join(d, f[k]), skip_first)
                      for k in ("shadowMembers", "shadowHoldout", "targetMembers", "targetHoldout"))
    row, proba = xgb_fit_predict(sm, sh, tm, th, SEED)
    row["seed"] = SEED
    if with_proba:
        row["targetProba"] = [float(np.float32(p)) for p in proba]
    return row


def shuffle_spread(d):
    f = clid_expected.FILES
    sm, sh, tm, th = (clid_expected.load(os.path.join(d, f[k]), False)
                      for k in ("shadowMembers", "shadowHoldout", "targetMembers", "targetHoldout"))
    runs = []
    for s in range(30):
        order = np.random.RandomState(s).permutation(len(sm) + len(sh))
        runs.append(xgb_fit_predict(sm, sh, tm, th, 0, order)[0])
    out = {"shuffles": len(runs)}
    for k in ("asr", "auc", "tprAt1"):
        v = np.array([r[k] for r in runs])
        out[k] = {"mean": float(v.mean()), "min": float(v.min()), "max": float(v.max()), "std": float(v.std())}
    return out


def table(d, skip_first):
    rows = []
    for name, files in BASELINES.items():
        r = baseline(d, files, skip_first, negate=name == "PFAMI")
        rows.append({"method": name, "queries": QUERIES[name], **r})
    th = clid_expected.evaluate(d, skip_first)
    rows.append({"method": "CLiD_th", "queries": QUERIES["CLiD_th"], "threshold": th["threshold"],
                 "shadowAccuracy": th["shadowAccuracy"], "asr": th["targetAsr"], "auc": th["targetAuc"],
                 "tprAt1": th["targetTprAt1"], "alpha": th["alpha"]})
    rows.append({"method": "CLiD_vec", "queries": QUERIES["CLiD_vec"], **clid_vec(d, skip_first, not skip_first)})
    return rows


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/clid"
    out = sys.argv[2] if len(sys.argv) > 2 else "src/test/resources/clid/table_expected.json"
    doc = {"oracle": "scikit-learn " + sklearn.__version__ + ", xgboost " + xgboost.__version__ + ", numpy "
                     + np.__version__,
           "script": "scripts/eval/clid_table_expected.py", "xgboostParams": XGB_PARAMS, "seed": SEED,
           "baselineFiles": BASELINES,
           "allRows": table(d, False), "skipFirstRow": table(d, True), "shuffleSpread": shuffle_spread(d)}
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(doc, fh, indent=1, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, out)
    for k in ("allRows", "skipFirstRow"):
        print(k)
        for r in doc[k]:
            print("  %-8s q=%2d ASR %.4f AUC %.4f TPR@1%%FPR %.4f" % (r["method"], r["queries"], r["asr"], r["auc"],
                                                                   r["tprAt1"]))
    print("shuffleSpread", json.dumps(doc["shuffleSpread"]))


if __name__ == "__main__":
    main()
