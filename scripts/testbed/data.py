"""The testbed's data: colour emoji from Debian's fonts-noto-color-emoji, composed into captioned 16x16 images.

Everything is a pure, seeded function of the font file (its sha256 is recorded in the dataset card):

  emoji()         every single-codepoint emoji in the font's cmap that has a Unicode character name, named by
                  that name in lower case; names that collide are dropped (both), so each name shows one glyph.
  split(...)      which emoji are concepts, and which compositions are duplicated, seen once or held out.
  render(...)     one composition -> uint8 [16, 16, 3].

Two kinds of training image (docs/testbed.md, "Data"):
  * concept images: one emoji (or two) at a random place and scale on a plain background, captioned by what is
    shown ("a red apple on a blue background"). Every concept appears in many varying images, so the model learns
    each concept as a distribution and can compose captions it never saw.
  * items: one fixed image each (one or two emoji at fixed places on a two-tone background) under a title-style
    caption ("vintage red apple sticker"), as LAION's duplicated images carry their own captions. Duplicated items
    are repeated a heavy-tailed number of times (2 .. 300), some under several captions; singleton items are seen
    once; held-out items are never trained on.

Recipes (docs/testbed.md, "How the data recipe got here"): recipe 1 draws every item's title from one
vocabulary, so a held-out title shares its concept or a style/product word with some heavily duplicated title, and
20 of 200 held-out captions copied that title's image. Recipe 2 deals the title vocabulary into two disjoint word pools before any
item is drawn: duplicated items are titled from one, singleton and held-out items (and novel titles) from the other,
so no caption that must stay clear of training images shares a single word with a duplicated caption. Recipe 3
(the committed model's) adds 9,750 open-pool singletons to recipe 2 (extra_singletons), so that most title-style
rows are seen once, as in LAION. Concept images are the same in every recipe (every concept is still learned as a
distribution).
"""
import hashlib
import json
import math
import os
import random
import unicodedata

import numpy as np
from PIL import Image, ImageFont

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
PACKAGE = "fonts-noto-color-emoji"
RES = 16                 # training resolution (docs/testbed.md: why 16)
RENDER_SIZE = 109        # the only bitmap size of NotoColorEmoji's CBDT strikes
SEED = 20261203
RECIPE = 3               # the data recipe of the committed model (models/testbed/train/train.json: data_recipe)
RECIPES = (1, 2, 3)

N_CONCEPTS = 300
VARIANTS_PER_CONCEPT = 24
PAIR_SHARE = 0.3
N_DUPLICATED = 150
N_SINGLETON = 250
N_HELDOUT = 200
MIN_COPIES, MAX_COPIES = 2, 300
MULTI_CAPTION_SHARE = 0.3
EXTRA_SINGLETONS = 9750  # recipe 3: singleton items added to recipe 2's data (10,000 singletons in all)

COLOURS = {   # named plain backgrounds; names are the caption words
    "red": (200, 40, 40), "orange": (235, 140, 30), "yellow": (240, 220, 60), "green": (50, 160, 70),
    "blue": (40, 80, 200), "purple": (130, 60, 170), "pink": (240, 150, 190), "brown": (120, 80, 40),
    "black": (20, 20, 20), "white": (245, 245, 245), "gray": (128, 128, 128), "teal": (30, 150, 150),
}
STYLES = ["vintage", "retro", "cute", "neon", "classic", "tiny", "happy", "royal", "golden", "minimal",
          "cartoon", "pixel", "modern", "rustic", "magic", "cosmic", "funky", "lucky", "sunny", "frozen"]
PRODUCTS = ["sticker", "poster", "logo", "icon", "badge", "card", "print", "mug", "shirt", "banner",
            "pattern", "emblem", "label", "stamp", "button", "wallpaper", "patch", "pin", "magnet", "tile"]


