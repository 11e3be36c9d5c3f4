#!/usr/bin/python3
"""Float64 reference for SAIL's initial-noise optimization (SailReferenceTest), independent of MemScope.

It replays the mitigation block of the authors' code (Dongjae0324/sharpness_memorization_diffusion,
local_model/pipe.py, SD v1 branch) with torch autograd on a tiny analytic denoiser, images x (D = 6), embedding e
(E = 4), the null condition being e = 0:
    eps(x, e) = tanh(W x + M e) + 0.5 x
Per step: u = D(x_s)/||D(x_s)|| with D = eps_c - eps_u, loss = ||D(x + u)|| + 0.05 ||x|| per latent (plain norms),
accept latents with loss <= threshold before the update (index order), Adam lr 0.05 on the summed loss, at most 10
evaluations. "stale" builds the UNet input from the starting latent once, before the loop, as the authors' code does
(x_s = the round's start; the gradient still flows through it); "paper" takes the direction at the current x.
A threshold never reached with one round gives each candidate's lowest-loss evaluated latent, sorted by loss.

  /usr/bin/python3 scripts/mitigate/sail_expected.py   -> src/test/resources/mitigate/sail.json"""
import json
import os

import torch

torch.set_num_threads(2)
torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "src", "test", "resources", "mitigate", "sail.json")
D, E = 6, 4
LR, LAMBDA, MAX_STEPS = 0.05, 0.05, 10

g = torch.Generator().manual_seed(7)
W = torch.randn(D, D, generator=g) * 0.8
M = torch.randn(D, E, generator=g) * 0.7
EMB = {"p": torch.randn(E, generator=g), "q": torch.randn(E, generator=g)}
PROMPTS = ["p", "q", "p", ""]
X = torch.randn(len(PROMPTS), D, generator=g)


def eps(x, e):
    return torch.tanh(x @ W.T + e @ M.T) + 0.5 * x


def delta(x, e):
    return eps(x, e.expand(x.shape[0], E)) - eps(x, torch.zeros(x.shape[0], E))


def optimize(x0, e, threshold, need, form):
    """One round of the authors' loop; returns accepted (index, step, latent, loss) and per-step losses."""
    lat = x0.clone().requires_grad_(True)
    start = torch.cat([lat] * 1)        # the authors' lat_single: built once from the starting latent
    opt = torch.optim.Adam([lat], lr=LR)
    taken, record, losses, best = [], set(), [], {}
    for step in range(MAX_STEPS):
        at = start if form == "stale" else lat
        d = delta(at, e)
        u = d / d.norm(dim=1, keepdim=True)
        loss = delta(lat + u, e).norm(dim=1) + LAMBDA * lat.norm(dim=1)
        losses.append(loss.tolist())
        for i in range(lat.shape[0]):
            if i not in best or loss[i].item() < best[i][0]:
                best[i] = (loss[i].item(), lat[i].detach().clone())
        for i in range(lat.shape[0]):
            if i not in record and loss[i].item() <= threshold and len(taken) < need:
                record.add(i)
                taken.append((i, step, lat[i].detach().clone(), loss[i].item()))
        if len(taken) >= need:
            break
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    return taken, losses, best


def case(threshold, form):
    out = {}
    for p in ["p", "q"]:
        rows = [i for i, q in enumerate(PROMPTS) if q == p]
        taken, losses, best = optimize(X[rows], EMB[p], threshold, len(rows), form)
        latents = [None] * len(rows)
        for i, step, lat, _ in taken:        # an unoptimized own noise keeps its image
            if step == 0:
                latents[i] = lat
        rest = [lat for i, step, lat, _ in taken if step > 0]
        if len(taken) < len(rows):          # one round only: the lowest-loss evaluated latents
            chosen = {i for i, _, _, _ in taken}
            rest += [b[1] for b in sorted((best[i] for i in best if i not in chosen), key=lambda b: b[0])]
        for k in range(len(rows)):
            if latents[k] is None:
                latents[k] = rest.pop(0)
        out[p] = {"rows": rows, "latents": [l.tolist() for l in latents], "losses": losses,
                  "accepted": [[i, step, loss] for i, step, _, loss in taken]}
    return out


def free_run(form):
    return {p: optimize(X[[i for i, q in enumerate(PROMPTS) if q == p]], EMB[p], -1e9, 99, form)[1]
            for p in ["p", "q"]}


def main():
    cases = []
    for form in ["stale", "paper"]:
        traj = free_run(form)
        # a threshold the p latents cross mid-way: p's first image at its 4th evaluation
        thr = 0.5 * (traj["p"][3][0] + traj["p"][2][0])
        for p in traj:
            for step in traj[p]:
                for l in step:
                    assert abs(l - thr) > 1e-5 * max(1.0, abs(thr)), (form, l, thr)
        cases.append({"form": form, "threshold": thr, "result": case(thr, form)})
        cases.append({"form": form, "threshold": -1.0, "result": case(-1.0, form)})
    x = X[[0]]
    d = delta(x, EMB["p"])
    u = d / d.norm(dim=1, keepdim=True)
    loss_at_x = (delta(x + u, EMB["p"]).norm(dim=1) + LAMBDA * x.norm(dim=1)).item()
    data = {"W": W.tolist(), "M": M.tolist(), "embeddings": {k: v.tolist() for k, v in EMB.items()},
            "prompts": PROMPTS, "x": X.tolist(), "loss_p_at_x0": loss_at_x, "cases": cases,
            "torch": torch.__version__}
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
    print("wrote", OUT)
    for c in cases:
        print(c["form"], c["threshold"], {p: r["accepted"] for p, r in c["result"].items()})


if __name__ == "__main__":
    main()
