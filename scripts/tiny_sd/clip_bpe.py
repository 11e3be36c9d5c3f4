"""CLIP byte-level BPE tokenizer: a readable Python reference (the oracle for dev.memscope.model.onnx.ClipTokenizer).

Written from the published algorithm (Radford et al., CLIP; the layout HF's CLIPTokenizer reads), standard library
only, so it runs where neither `regex` nor `ftfy` is installed:

  1. clean: html.unescape twice, collapse whitespace runs (str.isspace) to one space, strip, lower-case
     (CLIP also runs ftfy.fix_text first; we do not, and neither does the Java side);
  2. split with the CLIP pattern
        <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+
     implemented by hand: \\p{L} = Unicode category L*, \\p{N} = N*, \\s = str.isspace(); the alternatives are tried
     in that order at each position, a position matching none (whitespace) is skipped;
  3. each piece -> its UTF-8 bytes -> the bytes_to_unicode characters; the last symbol gets the "</w>" suffix;
  4. repeatedly merge the adjacent pair with the lowest rank in merges.txt (all non-overlapping occurrences, left
     to right) until no pair has a rank;
  5. symbols -> ids through vocab.json; [BOS] + first (max_len - 2) ids + [EOS], padded to max_len with the pad
     token from special_tokens_map.json, else tokenizer_config.json, else <|endoftext|> (SD v1: <|endoftext|>;
     SD v2: "!", id 0); model_max_length from the same files (default 77).

Run as a script to tokenize prompts:  python3 clip_bpe.py TOKENIZER_DIR "a prompt" ...
"""
import html
import json
import os
import sys
import unicodedata

BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")
END_OF_WORD = "</w>"


def bytes_to_unicode():
    """The reversible byte -> printable character table: printable Latin-1 bytes map to themselves, the other 68
    bytes to U+0100.. in byte order (so BPE never sees whitespace or control characters)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    table = {b: chr(b) for b in keep}
    n = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + n)
            n += 1
    return table


def byte_symbols():
    """The 256 byte symbols in CLIP's vocabulary order (the kept printable bytes first, then the remapped ones)."""
    table = bytes_to_unicode()
    keep = [b for b in range(256) if ord(table[b]) == b]
    rest = [b for b in range(256) if ord(table[b]) != b]
    return [table[b] for b in keep + rest]


def clean(text):
    text = html.unescape(html.unescape(text))
    out, in_space = [], False
    for ch in text:
        if ch.isspace():
            in_space = True
        else:
            if in_space and out:
                out.append(" ")
            in_space = False
            out.append(ch)
    return "".join(out).lower()


def _is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def _is_number(ch):
    return unicodedata.category(ch).startswith("N")


def pre_tokenize(text):
    """The CLIP regex, alternative by alternative, on already cleaned text."""
    pieces, i, n = [], 0, len(text)
    while i < n:
        if text.startswith(BOS, i):
            pieces.append(BOS); i += len(BOS); continue
        if text.startswith(EOS, i):
            pieces.append(EOS); i += len(EOS); continue
        c = next((c for c in CONTRACTIONS if text.startswith(c, i)), None)
        if c is not None:
            pieces.append(c); i += len(c); continue
        ch = text[i]
        if _is_letter(ch):
            j = i
            while j < n and _is_letter(text[j]):
                j += 1
            pieces.append(text[i:j]); i = j; continue
        if _is_number(ch):
            pieces.append(ch); i += 1; continue
        if not ch.isspace():
            j = i
            while j < n and not (text[j].isspace() or _is_letter(text[j]) or _is_number(text[j])):
                j += 1
            pieces.append(text[i:j]); i = j; continue
        i += 1
    return pieces


def bpe(symbols, ranks):
    """Merges the lowest-ranked adjacent pair until none is ranked."""
    word = list(symbols)
    while len(word) > 1:
        best, best_rank = None, None
        for pair in zip(word, word[1:]):
            r = ranks.get(pair)
            if r is not None and (best_rank is None or r < best_rank):
                best, best_rank = pair, r
        if best is None:
            break
        merged, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and word[i] == best[0] and word[i + 1] == best[1]:
                merged.append(best[0] + best[1]); i += 2
            else:
                merged.append(word[i]); i += 1
        word = merged
    return word


def word_symbols(piece, table=None):
    table = table or bytes_to_unicode()
    chars = [table[b] for b in piece.encode("utf-8")]
    chars[-1] = chars[-1] + END_OF_WORD
    return chars


def read_merges(path):
    """Rank of each pair; '#version' header lines and blank lines skipped; a malformed line raises file:line."""
    ranks = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#version") or not line.strip():
                continue
            parts = line.split(" ")
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise ValueError(f"{path}:{lineno}: a merge is two symbols separated by one space, got {line!r}")
            ranks.setdefault((parts[0], parts[1]), len(ranks))
    return ranks


def _token_content(value):
    if isinstance(value, dict):
        return value.get("content")
    return value


class ClipTokenizer:
    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
            self.vocab = json.load(f)
        self.ranks = read_merges(os.path.join(folder, "merges.txt"))
        self.max_length = 77
        pad = EOS
        # special_tokens_map.json wins over tokenizer_config.json, as in HF transformers (SD v2's pad "!" lives there)
        for name in ("tokenizer_config.json", "special_tokens_map.json"):
            p = os.path.join(folder, name)
            if os.path.exists(p):
                with open(p, encoding="utf-8") as f:
                    cfg = json.load(f)
                if cfg.get("pad_token") is not None:
                    pad = _token_content(cfg["pad_token"])
                ml = cfg.get("model_max_length")
                if isinstance(ml, int) and 2 < ml <= 10000:
                    self.max_length = ml
        self.pad_id = self.vocab[pad]
        self.bos_id = self.vocab[BOS]
        self.eos_id = self.vocab[EOS]
        self.table = bytes_to_unicode()

    def tokens(self, prompt):
        """BPE token ids of the prompt, without BOS/EOS/padding."""
        ids = []
        for piece in pre_tokenize(clean(prompt)):
            if piece in (BOS, EOS):
                ids.append(self.vocab[piece])
                continue
            for sym in bpe(word_symbols(piece, self.table), self.ranks):
                ids.append(self.vocab.get(sym, self.eos_id))  # HF's unk_token is <|endoftext|>
        return ids

    def encode(self, prompt):
        body = self.tokens(prompt)[: self.max_length - 2]
        ids = [self.bos_id] + body + [self.eos_id]
        return ids + [self.pad_id] * (self.max_length - len(ids))


if __name__ == "__main__":
    tok = ClipTokenizer(sys.argv[1])
    for p in sys.argv[2:]:
        print(tok.encode(p))
