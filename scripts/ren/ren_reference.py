#!/usr/bin/env python3
"""Independent float64 reference of Ren et al.'s (ECCV 2024) cross-attention detection statistics on the testbed's
trained weights in PyTorch (model.py's modules, the committed weights rebuilt from onnx/ by
scripts/testbed/onnx_weights.py; not the ONNX graph MemScope runs), for RenAttentionTest.

Definition (the authors' detect.py, mode "E"): the cross-attention probabilities of the first denoising step,
averaged over query pixels and over layers (each layer weighted equally), give a distribution a over all T tokens;
the score is its entropy -sum a_i log a_i (natural log). Also written: a_0 (the BOS token's share).

Setting, as MemScope's ren-entropy: the 48 prompts of reference_scores.json, the shared pure-noise latent
java.util.Random(20240).nextGaussian() (reference_scores.noise), t = 981 (first of 50 DDIM steps), conditional
branch only. The UNet runs in float64 (torch); the statistics are computed in NumPy float64 from its maps.
Usage: /usr/bin/python3 scripts/ren/ren_reference.py   (writes models/testbed/reference/ren_reference.json)
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
import reference_scores as rs  # noqa: E402

T_FIRST = 981


def statistics(maps):
    """maps: list of [B, HW, T] float64 arrays -> (entropy [B], bos share [B])."""
    per_layer = np.stack([m.mean(axis=1) for m in maps], axis=0)   # [L, B, T]: mean over pixels
    a = per_layer.mean(axis=0)                                    # [B, T]: mean over layers
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(a > 0, -a * np.log(a), 0.0)
    return terms.sum(axis=1), a[:, 0]


def main():
    torch.set_num_threads(2)
    base = os.path.join(ROOT, "models", "testbed")
    with open(os.path.join(base, "reference", "reference_scores.json"), encoding="utf-8") as f:
        prompts = json.load(f)["prompts"]
    m = rs.Model(os.path.join(base, "onnx"))
    m.unet.attention_outputs = True
    x = rs.noise(rs.ANISO_SEED)[None].expand(len(prompts), -1, -1, -1).contiguous()
    c = m.states(prompts)
    with torch.no_grad():
        out = m.unet(x, torch.full((len(prompts),), T_FIRST, dtype=torch.int64), c)
    maps = [p.numpy().astype(np.float64) for p in out[1:]]
    entropy, bos = statistics(maps)
    ref = {"generator": "scripts/ren/ren_reference.py (PyTorch %s float64 UNet, NumPy %s float64 statistics)"
                        % (torch.__version__, np.__version__),
           "timestep": T_FIRST, "seed": rs.ANISO_SEED, "layers": [str(n) for n in m.unet.ATTENTION_LAYERS],
           "prompts": prompts, "ren_entropy": entropy.tolist(), "bos_share": bos.tolist()}
    path = os.path.join(base, "reference", "ren_reference.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(ref, f, indent=1, ensure_ascii=False)
    os.replace(path + ".tmp", path)
    print(f"wrote {path}: {len(prompts)} prompts, entropy {entropy.min():.4f}..{entropy.max():.4f}")


if __name__ == "__main__":
    main()
