#!/usr/bin/python3
"""The testbed's real images, for Java (MemBench's reference images, AMG's training set, the Frechet reference):

  models/testbed/images/training.png   every unique training image (7,200 concept images, then the 400 trained
                                       items in item order), 16x16 tiles in rows of 100, lossless RGB
  models/testbed/images/heldout.png    the 200 held-out item images (never trained), same tiling
  models/testbed/images/images.csv     one row per tile: file,index,kind,item,role,copies,captions (captions joined
                                       by " | ")

  /usr/bin/python3 scripts/metrics/export_images.py [--out models/testbed/images]
Pixels are data.render's uint8 values unchanged (PNG is lossless); Java maps them to [-1, 1] as u/127.5 - 1."""
import argparse
import csv
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
import data  # noqa: E402
import folders  # noqa: E402

COLUMNS = 100


def sheet(imgs):
    n = len(imgs)
    rows = (n + COLUMNS - 1) // COLUMNS
    out = np.zeros((rows * data.RES, COLUMNS * data.RES, 3), np.uint8)
    for i, im in enumerate(imgs):
        r, c = divmod(i, COLUMNS)
        out[r * data.RES:(r + 1) * data.RES, c * data.RES:(c + 1) * data.RES] = im
    return Image.fromarray(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "models", "testbed", "images"))
    a = ap.parse_args()
    d = data.split()
    train, held, rows = [], [], []
    for ci in d["concept_images"]:
        rows.append(["training.png", len(train), "concept", -1, "concept", 1, ci["caption"]])
        train.append(data.render(ci["comp"]))
    for i, it in enumerate(d["items"]):
        if it["copies"] > 0:
            rows.append(["training.png", len(train), "item", i, it["role"], it["copies"], " | ".join(it["captions"])])
            train.append(data.render(it["comp"]))
    for i, it in enumerate(d["items"]):
        if it["role"] == "heldout":
            rows.append(["heldout.png", len(held), "item", i, "heldout", 0, " | ".join(it["captions"])])
            held.append(data.render(it["comp"]))
    def fill(tmp):
        sheet(train).save(os.path.join(tmp, "training.png"), optimize=True)
        sheet(held).save(os.path.join(tmp, "heldout.png"), optimize=True)
        with open(os.path.join(tmp, "images.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["file", "index", "kind", "item", "role", "copies", "captions"])
            w.writerows(rows)
    out = folders.write_whole(a.out, fill)
    print(f"{len(train)} training and {len(held)} held-out images -> {out}")


if __name__ == "__main__":
    main()
