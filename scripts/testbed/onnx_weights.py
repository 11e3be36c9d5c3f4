#!/usr/bin/python3
"""PyTorch state dicts rebuilt, bit for bit, from the committed ONNX exports: the testbed's text encoder and UNet
(models/testbed/onnx: text_encoder.onnx, unet.onnx with its external unet.weights) and the metric models
(models/testbed/metrics: copy_encoder.onnx, clip_image.onnx, clip_text.onnx).

The committed folders carry each trained tensor once, in ONNX form; the checkpoint.pt files train.py and
train_metrics.py write beside them are not committed (.gitignore; the size limit of models/testbed, docs/testbed.md).
The PyTorch reference generators (reference_scores.py, vjp_reference.py, scripts/ren/, scripts/metrics/
reference_embeddings.py and copy_histogram.py) read the weights through this module.

How: a freshly constructed model of the same architecture, every parameter and buffer overwritten with pairwise
distinct float32 values (odd multiples of 2^-k in a seeded random order), is exported through exactly the committed
export path into a temporary folder (export.export_graphs, vjp.export_graph and share_weights.share for the testbed;
train_metrics.export for the metric models). Each parameter and buffer is then found among the fresh graph's
initializers by its values: held as is (possibly reshaped, e.g. GroupNorm's weight as [C, 1, 1]) or transposed (a
Linear weight folded into a MatMul). It must be exactly one initializer, and an initializer holding part of a tensor
is refused. The committed graph must have the same structure as the fresh one (the same initializer names, shapes
and types in the same order, the same nodes, inputs, outputs, opsets and producer version): its initializers are
then read (onnx.numpy_helper, external data included) through that mapping. Every refusal names the parameter or
the first difference; the usual cause is an export path or a torch version that differs from the one the committed
files were written with (torch 1.13, the exporter's initializer naming and deduplication depend on it).

  /usr/bin/python3 scripts/testbed/onnx_weights.py verify [--which both|testbed|metrics] [--models models/testbed]
                   [--train-checkpoint PATH] [--metrics-checkpoint PATH]
        rebuilds them and compares with checkpoint.pt files (torch.equal for every tensor, the same keys, the same
        vocab_size / widths / eos_id); by default the ones in models/testbed/{train,metrics}, which a training run
        leaves there (pipeline.sh and downstream.sh run this after exporting). The last committed ones:
        git show 26b8714:models/testbed/train/checkpoint.pt > /tmp/train.pt (and metrics/checkpoint.pt)
  /usr/bin/python3 scripts/testbed/onnx_weights.py checkpoint [--models models/testbed] --out DIR
        writes DIR/checkpoint.pt in train.py's format (text, unet, vocab_size, recipe, seed from train/train.json),
        e.g. to re-export the committed weights with changed export code (write it before changing the code: the
        rebuild goes through the current export path)
  /usr/bin/python3 scripts/testbed/onnx_weights.py metrics-checkpoint [--models models/testbed] --out DIR
        the same for the metric models in train_metrics.py's format
"""
import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import warnings

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(ROOT, "models", "testbed")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import model  # noqa: E402
from tiny_sd import clip_bpe  # noqa: E402

SEED = 20261205


class Refused(SystemExit):
    pass


# ---- distinct values, fresh export --------------------------------------------------------------------------------

def distinct_init(modules, seed=SEED):
    """Overwrites every parameter and buffer of `modules` with float32 values distinct across all of them: the odd
    multiples (2 i + 1) 2^-k, i a seeded permutation of 0..N-1, 2^k > 2N (exact in float32 while 2N < 2^24)."""
    tensors = [t for m in modules for t in m.state_dict().values()]
    for t in tensors:
        if t.dtype != torch.float32:
            raise Refused(f"distinct_init: a {t.dtype} tensor; only float32 models are handled")
    n = sum(t.numel() for t in tensors)
    if 2 * n >= 1 << 24:
        raise Refused(f"distinct_init: {n} values do not fit float32's exact odd multiples")
    k = (2 * n).bit_length()
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    values = ((2 * perm + 1).to(torch.float64) * 2.0 ** -k).to(torch.float32)
    at = 0
    with torch.no_grad():
        for t in tensors:
            t.copy_(values[at:at + t.numel()].reshape(t.shape))
            at += t.numel()


