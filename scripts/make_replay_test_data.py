#!/usr/bin/python3
"""Records MemScope's replay test data with the tiny test model and computes the expected detector scores.

Writes src/test/resources/dev/memscope/model/replay/:
  prompts_mem.txt, prompts_nmem.txt   the first 6 prompts of sd1_mem.txt / sd1_nmem.txt (shared data)
  pure/         scripts/record_eps.py --tiny ... --mem --nmem (6 + 6 prompts), latent 4x8x8, t = 981 and 41,
                shards of 5 prompts (so 3 shards per field, the last one short)
  trajectory/   the first 2 + 2 of them, latent 4x4x4, t = 981 and 41 plus --trajectory (50 steps, guidance 7.5),
                shards of 3 prompts
  */expected.json   per prompt, in float64 NumPy from the shards alone (the Java tests' oracle):
     anisotropy = N + 2 A, N = ||eps_c(981) - eps_u(981)||_2, A = mean over pixels of the cosine across channels
                  of eps_u(41) and eps_c(41) - eps_u(41) (norms floored at 1e-8, like ScoreKernels.COSINE_EPS)
     wen-first  = ||eps_c(981) - eps_u(981)||_2 at the pure-noise latent (the trajectory's first step)
     wen-full   = mean over the 50 steps of ||traj_eps_c - traj_eps_u||_2
     trajectory_max_step_error: the largest |x_{k+1} - DDIM(x_k, eps_u, eps_c)| re-derived here in float64, a
                  measure of how far a re-walk of the recorded trajectory drifts (ReplayDenoiser's tolerance)
Regenerate:  /usr/bin/python3 scripts/make_replay_test_data.py   (python3-torch; deterministic)
"""
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import record_eps  # noqa: E402

ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "src/test/resources/dev/memscope/model/replay")
TINY = os.path.join(ROOT, "src/test/resources/dev/memscope/model/onnx/tiny")
SHARED = os.environ.get("MEMSCOPE_SHARED", os.path.join(ROOT, "..", "shared"))
COSINE_EPS = 1e-8


def first_lines(name, n):
    with open(os.path.join(SHARED, "data", name), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()][:n]


def load(folder):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    fields = {}
    for s in m["shards"]:
        key = (s["field"], s.get("t"))
        a = np.load(os.path.join(folder, s["file"])).astype(np.float64)
        fields.setdefault(key, [None] * len(m["prompts"]))
        for i in range(s["count"]):
            fields[key][s["first"] + i] = a[i]
    return m, {k: np.stack(v) for k, v in fields.items()}


def norm(d):
    return np.sqrt((d.reshape(d.shape[0], -1) ** 2).sum(axis=1))


def pixel_cosine(u, v):
    """[n, C, H, W] -> mean over H*W of cos(u[:, :, h, w], v[:, :, h, w])."""
    dot = (u * v).sum(axis=1)
    nu = np.maximum(np.sqrt((u * u).sum(axis=1)), COSINE_EPS)
    nv = np.maximum(np.sqrt((v * v).sum(axis=1)), COSINE_EPS)
    return (dot / (nu * nv)).reshape(u.shape[0], -1).mean(axis=1)


def expected(folder):
    m, f = load(folder)
    out = {"prompts": [p["prompt"] for p in m["prompts"]], "labels": [p["label"] for p in m["prompts"]]}
    eu981, ec981 = f[("eps_u", 981)], f[("eps_c", 981)]
    eu41, ec41 = f[("eps_u", 41)], f[("eps_c", 41)]
    n_mag = norm(ec981 - eu981)
    a = pixel_cosine(eu41, ec41 - eu41)
    out["anisotropy"] = list(n_mag + 2 * a)
    out["wen-first"] = list(n_mag)
    if m["trajectory"]:
        steps = m["trajectory"]["steps"]
        g = m["trajectory"]["guidance"]
        x, u, c = f[("traj_x", None)], f[("traj_eps_u", None)], f[("traj_eps_c", None)]
        out["wen-full"] = list(np.mean([norm(c[:, k] - u[:, k]) for k in range(steps)], axis=0))
        abars = record_eps.alphas_cumprod()
        ts = m["trajectory"]["timesteps"]
        ratio = 1000 // steps
        worst = 0.0
        for k in range(steps - 1):
            t = ts[k]
            ab, ap = abars[t], abars[t - ratio]
            guided = u[:, k] + g * (c[:, k] - u[:, k])
            x0 = (x[:, k] - np.sqrt(1 - ab) * guided) / np.sqrt(ab)
            nxt = np.sqrt(ap) * x0 + np.sqrt(1 - ap) * guided
            worst = max(worst, float(np.max(np.abs(nxt - x[:, k + 1]))))
        out["trajectory_max_step_error"] = worst
        assert np.array_equal(x[:, 0], f[("noise", None)]), "trajectory must start at the recorded noise"
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    return out


def main():
    mem = first_lines("sd1_mem.txt", 6)
    nmem = first_lines("sd1_nmem.txt", 6)
    os.makedirs(OUT, exist_ok=True)
    for name, lines in (("prompts_mem.txt", mem), ("prompts_nmem.txt", nmem)):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    runs = [("pure", 6, "4,8,8", False, 5), ("trajectory", 2, "4,4,4", True, 3)]
    for folder, limit, latent, traj, shard in runs:
        target = os.path.join(OUT, folder)
        if os.path.isdir(target):
            shutil.rmtree(target)
        args = ["--tiny", os.path.relpath(TINY), "--mem", os.path.relpath(os.path.join(OUT, "prompts_mem.txt")),
                "--nmem", os.path.relpath(os.path.join(OUT, "prompts_nmem.txt")), "--limit", str(limit),
                "--out", target, "--latent", latent, "--shard-size", str(shard), "--batch", "4", "--seed", "7",
                # the committed test data predates shared noise; distinct latents per prompt also test more
                "--noise", "per-prompt"]
        if traj:
            args.append("--trajectory")
        record_eps.main(args)
        e = expected(target)
        print(f"{folder}: " + ", ".join(f"{k} {np.round(v, 4).tolist()}" for k, v in e.items()
                                        if k not in ("prompts", "labels")))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
