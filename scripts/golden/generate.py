#!/usr/bin/env python3
"""Golden outputs for MemScope's score kernels, from an implementation that shares no code with the Java one.

Usage:  python3 scripts/golden/generate.py [--out DIR]      (default: golden-outputs/ at the repository root)

Writes, under DIR:
  inputs/*.npy     float32 input tensors [B, C, H, W] (several cases share one input set)
  expected/*.npy   float64 expected outputs: [B] for per-sample reductions, [B, C, H, W] for elementwise ops
  manifest.json    one entry per case: name, op, inputs in formula order (name, file, shape), params (exactly the
                   `memscope kernel --param k=v` pairs), output (file, shape), seed, rtol, atol, description
  README.md        the case list and the tolerance rules below

Every formula is written out here from the definitions documented in ScoreKernels.java, Conversion.java and
CheckedKernels.ddimStep, in float64, on the float32 inputs upcast to float64. Long sums use math.fsum (correctly
rounded), and the short channel sums of the per-pixel cosines run in a fixed order, so the expected values do
not depend on NumPy's summation order, SIMD dispatch or version. Inputs come from np.random.default_rng(seed).

Tolerance rules (a case passes when |actual - expected| <= atol + rtol * |expected| for every element; atol is
either one number or one number per sample):
  * reductions (diffNorm, mse): rtol = 1e-6, atol = 2**-149. The float32 result cannot resolve finer than one
    subnormal step, which matters only for the 1e-20 samples of mse (values near 1e-40).
  * cosines (pixelCosine, globalCosine, guidanceAlignment): rtol = 1e-6, atol = 1e-6. Cosines are bounded by 1,
    so 1e-6 is the reduction rtol at their natural scale; without it a mean cosine that is near 0 (independent
    inputs, or inputs below the 1e-8 norm clamp) would demand an accuracy no float32 computation has.
  * elementwise (cfg, amg, ddimStep, convert): rtol = 1e-6 and, per sample b, atol[b] = max(1e-6 * M_b, 2**-149)
    where M_b is the largest over the sample's elements of the sum of the absolute values of the formula's terms
    (in expanded form, e.g. |eps_u| + |s||eps_c| + |s||eps_u| for cfg). Where the terms cancel, float32 rounding
    error is proportional to the terms, not to the result; one atol per sample keeps a 1e-20 sample and a 1e+18
    sample of the same batch each checked at their own scale.
"""

import argparse
import json
import math
import os
import re
import sys

import numpy as np

FORMAT_VERSION = 1
COSINE_EPS = 1e-8          # ScoreKernels.COSINE_EPS: clamp on each vector norm
RTOL = 1e-6                # every op
COSINE_ATOL = 1e-6         # cosines are bounded by 1
TERM_ATOL_FACTOR = 1e-6    # elementwise atol = factor * (largest sum of |terms| in the sample)
F32_TINY = 2.0 ** -149     # smallest float32 subnormal: no float32 result resolves finer

PER_SAMPLE_OPS = ("diffNorm", "pixelCosine", "guidanceAlignment", "globalCosine", "mse")
VARIANTS = ("uncond-guidance", "cond-uncond", "cond-guidance")
CONVERSIONS = ("eps-to-x0", "x0-to-eps", "v-to-eps", "v-to-x0", "eps-to-v")
SD_LATENT = (4, 64, 64)    # Stable Diffusion v1 latents: 4 channels at 64 x 64


# ---- Stable Diffusion's scaled-linear noise schedule ------------------------------------------------------------

def sd_alphabar():
    """abar[t] for t = 0..999 as diffusers builds it for Stable Diffusion, in float32: betas =
    linspace(sqrt(0.00085), sqrt(0.012), 1000, float32)**2, abar = cumprod(1 - betas) in float32, then held as
    float64. That is the schedule real SD checkpoints are sampled with (abar(981) = 0.0057754889); a float64
    product drifts from it by 1.9e-6 relative. The kernels only see the resulting numbers, recorded per case."""
    roots = np.linspace(math.sqrt(0.00085), math.sqrt(0.012), 1000, dtype=np.float64).astype(np.float32)
    betas = roots * roots
    return np.cumprod(np.float32(1.0) - betas, dtype=np.float32).astype(np.float64)