@contextlib.contextmanager
def quiet():
    """The exporters' warnings and share_weights.py's report are noise for a throw-away export."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


# ---- graphs -------------------------------------------------------------------------------------------------------

def tensors(m):
    """name -> array of a loaded graph's initializers, plus the outputs of Transpose nodes of an initializer (how
    share_weights.py stores a tensor equal to the transpose of one already stored)."""
    got = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "Transpose" and n.input[0] in got and n.output[0] not in got:
            perm = [list(a.ints) for a in n.attribute if a.name == "perm"]
            a = got[n.input[0]]
            got[n.output[0]] = np.transpose(a, perm[0]) if perm else a.T
    return got


def skeleton(m):
    """Everything of a graph but its initializers' values and storage."""
    g = m.graph
    return {"producer": (m.producer_name, m.producer_version),
            "opsets": [(o.domain, o.version) for o in m.opset_import],
            "initializers": [(i.name, tuple(i.dims), i.data_type) for i in g.initializer],
            "nodes": [n.SerializeToString() for n in g.node],
            "inputs": [v.SerializeToString() for v in g.input],
            "outputs": [v.SerializeToString() for v in g.output]}


def same_structure(fresh, committed, path):
    a, b = skeleton(fresh), skeleton(committed)
    for part in ("producer", "opsets", "initializers", "inputs", "outputs", "nodes"):
        if a[part] == b[part]:
            continue
        if part == "initializers":
            fa, fb = dict((x[0], x[1:]) for x in a[part]), dict((x[0], x[1:]) for x in b[part])
            only_f = [n for n in fa if n not in fb]
            only_c = [n for n in fb if n not in fa]
            shape = [n for n in fa if n in fb and fa[n] != fb[n]]
            detail = (f"only in the fresh export {only_f[:5]}, only in the committed file {only_c[:5]}, "
                      f"other shape or type {[(n, fa[n], fb[n]) for n in shape[:5]]}"
                      if only_f or only_c or shape else "the same names in another order")
        elif part == "nodes":
            i = next((i for i, (x, y) in enumerate(zip(a[part], b[part])) if x != y), min(len(a[part]), len(b[part])))
            def name(ns):
                if i >= len(ns):
                    return "(none)"
                n = onnx.NodeProto()
                n.ParseFromString(ns[i])
                return f"{n.op_type} {n.name}"
            detail = (f"{len(a[part])} nodes fresh, {len(b[part])} committed; first difference at node {i}: "
                      f"{name(a[part])} vs {name(b[part])}")
        elif part in ("inputs", "outputs"):
            detail = "the graph's " + part + " differ"
        else:
            detail = f"{a[part]} fresh, {b[part]} committed"
        raise Refused(f"{path}: not the graph this export path writes for this architecture ({part}: {detail}); "
                      f"not rebuilt (export code or torch version changed since the committed export? this torch "
                      f"is {torch.__version__})")


