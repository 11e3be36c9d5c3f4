#!/usr/bin/python3
"""The testbed's image-space metric models (docs/metrics.md), trained on this machine in a few minutes:

  copy      a copy-detection embedding (MemBench's SSCD role): a small CNN trained contrastively (SimCLR's NT-Xent)
            on the testbed's unique training images under augmentation (shifts, crops, colour jitter, noise), so two
            augmented views of one training image embed close and different images apart.
  clip      a miniature CLIP (MemBench's CLIP-score role): a CNN image tower and a text tower in the testbed's
            text-encoder layout (its tokenizer, T = 32), trained with CLIP's symmetric InfoNCE on (image, caption)
            pairs of the training set; held out: the 200 held-out items and every 10th concept image.

  /usr/bin/python3 scripts/metrics/train_metrics.py [--out models/testbed/metrics] [--steps-copy N] [--steps-clip N]

Writes, into a temporary folder renamed into place: copy_encoder.onnx (image [B,3,16,16] in [-1,1] -> embedding
[B,128], unit norm), clip_image.onnx (image -> embedding [B,64], unit norm), clip_text.onnx (input_ids int64 [B,32]
-> embedding [B,64], unit norm), the tokenizer files, metrics.json (training settings, losses, the copy threshold,
the retrieval accuracies) and checkpoint.pt (not committed, .gitignore: the references rebuild the same state dicts
from the ONNX files, scripts/testbed/onnx_weights.py). Everything is seeded; torch uses --threads (default 1)."""
import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, ".."))
import data  # noqa: E402
import folders  # noqa: E402
import model as tb  # noqa: E402
from tiny_sd import clip_bpe  # noqa: E402

SEED = 20261204
COPY_DIM = 128
CLIP_DIM = 64
TEXT_WIDTH = 64
BATCH = 128
OPSET = 17
TOKENIZER_FILES = ("vocab.json", "merges.txt", "tokenizer_config.json")
# The copy threshold is fixed from real images alone, before any generation is scored: the 99th percentile of the
# nearest-training-image similarity of the held-out item images (never trained, so no copies): 1% false positives
# on real non-copies, the role SSCD's 0.5 plays in MemBench.
THRESHOLD_PERCENTILE = 99.0


def to_unit(u8):
    return torch.from_numpy(u8.transpose(0, 3, 1, 2).astype(np.float32) / 127.5 - 1.0)


class ConvTower(nn.Module):
    """16x16 RGB -> unit vector: three conv stages (16, 8, 4 px), flatten (keeps layout: a copy is a copy in place
    as well as in content), linear projection, L2 norm."""

    def __init__(self, dim, width=16):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(3, w, 3, padding=1), nn.GELU(), nn.Conv2d(w, w, 3, padding=1), nn.GELU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), nn.GELU(), nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.GELU(),
            nn.Conv2d(2 * w, 4 * w, 3, stride=2, padding=1), nn.GELU())
        self.proj = nn.Sequential(nn.Flatten(), nn.Linear(4 * w * 16, 256), nn.GELU(), nn.Linear(256, dim))

    def forward(self, image):
        return F.normalize(self.proj(self.net(image)), dim=1)


class TextTower(nn.Module):
    """The testbed's text-encoder layout (model.TextEncoder) narrowed to one causal block of width 64 (the machine's
    time budget), pooled at the first EOS (CLIP's pooling), projected and normalised."""

    def __init__(self, vocab_size, eos_id, dim):
        super().__init__()
        self.encoder = tb.TextEncoder(vocab_size, d=TEXT_WIDTH, layers=1)
        self.eos_id = eos_id
        self.proj = nn.Linear(TEXT_WIDTH, dim)

    def forward(self, input_ids):
        h = self.encoder(input_ids)
        first_eos = torch.argmax((input_ids == self.eos_id).to(torch.int64), dim=1)   # first maximum
        pooled = h[torch.arange(h.shape[0]), first_eos]
        return F.normalize(self.proj(pooled), dim=1)


