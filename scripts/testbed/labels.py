#!/usr/bin/python3
"""Ground truth by generation (docs/testbed.md, "Labels"): which testbed captions make the model copy.

  1. prompts:  /usr/bin/python3 scripts/testbed/labels.py prompts --out DIR
               writes DIR/captions.txt (one caption a line) and DIR/captions.json (role, item, copies per caption):
               every caption of every duplicated, singleton and held-out item, novel captions (training words in
               combinations no training caption has), and a seeded sample of concept captions.
  2. sample:   scripts/memscope sample --onnx models/testbed/onnx --prompts DIR/captions.txt --seeds 4
               --seed 777000 --out DIR/samples.npy     (MemScope's DDIM, 50 steps, guidance 7.5)
  3. label:    /usr/bin/python3 scripts/testbed/labels.py label --dir DIR --out models/testbed
               writes labels.csv, ground_truth.json, copy_vs_duplication.png, copy_distance_hist.png, gallery.png

The copy measure is colour-normalised: each image's channels are standardised (mean 0, variance 1 per channel)
before the Euclidean distance (per pixel-channel RMS), so a generation with the right structure under a colour
cast or contrast change is still near its training image. A generation COPIES when its nearest training image is
its caption's own item image and that distance is below TAU. TAU is fixed from the training images alone, before
any generation is looked at: half the median distance from an item image to its nearest other training image.
A caption is MEMORIZED when at least half of its generations copy. Held-out and novel captions have no training
image of their own; for them (and every caption) we also report whether a generation lies within TAU of ANY
training image.
"""
import argparse
import csv
import json
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import concepts  # noqa: E402
import data  # noqa: E402

N_CONCEPT_CAPTIONS = 100
MEMORIZED_SHARE = 0.5


def standardise(imgs):
    """[N, 3, H, W] float in [-1, 1] -> [N, 3*H*W] per-channel standardised, float64."""
    x = imgs.reshape(imgs.shape[0], 3, -1).astype(np.float64)
    x = (x - x.mean(axis=2, keepdims=True)) / (x.std(axis=2, keepdims=True) + 0.05)
    return x.reshape(x.shape[0], -1)


def distances(a, b):
    """RMS distance between rows of standardised a [N, F] and b [M, F]."""
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(d2, 0.0) / a.shape[1])


def border_colour(img):
    """The named background colour nearest to the mean of the image's outer ring of pixels ([3, H, W] in [-1, 1])."""
    ring = np.concatenate([img[:, 0, :], img[:, -1, :], img[:, 1:-1, 0], img[:, 1:-1, -1]], axis=1)
    rgb = (ring.mean(axis=1) + 1) * 127.5
    return min(data.COLOURS, key=lambda c: float(np.sum((np.array(data.COLOURS[c]) - rgb) ** 2)))


def to_unit(imgs_uint8):
    return imgs_uint8.transpose(0, 3, 1, 2).astype(np.float64) / 127.5 - 1.0


def training_images(d):
    """The unique training images, in the order every copy judgement indexes them: the concept images, then each
    item with copies > 0. (uint8 [N, H, W, 3], item id per image (-1 for concept images), number of concept
    images.)"""
    item_ids = [i for i, it in enumerate(d["items"]) if it["copies"] > 0]
    comps = [ci["comp"] for ci in d["concept_images"]] + [d["items"][i]["comp"] for i in item_ids]
    n_concept = len(d["concept_images"])
    return np.stack([data.render(c) for c in comps]), np.array([-1] * n_concept + item_ids), n_concept


def tau_of(zt, n_concept):
    """TAU from the training images alone (standardised, training_images' order): half the median distance from
    an item image to its nearest other training image."""
    dd = distances(zt[n_concept:], zt)
    dd[np.arange(len(zt) - n_concept), n_concept + np.arange(len(zt) - n_concept)] = np.inf
    return 0.5 * float(np.median(dd.min(axis=1)))