def font_sha256():
    h = hashlib.sha256()
    with open(FONT, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def emoji():
    """[(codepoint, name)] sorted by codepoint: single codepoints of the font's cmap with a distinct Unicode name."""
    from fontTools.ttLib import TTFont
    cmap = TTFont(FONT, lazy=True).getBestCmap()
    named = {}
    for cp in sorted(cmap):
        if cp < 0x2000 or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or 0xE0000 <= cp:
            continue  # ASCII/Latin (digits, #, *), variation selectors, skin-tone modifiers, tags
        if 0x1F1E6 <= cp <= 0x1F1FF:
            continue  # regional indicator letters: flags need pairs
        if unicodedata.category(chr(cp)) != "So":
            continue  # combining marks (the keycap), letters and punctuation the font also maps
        name = unicodedata.name(chr(cp), "").lower()
        if not name:
            continue
        named.setdefault(name, []).append(cp)
    return sorted((cps[0], name) for name, cps in named.items() if len(cps) == 1)


_GLYPHS = {}


def glyph(cp):
    """The emoji as RGBA, cropped to its opaque box, at the font's bitmap size."""
    if cp not in _GLYPHS:
        font = ImageFont.truetype(FONT, RENDER_SIZE)
        img = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
        from PIL import ImageDraw
        ImageDraw.Draw(img).text((0, 0), chr(cp), font=font, embedded_color=True)
        box = img.getbbox()
        if box is None:
            raise ValueError(f"{FONT}: U+{cp:04X} renders empty")
        _GLYPHS[cp] = img.crop(box)
    return _GLYPHS[cp]


def render(comp):
    """uint8 [RES, RES, 3] for a composition dict: bg (colour name) or bg2 (two colours, split 'h' or 'v'),
    and emoji: [(cp, size_px, x, y)] pasted in order, the glyph's longer side scaled to size_px (Lanczos)."""
    up = 8  # composed at 8x and box-filtered down, so placement has sub-pixel resolution
    n = RES * up
    canvas = Image.new("RGBA", (n, n), COLOURS[comp["bg"]] + (255,))
    if comp.get("bg2"):
        second = Image.new("RGBA", (n, n), COLOURS[comp["bg2"]] + (255,))
        mask = Image.new("L", (n, n), 0)
        half = (0, 0, n, n // 2) if comp["split"] == "h" else (0, 0, n // 2, n)
        mask.paste(255, half)
        canvas = Image.composite(second, canvas, mask)
    for cp, size, x, y in comp["emoji"]:
        g = glyph(cp)
        scale = size * up / max(g.size)
        g = g.resize((max(1, round(g.size[0] * scale)), max(1, round(g.size[1] * scale))), Image.LANCZOS)
        canvas.alpha_composite(g, (round(x * up), round(y * up)))
    small = canvas.convert("RGB").resize((RES, RES), Image.BOX)
    return np.asarray(small, dtype=np.uint8)


def _a(name):
    return ("an " if name[0] in "aeiou" else "a ") + name


def _place(rng, size):
    return rng.uniform(0, RES - size), rng.uniform(0, RES - size)


def split(seed=SEED, recipe=None):
    """The whole dataset as a dict (see module doc). Deterministic in the seed, the recipe and the font."""
    recipe = RECIPE if recipe is None else recipe
    if recipe not in RECIPES:
        raise ValueError(f"data recipe {recipe}: known recipes are {RECIPES}")
    rng = random.Random(seed)
    all_emoji = emoji()
    concepts = sorted(rng.sample(all_emoji, N_CONCEPTS))
    colours = sorted(COLOURS)

    concept_images = []
    for ci, (cp, name) in enumerate(concepts):
        for v in range(VARIANTS_PER_CONCEPT):
            bg = rng.choice(colours)
            if rng.random() < PAIR_SHARE:
                cp2, name2 = rng.choice([c for c in concepts if c[0] != cp])
                s1, s2 = rng.uniform(7, 9), rng.uniform(7, 9)
                x1, y1 = rng.uniform(0, 3), rng.uniform(0, RES - s1)
                x2, y2 = rng.uniform(RES - s2 - 3, RES - s2), rng.uniform(0, RES - s2)
                comp = {"bg": bg, "emoji": [(cp, s1, x1, y1), (cp2, s2, x2, y2)]}
                caption = f"{_a(name)} and {_a(name2)} on a {bg} background"
            else:
                s = rng.uniform(9, 14)
                x, y = _place(rng, s)
                comp = {"bg": bg, "emoji": [(cp, s, x, y)]}
                caption = f"{_a(name)} on a {bg} background"
            concept_images.append({"concept": ci, "comp": comp, "caption": caption})

    n_items = N_DUPLICATED + N_SINGLETON + N_HELDOUT
    if recipe == 1:
        pools = {"all": (concepts, STYLES, PRODUCTS)}
        roles = None
    else:
        pools = word_pools(rng, concepts)
        roles = ["duplicated"] * N_DUPLICATED + ["singleton"] * N_SINGLETON + ["heldout"] * N_HELDOUT
        rng.shuffle(roles)
    items, titles = [], set()
    while len(items) < n_items:
        pool = "all" if roles is None else ("dup" if roles[len(items)] == "duplicated" else "open")
        item = _draw_item(rng, pools[pool], colours, titles)
        if item is None:
            continue
        if roles is not None:
            item["role"], item["pool"] = roles[len(items)], pool
        items.append(item)
    if roles is None:
        order = list(range(n_items))
        rng.shuffle(order)
        for rank, i in enumerate(order):
            items[i]["role"] = ("duplicated" if rank < N_DUPLICATED else
                                "singleton" if rank < N_DUPLICATED + N_SINGLETON else "heldout")
    for it in items:
        if it["role"] == "duplicated":
            # log-uniform copy count: heavy-tailed, a few items hundreds of times, most a few dozen or less
            it["copies"] = int(round(math.exp(rng.uniform(math.log(MIN_COPIES), math.log(MAX_COPIES)))))
            if rng.random() < MULTI_CAPTION_SHARE and it["copies"] >= 6:
                _, styles, products = pools[it.get("pool", "all")]
                for _ in range(rng.choice([1, 2])):
                    for _attempt in range(50):
                        extra = f"{rng.choice(styles)} {it['name']} {rng.choice(products)}"
                        if extra not in titles:
                            titles.add(extra)
                            it["captions"].append(extra)
                            break
        elif it["role"] == "singleton":
            it["copies"] = 1
        else:
            it["copies"] = 0
    if recipe == 3:
        items += extra_singletons(pools["open"], colours, titles)
    out = {"seed": seed, "recipe": recipe, "concepts": [{"codepoint": cp, "name": n} for cp, n in concepts],
           "concept_images": concept_images, "items": items, "emoji_in_font": len(all_emoji)}
    if recipe >= 2:
        out["pools"] = {p: {"concepts": [n for _, n in pools[p][0]], "styles": pools[p][1], "products": pools[p][2]}
                        for p in ("dup", "open")}
    return out


def extra_singletons(pool, colours, titles):
    """Recipe 3's added singleton items: open-pool titles on fixed compositions, each seen once, drawn from their own
    seeded stream after recipe 2's items, so recipe 2's concepts, duplicated, singleton and held-out items are
    unchanged. Marked "extra": labels.py samples the same 907 captions as for recipe 2."""
    rng = random.Random(SEED + 3)
    out = []
    while len(out) < EXTRA_SINGLETONS:
        item = _draw_item(rng, pool, colours, titles)
        if item is not None:
            out.append(dict(item, role="singleton", pool="open", copies=1, extra=True))
    return out


def _draw_item(rng, pool, colours, titles):
    """One item from a (concepts, styles, products) pool: one or two emoji at fixed places on a two-tone
    background, titled STYLE NAME PRODUCT; None when the title is taken (the caller draws again). Adds the title
    to `titles`. The order of draws is the data's: changing it changes every recipe."""
    names, styles, products = pool
    cp, name = rng.choice(names)
    bg, bg2 = rng.sample(colours, 2)
    if rng.random() < 0.5:
        s = rng.uniform(9, 13)
        em = [(cp, s, *_place(rng, s))]
    else:
        cp2, _ = rng.choice([c for c in names if c[0] != cp])
        s1, s2 = rng.uniform(6, 9), rng.uniform(6, 9)
        em = [(cp, s1, *_place(rng, s1)), (cp2, s2, *_place(rng, s2))]
    title = f"{rng.choice(styles)} {name} {rng.choice(products)}"
    if title in titles:
        return None
    titles.add(title)
    return {"comp": {"bg": bg, "bg2": bg2, "split": rng.choice("hv"), "emoji": em}, "captions": [title], "name": name}


def recipe_of(train_dir):
    """The data recipe a training folder was made with, from the train.json train.py writes beside its checkpoint
    (runs made before recipes were numbered are recipe 1)."""
    path = os.path.join(train_dir, "train.json")
    if not os.path.isfile(path):
        raise SystemExit(f"{path}: missing; train.py writes it beside checkpoint.pt")
    with open(path) as f:
        return json.load(f).get("data_recipe", 1)


def word_pools(rng, concepts):
    """Recipe 2's disjoint title vocabularies: {"dup"|"open": (concepts, styles, products)}.

    Styles and products are halved at random. Concepts are dealt, in a seeded order, to the smaller pool whose words
    their name does not share with the other pool; a concept whose words are already in both pools goes to neither
    (it still has its concept images, it titles no item). Every word counts, "with" and "of" included, since the
    text encoder sees them all."""
    styles, products = STYLES[:], PRODUCTS[:]
    rng.shuffle(styles)
    rng.shuffle(products)
    chosen = {"dup": [], "open": []}
    words = {"dup": set(styles[:10]) | set(products[:10]), "open": set(styles[10:]) | set(products[10:])}
    order = concepts[:]
    rng.shuffle(order)
    other = {"dup": "open", "open": "dup"}
    for c in order:
        ws = set(c[1].split())
        fits = [p for p in ("dup", "open") if not ws & words[other[p]]]
        if not fits:
            continue
        p = min(fits, key=lambda q: len(chosen[q]))
        chosen[p].append(c)
        words[p] |= ws
    return {"dup": (sorted(chosen["dup"]), sorted(styles[:10]), sorted(products[:10])),
            "open": (sorted(chosen["open"]), sorted(styles[10:]), sorted(products[10:]))}


def title_words(data, roles):
    """Every word of the item captions of the given roles."""
    return {w for it in data["items"] if it["role"] in roles for c in it["captions"] for w in c.split()}


def novel_captions(data, n=150, seed=SEED + 1):
    """Captions made of training caption words in combinations that no training caption has: title-style captions
    (style, concept, product) and concept captions (concept, colour) that do not occur in the training set."""
    rng = random.Random(seed)
    used = {c for it in data["items"] for c in it["captions"]} | {ci["caption"] for ci in data["concept_images"]}
    names = [c["name"] for c in data["concepts"]]
    title_names, styles, products = names, STYLES, PRODUCTS
    if data.get("recipe", 1) >= 2:  # novel titles must stay clear of duplicated captions' words, as held-out ones do
        pool = data["pools"]["open"]
        title_names, styles, products = pool["concepts"], pool["styles"], pool["products"]
    out = []
    while len(out) < n:
        if len(out) % 2 == 0:
            cap = f"{rng.choice(styles)} {rng.choice(title_names)} {rng.choice(products)}"
        else:
            cap = f"{_a(rng.choice(names))} on a {rng.choice(sorted(COLOURS))} background"
        if cap not in used and cap not in out:
            out.append(cap)
    return out


def training_set(data):
    """(images uint8 [N, RES, RES, 3], captions [N], kind [N]) with every duplicate copy materialised, in a fixed
    order; the sampler shuffles. A duplicated item with several captions cycles through them over its copies."""
    images, captions, kinds = [], [], []
    for ci in data["concept_images"]:
        images.append(render(ci["comp"]))
        captions.append(ci["caption"])
        kinds.append(0)
    for it in data["items"]:
        if it["copies"] == 0:
            continue
        img = render(it["comp"])
        for k in range(it["copies"]):
            images.append(img)
            captions.append(it["captions"][k % len(it["captions"])])
            kinds.append(1 if it["role"] == "duplicated" else 2)
    return np.stack(images), captions, np.array(kinds, dtype=np.int64)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="Prints the dataset's counts for a recipe (and recipe 2's word pools).")
    ap.add_argument("--recipe", type=int, default=RECIPE, choices=RECIPES)
    a = ap.parse_args()
    d = split(recipe=a.recipe)
    imgs, caps, kinds = training_set(d)
    dup = [it for it in d["items"] if it["role"] == "duplicated"]
    print(f"recipe {a.recipe}: {d['emoji_in_font']} named emoji; {len(d['concept_images'])} concept images; "
          f"{sum(it['copies'] for it in dup)} duplicate copies of {len(dup)} items under "
          f"{sum(len(it['captions']) for it in dup)} captions; {len(caps)} training rows {imgs.shape}")
    shared = title_words(d, {"duplicated"}) & (title_words(d, {"singleton", "heldout"})
                                             | {w for c in novel_captions(d)[0::2] for w in c.split()})
    print(f"words shared by duplicated captions and singleton/held-out/novel titles: {len(shared)}"
          + (f" (e.g. {sorted(shared)[:8]})" if shared else ""))
    if a.recipe >= 2:
        pools = d["pools"]
        print(f"concepts: {len(pools['dup']['concepts'])} duplicated pool, {len(pools['open']['concepts'])} open "
              f"pool, {N_CONCEPTS - len(pools['dup']['concepts']) - len(pools['open']['concepts'])} neither")
