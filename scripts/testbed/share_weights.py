#!/usr/bin/python3
"""Stores the testbed UNet's weights once, as ONNX external data shared by unet.onnx and unet_vjp.onnx.

Both graphs hold the same trained tensors (the VJP graph recomputes the forward and pulls cotangents back with the
same weights, some of them transposed), so the models folder would carry them twice (docs/testbed.md, size limit).
This step rewrites the graphs in the folder so that every initializer lives in one file, unet.weights, each
distinct tensor once: an initializer whose bytes equal one already stored points at the same offset; a 2-D one that
equals the transpose of a stored tensor becomes a Transpose node of it (ONNX Runtime folds it when the session is
created). ONNX Runtime resolves the location relative to the graph file, which MemScope opens by path.

Idempotent: it reads whatever graphs are there (embedded weights, as export.py / vjp.py write them, or already
shared), loads every tensor into memory, writes new files beside them and renames them into place. It then checks
each graph's tensors read back from disk against the originals (bit for bit) and updates their lines in
../SHA256SUMS when that file exists.

  /usr/bin/python3 scripts/testbed/share_weights.py [--onnx models/testbed/onnx]
"""
import argparse
import hashlib
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
GRAPHS = ("unet.onnx", "unet_vjp.onnx")   # unet.onnx first: its tensors are the stored originals
WEIGHTS = "unet.weights"
ALIGN = 64


def key(a):
    return (a.dtype.str, hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest())


def share(folder):
    graphs = [g for g in GRAPHS if os.path.isfile(os.path.join(folder, g))]
    if GRAPHS[0] not in graphs:
        raise SystemExit(f"{folder}: no {GRAPHS[0]}")
    models, originals = {}, {}
    for g in graphs:
        m = onnx.load(os.path.join(folder, g), load_external_data=True)   # every tensor in memory from here on
        models[g] = m
        originals[g] = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}

    blob = bytearray()
    stored = {}   # key -> (offset, length)

    def place(a):
        k = key(a)
        if k not in stored:
            pad = (-len(blob)) % ALIGN
            blob.extend(b"\0" * pad)
            data = np.ascontiguousarray(a).tobytes()
            stored[k] = (len(blob), len(data))
            blob.extend(data)
        return stored[k]

    def external(name, a, where):
        t = numpy_helper.from_array(np.ascontiguousarray(a), name)
        t.ClearField("raw_data")
        t.data_location = onnx.TensorProto.EXTERNAL
        for k, v in (("location", WEIGHTS), ("offset", str(where[0])), ("length", str(where[1]))):
            e = t.external_data.add()
            e.key, e.value = k, v
        return t

    report = []
    for g in graphs:
        m = models[g]
        inits, transposes = [], []
        shared = transposed = own = 0
        for name, a in originals[g].items():
            if a.ndim == 2 and key(a) not in stored and key(a.T) in stored:
                # W^T of a stored W (or the reverse): read the stored bytes, transpose in the graph
                inits.append(external(name + ".T", a.T, stored[key(a.T)]))
                transposes.append(helper.make_node("Transpose", [name + ".T"], [name], name=name + ".transpose",
                                                   perm=[1, 0]))
                transposed += a.nbytes
                continue
            if key(a) in stored:
                shared += a.nbytes
            else:
                own += a.nbytes
            inits.append(external(name, a, place(a)))
        del m.graph.initializer[:]
        m.graph.initializer.extend(inits)
        # an earlier run's Transpose nodes are kept as they are (their initializer is stored directly now)
        nodes = transposes + list(m.graph.node)
        del m.graph.node[:]
        m.graph.node.extend(nodes)
        report.append(f"{g}: {len(inits)} initializers, {own} bytes stored, {shared} shared, {transposed} read "
                      f"transposed")
        if g != GRAPHS[0] and own > 1 << 16:
            # both graphs come from one checkpoint; tensors of their own mean the exports disagree (or one is stale)
            report.append(f"WARNING: {g} has {own} bytes of tensors that {GRAPHS[0]} lacks: re-export it from the "
                          f"same checkpoint (vjp.py export) before committing")

    tmp = {}
    try:
        w = os.path.join(folder, WEIGHTS + ".tmp")
        with open(w, "wb") as f:
            f.write(blob)
        tmp[WEIGHTS] = w
        for g in graphs:
            p = os.path.join(folder, g + ".tmp")
            onnx.save(models[g], p)
            tmp[g] = p
        for final, p in tmp.items():
            os.replace(p, os.path.join(folder, final))
    finally:
        for p in tmp.values():
            if os.path.exists(p):
                os.remove(p)

    for g in graphs:
        path = os.path.join(folder, g)
        onnx.checker.check_model(path)
        back = onnx.load(path, load_external_data=True)
        names = {n.output[0]: n.input[0] for n in back.graph.node if n.op_type == "Transpose"}
        got = {i.name: numpy_helper.to_array(i) for i in back.graph.initializer}
        for name, a in originals[g].items():
            b = got[name] if name in got else got[names[name]].T
            if b.dtype != a.dtype or b.shape != a.shape or np.ascontiguousarray(b).tobytes() != np.ascontiguousarray(a).tobytes():
                raise SystemExit(f"{path}: initializer {name} does not read back bit for bit")
    for line in report:
        print(line)
    print(f"{WEIGHTS}: {len(blob)} bytes, {len(stored)} distinct tensors; graphs "
          + ", ".join(f"{g} {os.path.getsize(os.path.join(folder, g))} bytes" for g in graphs))
    update_sums(folder, [WEIGHTS] + graphs)


def update_sums(folder, files):
    sums = os.path.join(os.path.dirname(os.path.abspath(folder)), "SHA256SUMS")
    if not os.path.isfile(sums):
        return
    prefix = os.path.basename(os.path.abspath(folder))
    entries = {}
    with open(sums) as f:
        for line in f:
            if line.strip():
                digest, path = line.rstrip("\n").split(None, 1)
                entries[path.lstrip("*")] = digest
    for name in files:
        with open(os.path.join(folder, name), "rb") as f:
            entries[f"{prefix}/{name}"] = hashlib.sha256(f.read()).hexdigest()
    with open(sums + ".tmp", "w") as f:
        for path in sorted(entries, key=lambda p: (not p.startswith(prefix + "/"), p)):
            f.write(f"{entries[path]}  {path}\n")
    os.replace(sums + ".tmp", sums)
    print("updated", sums)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", default=os.path.join(HERE, "..", "..", "models", "testbed", "onnx"))
    share(ap.parse_args().onnx)


if __name__ == "__main__":
    sys.exit(main())
