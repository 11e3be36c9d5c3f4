#!/usr/bin/python3
"""The testbed UNet's vector-Jacobian products as an ONNX graph (models/testbed/onnx/unet_vjp.onnx).

torch 1.13 cannot export torch.autograd.grad, so the reverse pass is written out by hand as ordinary torch ops:
the graph recomputes the forward (keeping what the reverse pass needs) and then pulls the cotangent back through
every layer with the textbook formulas (conv -> conv_transpose2d with the same weight, strided conv -> with
output_padding, GroupNorm / LayerNorm / SiLU / GELU / softmax attention / linear backward, nearest upsampling ->
2x2 sum, concatenation -> split). Only input gradients are formed, no weight gradients.

  sample [B,3,16,16], timestep int64 [B], encoder_hidden_states [B,32,128], cotangent [B,3,16,16]
    -> out_sample (eps, as unet.onnx), grad_sample = J_x^T v, grad_encoder_hidden_states = J_c^T v

  /usr/bin/python3 scripts/testbed/vjp.py check     float64 comparison with torch.autograd (max relative error)
  /usr/bin/python3 scripts/testbed/vjp.py export    writes onnx/unet_vjp.onnx (run share_weights.py after it)
"""
import argparse
import math
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model  # noqa: E402
from export import OPSET, load  # noqa: E402

MODELS = os.path.join(HERE, "..", "..", "models", "testbed")


# ---- primitives: forward keeping a cache, backward with respect to the input only -------------------------------

def conv_back(conv, dy, x_hw):
    """Conv2d input gradient: the transposed convolution with the same weight; output_padding restores the size a
    strided convolution floored away."""
    s, p = conv.stride[0], conv.padding[0]
    k = conv.kernel_size[0]
    op = (x_hw + 2 * p - k) % s     # static: the testbed's spatial sizes are fixed (16, 8, 4)
    return F.conv_transpose2d(dy, conv.weight, stride=s, padding=p, output_padding=op)


def silu_back(x, dy):
    s = torch.sigmoid(x)
    return dy * s * (1 + x * (1 - s))


def gelu_back(x, dy):
    """nn.GELU() is the exact erf form: d/dx x Phi(x) = Phi(x) + x phi(x)."""
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2.0)))
    pdf = torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return dy * (cdf + x * pdf)


def norm_back(xhat, rstd, dxhat, dims):
    """Normalisation backward over `dims` (biased variance): rstd (dxhat - mean dxhat - xhat mean(dxhat xhat))."""
    m1 = dxhat.mean(dim=dims, keepdim=True)
    m2 = (dxhat * xhat).mean(dim=dims, keepdim=True)
    return rstd * (dxhat - m1 - xhat * m2)


def group_norm(gn, x):
    b, c, h, w = x.shape
    g = x.reshape(b, gn.num_groups, -1)
    mu = g.mean(dim=2, keepdim=True)
    var = ((g - mu) ** 2).mean(dim=2, keepdim=True)
    rstd = 1 / torch.sqrt(var + gn.eps)
    xhat = (g - mu) * rstd
    y = xhat.reshape(b, c, h, w) * gn.weight[None, :, None, None] + gn.bias[None, :, None, None]
    return y, (xhat, rstd)


def group_norm_back(gn, cache, dy):
    xhat, rstd = cache
    b, c, h, w = dy.shape
    dxhat = (dy * gn.weight[None, :, None, None]).reshape(b, gn.num_groups, -1)
    return norm_back(xhat, rstd, dxhat, 2).reshape(b, c, h, w)


def layer_norm(ln, x):
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    rstd = 1 / torch.sqrt(var + ln.eps)
    xhat = (x - mu) * rstd
    return xhat * ln.weight + ln.bias, (xhat, rstd)


def layer_norm_back(ln, cache, dy):
    xhat, rstd = cache
    return norm_back(xhat, rstd, dy * ln.weight, -1)


