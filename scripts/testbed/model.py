"""The testbed network: a miniature Stable Diffusion in pixel space (torch).

  TextEncoder  input_ids int64 [B, T] -> last_hidden_state [B, T, D]: token + learned position embedding, causal
               pre-LayerNorm transformer blocks, final LayerNorm (CLIP's text tower in miniature). Its tokenizer is
               a CLIP-layout byte-level BPE trained on the training captions (tokenizer.py).
  UNet         sample [B, 3, 16, 16], timestep [B], encoder_hidden_states [B, T, D] -> out_sample (eps)
               [B, 3, 16, 16]; residual blocks with GroupNorm and a timestep embedding at 16, 8 and 4 pixels;
               SD's transformer block (self-attention, cross-attention to the text states, GEGLU-free MLP) at
               8 and 4 pixels. With attention_outputs=True the forward also returns each cross-attention layer's
               probabilities averaged over heads, [B, HW, T], for attention-based methods. The optional
               attn_key_scale and attn_key_bias [B or 1, T] act on every cross-attention layer's logits before the
               softmax, logits * scale + bias per key (Ren et al.'s mitigation: BOS scaled, keys after the prompt
               masked); absent, the forward is the trained network's.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

MAX_LENGTH = 32     # T: BOS + caption + EOS, padded (captions are at most ~20 tokens)
TEXT_DIM = 128      # D
TEXT_LAYERS = 2
TEXT_HEADS = 4
CHANNELS = 3
RES = 16
WIDTHS = (32, 64, 64)   # feature channels at 16, 8 and 4 pixels
HEADS = 4
GROUPS = 16


def timestep_embedding(t, dim):
    """diffusers' sinusoidal embedding (flip_sin_to_cos=True, shift 0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half).to(t.dtype)
    args = t[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class TextBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, h, mask):
        b, n, d = h.shape
        q, k, v = self.qkv(self.norm1(h)).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads) + mask, dim=-1)
        h = h + self.proj((att @ v).transpose(1, 2).reshape(b, n, d))
        return h + self.mlp(self.norm2(h))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, d=TEXT_DIM, layers=TEXT_LAYERS, heads=TEXT_HEADS, max_length=MAX_LENGTH):
        super().__init__()
        self.token = nn.Embedding(vocab_size, d)
        self.position = nn.Parameter(torch.randn(max_length, d) * 0.01)
        self.blocks = nn.ModuleList([TextBlock(d, heads) for _ in range(layers)])
        self.final = nn.LayerNorm(d)
        # causal like CLIP: padding after EOS never changes the caption's states
        self.register_buffer("causal", torch.triu(torch.full((max_length, max_length), -1e4), diagonal=1))

    def forward(self, input_ids):
        h = self.token(input_ids) + self.position[None].to(self.token.weight.dtype)
        mask = self.causal.to(h.dtype)
        for blk in self.blocks:
            h = blk(h, mask)
        return self.final(h)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.norm1 = nn.GroupNorm(GROUPS, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(GROUPS, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    """Multi-head attention of pixel queries over a context (itself, or the text states)."""

    def __init__(self, d, dctx, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(dctx, d, bias=False)
        self.v = nn.Linear(dctx, d, bias=False)
        self.out = nn.Linear(d, d)

    def forward(self, x, ctx, key_scale=None, key_bias=None):
        b, n, d = x.shape
        m = ctx.shape[1]
        hd = d // self.heads
        q = self.q(x).reshape(b, n, self.heads, hd).transpose(1, 2)
        k = self.k(ctx).reshape(b, m, self.heads, hd).transpose(1, 2)
        v = self.v(ctx).reshape(b, m, self.heads, hd).transpose(1, 2)
        logits = q @ k.transpose(-1, -2) / math.sqrt(hd)                      # [B, heads, n, m]
        if key_scale is not None:
            # per key, broadcast over heads and queries; unsqueeze (not reshape to b) so a [1, m] default broadcasts
            logits = logits * key_scale.unsqueeze(1).unsqueeze(1) + key_bias.unsqueeze(1).unsqueeze(1)
        p = torch.softmax(logits, dim=-1)
        return self.out((p @ v).transpose(1, 2).reshape(b, n, d)), p


class Transformer(nn.Module):
    """SD's spatial transformer: norm, proj_in, [self-attention, cross-attention, MLP] with residuals, proj_out."""

    def __init__(self, c, dctx, heads=HEADS):
        super().__init__()
        self.norm = nn.GroupNorm(GROUPS, c)
        self.proj_in = nn.Conv2d(c, c, 1)
        self.n1, self.n2, self.n3 = nn.LayerNorm(c), nn.LayerNorm(c), nn.LayerNorm(c)
        self.self_attn = Attention(c, c, heads)
        self.cross_attn = Attention(c, dctx, heads)
        self.mlp = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x, ctx, key_scale=None, key_bias=None):
        b, c, h, w = x.shape
        s = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        n1 = self.n1(s)
        s = s + self.self_attn(n1, n1)[0]
        a, p = self.cross_attn(self.n2(s), ctx, key_scale, key_bias)   # self-attention is never controlled
        s = s + a
        s = s + self.mlp(self.n3(s))
        return x + self.proj_out(s.transpose(1, 2).reshape(b, c, h, w)), p.mean(dim=1)


class UNet(nn.Module):
    def __init__(self, dctx=TEXT_DIM, widths=WIDTHS, channels=CHANNELS):
        super().__init__()
        w0, w1, w2 = widths
        temb = 4 * w0
        self.w0 = w0
        self.time = nn.Sequential(nn.Linear(w0, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(channels, w0, 3, padding=1)
        self.down16 = ResBlock(w0, w0, temb)
        self.pool16 = nn.Conv2d(w0, w0, 3, stride=2, padding=1)
        self.down8 = ResBlock(w0, w1, temb)
        self.attn_down8 = Transformer(w1, dctx)
        self.pool8 = nn.Conv2d(w1, w1, 3, stride=2, padding=1)
        self.down4 = ResBlock(w1, w2, temb)
        self.attn_down4 = Transformer(w2, dctx)
        self.mid1 = ResBlock(w2, w2, temb)
        self.attn_mid = Transformer(w2, dctx)
        self.mid2 = ResBlock(w2, w2, temb)
        self.up4 = ResBlock(w2 + w2, w2, temb)
        self.attn_up4 = Transformer(w2, dctx)
        self.unpool4 = nn.Conv2d(w2, w2, 3, padding=1)
        self.up8 = ResBlock(w2 + w1, w1, temb)
        self.attn_up8 = Transformer(w1, dctx)
        self.unpool8 = nn.Conv2d(w1, w1, 3, padding=1)
        self.up16 = ResBlock(w1 + w0, w0, temb)
        self.norm_out = nn.GroupNorm(GROUPS, w0)
        self.conv_out = nn.Conv2d(w0, channels, 3, padding=1)
        self.attention_outputs = False

    ATTENTION_LAYERS = ("attn_down8", "attn_down4", "attn_mid", "attn_up4", "attn_up8")

    def forward(self, sample, timestep, encoder_hidden_states, attn_key_scale=None, attn_key_bias=None):
        if (attn_key_scale is None) != (attn_key_bias is None):
            raise ValueError("attn_key_scale and attn_key_bias go together")
        b = sample.shape[0]
        ctx = encoder_hidden_states
        kc = (attn_key_scale, attn_key_bias)
        t = timestep.to(sample.dtype).reshape(-1).expand(b)
        emb = self.time(timestep_embedding(t, self.w0))
        probs = []
        h16 = self.down16(self.conv_in(sample), emb)
        h8, p = self.attn_down8(self.down8(self.pool16(h16), emb), ctx, *kc)
        probs.append(p)
        h4, p = self.attn_down4(self.down4(self.pool8(h8), emb), ctx, *kc)
        probs.append(p)
        m, p = self.attn_mid(self.mid1(h4, emb), ctx, *kc)
        probs.append(p)
        m = self.mid2(m, emb)
        u4, p = self.attn_up4(self.up4(torch.cat([m, h4], 1), emb), ctx, *kc)
        probs.append(p)
        u8 = self.unpool4(F.interpolate(u4, scale_factor=2.0, mode="nearest"))
        u8, p = self.attn_up8(self.up8(torch.cat([u8, h8], 1), emb), ctx, *kc)
        probs.append(p)
        u16 = self.unpool8(F.interpolate(u8, scale_factor=2.0, mode="nearest"))
        u16 = self.up16(torch.cat([u16, h16], 1), emb)
        out = self.conv_out(F.silu(self.norm_out(u16)))
        if self.attention_outputs:
            return (out, *probs)
        return out


def parameters(module):
    return sum(p.numel() for p in module.parameters())
