#!/usr/bin/python3
"""Builds MemScope's tiny ONNX test model and its PyTorch-computed expected outputs.

Writes src/test/resources/dev/memscope/model/onnx/tiny/ (flat layout, see scripts/export_sd_onnx.md):
  unet.onnx                 TinyUNet, inputs sample [B,4,8,8] f32, timestep [B] int64, encoder_hidden_states [B,77,32]
  text_encoder.onnx         TinyTextEncoder, input_ids [B,77] int64 -> last_hidden_state [B,77,32]
  vocab.json, merges.txt, tokenizer_config.json   a 300-merge CLIP-layout BPE trained on sd1_mem.txt + sd1_nmem.txt
  scheduler_config.json     prediction_type "epsilon" (diffusers' key)
  external/unet.onnx + unet.onnx.data   the same UNet with its weights as ONNX external data, timestep float32 and
                            dynamic H, W (its size then comes from external/config.json: sample_size, in_channels)
  plumbing/*.onnx           identity graphs (output = sample): float16 sample / timestep / states, and an int32
                            scalar timestep, to check the type conversions
  bad/*.onnx                deliberately wrong few-hundred-byte models (input names, hidden size, rank, timestep dtype)
  expected/prompts.json     tricky prompts (punctuation, html, unicode, contractions, specials, > 77 tokens)
  expected/ids_eot.npy      int64 [P,77] token ids, pad <|endoftext|> (SD v1); ids_bang.npy: pad "!" (SD v2)
  expected/text_emb.npy     float64 [5,77,32] text encoder output for text_emb_prompts.json (PyTorch, float64
                            copies of the float32 weights)
  expected/unet_x.npy       float32 [3,4,8,8] latents; unet_prompts.json: the 3 conditions ("" = unconditional)
  expected/unet_eps_t981.npy, unet_eps_t41.npy   float64 [3,4,8,8] PyTorch UNet output
The token ids come from scripts/tiny_sd/clip_bpe.py (the Python reference tokenizer, the Java tests' oracle).
Deterministic: seeded construction (tiny_sd.model.SEED); rerunning rewrites identical tensors.
Regenerate:  /usr/bin/python3 scripts/make_test_unet.py   (needs python3-torch, python3-onnx; run from anywhere)
"""
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tiny_sd import clip_bpe, model  # noqa: E402

ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "src/test/resources/dev/memscope/model/onnx/tiny")
SHARED = os.environ.get("MEMSCOPE_SHARED", os.path.join(ROOT, "..", "shared"))
OPSET = 14

TRICKY_PROMPTS = [
    "",
    "A photo of an astronaut riding a horse on Mars.",
    "Hello, World!!! It's a dog's life; they'll say: \"we'd've\" -- ok?? (yes) [no] {maybe} #tag @user 50%",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00dcn\u00efc\u00f6d\u00e9 \u6771\u4eac\u30bf\u30ef\u30fc \U0001F600\U0001F389 stra\u00dfe \ufb01sh e\u0301",
    "&amp; html &lt;b&gt;bold&lt;/b&gt;   spaced\t\ttabs\nnew\u00a0line\u3000ideographic",
    "&#233;t&#xE9; &quot;q&quot; &amp;amp; a&nbsp;b &copy; &hellip; &notanentity; &#0; AT&T",
    "numbers 12345 and 3.14159, 1,000,000 and \u0661\u0662\u0663 and \u00bd \u2167",
    "<|startoftext|>inline special<|endoftext|> tokens <|endoftext|>",
    "UPPER lower MiXeD CaSe DON'T I'M YOU'VE",
    "don't stop 'til we're done, I'm sure you've heard it's 'quoted' ''",
    " ".join(["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dogs,"] * 12),
    "Full body U-Zip main opening - Full body U-Zip main opening on front of bag for easy unloading when you get to"
    " camp, extra words: " + ", ".join(f"item{i}" for i in range(40)),
]
EMB_PROMPTS = (0, 1, 2, 3, 10)   # the text-embedding check uses these (the ids check all); keeps the resources small
UNET_PROMPTS = ["", "A photo of an astronaut riding a horse on Mars.", "Mothers influence on her young hippo"]
TIMESTEPS = (981, 41)


def read_lines(name):
    with open(os.path.join(SHARED, "data", name), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def save_npy(path, arr):
    np.save(path, arr)


def export(module, args, path, input_names, output_names, dynamic_axes):
    torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)


def identity_model(path, inputs):
    """A model that declares the given inputs [(name, elem_type, shape)] and returns the first one."""
    vis = [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs]
    out = helper.make_tensor_value_info("out_sample", inputs[0][1], inputs[0][2])
    graph = helper.make_graph([helper.make_node("Identity", [inputs[0][0]], ["out_sample"])], "bad", vis, [out])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="tiny.", dir=os.path.dirname(OUT))
    try:
        build(tmp)
        if os.path.exists(OUT):
            shutil.rmtree(OUT)
        os.rename(tmp, OUT)   # never leave a half-written resource folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print("wrote", OUT)


