#!/usr/bin/python3
"""The PyTorch peer of TestbedBench: the same scores on the same model and prompts, float32 on this CPU (2 threads),
as a Python user of the papers' code would compute them: anisotropy (text encoder, UNet at t = 981 and 41 on a
shared x_T for the unconditional and conditional batch, norm and per-pixel cosine) and wen-full (4 generations,
50 CFG DDIM steps, batched). Prints one JSON line: median milliseconds per prompt over --repeats runs.

  /usr/bin/python3 scripts/testbed/bench_torch.py [--repeats 7]"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import onnx_weights  # noqa: E402
import reference_scores as ref  # noqa: E402
from tiny_sd import clip_bpe  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def prompts(count):
    import csv
    mem, other = [], []
    with open(os.path.join(ROOT, "models", "testbed", "labels.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            (mem if r["memorized"] == "1" else other).append(r["caption"])
    return mem[:count // 2] + other[:count - count // 2]


@torch.no_grad()
def anisotropy(text, unet, tok, ps, x):
    ids = torch.tensor([tok.encode(p) for p in [""] + ps], dtype=torch.int64)
    st = text(ids)
    n = len(ps)
    ehs = torch.cat([st[:1].expand(n, -1, -1), st[1:]])
    xx = x.expand(2 * n, -1, -1, -1)
    hi = unet(xx, torch.full((2 * n,), 981), ehs)
    N = (hi[n:] - hi[:n]).flatten(1).norm(dim=1)
    lo = unet(xx, torch.full((2 * n,), 41), ehs)
    A = torch.nn.functional.cosine_similarity(lo[:n], lo[n:] - lo[:n], dim=1).mean(dim=(1, 2))
    return N + 2 * A


@torch.no_grad()
def wen_full(text, unet, tok, ps, acp, generations=4):
    ids = torch.tensor([tok.encode(p) for p in [""] + ps], dtype=torch.int64)
    st = text(ids)
    n = len(ps) * generations
    cond = st[1:].repeat_interleave(generations, dim=0)
    ehs = torch.cat([st[:1].expand(n, -1, -1), cond])
    x = torch.randn(n, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    ts = list(range(981, 0, -20))
    total = torch.zeros(n)
    for i, t in enumerate(ts):
        e = unet(torch.cat([x, x]), torch.full((2 * n,), t), ehs)
        eu, ec = e[:n], e[n:]
        total += (ec - eu).flatten(1).norm(dim=1)
        g = eu + 7.5 * (ec - eu)
        a = acp[t]
        ap = acp[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        x0 = (x - (1 - a).sqrt() * g) / a.sqrt()
        x = ap.sqrt() * x0 + (1 - ap).sqrt() * g
    return total / len(ts)


def median_ms(fn, repeats, count):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000 / count)
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--prompts", default="4,16", help="prompt counts, comma-separated")
    a = ap.parse_args()
    torch.set_num_threads(2)
    base = os.path.join(ROOT, "models", "testbed")
    text, unet = onnx_weights.load_testbed(os.path.join(base, "onnx"), torch.float32)
    tok = clip_bpe.ClipTokenizer(os.path.join(base, "onnx"))
    x = ref.noise(20240).float()[None]
    acp = ref.alphas_cumprod().float()
    out = {"peer": "pytorch", "torch": torch.__version__, "threads": 2, "by_prompts": {}}
    for count in (int(c) for c in a.prompts.split(",")):
        ps = prompts(count)
        an, an_all = median_ms(lambda: anisotropy(text, unet, tok, ps, x), a.repeats, count)
        # wen-full runs for minutes at 16 prompts: fewer repeats, still a median of at least 2
        wf, wf_all = median_ms(lambda: wen_full(text, unet, tok, ps, acp), max(2, a.repeats // 3), count)
        out["by_prompts"][str(count)] = {"anisotropy_ms_per_prompt": an, "wen-full_ms_per_prompt": wf,
                                         "anisotropy_runs_ms": an_all, "wen-full_runs_ms": wf_all}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
