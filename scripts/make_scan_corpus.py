#!/usr/bin/env python3
"""Writes a synthetic caption corpus for `memscope scan` (docs/scan.md): seeded, never committed.

Captions are new recombinations of the words of the shared prompt files (../shared/data/*.txt): each caption takes
a random prompt as a template and replaces about half of its words with words drawn from the whole vocabulary, so
the corpus has the length and word statistics of real captions without repeating them. A small share (--verbatim,
default 0.5%) are verbatim prompts of sd1_mem.txt, the memorized captions a scan should rank first, and one row in
--empty-every (default 10,000) is empty, so the rejects path runs at scale too.

The machine MemScope is built on has no Python Parquet library (no pyarrow, pandas or fastparquet), so this writes
the captions as text and converts them with `scripts/memscope scan text-to-parquet` (parquet-hadoop, the library
the scan itself uses). --text-only stops at the text file.

    python3 scripts/make_scan_corpus.py --rows 1000000 --out /tmp/corpus-1m.parquet
"""
import argparse
import pathlib
import random
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def shared_data(given):
    for d in ([pathlib.Path(given)] if given else []) + [ROOT.parent / "shared" / "data", pathlib.Path("../shared/data")]:
        if d.is_dir():
            return d
    sys.exit("make_scan_corpus: no shared data folder (../shared/data beside the checkout); name one with --data")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--out", required=True, help="corpus.parquet (or .txt with --text-only)")
    ap.add_argument("--verbatim", type=float, default=0.005, help="share of verbatim memorized prompts")
    ap.add_argument("--empty-every", type=int, default=10_000, help="one empty row per this many (0: none)")
    ap.add_argument("--data", help="shared data folder (default ../shared/data beside the checkout)")
    ap.add_argument("--text-only", action="store_true")
    a = ap.parse_args()
    if a.rows < 1:
        sys.exit("make_scan_corpus: --rows must be >= 1")
    data = shared_data(a.data)
    prompts = []
    for f in sorted(data.glob("*.txt")):
        prompts += [l.strip() for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
    memorized = [l.strip() for l in (data / "sd1_mem.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    templates = [p.split() for p in prompts if len(p.split()) >= 3]
    vocab = sorted({w for t in templates for w in t})
    rng = random.Random(a.seed)
    out = pathlib.Path(a.out)
    text = out if a.text_only else out.with_name(out.name + ".txt")
    tmp = text.with_name("." + text.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(a.rows):
            if a.empty_every and i % a.empty_every == a.empty_every - 1:
                fh.write("\n")
            elif rng.random() < a.verbatim:
                fh.write(rng.choice(memorized) + "\n")
            else:
                words = list(rng.choice(templates))
                for j in range(len(words)):
                    if rng.random() < 0.5:
                        words[j] = rng.choice(vocab)
                fh.write(" ".join(words)[:1000] + "\n")
    tmp.replace(text)
    print(f"make_scan_corpus: {a.rows} captions from {len(prompts)} prompts ({len(vocab)} words), seed {a.seed} "
          f"-> {text}", file=sys.stderr)
    if a.text_only:
        return
    subprocess.run([str(ROOT / "scripts" / "memscope"), "scan", "text-to-parquet", str(text), str(out)], check=True)
    text.unlink()


if __name__ == "__main__":
    main()