ABAR = sd_alphabar()


# ---- reference formulas (float64) -------------------------------------------------------------------------------

def f64(x):
    return np.asarray(x, dtype=np.float64)


def fsum_per_sample(x):
    """Correctly rounded sum of each sample's elements."""
    return np.array([math.fsum(row.tolist()) for row in x.reshape(x.shape[0], -1)], dtype=np.float64)


def ref_diff_norm(a, b):
    d = f64(a) - f64(b)
    return np.sqrt(fsum_per_sample(d * d))


def ref_mse(pred, target):
    d = f64(pred) - f64(target)
    return fsum_per_sample(d * d) / d[0].size


def clamped_cosine(dot, xx, yy):
    return dot / (np.maximum(np.sqrt(xx), COSINE_EPS) * np.maximum(np.sqrt(yy), COSINE_EPS))


def ref_pixel_cosine(x, y):
    """Mean over the H*W pixels of cos(x[:, :, h, w], y[:, :, h, w]); x, y float64 [B, C, H, W]."""
    b, c = x.shape[0], x.shape[1]
    x = x.reshape(b, c, -1)
    y = y.reshape(b, c, -1)
    dot = np.zeros((b, x.shape[2]))
    xx = np.zeros_like(dot)
    yy = np.zeros_like(dot)
    for k in range(c):  # channel sums in a fixed order, independent of NumPy's reduction strategy
        dot += x[:, k] * y[:, k]
        xx += x[:, k] * x[:, k]
        yy += y[:, k] * y[:, k]
    return fsum_per_sample(clamped_cosine(dot, xx, yy)) / x.shape[2]


def ref_guidance_alignment(eps_c, eps_u, variant):
    c, u = f64(eps_c), f64(eps_u)
    if variant == "uncond-guidance":
        return ref_pixel_cosine(u, c - u)
    if variant == "cond-uncond":
        return ref_pixel_cosine(c, u)
    if variant == "cond-guidance":
        return ref_pixel_cosine(c, c - u)
    raise ValueError(variant)


def ref_global_cosine(u, v):
    u, v = f64(u), f64(v)
    return clamped_cosine(fsum_per_sample(u * v), fsum_per_sample(u * u), fsum_per_sample(v * v))


def per_sample(p, like):
    """A per-sample parameter [B] shaped to broadcast against [B, C, H, W]."""
    return f64(p).reshape((-1,) + (1,) * (like.ndim - 1))


def ref_cfg(eps_u, eps_c, scale):
    u, c, s = f64(eps_u), f64(eps_c), per_sample(scale, eps_u)
    out = u + s * (c - u)
    terms = np.abs(u) + np.abs(s) * np.abs(c) + np.abs(s) * np.abs(u)
    return out, terms


def ref_amg(eps_u, eps_c, eps_n, g, s0, s1, s2, c3, abar_t):
    u, c = f64(eps_u), f64(eps_c)
    k = s0 - per_sample(s1, u)
    out = u + k * (c - u)
    terms = np.abs(u) + np.abs(k) * (np.abs(c) + np.abs(u))
    if eps_n is not None:
        n, k2 = f64(eps_n), per_sample(s2, u)
        out = out + k2 * (u - n)
        terms = terms + np.abs(k2) * (np.abs(u) + np.abs(n))
    if g is not None:
        k3 = per_sample(c3, u) * math.sqrt(1.0 - abar_t)
        out = out + k3 * f64(g)
        terms = terms + np.abs(k3) * np.abs(f64(g))
    return out, terms