def build(out):
    os.makedirs(os.path.join(out, "expected"))
    os.makedirs(os.path.join(out, "external"))
    os.makedirs(os.path.join(out, "bad"))
    os.makedirs(os.path.join(out, "plumbing"))
    texts = read_lines("sd1_mem.txt") + read_lines("sd1_nmem.txt")
    model.write_tokenizer(out, texts, num_merges=300)
    with open(os.path.join(out, "scheduler_config.json"), "w") as f:
        json.dump({"_class_name": "PNDMScheduler", "prediction_type": "epsilon", "num_train_timesteps": 1000,
                   "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}, f, indent=1)

    tok, text64, unet64, _ = model.load_tiny(out, torch.float64)
    _, text32, unet32, _ = model.load_tiny(out, torch.float32)
    E, L = model.HIDDEN, model.MAX_LENGTH
    S, C = model.SAMPLE_SIZE, model.CHANNELS

    # ONNX exports (float32)
    ids = torch.tensor([tok.encode("a photo"), tok.encode("")], dtype=torch.int64)
    export(text32, (ids,), os.path.join(out, "text_encoder.onnx"), ["input_ids"], ["last_hidden_state"],
           {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    x = torch.randn(2, C, S, S)
    ehs = torch.randn(2, L, E)
    export(unet32, (x, torch.tensor([981, 981], dtype=torch.int64), ehs), os.path.join(out, "unet.onnx"),
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch"}, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"},
            "out_sample": {0: "batch"}})
    ext_tmp = os.path.join(out, "external", "tmp.onnx")
    export(unet32, (x, torch.tensor([981.0, 981.0]), ehs), ext_tmp,
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
            "encoder_hidden_states": {0: "batch"}, "out_sample": {0: "batch", 2: "height", 3: "width"}})
    m = onnx.load(ext_tmp)
    os.remove(ext_tmp)
    onnx.save_model(m, os.path.join(out, "external", "unet.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="unet.onnx.data", size_threshold=256)
    with open(os.path.join(out, "external", "config.json"), "w") as f:
        json.dump({"_class_name": "UNet2DConditionModel", "sample_size": S, "in_channels": C,
                   "out_channels": C, "cross_attention_dim": E}, f, indent=1)

    # deliberately wrong models
    F, I64 = TensorProto.FLOAT, TensorProto.INT64
    identity_model(os.path.join(out, "bad", "wrong_names.onnx"),
                   [("x", F, ["batch", C, S, S]), ("t", I64, ["batch"]), ("context", F, ["batch", L, E])])
    identity_model(os.path.join(out, "bad", "wrong_hidden.onnx"),
                   [("sample", F, ["batch", C, S, S]), ("timestep", I64, ["batch"]),
                    ("encoder_hidden_states", F, ["batch", L, 16])])
    identity_model(os.path.join(out, "bad", "wrong_rank.onnx"),
                   [("sample", F, ["batch", C, S * S]), ("timestep", I64, ["batch"]),
                    ("encoder_hidden_states", F, ["batch", L, E])])
    # plumbing checks whose output is the input: half-precision tensors, and an int32 scalar timestep
    F16, I32 = TensorProto.FLOAT16, TensorProto.INT32
    identity_model(os.path.join(out, "plumbing", "fp16_identity.onnx"),
                   [("sample", F16, ["batch", C, S, S]), ("timestep", F16, ["batch"]),
                    ("encoder_hidden_states", F16, ["batch", L, E])])
    identity_model(os.path.join(out, "plumbing", "int32_scalar_timestep_identity.onnx"),
                   [("sample", F, ["batch", C, S, S]), ("timestep", I32, []),
                    ("encoder_hidden_states", F, ["batch", L, E])])
    identity_model(os.path.join(out, "bad", "bool_timestep.onnx"),
                   [("sample", F, ["batch", C, S, S]), ("timestep", TensorProto.BOOL, ["batch"]),
                    ("encoder_hidden_states", F, ["batch", L, E])])

    # expected outputs (PyTorch, float64 copies of the float32 weights)
    exp = os.path.join(out, "expected")
    with open(os.path.join(exp, "prompts.json"), "w", encoding="utf-8") as f:
        json.dump(TRICKY_PROMPTS, f, ensure_ascii=False, indent=1)
    save_npy(os.path.join(exp, "ids_eot.npy"), np.array([tok.encode(p) for p in TRICKY_PROMPTS], dtype=np.int64))
    bang = tempfile.mkdtemp()
    try:
        for name in ("vocab.json", "merges.txt", "tokenizer_config.json"):
            shutil.copy(os.path.join(out, name), bang)
        with open(os.path.join(bang, "special_tokens_map.json"), "w") as f:
            json.dump({"pad_token": "!"}, f)
        tok_bang = clip_bpe.ClipTokenizer(bang)
        save_npy(os.path.join(exp, "ids_bang.npy"),
                 np.array([tok_bang.encode(p) for p in TRICKY_PROMPTS], dtype=np.int64))
    finally:
        shutil.rmtree(bang)
    emb_prompts = [TRICKY_PROMPTS[i] for i in EMB_PROMPTS]
    with open(os.path.join(exp, "text_emb_prompts.json"), "w", encoding="utf-8") as f:
        json.dump(emb_prompts, f, ensure_ascii=False, indent=1)
    save_npy(os.path.join(exp, "text_emb.npy"), model.embed(tok, text64, emb_prompts).numpy())

    g = torch.Generator().manual_seed(99)
    xs = torch.randn(len(UNET_PROMPTS), C, S, S, generator=g)
    save_npy(os.path.join(exp, "unet_x.npy"), xs.numpy().astype(np.float32))
    with open(os.path.join(exp, "unet_prompts.json"), "w", encoding="utf-8") as f:
        json.dump(UNET_PROMPTS, f, ensure_ascii=False, indent=1)
    states = model.embed(tok, text64, UNET_PROMPTS)
    with torch.no_grad():
        for t in TIMESTEPS:
            eps = unet64(xs.double(), torch.tensor([t], dtype=torch.int64), states)
            save_npy(os.path.join(exp, f"unet_eps_t{t}.npy"), eps.numpy())


if __name__ == "__main__":
    main()
