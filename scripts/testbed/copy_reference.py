#!/usr/bin/python3
"""The testbed's copy judgement for MemScope's Java side (search-triggers, docs/testbed.md "Trigger search").

The training images themselves are models/testbed/images/ (scripts/metrics/export_images.py, the same order:
7,200 concept images, then every item with copies > 0); this script checks that those sheets hold exactly the
images labels.py builds, and writes models/testbed/copy/:
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


def check_sheet(raw, train_item):
    """The Java side judges against models/testbed/images/training.png: it must be these images, in this order."""
    import csv
    from PIL import Image
    images = os.path.join(ROOT, "models", "testbed", "images")
    with open(os.path.join(images, "images.csv"), encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["file"] == "training.png"]
    sheet = np.asarray(Image.open(os.path.join(images, "training.png")).convert("RGB"))
    if len(rows) != len(raw):
        raise SystemExit(f"images.csv lists {len(rows)} training images, labels.py builds {len(raw)}")
    for r in rows:
        i = int(r["index"])
        y, x = divmod(i, 100)
        if int(r["item"]) != train_item[i] or not (sheet[y * 16:(y + 1) * 16, x * 16:(x + 1) * 16] == raw[i]).all():
            raise SystemExit(f"training.png tile {i} (images.csv) differs from labels.py's training image {i}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "testbed", "copy"))
    a = ap.parse_args()
    d = data.split()
    raw, train_item, n_concept = labels.training_images(d)     # uint8 [N, H, W, 3]
    train_item = train_item.astype(np.int32)
    train = labels.to_unit(raw)                                  # [N, 3, H, W] in [-1, 1]
    zt = labels.standardise(train)

    tau = labels.tau_of(zt, n_concept)
    gt = json.load(open(os.path.join(ROOT, "models", "testbed", "ground_truth.json")))
    assert abs(tau - gt["tau"]) < 1e-12, (tau, gt["tau"])

    # reference cases: item images under a colour change and noise (copies), blends, and noise (no copy)
    rng = np.random.default_rng(1515)
    cases = []
    for k in rng.choice(len(train) - n_concept, 6, replace=False):
        img = train[n_concept + k]
        cases.append(np.clip(0.8 * img + 0.1 + rng.normal(0, 0.05, img.shape), -1, 1))
    for _ in range(3):
        i, j = rng.choice(len(train), 2, replace=False)
        cases.append(0.5 * train[i] + 0.5 * train[j])
    cases.append(np.clip(rng.normal(0, 0.5, train[0].shape), -1, 1))
    cases = np.stack(cases).astype(np.float32)
    dz = labels.distances(labels.standardise(cases.astype(np.float64)), zt)
    nearest = dz.argmin(axis=1)
    os.makedirs(a.out, exist_ok=True)
    check_sheet(raw, train_item)
    np.save(os.path.join(a.out, "cases.npy"), cases)
    doc = {
        "script": "scripts/testbed/copy_reference.py",
        "numpy": np.__version__,
        "tau": tau,
        "standardise": "x = (rgb / 127.5 - 1) per channel: (x - mean) / (std + 0.05), std with ddof 0; "
                       "distance = sqrt(sum of squared differences / (3 H W))",
        "images": int(len(train)), "concept_images": n_concept, "item_images": int(len(train) - n_concept),
        "cases": [{"nearest": int(nearest[i]), "item": int(train_item[nearest[i]]),
                   "distance": float(dz[i, nearest[i]]), "copies": bool(dz[i, nearest[i]] < tau)}
                  for i in range(len(cases))],
    }
    with open(os.path.join(a.out, "copy.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("checked", len(train), "training images in models/testbed/images; tau", tau, "; wrote", a.out)
    for c in doc["cases"]:
        print(c)


if __name__ == "__main__":
    main()