def augment(x, g, strength=1.0):
    """Random crop/scale and shift (one affine warp, border replicated), colour jitter (per-channel gain and bias,
    saturation), Gaussian noise. x [B,3,16,16] in [-1,1]."""
    b = x.shape[0]
    s = 1.0 - strength * 0.25 * torch.rand(b, generator=g)               # crop to 75..100% of the side
    tx = strength * (torch.rand(b, generator=g) * 2 - 1) * 0.25          # shift up to 2 px (0.25 of half-width 8)
    ty = strength * (torch.rand(b, generator=g) * 2 - 1) * 0.25
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = s
    theta[:, 1, 1] = s
    theta[:, 0, 2] = tx
    theta[:, 1, 2] = ty
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    y = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    gain = 1 + strength * (torch.rand(b, 3, 1, 1, generator=g) * 2 - 1) * 0.2
    bias = strength * (torch.rand(b, 3, 1, 1, generator=g) * 2 - 1) * 0.15
    grey = y.mean(dim=1, keepdim=True)
    sat = 1 + strength * (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.3
    y = grey + sat * (y - grey)
    y = y * gain + bias
    y = y + strength * 0.05 * torch.rand(b, 1, 1, 1, generator=g) * torch.randn(y.shape, generator=g)
    return y.clamp(-1, 1)


def nt_xent(a, b, tau):
    z = torch.cat([a, b])
    sim = z @ z.T / tau
    n = a.shape[0]
    sim.fill_diagonal_(-1e9)
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


def cosine_lr(step, steps, lr, warm=100):
    if step < warm:
        return lr * (step + 1) / warm
    return lr * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, steps - warm)))


def dataset():
    d = data.split()
    concept = np.stack([data.render(ci["comp"]) for ci in d["concept_images"]])
    concept_caps = [ci["caption"] for ci in d["concept_images"]]
    items = d["items"]
    item_imgs = np.stack([data.render(it["comp"]) for it in items])
    return d, concept, concept_caps, items, item_imgs


