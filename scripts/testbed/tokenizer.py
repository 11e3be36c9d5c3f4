"""The testbed's tokenizer: CLIP's byte-level BPE layout (vocab.json, merges.txt, tokenizer_config.json), merges
learned on the training captions until every training word is one token, model_max_length = model.MAX_LENGTH.
MemScope's Java ClipTokenizer reads it unchanged; scripts/tiny_sd/clip_bpe.py is the Python reference."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tiny_sd import clip_bpe  # noqa: E402
from tiny_sd import model as tiny  # noqa: E402

import model  # noqa: E402

MAX_MERGES = 20000


def write(folder, captions):
    tiny.MAX_LENGTH = model.MAX_LENGTH   # write_tokenizer records it as model_max_length
    tiny.write_tokenizer(folder, captions, num_merges=MAX_MERGES)
    return clip_bpe.ClipTokenizer(folder)
