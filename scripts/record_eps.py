#!/usr/bin/python3
"""Records a text-to-image diffusion model's noise predictions for MemScope's replay (`memscope detect --replay DIR`,
`memscope compare --replay DIR`): run it where the model runs (a GPU machine with diffusers), copy DIR back, and
MemScope scores the prompts with every detector the recording allows, without the model.

Per prompt i it records, in float32 ([n, C, H, W] shards of up to --shard-size prompts):
  noise                 the pure-noise latent x_T: torch.randn((1, C, H, W), dtype=float32,
                        generator=torch.Generator("cpu").manual_seed(seed)), one x_T shared by every prompt (the
                        default, --noise shared: how the anisotropy detector's authors draw it, so that prompts are
                        compared on the same latent), or manual_seed(seed + i) for prompt i (--noise per-prompt)
                        (CPU generator: same on any device)
  eps_u, eps_c at t     the unconditional ("") and conditional raw model outputs (eps, or v for v-prediction models)
                        on that same x_T at each --timesteps t (default 981 and 41: anisotropy, wen-first)
and with --trajectory the whole CFG DDIM trajectory from x_T (wen-full), shards [n, steps, C, H, W]:
  traj_x, traj_eps_u, traj_eps_c   the latent before each step and both raw outputs there.
The trajectory is stepped here exactly as MemScope's DdimSampler steps it (so Java can walk it again and check every
latent): SD's scaled-linear schedule built in float32 (diffusers' alphas_cumprod), "leading" timesteps with
steps_offset 1 (50 steps: 981, 961, ..., 1), eps = v-to-eps for v models, guided = eps_u + g (eps_c - eps_u) and
x_prev = a x + b guided in float32 with a = sqrt(abar_prev / abar), b = sqrt(1 - abar_prev) - a sqrt(1 - abar),
abar_prev = abar(t - 1000 / steps) (1 past t = 0; the final step's result is not recorded, so diffusers'
set_alpha_to_one=False changes nothing here).

manifest.json (written last) lists the model, prediction type, latent shape, timesteps, trajectory, noise seed
rule, prompts with labels ("mem" / "nmem" / null) and every shard with its prompt range, shape, dtype and sha256.
Every file is written to a temp file and renamed, so nothing half-written is left; a run that dies leaves no manifest.

Usage (user's GPU machine; needs torch, diffusers, transformers):
  python3 scripts/record_eps.py --model CompVis/stable-diffusion-v1-4 --mem sd1_mem.txt --nmem sd1_nmem.txt \\
      --out replay-sd14 [--trajectory] [--device cuda] [--dtype float16] [--batch 8] [--limit 100]
Tiny test model (here; Debian python3-torch, no diffusers):
  /usr/bin/python3 scripts/record_eps.py --tiny src/test/resources/dev/memscope/model/onnx/tiny \\
      --prompts p.txt --out DIR --latent 4,8,8
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile
import time

import numpy as np

FORMAT = "memscope-replay"
VERSION = 1
TRAIN_STEPS = 1000
BETA_START = 0.00085
BETA_END = 0.012
STEPS_OFFSET = 1
NOISE_RULES = {
    "shared": ("x_T of every prompt = torch.randn((1, C, H, W), dtype=torch.float32, "
               "generator=torch.Generator('cpu').manual_seed(seed)) (one x_T shared by all prompts)"),
    "per-prompt": ("x_T of prompt i = torch.randn((1, C, H, W), dtype=torch.float32, "
                   "generator=torch.Generator('cpu').manual_seed(seed + i))"),
}


# ---- the schedule and the DDIM step, as dev.memscope.diffusion.NoiseSchedule / DdimSampler compute them ----------

def alphas_cumprod():
    """float32 scaled-linear betas and their float32 running product (diffusers' alphas_cumprod), as float64."""
    a = np.sqrt(BETA_START)
    b = np.sqrt(BETA_END)
    prod = np.float32(1)
    out = np.empty(TRAIN_STEPS)
    for t in range(TRAIN_STEPS):
        s = np.float32(a + (b - a) * t / (TRAIN_STEPS - 1))
        prod = np.float32(prod * (np.float32(1) - s * s))
        out[t] = prod
    return out


def ddim_timesteps(steps):
    ratio = TRAIN_STEPS // steps
    return [(steps - 1 - i) * ratio + STEPS_OFFSET for i in range(steps)]


def to_eps(raw, x, abar, prediction_type):
    """Raw model output to eps (V_TO_EPS: eps = sqrt(1 - abar) x + sqrt(abar) v), float32 like Java."""
    if prediction_type == "epsilon":
        return raw
    return np.float32(np.sqrt(1 - abar)) * x + np.float32(np.sqrt(abar)) * raw


def ddim_step(x, eps_u, eps_c, guidance, abar, abar_prev):
    g = np.float32(guidance)
    guided = eps_u + g * (eps_c - eps_u)
    sa = np.sqrt(abar)
    sp = np.sqrt(abar_prev)
    alpha = np.float32(sp / sa)
    beta = np.float32(np.sqrt(1 - abar_prev) - sp * np.sqrt(1 - abar) / sa)
    return alpha * x + beta * guided


# ---- models --------------------------------------------------------------------------------------------------

class Model:
    """encode(prompts) -> text states; predict(x, t, states) -> raw outputs (numpy float32)."""
    model_id = None
    prediction_type = None
    latent = None


class TinyModel(Model):
    """The committed tiny SD-shaped test model (scripts/tiny_sd), float32, CPU."""

    def __init__(self, folder, latent):
        import torch
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from tiny_sd import model as tiny
        self.torch = torch
        self.tiny = tiny
        self.tok, self.text, self.unet, self.prediction_type = tiny.load_tiny(folder, dtype=torch.float32)
        if latent[0] != tiny.CHANNELS:
            raise SystemExit(f"--latent: the tiny UNet has {tiny.CHANNELS} channels, got {latent[0]}")
        self.latent = latent
        self.model_id = "tiny:" + os.path.relpath(os.path.abspath(folder), start=os.getcwd()) \
            + f" (scripts/tiny_sd, seed {tiny.SEED})"

    def encode(self, prompts):
        return self.tiny.embed(self.tok, self.text, prompts)

    def predict(self, x, t, states):
        torch = self.torch
        with torch.no_grad():
            ts = torch.full((x.shape[0],), t, dtype=torch.int64)
            return self.unet(torch.from_numpy(x), ts, states).float().numpy()


class DiffusersModel(Model):
    """A diffusers Stable Diffusion checkpoint: its UNet, text encoder, tokenizer and scheduler config."""

    def __init__(self, model_id, device, dtype_name, revision):
        import torch
        from diffusers import DDIMScheduler, UNet2DConditionModel  # lazily: only this mode needs diffusers
        from transformers import CLIPTextModel, CLIPTokenizer
        self.torch = torch
        self.device = device
        self.dtype = getattr(torch, dtype_name)
        kw = {"revision": revision} if revision else {}
        self.tokenizer = CLIPTokenizer.from_pretrained(model_id, subfolder="tokenizer", **kw)
        self.text_encoder = CLIPTextModel.from_pretrained(model_id, subfolder="text_encoder", torch_dtype=self.dtype,
                                                          **kw).to(device).eval()
        self.unet = UNet2DConditionModel.from_pretrained(model_id, subfolder="unet", torch_dtype=self.dtype,
                                                         **kw).to(device).eval()
        scheduler = DDIMScheduler.from_pretrained(model_id, subfolder="scheduler", **kw)
        cfg = scheduler.config
        problems = []
        if cfg.num_train_timesteps != TRAIN_STEPS:
            problems.append(f"num_train_timesteps {cfg.num_train_timesteps}")
        if cfg.beta_schedule != "scaled_linear" or abs(cfg.beta_start - BETA_START) > 1e-12 \
                or abs(cfg.beta_end - BETA_END) > 1e-12:
            problems.append(f"betas {cfg.beta_schedule} {cfg.beta_start}..{cfg.beta_end}")
        if cfg.get("steps_offset", 0) != STEPS_OFFSET:
            problems.append(f"steps_offset {cfg.get('steps_offset', 0)}")
        ours = alphas_cumprod()
        theirs = scheduler.alphas_cumprod.double().numpy()
        # a different schedule is off by percents; torch versions round float32 linspace / cumprod differently by
        # ~1e-6 (torch 1.13: 1.4e-6 at t = 947), which the trajectory never sees: it is stepped with `ours`
        if not np.allclose(theirs, ours, rtol=1e-5, atol=0):
            problems.append("alphas_cumprod differ from the float32 scaled-linear schedule by "
                            f"{np.max(np.abs(theirs / ours - 1)):.2e} relative")
        if problems:
            raise SystemExit(f"{model_id}: its scheduler is not SD's (MemScope's NoiseSchedule): " + "; ".join(problems))
        self.prediction_type = cfg.get("prediction_type", "epsilon")
        size = self.unet.config.sample_size
        self.latent = (self.unet.config.in_channels, size, size)
        self.model_id = model_id + (f"@{revision}" if revision else "")

    def encode(self, prompts):
        torch = self.torch
        ids = self.tokenizer(prompts, padding="max_length", max_length=self.tokenizer.model_max_length,
                             truncation=True, return_tensors="pt").input_ids
        with torch.no_grad():
            return self.text_encoder(ids.to(self.device))[0]

    def predict(self, x, t, states):
        torch = self.torch
        with torch.no_grad():
            sample = torch.from_numpy(x).to(self.device, self.dtype)
            out = self.unet(sample, t, encoder_hidden_states=states).sample
        return out.float().cpu().numpy()


# ---- recording -----------------------------------------------------------------------------------------------

def read_prompts(path, label, limit):
    try:
        with open(path, encoding="utf-8") as f:
            lines = [(n + 1, line.strip()) for n, line in enumerate(f)]
    except OSError as e:
        raise SystemExit(f"{path}: cannot read prompts: {e}")
    out = [(text, label, f"{path}:{n}") for n, text in lines if text]
    if not out:
        raise SystemExit(f"{path}: no prompts (blank lines are skipped)")
    return out[:limit] if limit else out


def noise(seed, index, latent, mode):
    import torch
    g = torch.Generator("cpu").manual_seed(seed if mode == "shared" else seed + index)
    return torch.randn((1,) + tuple(latent), dtype=torch.float32, generator=g).numpy()


def atomic_save(folder, name, array):
    """np.save to a temp file in folder, fsync, rename; returns the sha256 of the bytes written."""
    fd, tmp = tempfile.mkstemp(prefix="." + name + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, np.ascontiguousarray(array, dtype=np.float32))
            f.flush()
            os.fsync(f.fileno())
        with open(tmp, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        os.replace(tmp, os.path.join(folder, name))
        return sha
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(folder, name, text):
    fd, tmp = tempfile.mkstemp(prefix="." + name + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(folder, name))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def record(model, prompts, out, seed, timesteps, trajectory_steps, guidance, batch, shard_size, log,
           noise_mode="shared"):
    os.makedirs(out, exist_ok=True)
    stale = os.path.join(out, "manifest.json")
    if os.path.exists(stale):
        os.unlink(stale)   # the old manifest must not describe the shards this run replaces
    abars = alphas_cumprod()
    traj_ts = ddim_timesteps(trajectory_steps) if trajectory_steps else []
    ratio = TRAIN_STEPS // trajectory_steps if trajectory_steps else 0
    uncond = model.encode([""])
    pt = model.prediction_type
    shards = []
    n = len(prompts)
    started = time.time()
    evals_total = n * 2 * (len(timesteps) + len(traj_ts))
    evals_done = 0
    for first in range(0, n, shard_size):
        last = min(n, first + shard_size)
        fields = {"noise": []}
        for t in timesteps:
            fields[("eps_u", t)] = []
            fields[("eps_c", t)] = []
        for f in ("traj_x", "traj_eps_u", "traj_eps_c"):
            fields[f] = []
        for b0 in range(first, last, batch):
            b1 = min(last, b0 + batch)
            texts = [p[0] for p in prompts[b0:b1]]
            cond = model.encode(texts)
            states = model.torch.cat([uncond.expand(len(texts), *uncond.shape[1:]), cond], dim=0)
            x_t = np.concatenate([noise(seed, i, model.latent, noise_mode) for i in range(b0, b1)])
            fields["noise"].append(x_t)
            for t in timesteps:
                o = model.predict(np.concatenate([x_t, x_t]), t, states)
                fields[("eps_u", t)].append(o[:len(texts)])
                fields[("eps_c", t)].append(o[len(texts):])
                evals_done += 2 * len(texts)
            if traj_ts:
                xs, us, cs = [], [], []
                x = x_t.copy()
                for k, t in enumerate(traj_ts):
                    o = model.predict(np.concatenate([x, x]), t, states)
                    u, c = o[:len(texts)], o[len(texts):]
                    xs.append(x)
                    us.append(u)
                    cs.append(c)
                    abar = abars[t]
                    abar_prev = abars[t - ratio] if t - ratio >= 0 else 1.0
                    x = ddim_step(x, to_eps(u, x, abar, pt), to_eps(c, x, abar, pt), guidance, abar, abar_prev)
                    if not np.all(np.isfinite(x)):
                        raise SystemExit(f"non-finite latent after step {k} (t={t}) for prompts {b0}..{b1 - 1}")
                    evals_done += 2 * len(texts)
                fields["traj_x"].append(np.stack(xs, axis=1))
                fields["traj_eps_u"].append(np.stack(us, axis=1))
                fields["traj_eps_c"].append(np.stack(cs, axis=1))
            elapsed = time.time() - started
            eta = elapsed / evals_done * (evals_total - evals_done) if evals_done else 0
            log(f"prompts {b1}/{n}: {evals_done}/{evals_total} forward passes, {elapsed:.1f} s, ETA {eta:.0f} s")
        for key, parts in fields.items():
            if not parts:
                continue
            array = np.concatenate(parts).astype(np.float32)
            if not np.all(np.isfinite(array)):
                raise SystemExit(f"model output {key} holds non-finite values for prompts {first}..{last - 1}")
            field, t = key if isinstance(key, tuple) else (key, None)
            name = f"{field}{'' if t is None else f'_t{t}'}_{first:06d}-{last - 1:06d}.npy"
            sha = atomic_save(out, name, array)
            entry = {"file": name, "field": field}
            if t is not None:
                entry["t"] = t
            entry.update({"first": first, "count": last - first, "shape": list(array.shape), "dtype": "float32",
                          "sha256": sha})
            shards.append(entry)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "model": model.model_id,
        "prediction_type": pt,
        "latent_shape": list(model.latent),
        "images_per_prompt": 1,
        "noise": {"seed": seed, "mode": noise_mode, "rule": NOISE_RULES[noise_mode]},
        "timesteps": list(timesteps),
        "trajectory": {"steps": trajectory_steps, "guidance": guidance, "timesteps": traj_ts,
                       "step_rule": "MemScope DdimSampler (see scripts/record_eps.py)"} if trajectory_steps else None,
        "outputs": "raw model outputs (eps, or v for v_prediction), float32",
        "prompts": [{"index": i, "prompt": p[0], "label": p[1], "source": p[2]} for i, p in enumerate(prompts)],
        "shards": shards,
    }
    atomic_write_text(out, "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    log(f"wrote {len(shards)} shards and manifest.json for {n} prompts to {out} in {time.time() - started:.1f} s")
    return manifest


def parse_latent(text):
    try:
        dims = tuple(int(d) for d in text.split(","))
    except ValueError:
        raise SystemExit(f"--latent must be C,H,W, got '{text}'")
    if len(dims) != 3 or min(dims) < 1:
        raise SystemExit(f"--latent must be three positive sizes C,H,W, got '{text}'")
    return dims


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="diffusers model id or folder, e.g. CompVis/stable-diffusion-v1-4")
    src.add_argument("--tiny", metavar="DIR", help="the tiny test model's folder (vocab.json, merges.txt)")
    ap.add_argument("--prompts", help="prompt file (.txt, one per line), unlabelled")
    ap.add_argument("--mem", help="memorized prompts (.txt), labelled mem")
    ap.add_argument("--nmem", help="non-memorized prompts (.txt), labelled nmem")
    ap.add_argument("--limit", type=int, default=0, help="first N prompts of each file (default: all)")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=0, help="noise seed (default 0); see --noise")
    ap.add_argument("--noise", choices=sorted(NOISE_RULES), default="shared",
                    help="shared: one x_T (seed) for every prompt, as the anisotropy authors do (default); "
                         "per-prompt: prompt i uses seed + i")
    ap.add_argument("--timesteps", default="981,41", help="pure-noise timesteps (default 981,41)")
    ap.add_argument("--trajectory", action="store_true", help="also record the CFG DDIM trajectory (wen-full)")
    ap.add_argument("--steps", type=int, default=50, help="trajectory steps (default 50)")
    ap.add_argument("--guidance", type=float, default=7.5, help="trajectory guidance scale (default 7.5)")
    ap.add_argument("--batch", type=int, default=8, help="prompts per model call (a call holds 2x: CFG pairs)")
    ap.add_argument("--shard-size", type=int, default=64, help="prompts per shard file (default 64)")
    ap.add_argument("--latent", default="4,8,8", help="--tiny only: latent C,H,W (default 4,8,8)")
    ap.add_argument("--device", default="cuda", help="--model only: torch device (default cuda)")
    ap.add_argument("--dtype", default="float16", help="--model only: float16 or float32 (default float16)")
    ap.add_argument("--revision", help="--model only: model revision")
    a = ap.parse_args(argv)

    if a.prompts and (a.mem or a.nmem):
        ap.error("give --prompts, or --mem and/or --nmem, not both")
    if not (a.prompts or a.mem or a.nmem):
        ap.error("no prompts: give --prompts FILE or --mem FILE --nmem FILE")
    for name, v in (("--batch", a.batch), ("--shard-size", a.shard_size), ("--steps", a.steps)):
        if v < 1:
            ap.error(f"{name} must be >= 1, got {v}")
    if not np.isfinite(a.guidance):
        ap.error("--guidance must be finite")
    try:
        timesteps = [int(t) for t in a.timesteps.split(",") if t.strip()]
    except ValueError:
        ap.error(f"--timesteps must be integers, got '{a.timesteps}'")
    if any(t < 0 or t >= TRAIN_STEPS for t in timesteps) or len(set(timesteps)) != len(timesteps):
        ap.error(f"--timesteps must be distinct, in [0, {TRAIN_STEPS - 1}]: {a.timesteps}")

    prompts = []
    if a.prompts:
        prompts += read_prompts(a.prompts, None, a.limit)
    if a.mem:
        prompts += read_prompts(a.mem, "mem", a.limit)
    if a.nmem:
        prompts += read_prompts(a.nmem, "nmem", a.limit)
    seen = {}
    unique = []
    for p in prompts:
        if p[0] in seen:
            print(f"record_eps: skipping {p[2]}: same prompt as {seen[p[0]]}", file=sys.stderr)
            continue
        seen[p[0]] = p[2]
        unique.append(p)

    if a.tiny:
        model = TinyModel(a.tiny, parse_latent(a.latent))
    else:
        model = DiffusersModel(a.model, a.device, a.dtype, a.revision)

    def log(msg):
        print("record_eps: " + msg, file=sys.stderr, flush=True)

    record(model, unique, a.out, a.seed, timesteps, a.steps if a.trajectory else 0, a.guidance, a.batch,
           a.shard_size, log, a.noise)


if __name__ == "__main__":
    main()
