#!/usr/bin/python3
"""Float64 references for the Java metric tests (src/test/resources/metrics/reference.json), computed independently
of MemScope: the metric models in PyTorch float64 (train_metrics.py's modules with the committed weights, rebuilt bit
for bit from the metrics folder's ONNX files by scripts/testbed/onnx_weights.py), the testbed images re-rendered by
data.render, the copy distance by labels.py's NumPy functions, the tokens by scripts/tiny_sd/clip_bpe.py.

  /usr/bin/python3 scripts/metrics/reference_embeddings.py [--metrics models/testbed/metrics]"""
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
sys.path.insert(0, os.path.join(HERE, ".."))
import data  # noqa: E402
import labels  # noqa: E402
import onnx_weights  # noqa: E402
from tiny_sd import clip_bpe  # noqa: E402

TRAIN_INDICES = [0, 1, 4321, 7199, 7200, 7350, 7599]   # concept images, then trained items (images.csv order)
CAPTIONS = ["a north east arrow on a yellow background", "vintage crossed swords magnet", "cosmic kiwifruit tile",
            ""]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--metrics", default=os.path.join(ROOT, "models", "testbed", "metrics"))
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "test", "resources", "metrics", "reference.json"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    d = data.split()
    imgs = [data.render(ci["comp"]) for ci in d["concept_images"]]
    imgs += [data.render(it["comp"]) for it in d["items"] if it["copies"] > 0]
    pick = np.stack([imgs[i] for i in TRAIN_INDICES])
    x = torch.from_numpy(labels.to_unit(pick))           # float64 [-1, 1]
    # a perturbed copy, out of range on purpose: the Java side clips to [-1, 1] first, as must this reference
    rng = np.random.default_rng(5)
    noisy = labels.to_unit(pick) + rng.normal(0, 0.3, pick.shape[:1] + (3, 16, 16))
    # the committed ONNX files' weights, never a metrics/checkpoint.pt (not committed; a local one can be another
    # training run): the Java tests these references are for run those ONNX files
    nets = onnx_weights.load_metrics(a.metrics, torch.float64)
    copy, image, text = nets["copy"], nets["clip_image"], nets["clip_text"]
    tok = clip_bpe.ClipTokenizer(a.metrics)
    ids = torch.tensor([tok.encode(c) for c in CAPTIONS], dtype=torch.int64)
    noisy_t = torch.from_numpy(np.clip(noisy, -1, 1))
    with torch.no_grad():
        ref = {
            "train_indices": TRAIN_INDICES,
            "pixel_sums": [float(v) for v in labels.to_unit(pick).reshape(len(pick), -1).sum(1)],
            "copy": copy(x).tolist(), "clip_image": image(x).tolist(),
            "noisy": noisy.reshape(len(pick), -1).tolist(), "copy_noisy": copy(noisy_t).tolist(),
            "captions": CAPTIONS, "token_ids": ids.tolist(), "clip_text": text(ids).tolist(),
            # labels.py's copy distance between noisy[i] (clipped, as labels.py clips samples) and image i
            "rms": [float(labels.distances(labels.standardise(np.clip(noisy[i:i + 1], -1, 1)),
                                           labels.standardise(labels.to_unit(pick[i:i + 1])))[0, 0])
                    for i in range(len(pick))],
        }
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(ref, f)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