def linear_back(lin, dy):
    return dy @ lin.weight


# ---- blocks ------------------------------------------------------------------------------------------------------

def res_forward(blk, x, emb):
    n1, c1 = group_norm(blk.norm1, x)
    h = blk.conv1(F.silu(n1))
    h = h + blk.temb(F.silu(emb))[:, :, None, None]
    n2, c2 = group_norm(blk.norm2, h)
    y = blk.skip(x) + blk.conv2(F.silu(n2))
    return y, (int(x.shape[-1]), n1, c1, n2, c2)


def res_back(blk, cache, dy):
    hw, n1, c1, n2, c2 = cache
    dx = dy if isinstance(blk.skip, torch.nn.Identity) else conv_back(blk.skip, dy, hw)
    d = silu_back(n2, conv_back(blk.conv2, dy, hw))
    d = group_norm_back(blk.norm2, c2, d)          # the timestep term is constant in x and the text states
    d = silu_back(n1, conv_back(blk.conv1, d, hw))
    return dx + group_norm_back(blk.norm1, c1, d)


def attn_forward(att, x, ctx):
    b, n, d = x.shape
    m = ctx.shape[1]
    hd = d // att.heads
    q = att.q(x).reshape(b, n, att.heads, hd).transpose(1, 2)
    k = att.k(ctx).reshape(b, m, att.heads, hd).transpose(1, 2)
    v = att.v(ctx).reshape(b, m, att.heads, hd).transpose(1, 2)
    p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
    y = att.out((p @ v).transpose(1, 2).reshape(b, n, d))
    return y, (q, k, v, p)


def attn_back(att, cache, dy):
    """Returns (d query input, d context input)."""
    q, k, v, p = cache
    b, heads, n, hd = q.shape
    m = k.shape[2]
    do = linear_back(att.out, dy).reshape(b, n, heads, hd).transpose(1, 2)
    dp = do @ v.transpose(-1, -2)
    dv = p.transpose(-1, -2) @ do
    ds = p * (dp - (dp * p).sum(dim=-1, keepdim=True)) / math.sqrt(hd)
    dq = ds @ k
    dk = ds.transpose(-1, -2) @ q
    d = heads * hd
    dx = linear_back(att.q, dq.transpose(1, 2).reshape(b, n, d))
    dctx = linear_back(att.k, dk.transpose(1, 2).reshape(b, m, d)) \
        + linear_back(att.v, dv.transpose(1, 2).reshape(b, m, d))
    return dx, dctx


def transformer_forward(tr, x, ctx):
    b, c, h, w = x.shape
    g, cg = group_norm(tr.norm, x)
    s = tr.proj_in(g).flatten(2).transpose(1, 2)
    n1, c1 = layer_norm(tr.n1, s)
    a1, ca1 = attn_forward(tr.self_attn, n1, n1)
    s = s + a1
    n2, c2 = layer_norm(tr.n2, s)
    a2, ca2 = attn_forward(tr.cross_attn, n2, ctx)
    s = s + a2
    n3, c3 = layer_norm(tr.n3, s)
    f1 = tr.mlp[0](n3)
    s = s + tr.mlp[2](F.gelu(f1))
    y = x + tr.proj_out(s.transpose(1, 2).reshape(b, c, h, w))
    return y, (int(w), cg, c1, ca1, c2, ca2, c3, f1)


def transformer_back(tr, cache, dy):
    """Returns (d x, d context)."""
    w, cg, c1, ca1, c2, ca2, c3, f1 = cache
    b, c = dy.shape[:2]
    ds = conv_back(tr.proj_out, dy, w).flatten(2).transpose(1, 2)
    dn3 = linear_back(tr.mlp[0], gelu_back(f1, linear_back(tr.mlp[2], ds)))
    ds = ds + layer_norm_back(tr.n3, c3, dn3)
    dq, dctx = attn_back(tr.cross_attn, ca2, ds)
    ds = ds + layer_norm_back(tr.n2, c2, dq)
    dq, dkv = attn_back(tr.self_attn, ca1, ds)
    ds = ds + layer_norm_back(tr.n1, c1, dq + dkv)
    dg = conv_back(tr.proj_in, ds.transpose(1, 2).reshape(dy.shape), w)
    return dy + group_norm_back(tr.norm, cg, dg), dctx