def ref_ddim_step(x_t, eps, abar_t, abar_prev):
    x, e = f64(x_t), f64(eps)
    x0 = (x - math.sqrt(1.0 - abar_t) * e) / math.sqrt(abar_t)
    out = math.sqrt(abar_prev) * x0 + math.sqrt(1.0 - abar_prev) * e
    sp = math.sqrt(abar_prev)
    terms = (sp / math.sqrt(abar_t)) * np.abs(x) \
        + (sp * math.sqrt(1.0 - abar_t) / math.sqrt(abar_t) + math.sqrt(1.0 - abar_prev)) * np.abs(e)
    return out, terms


def ref_convert(conversion, x_t, model_out, abar):
    """x_t = sqrt(abar) x0 + sqrt(1 - abar) eps and v = sqrt(abar) eps - sqrt(1 - abar) x0, solved for each."""
    x, m = f64(x_t), f64(model_out)
    sa, sn = math.sqrt(abar), math.sqrt(1.0 - abar)
    if conversion == "eps-to-x0":
        return (x - sn * m) / sa, (np.abs(x) + sn * np.abs(m)) / sa
    if conversion == "x0-to-eps":
        return (x - sa * m) / sn, (np.abs(x) + sa * np.abs(m)) / sn
    if conversion == "v-to-eps":
        return sn * x + sa * m, sn * np.abs(x) + sa * np.abs(m)
    if conversion == "v-to-x0":
        return sa * x - sn * m, sa * np.abs(x) + sn * np.abs(m)
    if conversion == "eps-to-v":
        x0 = (x - sn * m) / sa
        return sa * m - sn * x0, sa * np.abs(m) + sn * (np.abs(x) + sn * np.abs(m)) / sa
    raise ValueError(conversion)


def term_atol(terms):
    """One atol per sample: TERM_ATOL_FACTOR times the sample's largest sum of |terms|."""
    m = terms.reshape(terms.shape[0], -1).max(axis=1)
    return [max(TERM_ATOL_FACTOR * float(v), F32_TINY) for v in m]


# ---- input sets -------------------------------------------------------------------------------------------------

class InputSet:
    """Float32 tensors of one shape drawn from one seed; several cases read the same files."""

    def __init__(self, gen, key, shape, seed, note):
        self.gen, self.key, self.shape, self.seed, self.note = gen, key, tuple(shape), seed, note
        self.rng = np.random.default_rng(seed)
        self.tensors = {}
        self.files = {}

    def normal(self, role, scale=None):
        """Standard normal, optionally times a per-sample scale."""
        x = self.rng.standard_normal(self.shape)
        if scale is not None:
            x = x * per_sample(scale, x)
        return self.put(role, x)

    def correlated(self, role, base, rho):
        """rho[b] * base + sqrt(1 - rho[b]^2) * noise: still standard normal, with correlation rho[b] to base."""
        r = per_sample(rho, f64(base))
        return self.put(role, r * f64(base) + np.sqrt(1.0 - r * r) * self.rng.standard_normal(self.shape))

    def put(self, role, x):
        x = np.ascontiguousarray(np.asarray(x, dtype=np.float32))
        if not np.all(np.isfinite(x)):
            raise AssertionError(f"{self.key}/{role}: non-finite input")
        self.tensors[role] = x
        self.files[role] = f"inputs/{self.key}_{role}.npy"
        self.gen.write(self.files[role], x)
        return x

    def alias(self, role, existing):
        """Lets a case name an existing tensor by another role (the model output 'eps' is eps_c) without a copy."""
        self.tensors[role] = self.tensors[existing]
        self.files[role] = self.files[existing]


