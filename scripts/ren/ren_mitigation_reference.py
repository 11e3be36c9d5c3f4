#!/usr/bin/env python3
"""Independent float64 reference of Ren et al.'s (ECCV 2024) inference-time mitigation on the testbed's trained
weights in PyTorch (the committed weights rebuilt from onnx/ by scripts/testbed/onnx_weights.py), for
RenMitigationReferenceTest: the noise predictions of the re-exported ONNX UNet under cross-attention
key control (attn_key_scale / attn_key_bias) must match these.

Written from the authors' code (renjie3/MemAttn, refactored_attention_processor.py: AttnProcessor2_0 with
direct_args.cross_attn_mask and my_simple_scaled_dot_product_attention), not from MemScope's export: every
cross-attention layer's forward is replaced here by
  logits = q k^T / sqrt(d_head);  logits += mask (-inf at keys >= prompt_length, in both branches);
  logits[conditional rows, :, :, 0] *= c1;  softmax;  @ v;  output projection
where prompt_length is the tokenizer's length without padding (BOS, tokens, EOS; truncated to T), and only the
trained weights of model.py's layers are reused. Self-attention is unchanged, as in their code.

Also two generic cases, logits * scale + bias with arbitrary per-key scale and bias (some keys at -1e4), to pin
the two inputs themselves.

Setting: x_T = java.util.Random(seed).nextGaussian() in float32 (as MemScope's DdimSampler.initialNoise), the
unconditional branch is the empty prompt, c1 = 1.1, the UNet and text encoder in float64.
Usage: /usr/bin/python3 scripts/ren/ren_mitigation_reference.py   (writes models/testbed/reference/ren_mitigation_reference.json)
"""
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
import reference_scores as rs  # noqa: E402

C1 = 1.1
SEED = 7700
REN_TIMESTEPS = (981, 501)
GENERIC_TIMESTEP = 501
DIGITS = 10


class Control:
    """What the replaced cross-attention layers apply to the current batch."""
    mode = None          # None, "ren" or "generic"
    keep = None          # ren: [B] prompt lengths
    conditional = None   # ren: [B] bool, rows whose BOS logit is multiplied by c1
    scale = None         # generic: [B, T]
    bias = None          # generic: [B, T]


def cross_attention(module, x, ctx, *ignored):
    b, n, d = x.shape
    m = ctx.shape[1]
    hd = d // module.heads
    q = module.q(x).reshape(b, n, module.heads, hd).transpose(1, 2)
    k = module.k(ctx).reshape(b, m, module.heads, hd).transpose(1, 2)
    v = module.v(ctx).reshape(b, m, module.heads, hd).transpose(1, 2)
    w = q @ k.transpose(-2, -1) * (1 / math.sqrt(hd))
    if Control.mode == "ren":
        bias = torch.zeros(b, m, dtype=w.dtype)
        for i, keep in enumerate(Control.keep):
            bias[i, keep:] = float("-inf")
        w = w + bias[:, None, None, :]
        rows = torch.tensor(Control.conditional)
        w[rows, :, :, 0] = w[rows, :, :, 0] * C1
    elif Control.mode == "generic":
        w = w * Control.scale[:, None, None, :] + Control.bias[:, None, None, :]
    p = torch.softmax(w, dim=-1)
    return module.out((p @ v).transpose(1, 2).reshape(b, n, d)), p


def rounded(t):
    return [float("%.*g" % (DIGITS, v)) for v in t.flatten().tolist()]


def main():
    torch.set_num_threads(2)
    base = os.path.join(ROOT, "models", "testbed")
    with open(os.path.join(base, "reference", "reference_scores.json"), encoding="utf-8") as f:
        pool = json.load(f)["prompts"]
    m = rs.Model(os.path.join(base, "onnx"))
    for name in m.unet.ATTENTION_LAYERS:
        layer = getattr(m.unet, name).cross_attn
        layer.forward = (lambda mod: (lambda x, ctx, *a: cross_attention(mod, x, ctx, *a)))(layer)
    T = m.states([""]).shape[1]
    lengths = {}
    for p in pool:
        lengths.setdefault(min(len(m.tok.tokens(p)) + 2, T), p)
    by_length = sorted(lengths.items())
    # shortest, longest and two between: prompts whose masks differ
    picks = [by_length[0], by_length[len(by_length) // 3], by_length[2 * len(by_length) // 3], by_length[-1]]
    u = m.states([""])
    ren = []
    for i, (keep, prompt) in enumerate(picks):
        c = m.states([prompt])
        x = rs.noise(SEED + i)[None]
        for t in (REN_TIMESTEPS if i < 2 else REN_TIMESTEPS[:1]):
            Control.mode, Control.keep, Control.conditional = "ren", [keep, keep], [False, True]
            eps = m.eps(torch.cat([x, x]), t, torch.cat([u, c]))
            Control.mode = None
            plain = m.eps(torch.cat([x, x]), t, torch.cat([u, c]))
            ren.append({"prompt": prompt, "prompt_keys": keep, "seed": SEED + i, "timestep": t,
                        "eps_uncond": rounded(eps[0]), "eps_cond": rounded(eps[1]),
                        "changed_by_control": float((eps - plain).abs().max())})
    gen = torch.Generator().manual_seed(SEED)
    generic = []
    for i in range(2):
        prompt = picks[i][1]
        scale = (0.5 + torch.rand(1, T, generator=gen, dtype=torch.float64)).float().double()
        bias = torch.randn(1, T, generator=gen, dtype=torch.float64).float().double()
        bias[0, 3 * i + 5] = -1e4
        bias[0, T - 1 - i] = -1e4
        x = rs.noise(SEED + 100 + i)[None]
        Control.mode, Control.scale, Control.bias = "generic", scale, bias
        eps = m.eps(x, GENERIC_TIMESTEP, m.states([prompt]))
        Control.mode = None
        generic.append({"prompt": prompt, "seed": SEED + 100 + i, "timestep": GENERIC_TIMESTEP,
                        "scale": scale[0].tolist(), "bias": bias[0].tolist(), "eps": rounded(eps[0])})
    ref = {"generator": "scripts/ren/ren_mitigation_reference.py (PyTorch %s, float64)" % torch.__version__,
           "c1": C1, "keys": T, "mask": "-inf at keys >= prompt_keys, both branches; BOS logit * c1, "
                                         "conditional branch only",
           "ren": ren, "generic": generic}
    path = os.path.join(base, "reference", "ren_mitigation_reference.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(ref, f, indent=0, ensure_ascii=False)
    os.replace(path + ".tmp", path)
    print(f"wrote {path}: {len(ren)} guidance pairs (prompt keys {[r['prompt_keys'] for r in ren]}), "
          f"{len(generic)} generic; max change by the control {[round(r['changed_by_control'], 4) for r in ren]}")


if __name__ == "__main__":
    main()