def upsample_back(dy):
    """Nearest 2x upsampling's adjoint: the sum of each 2x2 block."""
    b, c, h, w = dy.shape
    return dy.reshape(b, c, h // 2, 2, w // 2, 2).sum(dim=(3, 5))


class UNetVjp(torch.nn.Module):
    """out_sample, J_x^T v and J_c^T v of model.UNet, its forward recomputed with caches (same ops, same order)."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, cotangent):
        u = self.unet
        b = sample.shape[0]
        ctx = encoder_hidden_states
        t = timestep.to(sample.dtype).reshape(-1).expand(b)
        emb = u.time(model.timestep_embedding(t, u.w0))
        x0 = u.conv_in(sample)
        h16, r16 = res_forward(u.down16, x0, emb)
        a8 = u.pool16(h16)
        r8i, r8 = res_forward(u.down8, a8, emb)
        h8, t8 = transformer_forward(u.attn_down8, r8i, ctx)
        a4 = u.pool8(h8)
        r4i, r4 = res_forward(u.down4, a4, emb)
        h4, t4 = transformer_forward(u.attn_down4, r4i, ctx)
        m1, rm1 = res_forward(u.mid1, h4, emb)
        m2, tm = transformer_forward(u.attn_mid, m1, ctx)
        m3, rm2 = res_forward(u.mid2, m2, emb)
        c4 = torch.cat([m3, h4], 1)
        u4i, ru4 = res_forward(u.up4, c4, emb)
        u4, tu4 = transformer_forward(u.attn_up4, u4i, ctx)
        u8 = u.unpool4(F.interpolate(u4, scale_factor=2.0, mode="nearest"))
        c8 = torch.cat([u8, h8], 1)
        u8i, ru8 = res_forward(u.up8, c8, emb)
        u8o, tu8 = transformer_forward(u.attn_up8, u8i, ctx)
        u16 = u.unpool8(F.interpolate(u8o, scale_factor=2.0, mode="nearest"))
        c16 = torch.cat([u16, h16], 1)
        u16o, ru16 = res_forward(u.up16, c16, emb)
        no, cno = group_norm(u.norm_out, u16o)
        out = u.conv_out(F.silu(no))

        w0, w1, w2 = u.conv_in.out_channels, u.down8.conv1.out_channels, u.down4.conv1.out_channels
        d = group_norm_back(u.norm_out, cno, silu_back(no, conv_back(u.conv_out, cotangent, 16)))
        d = res_back(u.up16, ru16, d)
        du16, dh16 = d[:, :w1], d[:, w1:]
        d = upsample_back(conv_back(u.unpool8, du16, 16))
        d, dctx = transformer_back(u.attn_up8, tu8, d)
        d = res_back(u.up8, ru8, d)
        du8, dh8 = d[:, :w2], d[:, w2:]
        d = upsample_back(conv_back(u.unpool4, du8, 8))
        d, dc = transformer_back(u.attn_up4, tu4, d)
        dctx = dctx + dc
        d = res_back(u.up4, ru4, d)
        dm3, dh4 = d[:, :w2], d[:, w2:]
        d = res_back(u.mid2, rm2, dm3)
        d, dc = transformer_back(u.attn_mid, tm, d)
        dctx = dctx + dc
        dh4 = dh4 + res_back(u.mid1, rm1, d)
        d, dc = transformer_back(u.attn_down4, t4, dh4)
        dctx = dctx + dc
        d = res_back(u.down4, r4, d)
        dh8 = dh8 + conv_back(u.pool8, d, 8)
        d, dc = transformer_back(u.attn_down8, t8, dh8)
        dctx = dctx + dc
        d = res_back(u.down8, r8, d)
        dh16 = dh16 + conv_back(u.pool16, d, 16)
        d = res_back(u.down16, r16, dh16)
        return out, conv_back(u.conv_in, d, 16), dctx


def inputs(b, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, model.CHANNELS, model.RES, model.RES, generator=g, dtype=torch.float64).to(dtype)
    t = torch.tensor([981, 500, 41, 1, 999, 250][:b], dtype=torch.int64)
    ehs = torch.randn(b, model.MAX_LENGTH, model.TEXT_DIM, generator=g, dtype=torch.float64).to(dtype)
    v = torch.randn(b, model.CHANNELS, model.RES, model.RES, generator=g, dtype=torch.float64).to(dtype)
    return x, t, ehs, v


def check(train_dir):
    """Against torch.autograd in float64 on the exported (EMA) weights; exits 1 above 1e-10."""
    _, unet = load(train_dir, torch.float64)
    vjp = UNetVjp(unet).eval()
    worst = 0.0
    for seed in range(3):
        x, t, ehs, v = inputs(4, torch.float64, seed)
        x.requires_grad_(True)
        ehs.requires_grad_(True)
        ref = unet(x, t, ehs)
        gx, gc = torch.autograd.grad(ref, (x, ehs), v)
        with torch.no_grad():
            out, hx, hc = vjp(x.detach(), t, ehs.detach(), v)
        for name, a, r in (("out_sample", out, ref.detach()), ("grad_sample", hx, gx),
                           ("grad_encoder_hidden_states", hc, gc)):
            err = ((a - r).abs().max() / r.abs().max()).item()
            worst = max(worst, err)
            print(f"seed {seed} {name:27s} max |vjp - autograd| / max |autograd| = {err:.3e}"
                  f"  (max |autograd| {r.abs().max().item():.3e})")
    print(f"worst relative error {worst:.3e}")
    if worst > 1e-10:
        raise SystemExit("vjp: hand-written reverse pass disagrees with torch.autograd")


def export(train_dir, out):
    _, unet = load(train_dir, torch.float32)
    export_graph(unet, out)


def export_graph(unet, out, sanity=True):
    """unet_vjp.onnx of a float32 model.UNet into `out` (also onnx_weights.py's path for a freshly initialised UNet,
    which skips the float32 comparison with autograd: sanity=False)."""
    vjp = UNetVjp(unet).eval()
    x, t, ehs, v = inputs(2, torch.float32)
    names = ["sample", "timestep", "encoder_hidden_states", "cotangent"]
    outs = ["out_sample", "grad_sample", "grad_encoder_hidden_states"]
    path = os.path.join(out, "unet_vjp.onnx")
    with torch.no_grad():
        torch.onnx.export(vjp, (x, t, ehs, v), path, input_names=names, output_names=outs, opset_version=OPSET,
                          dynamic_axes={n: {0: "batch"} for n in names + outs})
        if not sanity:
            return path
        # float32 sanity check against autograd (ONNX Runtime is checked from Java: OnnxVjpTest)
        out32, gx32, gc32 = vjp(x, t, ehs, v)
    x.requires_grad_(True)
    ehs.requires_grad_(True)
    gx, gc = torch.autograd.grad(unet(x, t, ehs), (x, ehs), v)
    print("float32 torch: grad_sample rel err %.2e, grad_states rel err %.2e" % (
        ((gx32 - gx).abs().max() / gx.abs().max()).item(), ((gc32 - gc).abs().max() / gc.abs().max()).item()))
    print("wrote", path, os.path.getsize(path), "bytes")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("check", "export"))
    ap.add_argument("--train", default=os.path.join(MODELS, "train"))
    ap.add_argument("--out", default=os.path.join(MODELS, "onnx"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    check(a.train) if a.what == "check" else export(a.train, a.out)


if __name__ == "__main__":
    main()
