#!/usr/bin/python3
"""One copying-vs-utility scatter from several `membench --model testbed` results.json files (a run split over
processes): x = trigger max copy similarity, y = general CLIP score, one labelled point per method, plus the real
held-out images' CLIP score as a horizontal line.

  /usr/bin/python3 scripts/metrics/membench_scatter.py OUT.png RESULTS.json [RESULTS.json ...]"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    out, files = sys.argv[1], sys.argv[2:]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    real = None
    for f in files:
        d = json.load(open(f))
        real = d["realHeldout"]["clipScore"]
        for m in d["methods"]:
            ax.scatter(m["copyMaxSimilarity"], m["clipScore"], s=40)
            ax.annotate(f"{m['method']} (RMS copies {100 * m['rmsCopyShare']:.0f}%)",
                        (m["copyMaxSimilarity"], m["clipScore"]), textcoords="offset points", xytext=(5, 5))
    if real is not None:
        ax.axhline(real, color="gray", ls=":", label=f"real held-out images ({real:.3f})")
        ax.legend(loc="lower right")
    ax.set_xlabel("trigger max copy similarity (copy embedding; lower is better)")
    ax.set_ylabel("general CLIP score (mini-CLIP; higher is better)")
    ax.set_title("MemBench on the testbed: copying vs utility")
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
