#!/usr/bin/python3
"""Does the copy-detection embedding separate copies of a training image from other images? Measured on the
testbed's own generations (MemScope's DDIM, labels.py's 4 seeds per caption: samples.npy and captions.json from
scripts/testbed/pipeline.sh's work folder) and on augmented copies of training images; compared with the
colour-normalised RMS distance that labels the testbed (labels.py, TAU from ground_truth.json).

  /usr/bin/python3 scripts/metrics/copy_histogram.py --samples /tmp/testbed-gt [--metrics models/testbed/metrics]

Writes copy_hist.png and copy_hist.json into --metrics. The copy label of a generation is labels.py's rule: its
nearest training image (RMS) is its caption's own item image and that distance is below TAU."""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
import data  # noqa: E402
import labels  # noqa: E402
import onnx_weights  # noqa: E402
import train_metrics as tm  # noqa: E402


def auc(pos, neg):
    """P(pos > neg) + 0.5 P(tie), exact over all pairs."""
    pos, neg = np.asarray(pos), np.asarray(neg)
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sv = allv[order]
    i = 0
    while i < len(sv):
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="/tmp/testbed-gt")
    ap.add_argument("--metrics", default=os.path.join(ROOT, "models", "testbed", "metrics"))
    ap.add_argument("--seeds", type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(2)
    tau = json.load(open(os.path.join(ROOT, "models", "testbed", "ground_truth.json")))["tau"]
    threshold = json.load(open(os.path.join(a.metrics, "metrics.json")))["copy"]["threshold"]
    # the committed copy_encoder.onnx's weights (scripts/testbed/onnx_weights.py; no checkpoint.pt is committed)
    net = onnx_weights.load_metrics(a.metrics, torch.float32, which=("copy",))["copy"]

    d = data.split()
    concept = labels.to_unit(np.stack([data.render(ci["comp"]) for ci in d["concept_images"]]))
    item_ids = [i for i, it in enumerate(d["items"]) if it["copies"] > 0]
    items = labels.to_unit(np.stack([data.render(d["items"][i]["comp"]) for i in item_ids]))
    train = np.concatenate([concept, items])
    rows = json.load(open(os.path.join(a.samples, "captions.json"), encoding="utf-8"))
    gens = np.clip(np.load(os.path.join(a.samples, "samples.npy")), -1, 1)
    zt = labels.standardise(train)
    with torch.no_grad():
        et = torch.cat([net(torch.from_numpy(train[i:i + 1024]).float()) for i in range(0, len(train), 1024)])
    own_sim, other_sim, own_rms, copy = [], [], [], []
    for r_i, r in enumerate(rows):
        if r["role"] != "duplicated":
            continue
        own = len(concept) + item_ids.index(r["item"])
        g = gens[r_i * a.seeds:(r_i + 1) * a.seeds]
        dg = labels.distances(labels.standardise(g), zt)
        with torch.no_grad():
            eg = net(torch.from_numpy(g).float())
        sims = (eg @ et.T).numpy().astype(np.float64)
        for j in range(len(g)):
            own_rms.append(dg[j, own])
            copy.append(bool(dg[j].argmin() == own and dg[j, own] < tau))
            own_sim.append(sims[j, own])
            mask = np.ones(len(train), bool)
            mask[own] = False
            other_sim.append(sims[j, mask].max())
    own_sim, other_sim, own_rms, copy = map(np.array, (own_sim, other_sim, own_rms, copy))
    # augmented copies of the trained item images (the training augmentation, a fresh seed) vs other images
    g = torch.Generator().manual_seed(99)
    with torch.no_grad():
        ea = net(tm.augment(torch.from_numpy(items).float(), g))
        s_aug = (ea @ et.T).numpy()
    own_idx = np.arange(len(concept), len(train))
    aug_own = s_aug[np.arange(len(items)), own_idx]
    s_aug[np.arange(len(items)), own_idx] = -np.inf
    aug_other = s_aug.max(1)
    res = {
        "generations": int(len(copy)), "copies_by_rms_rule": int(copy.sum()), "tau": tau, "threshold": threshold,
        "auc_embedding_own_similarity_copy_vs_not": auc(own_sim[copy], own_sim[~copy]),
        "auc_rms_own_distance_copy_vs_not": auc(-own_rms[copy], -own_rms[~copy]),
        "embedding_above_threshold_given_copy": float(np.mean(own_sim[copy] > threshold)),
        "embedding_above_threshold_given_not_copy": float(np.mean(own_sim[~copy] > threshold)),
        "nearest_other_above_threshold": float(np.mean(other_sim > threshold)),
        "median_own_similarity_copy": float(np.median(own_sim[copy])),
        "median_own_similarity_not_copy": float(np.median(own_sim[~copy])),
        "median_nearest_other_similarity": float(np.median(other_sim)),
        "augmented_item_copies": {"own_median": float(np.median(aug_own)),
                                  "own_above_threshold": float(np.mean(aug_own > threshold)),
                                  "nearest_other_median": float(np.median(aug_other)),
                                  "auc_own_vs_nearest_other": auc(aug_own, aug_other)},
    }
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.2))
    bins = np.linspace(min(own_sim.min(), other_sim.min(), aug_own.min()), 1, 60)
    ax[0].hist(own_sim[copy], bins=bins, alpha=0.6, label=f"to own image, copies by the RMS rule ({copy.sum()})")
    ax[0].hist(own_sim[~copy], bins=bins, alpha=0.6, label=f"to own image, not copies ({(~copy).sum()})")
    ax[0].hist(other_sim, bins=bins, alpha=0.4, label="to nearest other training image")
    ax[0].hist(aug_own, bins=bins, alpha=0.4, histtype="step", lw=1.5, color="k",
               label="augmented training item to itself")
    ax[0].axvline(threshold, color="k", ls="--", label=f"threshold {threshold:.3f}")
    ax[0].set_xlabel("copy-embedding cosine similarity")
    ax[0].set_ylabel("images")
    ax[0].legend(fontsize=7, loc="upper left")
    ax[0].set_title("copy-detection embedding")
    b2 = np.linspace(0, own_rms.max() * 1.02, 60)
    ax[1].hist(own_rms[copy], bins=b2, alpha=0.6, label="copies by the RMS rule")
    ax[1].hist(own_rms[~copy], bins=b2, alpha=0.6, label="not copies")
    ax[1].axvline(tau, color="k", ls="--", label=f"TAU {tau:.3f}")
    ax[1].set_xlabel("colour-normalised RMS distance to own training image")
    ax[1].legend(fontsize=7)
    ax[1].set_title("RMS copy distance (labels.py)")
    fig.suptitle(f"testbed generations of duplicated captions ({len(copy)})")
    fig.tight_layout()
    fig.savefig(os.path.join(a.metrics, "copy_hist.png"), dpi=100)
    with open(os.path.join(a.metrics, "copy_hist.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