class Generator:
    def __init__(self, out):
        self.out = out
        self.cases = []
        self.names = set()
        self.written = set()

    def remove_stale(self):
        """Deletes .npy files under inputs/ and expected/ that this run did not write (renamed or dropped cases)."""
        for sub in ("inputs", "expected"):
            d = os.path.join(self.out, sub)
            for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                if n.endswith(".npy") and os.path.normpath(os.path.join(sub, n)) not in self.written:
                    os.remove(os.path.join(d, n))

    def write(self, rel, array):
        self.written.add(os.path.normpath(rel))
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        np.save(path, array, allow_pickle=False)

    def add(self, name, op, s, inputs, params, expected, rtol, atol, description, timesteps=None):
        """inputs: list of (formula name, role in the input set s), in formula order."""
        if name in self.names:
            raise AssertionError("duplicate case " + name)
        self.names.add(name)
        expected = np.ascontiguousarray(np.asarray(expected, dtype=np.float64))
        if not np.all(np.isfinite(expected)):
            raise AssertionError(name + ": non-finite expected output")
        renamed = [f"{n} = {role}" for n, role in inputs if n != role]
        if renamed:
            description = description.replace("; ", " (" + ", ".join(renamed) + "); ", 1)
        out_file = f"expected/{name}.npy"
        self.write(out_file, expected)
        case = {
            "name": name,
            "op": op,
            "description": description,
            "inputs": [{"name": n, "file": s.files[role], "shape": list(s.shape)} for n, role in inputs],
            "params": params,
            "output": {"file": out_file, "shape": list(expected.shape)},
            "seed": s.seed,
            "rtol": rtol,
            "atol": atol,
        }
        if timesteps:
            case["timesteps"] = timesteps
        self.cases.append(case)

    # -- op families: each adds the cases of one op on one input set --

    def reductions(self, s, a="eps_c", b="eps_u"):
        """Every per-sample op on the pair (a, b): a plays eps_c / pred / the first vector, b eps_u / target."""
        x, y = s.tensors[a], s.tensors[b]
        what = s.note
        self.add(f"{s.key}-diffNorm", "diffNorm", s, [("a", a), ("b", b)], {}, ref_diff_norm(x, y),
                 RTOL, F32_TINY, f"||a - b||_2 per sample; {what}")
        self.add(f"{s.key}-mse", "mse", s, [("pred", a), ("target", b)], {}, ref_mse(x, y),
                 RTOL, F32_TINY, f"mean (pred - target)^2 per sample; {what}")
        self.add(f"{s.key}-pixelCosine", "pixelCosine", s, [("u", b), ("v", a)], {},
                 ref_pixel_cosine(f64(y), f64(x)), RTOL, COSINE_ATOL,
                 f"mean per-pixel cosine of the C-vectors; {what}")
        self.add(f"{s.key}-globalCosine", "globalCosine", s, [("u", b), ("v", a)], {}, ref_global_cosine(y, x),
                 RTOL, COSINE_ATOL, f"cosine of whole samples; {what}")
        for v in VARIANTS:
            pair = {"uncond-guidance": "cos(eps_u, eps_c - eps_u)", "cond-uncond": "cos(eps_c, eps_u)",
                    "cond-guidance": "cos(eps_c, eps_c - eps_u)"}[v]
            self.add(f"{s.key}-guidanceAlignment-{v}", "guidanceAlignment", s, [("eps_c", a), ("eps_u", b)],
                     {"variant": v}, ref_guidance_alignment(x, y, v), RTOL, COSINE_ATOL,
                     f"mean per-pixel {pair}; {what}")

    def cfg(self, s, scale, u="eps_u", c="eps_c", suffix=""):
        out, terms = ref_cfg(s.tensors[u], s.tensors[c], scale)
        self.add(f"{s.key}-cfg{suffix}", "cfg", s, [("eps_u", u), ("eps_c", c)], {"scale": scale}, out,
                 RTOL, term_atol(terms), f"eps_u + scale[b] (eps_c - eps_u), scales {short(scale)}; {s.note}")

    def amg(self, s, s0, s1, s2=None, c3=None, t=None, suffix=""):
        with_n, with_g = s2 is not None, c3 is not None
        params = {"s0": s0, "s1": s1}
        inputs = [("eps_u", "eps_u"), ("eps_c", "eps_c")]
        abar_t = None
        terms_txt = ["(s0 - s1)(eps_c - eps_u)"]
        if with_n:
            params["s2"] = s2
            inputs.append(("eps_n", "eps_n"))
            terms_txt.append("s2 (eps_u - eps_n)")
        if with_g:
            abar_t = float(ABAR[t])
            params["c3"] = c3
            params["abar_t"] = abar_t
            inputs.append(("g", "g"))
            terms_txt.append(f"c3 sqrt(1 - abar({t})) g")
        ts = s.tensors
        out, terms = ref_amg(ts["eps_u"], ts["eps_c"], ts.get("eps_n") if with_n else None,
                             ts.get("g") if with_g else None, s0, s1, s2, c3, abar_t)
        self.add(f"{s.key}-amg{suffix}", "amg", s, inputs, params, out, RTOL, term_atol(terms),
                 "eps_u + " + " + ".join(terms_txt) + f", s0 = {s0}; {s.note}",
                 {"t": t} if with_g else None)

    def ddim(self, s, t, t_prev, suffix=""):
        abar_t = float(ABAR[t])
        abar_prev = 1.0 if t_prev is None else float(ABAR[t_prev])
        out, terms = ref_ddim_step(s.tensors["x_t"], s.tensors["eps"], abar_t, abar_prev)
        prev_txt = "abar_prev = 1 (final step to x0)" if t_prev is None else f"t_prev = {t_prev}"
        self.add(f"{s.key}-ddimStep{suffix}", "ddimStep", s, [("x_t", "x_t"), ("eps", "eps")],
                 {"abar_t": abar_t, "abar_prev": abar_prev}, out, RTOL, term_atol(terms),
                 f"DDIM step (eta = 0) at t = {t}, {prev_txt}; {s.note}",
                 {"t": t, "t_prev": t_prev if t_prev is not None else "final (abar_prev = 1)"})

    def convert(self, s, conversion, t):
        abar = float(ABAR[t])
        out, terms = ref_convert(conversion, s.tensors["x_t"], s.tensors["eps"], abar)
        self.add(f"{s.key}-convert-{conversion}", "convert", s, [("x_t", "x_t"), ("in", "eps")],
                 {"conversion": conversion, "abar": abar}, out, RTOL, term_atol(terms),
                 f"{conversion} at abar({t}) with x_t and model output 'in'; {s.note}", {"t": t})

    def manifest(self):
        return {
            "format": FORMAT_VERSION,
            "generator": "scripts/golden/generate.py",
            "comparison": "a case passes when |actual - expected| <= atol + rtol * |expected| for every element; "
                          "atol is one number, or a list with one number per sample",
            "schedule": "Stable Diffusion scaled-linear: betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)**2, "
                        "abar = cumprod(1 - betas), float64",
            "cases": self.cases,
        }