def locate(fresh, state, path):
    """key -> [(initializer, 'as is' | 'transposed')] of every initializer of the fresh export holding a parameter
    or buffer of `state` (distinct values) whole; an initializer holding any of their values otherwise is refused."""
    keys = list(state)
    flat = {k: state[k].detach().numpy().reshape(-1) for k in keys}
    bits = np.concatenate([flat[k].view(np.uint32) for k in keys]) if keys else np.zeros(0, np.uint32)
    if len(np.unique(bits)) != len(bits):
        raise Refused("locate: the fresh model's values are not pairwise distinct")
    owner = np.repeat(np.arange(len(keys)), [flat[k].size for k in keys])
    order = np.argsort(bits)
    sorted_bits = bits[order]
    found = {k: [] for k in keys}
    for name, a in fresh.items():
        if a.dtype != np.float32 or a.size == 0:
            continue
        b = np.ascontiguousarray(a).reshape(-1).view(np.uint32)
        pos = np.clip(np.searchsorted(sorted_bits, b), 0, len(sorted_bits) - 1)
        hit = sorted_bits[pos] == b
        if not hit.any():
            continue   # a constant of the graph, not a weight
        k = keys[owner[order[pos[0]]]] if hit[0] else None
        p = state[k].detach().numpy() if k is not None else None
        if hit.all() and p is not None and a.size == p.size:
            if np.array_equal(a.reshape(-1), p.reshape(-1)):
                found[k].append((name, "as is"))
                continue
            if p.ndim == 2 and a.shape == p.T.shape and np.array_equal(a, p.T):
                found[k].append((name, "transposed"))
                continue
        owners = sorted({keys[owner[order[j]]] for j in pos[hit]})
        raise Refused(f"{path}: initializer {name} {list(a.shape)} holds values of {owners[:4]} but is neither one of "
                      f"them whole nor its transpose; not rebuilt")
    return found


def mapping(fresh_model, state, path):
    found = locate(tensors(fresh_model), state, path)
    for k, hits in found.items():
        if len(hits) != 1:
            raise Refused(f"{path}: parameter {k} {list(state[k].shape)} is held by {len(hits)} initializers "
                          f"{[h[0] for h in hits]} of the fresh export (exactly one expected); not rebuilt")
    return {k: hits[0] for k, hits in found.items()}


def read(committed_model, where, like, path):
    """The state dict `where` (key -> (initializer, how)) points at in the committed graph."""
    got = tensors(committed_model)
    out = {}
    for k, (name, how) in where.items():
        a = got[name]
        if a.dtype != np.float32:
            raise Refused(f"{path}: initializer {name} (parameter {k}) is {a.dtype}, not float32")
        if how == "transposed":
            a = a.T
        out[k] = torch.from_numpy(np.array(a, dtype=np.float32, order="C").reshape(tuple(like[k].shape)))
    return out


def rebuild(pairs):
    """pairs: [(fresh path, committed path, module)] -> one state dict per module, in order."""
    out = []
    for fresh_path, committed_path, module in pairs:
        fresh = onnx.load(fresh_path, load_external_data=True)
        committed = onnx.load(committed_path, load_external_data=True)
        same_structure(fresh, committed, committed_path)
        state = module.state_dict()
        where = mapping(fresh, state, committed_path)
        out.append(read(committed, where, state, committed_path))
    return out


def check_consistent(fresh_path, committed_path, state, rebuilt):
    """Every initializer of the fresh graph that holds a tensor of `state` (any number of times, as is or
    transposed) holds the rebuilt tensor in the committed graph too: unet_vjp.onnx carries the same weights."""
    fresh = onnx.load(fresh_path, load_external_data=True)
    committed = onnx.load(committed_path, load_external_data=True)
    same_structure(fresh, committed, committed_path)
    got = tensors(committed)
    for k, hits in locate(tensors(fresh), state, committed_path).items():
        for name, how in hits:
            a = got[name].T if how == "transposed" else got[name]
            if not np.array_equal(a.reshape(-1), rebuilt[k].numpy().reshape(-1)):
                raise Refused(f"{committed_path}: initializer {name} differs from {k} as read from the other graph")


# ---- the testbed --------------------------------------------------------------------------------------------------

def testbed_architecture(onnx_dir):
    """(vocab_size, widths): the tokenizer's vocabulary size, the UNet's widths from its initializers' shapes (both
    checked again by the structure comparison)."""
    vocab = len(clip_bpe.ClipTokenizer(onnx_dir).vocab)
    m = onnx.load(os.path.join(onnx_dir, "unet.onnx"), load_external_data=False)
    dims = {i.name: list(i.dims) for i in m.graph.initializer}
    names = ("conv_in.weight", "down8.conv1.weight", "down4.conv1.weight")
    if any(n not in dims for n in names):
        raise Refused(f"{onnx_dir}/unet.onnx: no initializers {names}; not export.py's layout")
    return vocab, tuple(dims[n][0] for n in names)


