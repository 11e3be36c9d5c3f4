#!/usr/bin/python3
"""Independent float64 reference scores of the detectors on the testbed's trained weights in PyTorch (model.py's
modules, not the ONNX graphs, not MemScope's code): the oracle of dev.memscope.model.testbed.TestbedReferenceTest.
The weights are the committed ones, rebuilt bit for bit from onnx/ by onnx_weights.py (no checkpoint.pt is
committed).

Written the way the papers' repositories compute them, on the float64 copy of the trained weights:
  anisotropy   shared x_T (java.util.Random(20240).nextGaussian(), as MemScope's SharedNoise draws it), t = 981 and
               t = 41 on that same x_T; N = ||eps_c - eps_u|| over the whole [3, 16, 16] tensor at t = 981;
               A = mean over pixels of the cosine over channels of (eps_u, eps_c - eps_u) at t = 41; score N + 2 A
  wen-first    mean over 4 generations of ||eps_c - eps_u|| at the first DDIM step (t = 981) on x_T of seed
               p + g * 1000003 (p = prompt index in the list)
  wen-full     the same averaged over all 50 CFG (7.5) DDIM steps (timesteps 981, 961, ..., 1; final alphabar 1)
  sharpness-fd ||(J_c - J_u) ds||, ds = eps_c - eps_u at x_T, t = 981, the Jacobian-vector products by central
               differences of displacement h = 1e-2 sqrt(768) along ds / ||ds|| (the float64 twin of MemScope's
               sharpness-fd; the exact JVP by autograd is reported beside it as jvp_exact, to show the FD error)

  /usr/bin/python3 scripts/testbed/reference_scores.py            # writes models/testbed/reference/ (json + prompts)
"""
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import onnx_weights  # noqa: E402
from tiny_sd import clip_bpe  # noqa: E402

ANISO_SEED = 20240
SEED_STRIDE = 1_000_003
N_PROMPTS = 48        # anisotropy, wen-first, sharpness-fd
N_FULL = 8            # wen-full (the first N_FULL prompts)
GENERATIONS = 4


class JavaRandom:
    """java.util.Random: the 48-bit LCG and the polar-method nextGaussian (JDK 17)."""
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK
        self.spare = None

    def _next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        return self.seed >> (48 - bits)

    def next_double(self):
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))

    def next_gaussian(self):
        if self.spare is not None:
            g, self.spare = self.spare, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        m = math.sqrt(-2 * math.log(s) / s)
        self.spare = v2 * m
        return v1 * m


def noise(seed, shape=(3, 16, 16)):
    r = JavaRandom(seed)
    n = shape[0] * shape[1] * shape[2]
    vals = torch.tensor([r.next_gaussian() for _ in range(n)], dtype=torch.float32)  # MemScope stores float32
    return vals.reshape(shape).double()


def alphas_cumprod():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0).double()


class Model:
    def __init__(self, onnx_dir):
        # Always the committed export's weights, never a train/checkpoint.pt that may lie around: these references
        # are the oracles of Java tests that run exactly those ONNX files, and a local (git-ignored) checkpoint can
        # be a newer or older training run. In pipeline.sh the export was just written from the checkpoint, so the
        # weights are the same bit for bit (onnx_weights.py verify).
        self.text, self.unet = onnx_weights.load_testbed(onnx_dir, torch.float64)
        self.tok = clip_bpe.ClipTokenizer(onnx_dir)
        self.acp = alphas_cumprod()

    @torch.no_grad()
    def states(self, prompts):
        return self.text(torch.tensor([self.tok.encode(p) for p in prompts], dtype=torch.int64))

    @torch.no_grad()
    def eps(self, x, t, states):
        return self.unet(x, torch.full((x.shape[0],), t, dtype=torch.int64), states)