def train_copy(train_imgs, steps, log):
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    net = ConvTower(COPY_DIM)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    n = train_imgs.shape[0]
    losses = []
    for step in range(steps):
        for grp in opt.param_groups:
            grp["lr"] = cosine_lr(step, steps, 2e-3)
        idx = torch.randint(0, n, (BATCH,), generator=g)
        x = train_imgs[idx]
        loss = nt_xent(net(augment(x, g)), net(augment(x, g)), 0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
        if step % 25 == 0 or step == steps - 1:
            log(f"copy step {step} loss {loss:.4f}")
    return net.eval(), losses


def train_clip(imgs, ids, steps, vocab, eos, log):
    torch.manual_seed(SEED + 1)
    g = torch.Generator().manual_seed(SEED + 1)
    image = ConvTower(CLIP_DIM)
    text = TextTower(vocab, eos, CLIP_DIM)
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = list(image.parameters()) + list(text.parameters()) + [logit_scale]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    n = imgs.shape[0]
    losses = []
    for step in range(steps):
        for grp in opt.param_groups:
            grp["lr"] = cosine_lr(step, steps, 1e-3)
        idx = torch.randperm(n, generator=g)[:BATCH]
        # mild augmentation: generations are shifted, blurred versions of what the model learned
        zi = image(augment(imgs[idx], g, strength=0.5))
        zt = text(ids[idx])
        logits = logit_scale.exp().clamp(max=100) * zi @ zt.T
        # a caption can occur twice in a batch (concept captions repeat): both are right
        same = (ids[idx][:, None, :] == ids[idx][None, :, :]).all(-1).float()
        target = same / same.sum(1, keepdim=True)
        loss = 0.5 * (torch.sum(-target * F.log_softmax(logits, 1), 1).mean()
                      + torch.sum(-target * F.log_softmax(logits.T, 1), 1).mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
        if step % 25 == 0 or step == steps - 1:
            log(f"clip step {step} loss {loss:.4f} scale {logit_scale.exp():.1f}")
    return image.eval(), text.eval(), float(logit_scale.exp()), losses


@torch.no_grad()
def retrieval(image, text, imgs, ids):
    """Image -> caption over the given candidate captions (unique), top-1 and top-5 accuracy."""
    zi = image(imgs)
    uniq, inverse = torch.unique(ids, dim=0, return_inverse=True)
    zt = text(uniq)
    rank = (zi @ zt.T).argsort(dim=1, descending=True)
    top1 = (rank[:, 0] == inverse).float().mean().item()
    top5 = (rank[:, :5] == inverse[:, None]).any(1).float().mean().item()
    return {"images": int(imgs.shape[0]), "candidate_captions": int(uniq.shape[0]), "top1": top1, "top5": top5,
            "chance_top1": 1.0 / uniq.shape[0]}


def export(out, copy_net, clip_image, clip_text):
    x = torch.zeros(2, 3, 16, 16)
    for net, name in ((copy_net, "copy_encoder.onnx"), (clip_image, "clip_image.onnx")):
        torch.onnx.export(net, (x,), os.path.join(out, name), input_names=["image"], output_names=["embedding"],
                          opset_version=OPSET, dynamic_axes={"image": {0: "batch"}, "embedding": {0: "batch"}})
    ids = torch.zeros(2, tb.MAX_LENGTH, dtype=torch.int64)
    torch.onnx.export(clip_text, (ids,), os.path.join(out, "clip_text.onnx"), input_names=["input_ids"],
                      output_names=["embedding"], opset_version=OPSET,
                      dynamic_axes={"input_ids": {0: "batch"}, "embedding": {0: "batch"}})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "testbed", "metrics"))
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "testbed", "onnx"))
    ap.add_argument("--steps-copy", type=int, default=300)
    ap.add_argument("--steps-clip", type=int, default=400)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()
    log = lambda s: print(f"[{time.time() - t0:6.1f}s] {s}", flush=True)  # noqa: E731

    d, concept, concept_caps, items, item_imgs = dataset()
    log(f"rendered {len(concept)} concept and {len(items)} item images")
    trained = [i for i, it in enumerate(items) if it["copies"] > 0]
    heldout = [i for i, it in enumerate(items) if it["role"] == "heldout"]
    copy_train = to_unit(np.concatenate([concept, item_imgs[trained]]))

    copy_net, copy_losses = train_copy(copy_train, a.steps_copy, log)
    with torch.no_grad():
        zt = torch.cat([copy_net(copy_train[i:i + 1024]) for i in range(0, len(copy_train), 1024)])
        zh = copy_net(to_unit(item_imgs[heldout]))
        nearest_heldout = (zh @ zt.T).max(1).values.numpy()
        threshold = float(np.percentile(nearest_heldout, THRESHOLD_PERCENTILE))
        g = torch.Generator().manual_seed(SEED + 7)
        aug = copy_net(augment(copy_train[-400:], g))
        own_aug = (aug * zt[-400:]).sum(1).numpy()
    log(f"copy threshold {threshold:.4f}; augmented copies of item images: own-similarity median "
        f"{np.median(own_aug):.3f}, share above threshold {np.mean(own_aug > threshold):.3f}")

    tok = clip_bpe.ClipTokenizer(a.tokenizer)
    if tok.max_length != tb.MAX_LENGTH:
        raise SystemExit(f"{a.tokenizer}: tokenizer length {tok.max_length}, the testbed's is {tb.MAX_LENGTH}")
    pairs_img, pairs_cap = [], []
    concept_eval = [i for i in range(len(concept)) if i % 10 == 0]
    for i in range(len(concept)):
        if i % 10 != 0:
            pairs_img.append(concept[i])
            pairs_cap.append(concept_caps[i])
    for i in trained:
        for c in items[i]["captions"]:
            pairs_img.append(item_imgs[i])
            pairs_cap.append(c)
    enc = lambda caps: torch.tensor([tok.encode(c) for c in caps], dtype=torch.int64)  # noqa: E731
    clip_image, clip_text, scale, clip_losses = train_clip(to_unit(np.stack(pairs_img)), enc(pairs_cap),
                                                           a.steps_clip, len(tok.vocab), tok.eos_id, log)
    ret = {
        "heldout_items": retrieval(clip_image, clip_text, to_unit(item_imgs[heldout]),
                                   enc([items[i]["captions"][0] for i in heldout])),
        "heldout_concept_images": retrieval(clip_image, clip_text, to_unit(concept[concept_eval]),
                                            enc([concept_caps[i] for i in concept_eval])),
        "training_items": retrieval(clip_image, clip_text, to_unit(item_imgs[trained]),
                                    enc([items[i]["captions"][0] for i in trained])),
    }
    log("retrieval " + json.dumps(ret))

    def fill(tmp):
        export(tmp, copy_net, clip_image, clip_text)
        for f in TOKENIZER_FILES:
            shutil.copy(os.path.join(a.tokenizer, f), tmp)
        torch.save({"copy": copy_net.state_dict(), "clip_image": clip_image.state_dict(),
                    "clip_text": clip_text.state_dict(), "vocab_size": len(tok.vocab), "eos_id": tok.eos_id},
                   os.path.join(tmp, "checkpoint.pt"))
        meta = {"seed": SEED, "torch": torch.__version__, "threads": a.threads, "seconds": time.time() - t0,
                "copy": {"dim": COPY_DIM, "steps": a.steps_copy, "batch": BATCH, "temperature": 0.1, "lr": 2e-3,
                         "train_images": int(copy_train.shape[0]),
                         "threshold": threshold,
                         "threshold_rule": f"{THRESHOLD_PERCENTILE}th percentile of the held-out item images' "
                                           "nearest-training-image similarity",
                         "final_loss": float(np.mean(copy_losses[-50:])),
                         "augmented_item_copies_share_above_threshold": float(np.mean(own_aug > threshold))},
                "clip": {"dim": CLIP_DIM, "steps": a.steps_clip, "batch": BATCH, "lr": 1e-3,
                         "logit_scale": scale, "train_pairs": len(pairs_cap),
                         "final_loss": float(np.mean(clip_losses[-50:])), "retrieval": ret}}
        with open(os.path.join(tmp, "metrics.json"), "w") as f:
            json.dump(meta, f, indent=1)
    out = folders.write_whole(a.out, fill)
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