def testbed_state(onnx_dir=os.path.join(MODELS, "onnx"), vjp_check=True):
    """{"text": state dict, "unet": state dict, "vocab_size": int} of the committed testbed export in onnx_dir."""
    import export
    import share_weights
    import vjp
    onnx_dir = os.path.abspath(onnx_dir)
    vocab, widths = testbed_architecture(onnx_dir)
    with torch.random.fork_rng(), tempfile.TemporaryDirectory(prefix="onnx-weights-") as tmp:
        text, unet = model.TextEncoder(vocab).eval(), model.UNet(widths=widths).eval()
        distinct_init([text, unet])
        fresh = os.path.join(tmp, "onnx")   # a folder of its own: share_weights.py updates ../SHA256SUMS if present
        os.mkdir(fresh)
        with quiet():
            export.export_graphs(text, unet, fresh)
            vjp.export_graph(unet, fresh, sanity=False)
            share_weights.share(fresh)
        t, u = rebuild([(os.path.join(fresh, "text_encoder.onnx"), os.path.join(onnx_dir, "text_encoder.onnx"), text),
                        (os.path.join(fresh, "unet.onnx"), os.path.join(onnx_dir, "unet.onnx"), unet)])
        if vjp_check and os.path.isfile(os.path.join(onnx_dir, "unet_vjp.onnx")):
            check_consistent(os.path.join(fresh, "unet_vjp.onnx"), os.path.join(onnx_dir, "unet_vjp.onnx"),
                             {"unet." + k: v for k, v in unet.state_dict().items()},
                             {"unet." + k: v for k, v in u.items()})
    return {"text": t, "unet": u, "vocab_size": vocab, "widths": widths}


def load_testbed(onnx_dir=os.path.join(MODELS, "onnx"), dtype=torch.float32):
    """(text encoder, UNet) with the committed weights, in eval mode and `dtype` (what export.load returns)."""
    st = testbed_state(onnx_dir)
    text = model.TextEncoder(st["vocab_size"])
    unet = model.UNet(widths=st["widths"])
    text.load_state_dict(st["text"])
    unet.load_state_dict(st["unet"])
    return text.to(dtype).eval(), unet.to(dtype).eval()


# ---- the metric models --------------------------------------------------------------------------------------------

def _train_metrics():
    sys.path.insert(0, os.path.join(HERE, "..", "metrics"))
    import train_metrics
    return train_metrics


def metrics_state(metrics_dir=os.path.join(MODELS, "metrics")):
    """train_metrics.py's checkpoint dict ({"copy", "clip_image", "clip_text": state dicts, "vocab_size", "eos_id"})
    of the committed metric models in metrics_dir (vocabulary and EOS id from its tokenizer files)."""
    tm = _train_metrics()
    metrics_dir = os.path.abspath(metrics_dir)
    tok = clip_bpe.ClipTokenizer(metrics_dir)
    with torch.random.fork_rng(), tempfile.TemporaryDirectory(prefix="onnx-weights-") as tmp:
        nets = (tm.ConvTower(tm.COPY_DIM).eval(), tm.ConvTower(tm.CLIP_DIM).eval(),
                tm.TextTower(len(tok.vocab), tok.eos_id, tm.CLIP_DIM).eval())
        distinct_init(nets)
        with quiet():
            tm.export(tmp, *nets)
        files = ("copy_encoder.onnx", "clip_image.onnx", "clip_text.onnx")
        states = rebuild([(os.path.join(tmp, f), os.path.join(metrics_dir, f), n) for f, n in zip(files, nets)])
    return {"copy": states[0], "clip_image": states[1], "clip_text": states[2], "vocab_size": len(tok.vocab),
            "eos_id": tok.eos_id}


