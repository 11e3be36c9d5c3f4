#!/usr/bin/python3
"""Float64 reference vector-Jacobian products of the testbed UNet by torch.autograd (not the hand-written reverse
pass of vjp.py, not the ONNX graph): the oracle of dev.memscope.model.onnx.OnnxVjpTest.

Inputs, all exactly representable in float32 (what MemScope sends to ONNX Runtime):
  x_t, v      java.util.Random(seed).nextGaussian() cast to float32, as MemScope's tests draw them (reference_scores.py's
              JavaRandom), [3, 16, 16]
  states      the float64 text encoder's states of CAPTION (cond) and of the empty caption (uncond), rounded to 3
              significant digits (stored in the JSON; both sides then use the float32 nearest to those decimals)
Cases: timesteps 981, 500 and 41, each with cond and uncond states (x_t and v shared by the two). Stored per case:
out_sample, grad_sample = J_x^T v in full and grad_encoder_hidden_states = J_c^T v for the first STORED_TOKENS
tokens (BOS, the caption, EOS, padding; the size limit of the models folder), 5 significant digits.

  /usr/bin/python3 scripts/testbed/vjp_reference.py     # writes models/testbed/reference/vjp_reference.json
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_scores import Model, noise  # noqa: E402

MODELS = os.path.join(HERE, "..", "..", "models", "testbed")
CAPTION = "vintage crossed swords magnet"
TIMESTEPS = (981, 500, 41)
X_SEED = 15000
V_SEED = 15500
STORED_TOKENS = 8


def digits(t, n):
    return [float(f"%.{n}g" % v) for v in t.flatten().tolist()]


def main():
    torch.set_num_threads(2)
    m = Model(os.path.join(MODELS, "onnx"))
    states = {}
    for name, caption in (("cond", CAPTION), ("uncond", "")):
        rounded = digits(m.states([caption])[0], 3)
        states[name] = rounded
    cases = []
    for i, t in enumerate(TIMESTEPS):
        x0 = noise(X_SEED + i)[None]
        v = noise(V_SEED + i)[None]
        for name in ("cond", "uncond"):
            s = torch.tensor(states[name], dtype=torch.float32).double().reshape(1, 32, 128)
            x = x0.clone().requires_grad_(True)
            s.requires_grad_(True)
            out = m.unet(x, torch.tensor([t]), s)
            gx, gs = torch.autograd.grad(out, (x, s), v)
            cases.append({"timestep": t, "states": name, "x_seed": X_SEED + i, "v_seed": V_SEED + i,
                          "out_sample": digits(out.detach(), 5), "grad_sample": digits(gx, 5),
                          "grad_states_first_tokens": digits(gs[0, :STORED_TOKENS], 5)})
            print(f"t={t} {name}: |out| {out.norm():.4f} |J_x^T v| {gx.norm():.4f} |J_c^T v| {gs.norm():.4f}")
    # the weights are train/checkpoint.pt's EMA weights as exported to onnx/ (read back bit for bit by
    # onnx_weights.py; the checkpoint itself is no longer committed): the text is kept so the JSON stays the same
    doc = {"generator": f"scripts/testbed/vjp_reference.py (PyTorch {torch.__version__} float64, torch.autograd.grad"
                        " on train/checkpoint.pt's exported EMA weights)",
           "caption": CAPTION, "stored_tokens": STORED_TOKENS, "hidden": 128, "tokens": 32,
           "states": states, "cases": cases}
    path = os.path.join(MODELS, "reference", "vjp_reference.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