def to_json(obj):
    """Indented JSON with lists of numbers kept on one line (shapes, per-sample params and atols)."""
    text = json.dumps(obj, indent=1)
    text = re.sub(r"\[\s*([-+0-9.eE,\s]+?)\s*\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]",
                  text)
    return text + "\n"


def short(values):
    return "[" + ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if len(values) > 6 else "") + "]"


def dyadic(values):
    """Rounds parameters to multiples of 1/8 so float32 and float64 hold the same value."""
    return [round(v * 8) / 8 for v in values]


# ---- the cases --------------------------------------------------------------------------------------------------

def build(gen):
    # Stable Diffusion latents, per-sample reductions. eps_c is correlated with eps_u at a chosen rho per sample
    # (real conditional and unconditional predictions are close), so the cosines are far from 0.
    s = InputSet(gen, "sd4", (4,) + SD_LATENT, 101, "SD v1 latents [4, 4, 64, 64], standard normal, "
                 "corr(eps_c, eps_u) = 0.995, 0.9, 0.3, -0.5")
    s.correlated("eps_c", s.normal("eps_u"), [0.995, 0.9, 0.3, -0.5])
    gen.reductions(s)

    s = InputSet(gen, "sd3", (3,) + SD_LATENT, 102, "SD v1 latents [3, 4, 64, 64], independent standard normal")
    s.normal("eps_c")
    s.normal("eps_u")
    gen.reductions(s)

    # Stable Diffusion latents, elementwise ops: B = 2 keeps the float64 outputs small.
    s = InputSet(gen, "sd2", (2,) + SD_LATENT, 201, "SD v1 latents [2, 4, 64, 64], standard normal")
    s.correlated("eps_c", s.normal("eps_u"), [0.99, 0.9])
    s.normal("eps_n")
    s.normal("g")
    s.normal("x_t")
    s.alias("eps", "eps_c")
    gen.cfg(s, [7.5, 1.5])
    gen.amg(s, 7.5, [2.5, 0.0], [0.5, 1.25], [0.125, -0.75], t=981, suffix="-full")
    gen.amg(s, 7.5, [2.5, 0.0], suffix="-guidance-only")
    gen.ddim(s, 981, 961, suffix="-t981")
    gen.ddim(s, 1, 0, suffix="-last")
    for conv in CONVERSIONS:
        gen.convert(s, conv, 981)

    # Odd sizes: C*H*W = 105 and 32792, pixels 35 and 4099, none divisible by 8 or 16 lanes except 32792 by 8.
    s = InputSet(gen, "odd-3x3x7x5", (3, 3, 7, 5), 301, "odd shape [3, 3, 7, 5], standard normal")
    s.correlated("eps_c", s.normal("eps_u"), [0.8, 0.0, -0.9])
    s.normal("eps_n")
    s.normal("g")
    s.normal("x_t")
    s.alias("eps", "eps_c")
    gen.reductions(s)
    gen.cfg(s, [7.5, 0.0, -1.25])
    gen.amg(s, 7.5, [2.5, 0.0, 7.5], [0.5, 1.25, 0.0], [0.125, -0.75, 3.0], t=981, suffix="-full")
    gen.amg(s, 5.0, [1.0, 0.5, 2.0], [0.5, 1.25, 0.0], suffix="-eps_n-only")
    gen.amg(s, 5.0, [1.0, 0.5, 2.0], c3=[0.125, -0.75, 3.0], t=501, suffix="-g-only")
    gen.ddim(s, 41, 21, suffix="-t41")
    gen.ddim(s, 1, None, suffix="-final-abar1")
    for conv in CONVERSIONS:
        gen.convert(s, conv, 41)

    s = InputSet(gen, "odd-2x8x1x4099", (2, 8, 1, 4099), 302, "long odd rows [2, 8, 1, 4099], standard normal")
    s.correlated("eps_c", s.normal("eps_u"), [0.95, -0.2])
    gen.reductions(s)
    gen.cfg(s, [7.5, 2.0])

    # One pixel per sample (H*W = 1): the per-pixel cosine is a single cosine of C-vectors.
    s = InputSet(gen, "hw1", (5, 4, 1, 1), 303, "one pixel per sample [5, 4, 1, 1], standard normal")
    s.correlated("eps_c", s.normal("eps_u"), [0.9, 0.5, 0.0, -0.5, -0.9])
    s.normal("eps_n")
    s.normal("g")
    s.normal("x_t")
    s.alias("eps", "eps_c")
    gen.reductions(s)
    gen.cfg(s, [7.5, 1.0, 0.0, 3.5, 12.0])
    gen.amg(s, 7.5, [0.0, 1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 1.0, 1.0, 2.0], [0.25, 0.5, 1.0, 2.0, 4.0], t=981,
            suffix="-full")
    gen.ddim(s, 981, 961, suffix="-t981")
    gen.convert(s, "eps-to-x0", 981)

    # One channel (C = 1): each per-pixel cosine is the sign of u*v.
    s = InputSet(gen, "c1", (3, 1, 16, 17), 304, "one channel [3, 1, 16, 17], standard normal")
    s.correlated("eps_c", s.normal("eps_u"), [0.7, 0.0, -0.7])
    s.normal("eps_n")
    s.normal("g")
    s.normal("x_t")
    s.alias("eps", "eps_c")
    gen.reductions(s)
    gen.cfg(s, [7.5, 1.0, -2.0])
    gen.amg(s, 7.5, [2.5, 0.0, 1.0], [0.5, 1.25, 2.0], [0.125, -0.75, 1.0], t=961, suffix="-full")
    gen.ddim(s, 961, 941, suffix="-t961")
    gen.convert(s, "v-to-eps", 501)

    # Extreme magnitudes, one per sample: 1e-20 (squares are float32 subnormals), 1 and 1e+18 (sums of squares
    # overflow float32). Each sample is checked at its own scale.
    mags = [1e-20, 1.0, 1e18]
    s = InputSet(gen, "magnitudes", (3, 4, 16, 16), 305, "per-sample magnitudes 1e-20, 1, 1e+18, [3, 4, 16, 16]")
    z = s.rng.standard_normal(s.shape)
    scale = per_sample(mags, z)
    s.put("eps_u", scale * z)
    s.put("eps_c", scale * (0.6 * z + 0.8 * s.rng.standard_normal(s.shape)))
    s.normal("eps_n", mags)
    s.normal("g", mags)
    s.normal("x_t", mags)
    s.alias("eps", "eps_c")
    gen.reductions(s)
    gen.cfg(s, [7.5, 7.5, 7.5])
    gen.amg(s, 7.5, [2.5, 0.0, 1.0], [0.5, 1.25, 2.0], [0.125, -0.75, 1.0], t=981, suffix="-full")
    gen.ddim(s, 981, 961, suffix="-t981")
    gen.convert(s, "x0-to-eps", 41)
    gen.convert(s, "eps-to-v", 981)

    # Norms near the 1e-8 clamp of the cosines: per-pixel norms of 4 channels straddle it.
    s = InputSet(gen, "near-clamp", (3, 4, 8, 8), 306, "per-pixel norms around the 1e-8 cosine clamp")
    u = s.normal("eps_u", [2e-9, 5e-9, 1e-8])
    s.put("eps_c", f64(u) * 0.5 + per_sample([3e-9, 4e-9, 6e-9], f64(u)) * s.rng.standard_normal(s.shape))
    for name in ("pixelCosine", "globalCosine"):
        x, y = s.tensors["eps_c"], s.tensors["eps_u"]
        ref = ref_pixel_cosine(f64(y), f64(x)) if name == "pixelCosine" else ref_global_cosine(y, x)
        gen.add(f"{s.key}-{name}", name, s, [("u", "eps_u"), ("v", "eps_c")], {}, ref, RTOL, COSINE_ATOL,
                f"{name} with norms near the clamp; {s.note}")
    for v in VARIANTS:
        gen.add(f"{s.key}-guidanceAlignment-{v}", "guidanceAlignment", s, [("eps_c", "eps_c"), ("eps_u", "eps_u")],
                {"variant": v}, ref_guidance_alignment(s.tensors["eps_c"], s.tensors["eps_u"], v), RTOL,
                COSINE_ATOL, f"guidance alignment {v} with norms near the clamp; {s.note}")

    # All-zero samples: sample 0 both zero, 1 only eps_c zero, 2 only eps_u zero, 3 neither.
    s = InputSet(gen, "zeros", (4, 4, 8, 8), 307, "all-zero samples (0: both, 1: eps_c, 2: eps_u, 3: none)")
    mask_c = per_sample([0.0, 0.0, 1.0, 1.0], np.zeros(s.shape))
    mask_u = per_sample([0.0, 1.0, 0.0, 1.0], np.zeros(s.shape))
    s.put("eps_u", s.rng.standard_normal(s.shape) * mask_u)
    s.put("eps_c", s.rng.standard_normal(s.shape) * mask_c)
    s.put("eps_n", np.zeros(s.shape))
    s.put("g", np.zeros(s.shape))
    s.put("x_t", s.rng.standard_normal(s.shape) * mask_u)
    s.alias("eps", "eps_c")
    gen.reductions(s)
    gen.cfg(s, [7.5, 7.5, 7.5, 7.5])
    gen.amg(s, 7.5, [1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5], [1.0, 1.0, 1.0, 1.0], t=981, suffix="-full")
    gen.ddim(s, 981, 961, suffix="-t981")

    # A batch of 67 (prime, not a multiple of any thread count), with per-sample parameters.
    b = 67
    s = InputSet(gen, "batch67", (b, 4, 8, 8), 308, "batch of 67 [67, 4, 8, 8], standard normal")
    s.correlated("eps_c", s.normal("eps_u"), list(np.linspace(-0.95, 0.99, b)))
    s.normal("eps_n")
    s.normal("g")
    gen.reductions(s)
    gen.cfg(s, dyadic([7.5 if i % 5 == 0 else 0.5 + 0.25 * i for i in range(b)]))
    gen.amg(s, 7.5, dyadic([(i % 9) * 0.5 for i in range(b)]), dyadic([(i % 4) * 0.375 for i in range(b)]),
            dyadic([1.0 - (i % 7) * 0.25 for i in range(b)]), t=981, suffix="-full")