def prompts(out):
    d = data.split()
    rows = []
    for i, it in enumerate(d["items"]):
        if it.get("extra"):  # recipe 3's added singletons: the labelled captions stay recipe 2's 907
            continue
        for k, cap in enumerate(it["captions"]):
            copies = 0 if it["copies"] == 0 else len(range(k, it["copies"], len(it["captions"])))
            rows.append({"caption": cap, "role": it["role"], "item": i, "copies": copies})
    for cap in data.novel_captions(d):
        rows.append({"caption": cap, "role": "novel", "item": -1, "copies": 0})
    rng = random.Random(data.SEED + 2)
    singles = [ci for ci in d["concept_images"] if " and " not in ci["caption"]]
    seen = set()
    for ci in rng.sample(singles, 4 * N_CONCEPT_CAPTIONS):
        if ci["caption"] not in seen and len(seen) < N_CONCEPT_CAPTIONS:
            seen.add(ci["caption"])
            n = sum(1 for c in d["concept_images"] if c["caption"] == ci["caption"])
            rows.append({"caption": ci["caption"], "role": "concept", "item": -1, "copies": n,
                         "concept": ci["concept"]})
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "captions.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(r["caption"] for r in rows) + "\n")
    with open(os.path.join(out, "captions.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=0)
    print(f"{len(rows)} captions -> {out}")


def load_classifier(folder):
    """(net, concepts.json) of the concept classifier (concepts.py), or (None, None) with a line saying why: it must
    have been trained on data.RECIPE's images."""
    info_path = os.path.join(folder, "concepts.json")
    if not os.path.isfile(info_path):
        print(f"{info_path}: missing; concept classification skipped (concepts.py train makes it)", file=sys.stderr)
        return None, None
    with open(info_path) as f:
        info = json.load(f)
    if info["data_recipe"] != data.RECIPE:
        raise SystemExit(f"{info_path}: trained on data recipe {info['data_recipe']}, data.py's RECIPE is "
                         f"{data.RECIPE}; retrain it (concepts.py train)")
    return concepts.load(folder), info


def label(folder, out, seeds, concepts_dir):
    d = data.split()
    rows = json.load(open(os.path.join(folder, "captions.json"), encoding="utf-8"))
    samples = np.load(os.path.join(folder, "samples.npy"))
    n = len(rows)
    if samples.shape[0] != n * seeds:
        raise SystemExit(f"{folder}/samples.npy has {samples.shape[0]} samples; {n} captions x {seeds} seeds expected")
    gens = np.clip(samples, -1.0, 1.0)
    raw, train_item, n_concept = training_images(d)
    train = to_unit(raw)
    own_index = {int(item): k for k, item in enumerate(train_item) if item >= 0}
    train_concept = np.array([ci["concept"] for ci in d["concept_images"]] + [-1] * (len(train) - n_concept))
    zt = standardise(train)

    tau = tau_of(zt, n_concept)

    zg = standardise(gens)
    dg = distances(zg, zt)
    nearest = dg.argmin(axis=1)
    nearest_d = dg.min(axis=1)
    names = [c["name"] for c in d["concepts"]]
    # nearest-concept classification: 5 nearest concept images vote
    dc = dg[:, :n_concept]
    top5 = np.argsort(dc, axis=1)[:, :5]

    out_rows, self_d, other_d = [], [], []
    learned, background, classified = {}, {}, {}
    classifier, classifier_info = load_classifier(concepts_dir)
    for r_i, r in enumerate(rows):
        g = slice(r_i * seeds, (r_i + 1) * seeds)
        copies_own, copies_any = 0, 0
        for j in range(g.start, g.stop):
            any_copy = nearest_d[j] < tau
            copies_any += int(any_copy)
            if r["item"] >= 0 and r["copies"] > 0:
                own = own_index[r["item"]]
                if train_item[nearest[j]] == r["item"] and any_copy:
                    copies_own += 1
                if r["role"] == "duplicated":
                    self_d.append(dg[j, own])
                    mask = np.ones(len(zt), bool)
                    mask[own] = False
                    other_d.append(dg[j, mask].min())
        rate = copies_own / seeds
        r["attractor"] = attractor(r, [j for j in range(g.start, g.stop) if nearest_d[j] < tau], nearest,
                                   train_item, d)
        r.update({"copy_rate": rate, "any_copy_rate": copies_any / seeds,
                  "memorized": int(r["role"] in ("duplicated", "singleton") and rate >= MEMORIZED_SHARE)})
        # is the named concept shown? (the first concept named in the caption)
        want = None
        if r["role"] == "concept":
            want = r["concept"]
        elif r["item"] >= 0:
            want = names.index(d["items"][r["item"]]["name"])
        elif r["role"] == "novel":
            want = next((names.index(nm) for nm in sorted(names, key=len, reverse=True) if nm in r["caption"]), None)
        if want is not None:
            hits = 0
            for j in range(g.start, g.stop):
                votes = np.bincount(train_concept[top5[j]], minlength=len(names))
                hits += int(votes.argmax() == want)
            group = r["role"] if not r["memorized"] else "memorized"
            learned.setdefault(group, []).append(hits / seeds)
            if classifier is not None:
                rk = concepts.ranks(classifier, gens[g], [want] * seeds)
                classified.setdefault(group, []).append((float(np.mean(rk < 1)), float(np.mean(rk < 5))))
        colour = next((c for c in data.COLOURS if f" on a {c} background" in r["caption"]), None)
        if colour is not None:
            hits = sum(int(border_colour(gens[j]) == colour) for j in range(g.start, g.stop))
            background.setdefault(r["role"], []).append(hits / seeds)
        out_rows.append(r)

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "labels.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["caption", "role", "item", "copies", "copy_rate", "memorized"])
        for r in out_rows:
            if r["role"] == "concept":
                continue
            w.writerow([r["caption"], r["role"], r["item"], r["copies"], f"{r['copy_rate']:.2f}", r["memorized"]])
    summary = {"tau": tau, "seeds": seeds, "captions": len(rows),
               "memorized_captions": sum(r["memorized"] for r in out_rows),
               "by_role": {}, "concept_accuracy": {k: float(np.mean(v)) for k, v in learned.items()},
               "concept_chance": 1.0 / len(names),
               "background_accuracy": {k: float(np.mean(v)) for k, v in background.items()},
               "background_chance": 1.0 / len(data.COLOURS)}
    if classifier is not None:
        # share of generations whose caption's (first) concept is the classifier's top 1 / in its top 5
        summary["classifier"] = {
            "on_generations": {k: {"captions": len(v), "top1": float(np.mean([a for a, _ in v])),
                                   "top5": float(np.mean([b for _, b in v]))} for k, v in classified.items()},
            "on_real_images_never_trained": classifier_info["accuracy_on_images_never_trained"],
            "chance_top1": classifier_info["chance_top1"], "chance_top5": 5 * classifier_info["chance_top1"]}
    for role in ("duplicated", "singleton", "heldout", "novel", "concept"):
        rr = [r for r in out_rows if r["role"] == role]
        if rr:
            summary["by_role"][role] = {"captions": len(rr), "memorized": sum(r["memorized"] for r in rr),
                                        "mean_copy_rate": float(np.mean([r["copy_rate"] for r in rr])),
                                        "captions_with_any_copy": sum(r["any_copy_rate"] > 0 for r in rr),
                                        # the memorized rule's share, applied to a copy of any training image
                                        "captions_copying_any": sum(r["any_copy_rate"] >= MEMORIZED_SHARE
                                                                    for r in rr),
                                        "mean_any_copy_rate": float(np.mean([r["any_copy_rate"] for r in rr]))}
            leaking = [r for r in rr if r["any_copy_rate"] >= MEMORIZED_SHARE and r["attractor"] != "own item"]
            if leaking:
                # what pulled a caption onto a training image that is not its own (docs/testbed.md)
                summary["by_role"][role]["copying_other_by_attractor"] = {
                    k: sum(r["attractor"] == k for r in leaking) for k in ATTRACTORS if
                    any(r["attractor"] == k for r in leaking)}
                summary["by_role"][role]["copying_other_examples"] = [
                    [r["caption"], r["attractor_caption"]] for r in leaking[:40]]
    with open(os.path.join(out, "ground_truth.json"), "w") as f:
        json.dump(summary, f, indent=1)
    plots(out, out_rows, np.array(self_d), np.array(other_d), tau, gens, seeds, d, rows)
    print(json.dumps(summary, indent=1))


ATTRACTORS = ("own item", "item of the same concept", "item sharing a title word", "other item", "concept image")


def attractor(r, copying, nearest, train_item, d):
    """How a caption's copying generations relate to the training image they copy: the most common nearest
    image among them, classified against the caption (its own item; an item whose title names the same concept; an
    item whose titles share a style or product word; another item; a concept image). Sets r["attractor_caption"]."""
    r["attractor_caption"] = ""
    if not copying:
        return ""
    items = [int(train_item[nearest[j]]) for j in copying]
    top = max(set(items), key=lambda i: (items.count(i), -i))
    if top < 0:
        return "concept image"
    it = d["items"][top]
    r["attractor_caption"] = it["captions"][0]
    if top == r["item"]:
        return "own item"
    words = set(r["caption"].split())
    if it["name"] in r["caption"] or (r["item"] >= 0 and d["items"][r["item"]]["name"] == it["name"]):
        return "item of the same concept"
    title_words = {w for c in it["captions"] for w in (c.split()[0], c.split()[-1])}
    if words & title_words:
        return "item sharing a title word"
    return "other item"


def plots(out, rows, self_d, other_d, tau, gens, seeds, d, all_rows):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    dup = [r for r in rows if r["role"] in ("duplicated", "singleton")]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    x = np.array([max(r["copies"], 1) for r in dup], float)
    y = np.array([r["copy_rate"] for r in dup])
    jitter = np.random.default_rng(0).uniform(-0.02, 0.02, len(y))
    ax.scatter(x, y + jitter, s=12, alpha=0.6, c=["C3" if r["memorized"] else "C0" for r in dup])
    edges = np.unique(np.round(np.logspace(0, np.log10(x.max() + 1), 9)))
    mids, means = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (x >= lo) & (x < hi)
        if m.any():
            mids.append(np.sqrt(lo * hi)); means.append(y[m].mean())
    ax.plot(mids, means, "k-o", lw=1.5, ms=4, label="mean per bin")
    ax.axhline(MEMORIZED_SHARE, color="gray", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("training copies of the caption (image, caption) pair")
    ax.set_ylabel(f"copy rate ({seeds} generations)")
    ax.set_title("testbed: memorization vs duplication (red: memorized)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "copy_vs_duplication.png"), dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    bins = np.linspace(0, max(self_d.max(), other_d.max()) * 1.02, 60)
    ax.hist(self_d, bins=bins, alpha=0.6, label="generation to its own training image")
    ax.hist(other_d, bins=bins, alpha=0.6, label="generation to nearest other training image")
    ax.axvline(tau, color="k", ls="--", label=f"TAU = {tau:.3f}")
    ax.set_xlabel("colour-normalised RMS distance")
    ax.set_ylabel("generations (captions of duplicated items)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "copy_distance_hist.png"), dpi=110)
    plt.close(fig)

    # gallery: 8 memorized, 8 not memorized duplicated, 8 held-out: training image | 4 generations
    def img(a):
        return ((np.clip(a, -1, 1) + 1) * 127.5).astype(np.uint8).transpose(1, 2, 0)
    index = {r["caption"]: i for i, r in enumerate(all_rows)}
    pick = [r for r in rows if r["memorized"]][:8] + \
           [r for r in rows if r["role"] == "duplicated" and not r["memorized"]][:8] + \
           [r for r in rows if r["role"] == "heldout"][:8]
    tiles = []
    blank = np.full((16, 16, 3), 255, np.uint8)
    for r in pick:
        own = img(to_unit(data.render(d["items"][r["item"]]["comp"])[None])[0]) if r["item"] >= 0 else blank
        i = index[r["caption"]]
        row = [own, blank[:, :4]] + [img(gens[i * seeds + s]) for s in range(seeds)]
        tiles.append(np.concatenate(row, 1))
    if tiles:
        grid = np.concatenate(tiles, 0)
        from PIL import Image
        Image.fromarray(grid).resize((grid.shape[1] * 6, grid.shape[0] * 6), Image.NEAREST).save(
            os.path.join(out, "gallery.png"))


def sensitivity(folder, taus, seeds):
    """Per role, (memorized, copying any training image) under other values of TAU: how much of a count is the
    threshold's. Not a label: the labels use TAU from the training images alone."""
    d = data.split()
    rows = json.load(open(os.path.join(folder, "captions.json"), encoding="utf-8"))
    gens = np.clip(np.load(os.path.join(folder, "samples.npy")), -1.0, 1.0)
    raw, train_item, _ = training_images(d)
    dg = distances(standardise(gens), standardise(to_unit(raw)))
    nearest, nearest_d = dg.argmin(axis=1), dg.min(axis=1)
    need = int(np.ceil(MEMORIZED_SHARE * seeds))
    for tau in taus:
        counts = {}
        for role in ("duplicated", "singleton", "heldout", "novel"):
            mem = copying = 0
            for k, r in enumerate(rows):
                if r["role"] != role:
                    continue
                g = range(k * seeds, (k + 1) * seeds)
                mem += sum(1 for j in g if nearest_d[j] < tau and train_item[nearest[j]] == r["item"]) >= need
                copying += sum(1 for j in g if nearest_d[j] < tau) >= need
            counts[role] = {"memorized": mem, "copying_any": copying}
        print(json.dumps({"tau": tau, "by_role": counts}))


def explain(folder, seeds, concepts_dir, role="heldout", png=None):
    """Why captions of ROLE (never trained) come out within TAU of a training image. Two measurements, not labels:

    1. The copy measure on real images: how many of the role's own item images (rendered by data.render, never
       trained) already lie within TAU of some training image. A generation that reproduces such an item's own
       image exactly would count as "copying a training image" although it copies nothing.
    2. Per caption that copies any training image: for each generation, the nearest training image (its item, role,
       caption, concept), the distance, and the concept classifier's rank of the caption's own concept and of the
       nearest image's concept in the generation (0 = top of 300): does the generation show the training image's
       content, or the caption's own concept in that image's layout?"""
    d = data.split()
    rows = json.load(open(os.path.join(folder, "captions.json"), encoding="utf-8"))
    gens = np.clip(np.load(os.path.join(folder, "samples.npy")), -1.0, 1.0)
    raw, train_item, n_concept = training_images(d)
    zt = standardise(to_unit(raw))
    tau = tau_of(zt, n_concept)
    names = [c["name"] for c in d["concepts"]]
    concept_of_image = [ci["concept"] for ci in d["concept_images"]] + [
        names.index(d["items"][int(i)]["name"]) for i in train_item[n_concept:]]
    captions_of = {}
    for r in rows:
        captions_of.setdefault(r["item"], []).append(r["caption"])
    own_ids = sorted({r["item"] for r in rows if r["role"] == role and r["item"] >= 0})
    own_d = np.zeros(0)
    if own_ids:   # novel captions have no image of their own
        own = standardise(to_unit(np.stack([data.render(d["items"][i]["comp"]) for i in own_ids])))
        own_d = distances(own, zt).min(axis=1)
        print(json.dumps({"role": role, "tau": tau, "own_images": len(own_ids),
                          "own_images_within_tau_of_a_training_image": int((own_d < tau).sum()),
                          "own_image_nearest_distance_percentiles_1_5_50":
                              [float(np.percentile(own_d, q)) for q in (1, 5, 50)]}))
    classifier = concepts.load(concepts_dir)
    need = int(np.ceil(MEMORIZED_SHARE * seeds))
    panels = []   # per copying caption: its generations over their nearest training images
    for k, r in enumerate(rows):
        if r["role"] != role:
            continue
        g = np.arange(k * seeds, (k + 1) * seeds)
        dg = distances(standardise(gens[g]), zt)
        nearest, nearest_d = dg.argmin(axis=1), dg.min(axis=1)
        if int((nearest_d < tau).sum()) < need:
            continue
        want = names.index(d["items"][r["item"]]["name"]) if r["item"] >= 0 else next(
            (names.index(nm) for nm in sorted(names, key=len, reverse=True) if nm in r["caption"]), None)
        item_own_d = float(own_d[own_ids.index(r["item"])]) if r["item"] in own_ids else None
        out = {"caption": r["caption"], "item": r["item"], "own_image_nearest_training_distance": item_own_d,
               "generations": []}
        for j, gi in enumerate(g):
            t = int(nearest[j])
            it = int(train_item[t])
            ranks_own = None if want is None else int(concepts.ranks(classifier, gens[gi:gi + 1], [want])[0])
            ranks_nn = int(concepts.ranks(classifier, gens[gi:gi + 1], [concept_of_image[t]])[0])
            out["generations"].append({
                "distance": float(nearest_d[j]), "within_tau": bool(nearest_d[j] < tau),
                "nearest": "concept image" if it < 0 else f"item {it} ({d['items'][it]['role']})",
                "nearest_captions": captions_of.get(it, [])[:2] if it >= 0 else [],
                "nearest_concept": names[concept_of_image[t]], "own_concept": None if want is None else names[want],
                "classifier_rank_own_concept": ranks_own, "classifier_rank_nearest_concept": ranks_nn})
        print(json.dumps(out))
        own_img = data.render(d["items"][r["item"]]["comp"]) if r["item"] >= 0 else None
        panels.append((r["caption"], own_img, [to_uint8(gens[gi]) for gi in g], [raw[t] for t in nearest],
                       nearest_d < tau))
    if png and panels:
        explain_png(png, panels, role)


def to_uint8(x):
    """A generation in [-1, 1], [3, H, W] -> uint8 [H, W, 3]."""
    return np.clip((x.transpose(1, 2, 0) + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)


def explain_png(path, panels, role):
    """Per caption a pair of rows: its own item image (if it has one) and its generations, then under each
    generation its nearest training image, framed red when within TAU."""
    from PIL import Image, ImageDraw
    z, pad, label_h = 64, 8, 14
    cols = 1 + max(len(p[2]) for p in panels)
    labels = [f"{role}: '{p[0]}'. Top: own image, generations; below: nearest training image" for p in panels]
    w = max(cols * (z + pad) + pad, 6 * max(len(t) for t in labels) + 2 * pad)   # PIL's default font: 6 px a char
    h = len(panels) * (2 * (z + pad) + label_h) + pad
    im = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(im)
    up = lambda a: Image.fromarray(a).resize((z, z), Image.NEAREST)  # noqa: E731
    y = pad
    for text, (caption, own, gens, near, within) in zip(labels, panels):
        draw.text((pad, y), text, fill="black")
        y += label_h
        if own is not None:
            im.paste(up(own), (pad, y))
        for c, (g, n, inside) in enumerate(zip(gens, near, within)):
            x = pad + (c + 1) * (z + pad)
            im.paste(up(g), (x, y))
            im.paste(up(n), (x, y + z + pad))
            if inside:
                draw.rectangle([x - 3, y + z + pad - 3, x + z + 2, y + 2 * z + pad + 2], outline="red", width=2)
        y += 2 * (z + pad)
    tmp = path + ".tmp.png"
    im.save(tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prompts")
    p.add_argument("--out", required=True)
    q = sub.add_parser("label")
    q.add_argument("--dir", required=True)
    q.add_argument("--out", required=True)
    q.add_argument("--seeds", type=int, default=4)
    q.add_argument("--concepts", default=os.path.join(HERE, "..", "..", "models", "concepts"),
                   help="the concept classifier's folder (concepts.py train)")
    t = sub.add_parser("sensitivity", help="counts under other TAU values (not labels)")
    t.add_argument("--dir", required=True)
    t.add_argument("--tau", type=float, nargs="+", required=True)
    t.add_argument("--seeds", type=int, default=4)
    e = sub.add_parser("explain", help="why never-trained captions come out within TAU of a training image")
    e.add_argument("--dir", required=True)
    e.add_argument("--role", default="heldout", choices=["heldout", "novel"])
    e.add_argument("--seeds", type=int, default=4)
    e.add_argument("--concepts", default=os.path.join(HERE, "..", "..", "models", "concepts"))
    e.add_argument("--png", help="also draw the copying captions' generations over their nearest training images")
    a = ap.parse_args()
    if a.cmd == "explain":
        explain(a.dir, a.seeds, a.concepts, a.role, a.png)
        return
    if a.cmd == "sensitivity":
        sensitivity(a.dir, a.tau, a.seeds)
    elif a.cmd == "prompts":
        prompts(a.out)
    else:
        label(a.dir, a.out, a.seeds, a.concepts)


if __name__ == "__main__":
    main()