def load_metrics(metrics_dir=os.path.join(MODELS, "metrics"), dtype=torch.float32, which=("copy", "clip_image",
                                                                                          "clip_text")):
    """{name: module in eval mode and `dtype`} of the committed metric models, for the names in `which`."""
    tm = _train_metrics()
    st = metrics_state(metrics_dir)
    make = {"copy": lambda: tm.ConvTower(tm.COPY_DIM), "clip_image": lambda: tm.ConvTower(tm.CLIP_DIM),
            "clip_text": lambda: tm.TextTower(st["vocab_size"], st["eos_id"], tm.CLIP_DIM)}
    out = {}
    for name in which:
        net = make[name]()
        net.load_state_dict(st[name])
        out[name] = net.to(dtype).eval()
    return out


# ---- command line -------------------------------------------------------------------------------------------------

def same_state(name, got, want):
    if set(got) != set(want):
        raise Refused(f"{name}: keys differ: only rebuilt {sorted(set(got) - set(want))[:5]}, only in the checkpoint "
                      f"{sorted(set(want) - set(got))[:5]}")
    for k in want:
        if got[k].dtype != want[k].dtype or got[k].shape != want[k].shape or not torch.equal(got[k], want[k]):
            raise Refused(f"{name}: {k} differs from the checkpoint's")
    print(f"{name}: {len(want)} tensors, {sum(t.numel() for t in want.values())} values, bit-identical")


def verify(models, train_ck, metrics_ck):
    for ck in (train_ck, metrics_ck):
        if ck and not os.path.isfile(ck):
            raise SystemExit(f"verify: {ck}: missing")
    if train_ck:
        ck = torch.load(train_ck)
        st = testbed_state(os.path.join(models, "onnx"))
        same_state("testbed text", st["text"], ck["text"])
        same_state("testbed unet", st["unet"], ck["unet"])
        if st["vocab_size"] != ck["vocab_size"] or list(st["widths"]) != list(ck["recipe"]["widths"]):
            raise Refused(f"{train_ck}: vocab_size / widths differ")
        print(f"testbed: as {train_ck} (vocab_size {ck['vocab_size']}, widths {list(st['widths'])})")
    if metrics_ck:
        ck = torch.load(metrics_ck)
        st = metrics_state(os.path.join(models, "metrics"))
        for k in ("copy", "clip_image", "clip_text"):
            same_state("metrics " + k, st[k], ck[k])
        if (st["vocab_size"], st["eos_id"]) != (ck["vocab_size"], ck["eos_id"]):
            raise Refused(f"{metrics_ck}: vocab_size / eos_id differ")
        print(f"metrics: as {metrics_ck} (vocab_size {ck['vocab_size']}, eos_id {ck['eos_id']})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("verify", "checkpoint", "metrics-checkpoint"))
    ap.add_argument("--which", choices=("both", "testbed", "metrics"), default="both", help="verify: which models")
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--train-checkpoint")
    ap.add_argument("--metrics-checkpoint")
    ap.add_argument("--out")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.what == "verify":
        verify(a.models,
               a.which != "metrics" and (a.train_checkpoint or os.path.join(a.models, "train", "checkpoint.pt")),
               a.which != "testbed" and (a.metrics_checkpoint or os.path.join(a.models, "metrics", "checkpoint.pt")))
        return
    if not a.out:
        raise SystemExit(f"{a.what}: --out DIR")
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "checkpoint.pt")
    if a.what == "checkpoint":
        st = testbed_state(os.path.join(a.models, "onnx"))
        with open(os.path.join(a.models, "train", "train.json")) as f:
            info = json.load(f)
        if list(info["recipe"]["widths"]) != list(st["widths"]):
            raise SystemExit(f"{a.models}/train/train.json: widths {info['recipe']['widths']}, the export's "
                             f"{list(st['widths'])}")
        torch.save({"text": st["text"], "unet": st["unet"], "vocab_size": st["vocab_size"],
                    "recipe": info["recipe"], "seed": info["seed"]}, path)
    else:
        torch.save(metrics_state(os.path.join(a.models, "metrics")), path)
    print("wrote", path)


if __name__ == "__main__":
    main()