def anisotropy_and_sharpness(m, prompts):
    x = noise(ANISO_SEED)[None].expand(len(prompts), -1, -1, -1).contiguous()
    c = m.states(prompts)
    u = m.states([""]).expand(len(prompts), -1, -1)
    eu, ec = m.eps(x, 981, u), m.eps(x, 981, c)
    d = ec - eu
    N = d.flatten(1).norm(dim=1)
    lu, lc = m.eps(x, 41, u), m.eps(x, 41, c)
    A = torch.nn.functional.cosine_similarity(lu, lc - lu, dim=1, eps=0).mean(dim=(1, 2))
    # sharpness: finite differences along ds / ||ds||, displacement h
    h = 1e-2 * math.sqrt(x[0].numel())
    dn = d.flatten(1).norm(dim=1)[:, None, None, None]
    k = torch.where(dn > 0, h / dn, torch.zeros_like(dn))
    # MemScope perturbs in float32; so does the reference, then evaluates in float64
    xp = (x + k * d).float().double()
    xm = (x - k * d).float().double()
    jc = (m.eps(xp, 981, c) - m.eps(xm, 981, c)) * (dn / (2 * h))
    ju = (m.eps(xp, 981, u) - m.eps(xm, 981, u)) * (dn / (2 * h))
    fd = (jc - ju).flatten(1).norm(dim=1)
    # exact JVP (autograd), for the record
    exact = []
    for i in range(len(prompts)):
        def f(xx, s):
            return m.unet(xx, torch.tensor([981]), s)
        _, jvc = torch.autograd.functional.jvp(lambda xx: f(xx, c[i:i + 1]), x[i:i + 1], d[i:i + 1])
        _, jvu = torch.autograd.functional.jvp(lambda xx: f(xx, u[i:i + 1]), x[i:i + 1], d[i:i + 1])
        exact.append(float((jvc - jvu).norm()))
    return N, A, fd, exact


def wen(m, prompts, steps_to_run):
    acp = m.acp
    ts = list(range(981, 0, -20))   # DDIM 50 steps, "leading" with steps_offset 1
    c = m.states(prompts)
    u = m.states([""])[0]
    out = []
    for p in range(len(prompts)):
        total = 0.0
        for g in range(GENERATIONS):
            x = noise(p + g * SEED_STRIDE)[None]
            for i, t in enumerate(ts[:steps_to_run]):
                both = m.eps(torch.cat([x, x]), t, torch.stack([u, c[p]]))
                eu, ec = both[0:1], both[1:2]
                total += float((ec - eu).norm())
                guided = eu + 7.5 * (ec - eu)
                a = acp[t]
                a_prev = acp[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0, dtype=torch.float64)
                x0 = (x - (1 - a).sqrt() * guided) / a.sqrt()
                x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * guided
        out.append(total / (steps_to_run * GENERATIONS))
    return out


def pick_prompts(labels_csv):
    """The first N_PROMPTS / 2 memorized and N_PROMPTS / 2 other captions of labels.csv, in file order."""
    import csv
    mem, other = [], []
    with open(labels_csv, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            (mem if r["memorized"] == "1" else other).append(r["caption"])
    half = N_PROMPTS // 2
    return [p for pair in zip(mem[:half], other[:half]) for p in pair]


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=os.path.join(ROOT, "models", "testbed"),
                    help="folder with onnx/ (the weights and the tokenizer) and labels.csv")
    a = ap.parse_args()
    torch.set_num_threads(2)
    base = a.models
    m = Model(os.path.join(base, "onnx"))
    prompts = pick_prompts(os.path.join(base, "labels.csv"))
    N, A, fd, exact = anisotropy_and_sharpness(m, prompts)
    first = wen(m, prompts, 1)
    full = wen(m, prompts[:N_FULL], 50)
    ref = {"generator": "scripts/testbed/reference_scores.py (PyTorch %s, float64)" % torch.__version__,
           "prompts": prompts, "anisotropy_N": N.tolist(), "anisotropy_A": A.tolist(),
           "anisotropy": (N + 2 * A).tolist(), "wen_first": first, "wen_full_prompts": N_FULL, "wen_full": full,
           "sharpness_fd": fd.tolist(), "sharpness_jvp_exact": exact}
    out = os.path.join(base, "reference")
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(out, ".reference_scores.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(ref, f, indent=1, ensure_ascii=False)
    os.replace(tmp, os.path.join(out, "reference_scores.json"))
    print(f"wrote {out}/reference_scores.json: {len(prompts)} prompts")


if __name__ == "__main__":
    main()
