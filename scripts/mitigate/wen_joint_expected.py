#!/usr/bin/python3
"""Float64 reference for Wen et al.'s joint prompt-embedding optimization (WenJointTest), independent of MemScope.

A linear test denoiser with an embedding e (E = 4) and images x (D = 6):
    eps(x, e) = 0.5 x + M e + x * (N e)        (elementwise *), the null condition being e = 0,
so eps_c - eps_u = M e + x * (N e). For one prompt with images x_1..x_n the loss is the plain L2 norm of the
whole batch's difference, L(e) = sqrt(sum_k ||M e + x_k * (N e)||^2), its gradient
sum_k (M^T + N^T diag(x_k)) d_k / L; AdamW as torch.optim.AdamW (lr 0.05, betas 0.9/0.999, eps 1e-8, weight decay
0.01); before each update stop if L <= target * sqrt(n); at most 10 updates.

  /usr/bin/python3 scripts/mitigate/wen_joint_expected.py   -> src/test/resources/mitigate/wen_joint.json"""
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "src", "test", "resources", "mitigate", "wen_joint.json")
D, E = 6, 4
LR, B1, B2, EPS, WD = 0.05, 0.9, 0.999, 1e-8, 0.01


def run(e0, xs, M, N, target, max_steps=10):
    e = e0.copy()
    m = np.zeros(E)
    v = np.zeros(E)
    losses = []
    n = len(xs)
    for step in range(max_steps + 1):
        d = [M @ e + x * (N @ e) for x in xs]
        L = math.sqrt(sum(float(di @ di) for di in d))
        losses.append(L)
        if L <= target * math.sqrt(n) or step == max_steps:
            return e, losses, step
        g = sum(M.T @ di + N.T @ (x * di) for x, di in zip(xs, d)) / L
        t = step + 1
        e = e - LR * WD * e
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        e = e - LR * (m / (1 - B1 ** t)) / (np.sqrt(v / (1 - B2 ** t)) + EPS)
    raise AssertionError("unreachable")


def main():
    rng = np.random.default_rng(15)
    # values rounded to float32 first: the Java model holds them in float32
    f32 = lambda a: np.asarray(a, np.float32).astype(np.float64)  # noqa: E731
    M = f32(rng.normal(0, 0.6, (D, E)))
    N = f32(rng.normal(0, 0.4, (D, E)))
    emb = {"p": f32(rng.normal(0, 1, E)), "q": f32(rng.normal(0, 1, E))}
    prompts = ["p", "q", "p", "", "q", "p"]          # a batch: p three times, q twice, one empty prompt
    xs = f32(rng.normal(0, 1, (len(prompts), D)))
    cases = []
    for target in (0.0, 2.1):   # 0: never reached (10 updates); 2.1: p stops after 5 updates, q runs 10
        res = {}
        for p in ("p", "q"):
            members = [i for i, pp in enumerate(prompts) if pp == p]
            e, losses, steps = run(emb[p], [xs[i] for i in members], M, N, target)
            res[p] = {"embedding": e.tolist(), "losses": losses, "steps": steps}
        cases.append({"target": target, "result": res})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"D": D, "E": E, "M": M.tolist(), "N": N.tolist(), "embeddings": {k: v.tolist() for k, v in
                   emb.items()}, "prompts": prompts, "x": xs.tolist(), "cases": cases}, f, indent=1)
    print("wrote", OUT, [(c["target"], {p: c["result"][p]["steps"] for p in c["result"]}) for c in cases])


if __name__ == "__main__":
    main()
