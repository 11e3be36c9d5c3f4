"""A tiny Stable-Diffusion-shaped UNet and text encoder (torch), and a tiny CLIP-style BPE vocabulary.

Same interface as a diffusers / optimum ONNX export, a few KB of weights:
  TinyTextEncoder: input_ids int64 [B, 77] -> last_hidden_state float32 [B, 77, E]
                   (token + position embedding, one causal self-attention block, final LayerNorm, like CLIP)
  TinyUNet:        sample float32 [B, 4, H, W], timestep [B] (int64 like optimum's export; float32 works too, the
                   module casts), encoder_hidden_states float32 [B, 77, E] -> out_sample [B, 4, H, W]
                   (conv in, sinusoidal timestep embedding, one cross-attention over the text states, conv out)
Construction is seeded (build_models(seed)); nothing is trained: the weights are random but fixed.
"""
import json
import math
from collections import Counter

import torch
from torch import nn

from . import clip_bpe

MAX_LENGTH = 77
HIDDEN = 32          # E, the text hidden size (CLIP ViT-L: 768, OpenCLIP ViT-H: 1024)
CHANNELS = 4         # latent channels
UNET_WIDTH = 16      # feature channels inside the tiny UNet
SAMPLE_SIZE = 8      # latent H = W of the test inputs


def timestep_embedding(t, dim):
    """diffusers' sinusoidal embedding (flip_sin_to_cos=True, shift 0): [cos(t f_k), sin(t f_k)], f_k = 10000^(-k/half)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half).to(t.dtype)
    args = t[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class TinyTextEncoder(nn.Module):
    def __init__(self, vocab_size, hidden=HIDDEN, max_length=MAX_LENGTH):
        super().__init__()
        self.token = nn.Embedding(vocab_size, hidden)
        self.position = nn.Parameter(torch.randn(max_length, hidden) * 0.1)
        self.norm1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.norm2 = nn.LayerNorm(hidden)
        self.mlp1 = nn.Linear(hidden, 2 * hidden)
        self.mlp2 = nn.Linear(2 * hidden, hidden)
        self.final = nn.LayerNorm(hidden)
        # CLIP's text transformer is causal: a token sees only those before it, so padding never changes the prompt
        self.register_buffer("causal", torch.triu(torch.full((max_length, max_length), -1e4), diagonal=1))

    def forward(self, input_ids):
        h = self.token(input_ids) + self.position[None, :, :].to(self.token.weight.dtype)
        q, k, v = self.qkv(self.norm1(h)).chunk(3, dim=-1)
        scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1]) + self.causal.to(q.dtype)
        h = h + self.proj(torch.softmax(scores, dim=-1) @ v)
        h = h + self.mlp2(torch.nn.functional.gelu(self.mlp1(self.norm2(h))))
        return self.final(h)


class TinyUNet(nn.Module):
    def __init__(self, hidden=HIDDEN, channels=CHANNELS, width=UNET_WIDTH):
        super().__init__()
        self.width = width
        self.conv_in = nn.Conv2d(channels, width, 3, padding=1)
        self.time1 = nn.Linear(width, 2 * width)
        self.time2 = nn.Linear(2 * width, width)
        self.conv_mid = nn.Conv2d(width, width, 3, padding=1)
        self.to_q = nn.Linear(width, width, bias=False)
        self.to_k = nn.Linear(hidden, width, bias=False)
        self.to_v = nn.Linear(hidden, width, bias=False)
        self.to_out = nn.Linear(width, width)
        self.conv_out = nn.Conv2d(width, channels, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        b, _, h, w = sample.shape
        dtype = sample.dtype
        t = timestep.to(dtype).reshape(-1).expand(b)   # [1] or [B], any numeric dtype, like diffusers
        emb = self.time2(torch.nn.functional.silu(self.time1(timestep_embedding(t, self.width))))
        x = self.conv_in(sample) + emb[:, :, None, None]
        x = x + self.conv_mid(torch.nn.functional.silu(x))
        seq = x.flatten(2).transpose(1, 2)                        # [B, HW, width]
        q = self.to_q(seq)
        k = self.to_k(encoder_hidden_states)
        v = self.to_v(encoder_hidden_states)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.width), dim=-1)
        seq = seq + self.to_out(att @ v)
        x = seq.transpose(1, 2).reshape(b, self.width, h, w)
        return self.conv_out(torch.nn.functional.silu(x))


def build_models(vocab_size, seed=1234):
    """Both modules, seeded; weights scaled so outputs have O(1) magnitude and vary with every input."""
    torch.manual_seed(seed)
    text = TinyTextEncoder(vocab_size)
    unet = TinyUNet()
    with torch.no_grad():
        text.token.weight.mul_(0.5)
    return text.eval(), unet.eval()


# ---------------------------------------------------------------------------------------------------------------
# A tiny BPE vocabulary in CLIP's layout

def train_bpe(texts, num_merges):
    """Greedy BPE over CLIP-pre-tokenized words: the most frequent adjacent pair is merged next (ties: the
    lexicographically smallest pair), num_merges times. Returns the merges in rank order."""
    table = clip_bpe.bytes_to_unicode()
    words = Counter()
    for text in texts:
        for piece in clip_bpe.pre_tokenize(clip_bpe.clean(text)):
            if piece not in (clip_bpe.BOS, clip_bpe.EOS):
                words[tuple(clip_bpe.word_symbols(piece, table))] += 1
    words = dict(words)
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        ranks = {best: 0}
        words = {tuple(clip_bpe.bpe(word, ranks)): c for word, c in words.items()}
    return merges


def build_vocab(merges):
    """CLIP's id order: 256 byte symbols, the same with '</w>', one entry per merge, then BOS, EOS."""
    syms = clip_bpe.byte_symbols()
    tokens = syms + [s + clip_bpe.END_OF_WORD for s in syms] + [a + b for a, b in merges]
    tokens += [clip_bpe.BOS, clip_bpe.EOS]
    vocab = {}
    for tok in tokens:
        vocab.setdefault(tok, len(vocab))
    return vocab


def write_tokenizer(folder, texts, num_merges=300, pad_token=clip_bpe.EOS):
    import os
    merges = train_bpe(texts, num_merges)
    vocab = build_vocab(merges)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"model_max_length": MAX_LENGTH, "pad_token": pad_token, "bos_token": clip_bpe.BOS,
                   "eos_token": clip_bpe.EOS, "unk_token": clip_bpe.EOS, "do_lower_case": True,
                   "tokenizer_class": "CLIPTokenizer"}, f, indent=1)
    return vocab


SEED = 1234


def load_tiny(folder, dtype=torch.float64):
    """The committed tiny model as PyTorch modules: (tokenizer, text_encoder, unet, prediction_type).
    Weights are rebuilt from SEED and the vocabulary size (bit-identical to the exported ONNX weights);
    float64 by default, the precision the expected outputs are computed in."""
    import os
    tok = clip_bpe.ClipTokenizer(folder)
    text, unet = build_models(len(tok.vocab), SEED)
    prediction_type = "epsilon"
    cfg = os.path.join(folder, "scheduler_config.json")
    if os.path.exists(cfg):
        with open(cfg, encoding="utf-8") as f:
            prediction_type = json.load(f).get("prediction_type", "epsilon")
    return tok, text.to(dtype), unet.to(dtype), prediction_type


@torch.no_grad()
def embed(tok, text, prompts):
    """[P, 77, E] text states for the prompts, in the text encoder's dtype."""
    ids = torch.tensor([tok.encode(p) for p in prompts], dtype=torch.int64)
    return text(ids)
