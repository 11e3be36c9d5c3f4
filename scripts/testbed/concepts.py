#!/usr/bin/python3
"""The testbed's concept classifier (docs/testbed.md, "Labels"): which emoji concept an image shows.

labels.py uses it to measure that non-memorized captions are *learned*: a generation for "tiny fox face banner"
should show a fox face even though no training image is its own. The pixel 5-nearest-neighbour vote labels.py
used before cannot show that: it classified real concept captions' own generations right 1.5 to 3% of the time
(chance 0.3%), because at 16x16 placement and background dominate pixel distance. This classifier is trained for
the concept alone.

  /usr/bin/python3 scripts/testbed/concepts.py train [--out models/concepts] [--steps N]

Trained on the unique training images of data.RECIPE (concept images and every item with copies > 0); targets are
soft, shared equally by the emoji an image shows (a pair image shows two concepts). Never trained on, and used to
state its accuracy on real images: every 10th concept image and the held-out items. Augmented (shift, crop, colour
jitter, noise: train_metrics.augment) so it reads generations, which are never pixel-exact. Seeded, 2 torch
threads, written into a temporary folder renamed into place: classifier.pt, concepts.json (settings, losses,
accuracies on the images it never saw)."""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "metrics"))
import data  # noqa: E402
import folders  # noqa: E402
from train_metrics import augment, cosine_lr, to_unit  # noqa: E402

SEED = 20261205
STEPS = 2000
BATCH = 128
LR = 2e-3
VALIDATION_EVERY = 10   # every 10th concept image is held out
WIDTH = 32


class ConceptNet(nn.Module):
    """16x16 RGB -> concept logits: three conv stages (16, 8, 4 px) and global average pooling, so the concept is
    recognised wherever it sits."""

    def __init__(self, n_concepts, width=WIDTH):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(3, w, 3, padding=1), nn.GroupNorm(8, w), nn.GELU(),
            nn.Conv2d(w, w, 3, padding=1), nn.GroupNorm(8, w), nn.GELU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), nn.GroupNorm(8, 2 * w), nn.GELU(),
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.GroupNorm(8, 2 * w), nn.GELU(),
            nn.Conv2d(2 * w, 4 * w, 3, stride=2, padding=1), nn.GroupNorm(8, 4 * w), nn.GELU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * w, n_concepts))

    def forward(self, image):
        return self.net(image)


def targets(comps, index):
    """Soft targets [N, C]: each emoji of a composition gets an equal share."""
    t = np.zeros((len(comps), len(index)), np.float32)
    for i, comp in enumerate(comps):
        cps = [e[0] for e in comp["emoji"]]
        for cp in cps:
            t[i, index[cp]] += 1.0 / len(cps)
    return t


def images(d):
    """(train images, train targets, validation sets {name: (images, first-concept labels)})."""
    index = {c["codepoint"]: k for k, c in enumerate(d["concepts"])}
    train_comps, val_concept, val_items = [], [], []
    for k, ci in enumerate(d["concept_images"]):
        (val_concept if k % VALIDATION_EVERY == VALIDATION_EVERY - 1 else train_comps).append(ci["comp"])
    for it in d["items"]:
        (train_comps if it["copies"] > 0 else val_items).append(it["comp"])
    render = lambda comps: np.stack([data.render(c) for c in comps])  # noqa: E731
    first = lambda comps: np.array([index[c["emoji"][0][0]] for c in comps])  # noqa: E731
    return (render(train_comps), targets(train_comps, index),
            {"concept_images": (render(val_concept), first(val_concept)),
             "heldout_items": (render(val_items), first(val_items))})


def load(folder):
    """The trained classifier (eval mode) from a folder train() wrote."""
    ck = torch.load(os.path.join(folder, "classifier.pt"), map_location="cpu")
    net = ConceptNet(ck["n_concepts"], ck["width"])
    net.load_state_dict(ck["state"])
    return net.eval()


@torch.no_grad()
def ranks(net, imgs, want):
    """Rank (0 = top) of the wanted concept for each image ([N, 3, 16, 16] float in [-1, 1])."""
    logits = torch.cat([net(torch.as_tensor(imgs[i:i + 512], dtype=torch.float32))
                        for i in range(0, len(imgs), 512)])
    w = torch.as_tensor(np.asarray(want), dtype=torch.int64)
    return (logits > logits.gather(1, w[:, None])).sum(dim=1).numpy()


def train(out, steps):
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    d = data.split()
    x_u8, t, val = images(d)
    x, t = to_unit(x_u8), torch.from_numpy(t)
    net = ConceptNet(len(d["concepts"]))
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=0.01)
    start, losses = time.time(), []
    for step in range(steps):
        for grp in opt.param_groups:
            grp["lr"] = cosine_lr(step, steps, LR)
        idx = torch.randint(0, len(x), (BATCH,), generator=g)
        loss = F.cross_entropy(net(augment(x[idx], g)), t[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
        if (step + 1) % 200 == 0:
            print(f"step {step + 1}/{steps}  loss {np.mean(losses[-200:]):.4f}  {time.time() - start:.0f}s",
                  flush=True)
    net.eval()
    accuracy = {}
    for name, (imgs, want) in val.items():
        r = ranks(net, to_unit(imgs).numpy(), want)
        accuracy[name] = {"images": int(len(r)), "top1": float(np.mean(r < 1)), "top5": float(np.mean(r < 5))}
    info = {"seed": SEED, "data_recipe": d["recipe"], "steps": steps, "batch": BATCH, "lr": LR,
            "train_images": int(len(x)), "concepts": len(d["concepts"]), "chance_top1": 1.0 / len(d["concepts"]),
            "final_loss": float(np.mean(losses[-200:])), "seconds": time.time() - start, "torch": torch.__version__,
            "accuracy_on_images_never_trained": accuracy}
    def fill(tmp):
        torch.save({"state": net.state_dict(), "n_concepts": len(d["concepts"]), "width": WIDTH},
                   os.path.join(tmp, "classifier.pt"))
        with open(os.path.join(tmp, "concepts.json"), "w") as f:
            json.dump(info, f, indent=1)
    folders.write_whole(out, fill)
    print(json.dumps(info, indent=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--out", default=os.path.join(HERE, "..", "..", "models", "concepts"))
    t.add_argument("--steps", type=int, default=STEPS)
    a = ap.parse_args()
    train(a.out, a.steps)


if __name__ == "__main__":
    main()
