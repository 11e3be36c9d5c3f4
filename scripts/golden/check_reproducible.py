#!/usr/bin/env python3
"""Fails (exit 1, listing the files) if golden-outputs/ is not what scripts/golden/generate.py makes today.

Usage:  python3 scripts/golden/check_reproducible.py [--golden DIR]     (default: golden-outputs/ at the repo root)

Regenerates into a temporary folder and compares:
  * inputs/*.npy: bit-exact (dtype, shape and every bit of the data). They come from np.random.default_rng with
    fixed seeds; if a NumPy release ever changed the generator's stream, the goldens would have to be remade and
    the check says so.
  * expected/*.npy: same dtype and shape, values equal or within 1e-12 relative (|new - old| <= 1e-12 *
    max(|new|, |old|)). The generator sums with math.fsum and fixed-order loops, so today they are bit-exact;
    the slack only keeps a NumPy or libm change in the last bit of a float64 from failing CI, while any real
    change to a formula, a seed or a case moves values by far more than 1e-12.
  * manifest.json: same structure, strings and integers equal, floats within 1e-12 relative (the noise levels
    come from np.linspace / np.cumprod).
  * README.md: identical text.
  * the same set of files on both sides: a file present on one side only is a difference.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

REL = 1e-12
HERE = os.path.dirname(os.path.abspath(__file__))


def files_under(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def same_array(old, new, exact):
    if old.dtype != new.dtype or old.shape != new.shape:
        return f"dtype/shape {old.dtype}{list(old.shape)} != {new.dtype}{list(new.shape)}"
    if old.tobytes() == new.tobytes():
        return None
    if exact:
        n = int(np.count_nonzero(old.view(np.uint8).reshape(-1) != new.view(np.uint8).reshape(-1)))
        return f"not bit-identical ({n} bytes differ)"
    a, b = old.astype(np.float64), new.astype(np.float64)
    bad = ~(np.abs(a - b) <= REL * np.maximum(np.abs(a), np.abs(b)))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        return f"{int(bad.sum())} values differ by more than {REL:g} relative (first at flat index {i}: " \
               f"{a.flat[i]!r} vs {b.flat[i]!r})"
    return None


def same_json(old, new, path="$"):
    if isinstance(old, bool) or isinstance(new, bool) or isinstance(old, str) or old is None:
        return None if old == new else f"{path}: {old!r} != {new!r}"
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        if old == new or abs(old - new) <= REL * max(abs(old), abs(new)):
            return None
        return f"{path}: {old!r} != {new!r}"
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return f"{path}: list of {len(old)} != list of {len(new)}"
        for i, (a, b) in enumerate(zip(old, new)):
            d = same_json(a, b, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return f"{path}: keys {sorted(old)} != {sorted(new)}"
        for k in old:
            d = same_json(old[k], new[k], f"{path}.{k}")
            if d:
                return d
        return None
    return f"{path}: {type(old).__name__} != {type(new).__name__}"


def compare(golden, fresh):
    problems = []
    committed, regenerated = files_under(golden), files_under(fresh)
    for f in sorted(committed - regenerated):
        problems.append((f, "committed but not generated any more"))
    for f in sorted(regenerated - committed):
        problems.append((f, "generated but missing from " + golden))
    for f in sorted(committed & regenerated):
        a, b = os.path.join(golden, f), os.path.join(fresh, f)
        if f.endswith(".npy"):
            try:
                why = same_array(np.load(a, allow_pickle=False), np.load(b, allow_pickle=False),
                                 exact=f.startswith("inputs" + os.sep))
            except (ValueError, OSError) as e:
                why = f"unreadable: {e}"
        elif f.endswith(".json"):
            try:
                with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
                    why = same_json(json.load(fa), json.load(fb))
            except ValueError as e:
                why = f"unreadable JSON: {e}"
        else:
            with open(a, "rb") as fa, open(b, "rb") as fb:
                why = None if fa.read() == fb.read() else "text differs"
        if why:
            problems.append((f, why))
    return problems


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--golden", default=os.path.normpath(os.path.join(HERE, "..", "..", "golden-outputs")))
    args = p.parse_args(argv)
    if not os.path.isfile(os.path.join(args.golden, "manifest.json")):
        print(f"check_reproducible: {args.golden}/manifest.json does not exist", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="memscope-golden-") as tmp:
        r = subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--out", tmp],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("check_reproducible: generate.py failed:\n" + r.stdout + r.stderr, file=sys.stderr)
            return 1
        problems = compare(args.golden, tmp)
        n = len(files_under(tmp))
    if problems:
        print(f"golden outputs differ from what scripts/golden/generate.py makes ({len(problems)} files):",
              file=sys.stderr)
        for f, why in problems:
            print(f"  {os.path.join(args.golden, f)}: {why}", file=sys.stderr)
        print("If the change is intended, run python3 scripts/golden/generate.py and commit golden-outputs/.",
              file=sys.stderr)
        return 1
    print(f"golden outputs reproduce: {n} files in {args.golden} match a fresh run of generate.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
