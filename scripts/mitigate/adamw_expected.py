#!/usr/bin/env python3
"""Expected AdamW trajectories for dev.memscope.mitigate.AdamW, from torch.optim.AdamW (the independent oracle).

Wen et al.'s mitigation uses torch.optim.AdamW([emb], lr=0.05), i.e. torch's defaults otherwise: betas (0.9, 0.999),
eps 1e-8, weight_decay 0.01. Each case: a start vector p0 and a sequence of gradients (fixed, not recomputed from p:
the optimizer's arithmetic is what is checked); the expected parameters after every step, in float64.

Usage: /usr/bin/python3 scripts/mitigate/adamw_expected.py [OUT]  (default src/test/resources/mitigate/adamw.json)
"""
import json
import sys

import numpy as np
import torch

out = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/mitigate/adamw.json"
rng = np.random.default_rng(20261123)
cases = []
for name, size, steps, scale in [("small-grads", 5, 4, 1e-3), ("mixed-scales", 8, 10, 1.0), ("one-dim", 1, 3, 10.0)]:
    p0 = rng.normal(size=size)
    grads = rng.normal(size=(steps, size)) * scale * rng.uniform(0.1, 10, size=(steps, size))
    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.AdamW([p], lr=0.05)
    traj = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        traj.append(p.detach().numpy().copy().tolist())
    group = opt.param_groups[0]
    cases.append({"name": name, "p0": p0.tolist(), "grads": grads.tolist(), "expected": traj,
                  "lr": group["lr"], "betas": list(group["betas"]), "eps": group["eps"],
                  "weight_decay": group["weight_decay"]})
doc = {"oracle": "torch " + torch.__version__ + " torch.optim.AdamW", "script": "scripts/mitigate/adamw_expected.py",
       "cases": cases}
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
print("wrote", out)