def write_readme(gen):
    lines = [
        "# Golden outputs",
        "",
        "Generated by `python3 scripts/golden/generate.py` (NumPy, float64, fixed seeds); do not edit by hand.",
        "`scripts/golden/check_reproducible.py` regenerates them into a temporary folder and fails if anything here",
        "differs, so they cannot drift silently. The Java suite (`GoldenSuiteTest`, `memscope golden check`) runs",
        "every case on every available backend.",
        "",
        "Layout: `inputs/*.npy` float32 `[B, C, H, W]` (shared by several cases), `expected/*.npy` float64 (`[B]` for",
        "per-sample reductions, `[B, C, H, W]` for elementwise ops), `manifest.json` (per case: op, inputs in formula",
        "order, params as `memscope kernel --param` pairs, output, seed, rtol, atol, description).",
        "",
        "## Tolerances",
        "",
        "A case passes when `|actual - expected| <= atol + rtol * |expected|` for every element; `atol` is one number",
        "or one number per sample. Expected values are float64 from the float32 inputs upcast to float64.",
        "",
        "| ops | rtol | atol | why |",
        "|---|---|---|---|",
        "| diffNorm, mse | 1e-6 | 2^-149 | sums of squares do not cancel; the atol is one float32 subnormal step |",
        "| pixelCosine, globalCosine, guidanceAlignment | 1e-6 | 1e-6 | cosines are bounded by 1: rtol at their natural scale |",
        "| cfg, amg, ddimStep, convert | 1e-6 | per sample: 1e-6 x max over the sample of sum of abs(terms) | where terms cancel, float32 error follows the terms, not the result |",
        "",
        "The noise levels come from Stable Diffusion's scaled-linear schedule built as diffusers builds it, in float32",
        "(`betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)**2`, `abar = cumprod(1 - betas)`), held as float64:",
        f"abar(981) = {float(ABAR[981])!r}, abar(961) = {float(ABAR[961])!r}, abar(41) = {float(ABAR[41])!r}.",
        "Every case records the abar it used, so the kernels are checked against numbers, not a schedule.",
        "",
        f"## Cases ({len(gen.cases)})",
        "",
        "| case | op | inputs | output | description |",
        "|---|---|---|---|---|",
    ]
    for c in gen.cases:
        ins = ", ".join(i["name"] for i in c["inputs"])
        shape = "x".join(str(d) for d in c["inputs"][0]["shape"])
        lines.append(f"| {c['name']} | {c['op']} | {ins} [{shape}] | {c['output']['shape']} | {c['description']} |")
    with open(os.path.join(gen.out, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "..", "golden-outputs"))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=default_out, help="output folder (default: %(default)s)")
    args = p.parse_args(argv)
    gen = Generator(args.out)
    os.makedirs(args.out, exist_ok=True)
    build(gen)
    gen.remove_stale()
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        f.write(to_json(gen.manifest()))
    write_readme(gen)
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(args.out) for n in ns)
    print(f"wrote {len(gen.cases)} cases to {args.out} ({total / 2**20:.2f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
