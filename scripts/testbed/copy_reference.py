#!/usr/bin/python3
"""The testbed's copy judgement for MemScope's Java side (search-triggers, docs/testbed.md "Trigger search").

Writes models/testbed/copy/:
  train_images.npy  uint8 [N, 3, 16, 16]: the unique training images exactly as labels.py builds them
                    (7,200 concept images, then every item with copies > 0), RGB 0..255, channel-first
  train_items.npy   int32 [N]: the item id of each training image (-1 for concept images)
  copy.json         TAU (from ground_truth.json, recomputed here and checked), the standardisation, and
                    reference cases for dev.memscope.copy.CopyJudgeTest: images (float32 in [-1, 1]) with the
                    nearest training image and its distance, computed by labels.py's own functions (NumPy float64)
  cases.npy         float32 [K, 3, 16, 16]: those images

Usage: /usr/bin/python3 scripts/testbed/copy_reference.py [--out models/testbed/copy]
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
import labels  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "testbed", "copy"))
    a = ap.parse_args()
    d = data.split()
    concept = np.stack([data.render(ci["comp"]) for ci in d["concept_images"]])
    item_ids = [i for i, it in enumerate(d["items"]) if it["copies"] > 0]
    items = np.stack([data.render(d["items"][i]["comp"]) for i in item_ids])
    raw = np.concatenate([concept, items])                       # uint8 [N, H, W, 3]
    train_item = np.array([-1] * len(concept) + item_ids, dtype=np.int32)
    train = labels.to_unit(raw)                                  # [N, 3, H, W] in [-1, 1]
    zt = labels.standardise(train)

    zi = labels.standardise(labels.to_unit(items))
    dd = labels.distances(zi, zt)
    for k in range(len(item_ids)):
        dd[k, len(concept) + k] = np.inf
    tau = 0.5 * float(np.median(dd.min(axis=1)))
    gt = json.load(open(os.path.join(ROOT, "models", "testbed", "ground_truth.json")))
    assert abs(tau - gt["tau"]) < 1e-12, (tau, gt["tau"])

    # reference cases: item images under a colour change and noise (copies), blends, and noise (no copy)
    rng = np.random.default_rng(1515)
    cases = []
    for k in rng.choice(len(item_ids), 6, replace=False):
        img = train[len(concept) + k]
        cases.append(np.clip(0.8 * img + 0.1 + rng.normal(0, 0.05, img.shape), -1, 1))
    for _ in range(3):
        i, j = rng.choice(len(train), 2, replace=False)
        cases.append(0.5 * train[i] + 0.5 * train[j])
    cases.append(np.clip(rng.normal(0, 0.5, train[0].shape), -1, 1))
    cases = np.stack(cases).astype(np.float32)
    dz = labels.distances(labels.standardise(cases.astype(np.float64)), zt)
    nearest = dz.argmin(axis=1)
    os.makedirs(a.out, exist_ok=True)
    np.save(os.path.join(a.out, "train_images.npy"), np.ascontiguousarray(raw.transpose(0, 3, 1, 2)))
    np.save(os.path.join(a.out, "train_items.npy"), train_item)
    np.save(os.path.join(a.out, "cases.npy"), cases)
    doc = {
        "script": "scripts/testbed/copy_reference.py",
        "numpy": np.__version__,
        "tau": tau,
        "standardise": "x = (rgb / 127.5 - 1) per channel: (x - mean) / (std + 0.05), std with ddof 0; "
                       "distance = sqrt(sum of squared differences / (3 H W))",
        "images": int(len(train)), "concept_images": int(len(concept)), "item_images": int(len(item_ids)),
        "cases": [{"nearest": int(nearest[i]), "item": int(train_item[nearest[i]]),
                   "distance": float(dz[i, nearest[i]]), "copies": bool(dz[i, nearest[i]] < tau)}
                  for i in range(len(cases))],
    }
    with open(os.path.join(a.out, "copy.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(train), "training images, tau", tau, "to", a.out)
    for c in doc["cases"]:
        print(c)


if __name__ == "__main__":
    main()
