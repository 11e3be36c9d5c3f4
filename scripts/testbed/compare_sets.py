#!/usr/bin/env python3
"""The prompt sets of docs/testbed.md's detector tables, from models/testbed/labels.csv (file order):

  duplicated/  every memorized caption against every duplicated caption the model does not copy (same word pool)
  subset/      every memorized caption against the first 34 singleton, 33 held-out and 33 novel non-memorized
               captions (the Carlini run: 800 passes per prompt)

  scripts/testbed/compare_sets.py [--labels models/testbed/labels.csv] [--out docs/testbed-compare]

Writes OUT/{duplicated,subset}/{positives,negatives}.txt, one caption per line, for `memscope compare --positives
--negatives`. Reads any Python 3 (no torch).
"""
import argparse
import csv
import os
import sys

SUBSET = (("singleton", 34), ("heldout", 33), ("novel", 33))


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for i, r in enumerate(rows, start=2):
        if r.get("memorized") not in ("0", "1") or not r.get("caption") or "\n" in r["caption"]:
            sys.exit(f"{path}:{i}: expected caption,role,item,copies,copy_rate,memorized with memorized 0 or 1")
    return rows


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.writelines(line + "\n" for line in lines)
    os.replace(tmp, path)
    print(f"{path}: {len(lines)} captions")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", default="models/testbed/labels.csv")
    ap.add_argument("--out", default="docs/testbed-compare")
    a = ap.parse_args()
    rows = read(a.labels)
    memorized = [r["caption"] for r in rows if r["memorized"] == "1"]
    duplicated = [r["caption"] for r in rows if r["memorized"] == "0" and r["role"] == "duplicated"]
    subset = []
    for role, n in SUBSET:
        pick = [r["caption"] for r in rows if r["memorized"] == "0" and r["role"] == role][:n]
        if len(pick) < n:
            sys.exit(f"{a.labels}: {len(pick)} non-memorized {role} captions, the subset needs {n}")
        subset += pick
    write(os.path.join(a.out, "duplicated", "positives.txt"), memorized)
    write(os.path.join(a.out, "duplicated", "negatives.txt"), duplicated)
    write(os.path.join(a.out, "subset", "positives.txt"), memorized)
    write(os.path.join(a.out, "subset", "negatives.txt"), subset)


if __name__ == "__main__":
    main()
