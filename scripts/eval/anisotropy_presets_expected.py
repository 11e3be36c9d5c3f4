#!/usr/bin/python3
"""Expected anisotropy scores per preset (sd1, sd2, rv), written as the authors' code computes them
(rohanasthana/memorization-anisotropy: local_model/pipe.py for the terms, detect_eval.py for g), on fixed model
outputs, so dev.memscope.detect.AnisotropyPresetTest can serve the same outputs through a fake denoiser.

Outputs: out[t][cond] of shape [1, 4, 4, 4] (C = 4, H = W = 4), t in {981, 41}, cond in {u, p0, p1}, float32, seeded.
  sd1 (eps):  N = ||c_eps - uc_eps||; A = mean_hw cosine_similarity(uc, c - uc, dim=1) (mode x,c|x); g = (1, 2)
  sd2 (v):    score = (sqrt(abar) * out - x) / (1 - abar); N = ||score_c - score_u||; A on the raw v outputs;
              g = (1, 0.1)
  rv  (eps):  the sd2 branch (--sd_ver 99) on eps outputs; g = (2, 1)
alphas_cumprod as diffusers builds scaled_linear in float32 (betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2).
x is any latent: it cancels in score_c - score_u (float64 here).
Also the other cosine modes x,x|c and x|c,c|x for sd1.

Usage: /usr/bin/python3 scripts/eval/anisotropy_presets_expected.py   (writes src/test/resources/anisotropy/)
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "anisotropy")
SHAPE = (1, 4, 4, 4)


def alphas_cumprod():
    betas = np.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=np.float32) ** 2
    return np.cumprod(1.0 - betas, axis=0, dtype=np.float32)


def cos_dim1(a, b, eps=1e-8):
    """torch.nn.functional.cosine_similarity(a, b, dim=1): per pixel over channels, norms clamped at eps."""
    num = (a * b).sum(axis=1)
    na = np.maximum(np.sqrt((a * a).sum(axis=1)), eps)
    nb = np.maximum(np.sqrt((b * b).sum(axis=1)), eps)
    return num / (na * nb)


def main():
    rng = np.random.default_rng(16)
    ac = alphas_cumprod().astype(np.float64)
    outs = {}
    for t in (981, 41):
        u = rng.normal(size=SHAPE).astype(np.float32)
        outs[(t, "u")] = u
        # p0 pulls along u (memorized-like alignment), p1 a weaker unrelated guidance
        outs[(t, "p0")] = (u + 0.8 * u + 0.3 * rng.normal(size=SHAPE)).astype(np.float32)
        outs[(t, "p1")] = (u + 0.2 * rng.normal(size=SHAPE)).astype(np.float32)
    os.makedirs(OUT, exist_ok=True)
    for (t, c), a in outs.items():
        np.save(os.path.join(OUT, f"out_{t}_{c}.npy"), a)
    x = rng.normal(size=SHAPE)
    expected = {}
    for preset, g in (("sd1", (1.0, 2.0)), ("sd2", (1.0, 0.1)), ("rv", (2.0, 1.0))):
        rows = []
        for p in ("p0", "p1"):
            hu, hc = outs[(981, "u")].astype(np.float64), outs[(981, p)].astype(np.float64)
            lu, lc = outs[(41, "u")].astype(np.float64), outs[(41, p)].astype(np.float64)
            if preset == "sd1":
                n = np.linalg.norm((hc - hu).reshape(-1))
            else:
                beta, beta_prod2 = np.sqrt(ac[981]), 1 - ac[981]
                su, sc = (beta * hu - x) / beta_prod2, (beta * hc - x) / beta_prod2
                n = np.linalg.norm((sc - su).reshape(-1))
            modes = {"x,c|x": cos_dim1(lu, lc - lu).mean(), "x,x|c": cos_dim1(lu, lc).mean(),
                     "x|c,c|x": cos_dim1(lc, lc - lu).mean()}
            rows.append({"prompt": p, "N": float(n), "A": {k: float(v) for k, v in modes.items()},
                         "score": float(g[0] * n + g[1] * modes["x,c|x"])})
        expected[preset] = {"g": g, "prompts": rows}
    expected["normFactor981"] = float(np.sqrt(ac[981]) / (1 - ac[981]))
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"script": "scripts/eval/anisotropy_presets_expected.py", "numpy": np.__version__,
                   "presets": expected}, f, indent=1)
        f.write("\n")
    print("normFactor981", expected["normFactor981"])


if __name__ == "__main__":
    main()
