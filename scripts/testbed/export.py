#!/usr/bin/python3
"""Exports the trained testbed to ONNX in the flat layout MemScope's --onnx reads (docs/real-models.md):

  onnx/unet.onnx            sample [B,3,16,16], timestep int64 [B], encoder_hidden_states [B,T,D] -> out_sample,
                            then the cross-attention probabilities of each transformer (attn_down8, attn_down4,
                            attn_mid, attn_up4, attn_up8: [B, HW, T], mean over heads) as optional extra outputs;
                            two optional inputs act on every cross-attention layer's logits before the softmax,
                            logits * attn_key_scale + attn_key_bias ([B or 1, T] float32, per key; Ren et al.'s
                            mitigation). Required inputs: ones and zeros give the trained network's outputs
                            (MemScope's OnnxDenoiser feeds them when no control is asked). Not initializer-backed
                            optional inputs: ONNX Runtime Java 1.20 counts only inputs without initializers and
                            refuses more feeds ("Unexpected number of inputs, expected [1,3) found 5"), and ONNX
                            Runtime warns at every load of a graph whose inputs have initializers. A single file.
  onnx/text_encoder.onnx    input_ids int64 [B,T] -> last_hidden_state [B,T,D]
  onnx/vocab.json, merges.txt, tokenizer_config.json     the CLIP-layout BPE (model_max_length T)
  onnx/scheduler_config.json                             SD's scaled_linear schedule, epsilon prediction
  onnx/config.json                                       sample_size, in_channels, cross_attention_dim

  /usr/bin/python3 scripts/testbed/export.py [--train models/testbed/train] [--out models/testbed/onnx]
The folder is written beside the target and renamed into place, so a failed export leaves the old one. It replaces
the whole folder: run vjp.py export (onnx/unet_vjp.onnx) and share_weights.py (one onnx/unet.weights for both
graphs, the committed layout) after it, as pipeline.sh does."""
import argparse
import json
import os
import shutil
import sys

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import folders  # noqa: E402
import model  # noqa: E402

OPSET = 17
KEY_CONTROLS = ("attn_key_scale", "attn_key_bias")
TOKENIZER_FILES = ("vocab.json", "merges.txt", "tokenizer_config.json")


def load(train_dir, dtype=torch.float32):
    """The text encoder and UNet of a training folder: its checkpoint.pt (train.py's EMA weights) when there is one
    (a fresh training run, what export.py and vjp.py read in pipeline.sh); otherwise the weights of the committed
    ONNX export in the sibling onnx/ folder (models/testbed/train carries no checkpoint.pt in git: the committed
    weights live once, in onnx/, and onnx_weights.py rebuilds the same state dicts from them bit for bit)."""
    ck_path = os.path.join(train_dir, "checkpoint.pt")
    if not os.path.isfile(ck_path):
        import onnx_weights
        onnx_dir = os.path.join(train_dir, "..", "onnx")
        print(f"{ck_path}: absent; rebuilding the weights from {os.path.normpath(onnx_dir)}", file=sys.stderr)
        return onnx_weights.load_testbed(onnx_dir, dtype)
    ck = torch.load(ck_path)
    r = ck["recipe"]
    text = model.TextEncoder(ck["vocab_size"])
    unet = model.UNet(widths=tuple(r["widths"]))
    text.load_state_dict(ck["text"])
    unet.load_state_dict(ck["unet"])
    return text.to(dtype).eval(), unet.to(dtype).eval()


def export(train_dir, out):
    if not os.path.isfile(os.path.join(train_dir, "checkpoint.pt")):
        # re-exporting the committed ONNX weights with the same code would rewrite the same graphs, and with changed
        # export code onnx_weights.py can no longer map them (it rebuilds through this very export path)
        raise SystemExit(f"{train_dir}/checkpoint.pt: missing. export.py exports a training run (train.py). To "
                         "re-export the committed weights, write them out first, before changing the export code: "
                         f"scripts/testbed/onnx_weights.py checkpoint --out {train_dir}")
    text, unet = load(train_dir)
    export_graphs(text, unet, out)
    for f in TOKENIZER_FILES:
        shutil.copy(os.path.join(train_dir, f), out)
    with open(os.path.join(out, "scheduler_config.json"), "w") as f:
        json.dump({"_class_name": "DDIMScheduler", "prediction_type": "epsilon", "num_train_timesteps": 1000,
                   "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012,
                   "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False}, f, indent=1)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"_class_name": "MemScopeTestbedUNet", "sample_size": model.RES, "in_channels": model.CHANNELS,
                   "out_channels": model.CHANNELS, "cross_attention_dim": model.TEXT_DIM,
                   "attention_outputs": list(model.UNet.ATTENTION_LAYERS),
                   "attention_key_controls": list(KEY_CONTROLS)}, f, indent=1)


def export_graphs(text, unet, out):
    """text_encoder.onnx and unet.onnx of the given float32 modules into `out` (also onnx_weights.py's path for a
    freshly initialised model, so both must stay this one function)."""
    unet.attention_outputs = True
    T, D = model.MAX_LENGTH, model.TEXT_DIM
    ids = torch.zeros(2, T, dtype=torch.int64)
    torch.onnx.export(text, (ids,), os.path.join(out, "text_encoder.onnx"), input_names=["input_ids"],
                      output_names=["last_hidden_state"], opset_version=OPSET,
                      dynamic_axes={"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    x = torch.randn(2, model.CHANNELS, model.RES, model.RES)
    t = torch.tensor([981, 41], dtype=torch.int64)
    ehs = torch.randn(2, T, D)
    scale, bias = torch.rand(2, T) + 0.5, torch.randn(2, T)   # not ones / zeros, so no branch is traced away
    names = ["out_sample"] + list(model.UNet.ATTENTION_LAYERS)
    axes = {"sample": {0: "batch"}, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"}}
    axes.update({n: {0: "batch"} for n in names})
    # their own batch name: the [1, T] defaults must not be tied to the sample's batch by shape inference
    axes.update({n: {0: "key_batch"} for n in KEY_CONTROLS})
    path = os.path.join(out, "unet.onnx")
    torch.onnx.export(unet, (x, t, ehs, scale, bias), path,
                      input_names=["sample", "timestep", "encoder_hidden_states", *KEY_CONTROLS],
                      output_names=names, opset_version=OPSET, dynamic_axes=axes)
    unet.attention_outputs = False
    inputs = [i.name for i in onnx.load(path).graph.input]
    if inputs[3:] != list(KEY_CONTROLS):
        raise SystemExit(f"{path}: expected the inputs {list(KEY_CONTROLS)} after the three UNet inputs, got {inputs}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=os.path.join(HERE, "..", "..", "models", "testbed", "train"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "models", "testbed", "onnx"))
    a = ap.parse_args()
    out = folders.write_whole(a.out, lambda tmp: export(a.train, tmp))
    print("exported", out)


if __name__ == "__main__":
    main()
