"""Tiny BERT models built and saved on the fly, so the sentence-transformers code paths run for real
offline and in well under a second (the weights are random: only shapes and plumbing are meaningful)."""

from __future__ import annotations

import inspect
import string
from pathlib import Path

TINY_MAX_POSITIONS = 64
TINY_HIDDEN = 32

_WORDS = [
    "query", "passage", "hai", "phong", "nghi", "quyet", "dai", "hoi", "dang", "bo", "thanh", "pho",
    "kinh", "te", "tang", "truong", "van", "hoa", "con", "nguoi", "chi", "tieu", "muc", "the", "a", "of",
]


def _write_vocab(directory: Path) -> Path:
    """WordPiece vocab: specials, whole words, and every ASCII letter/digit as a start and a ##-piece,
    so any (lowercased, accent-stripped) Latin text tokenizes without [UNK]."""
    chars = string.ascii_lowercase + string.digits
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *string.punctuation, *chars]
    tokens += [f"##{c}" for c in chars] + _WORDS
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(dict.fromkeys(tokens)) + "\n", encoding="utf-8")
    return vocab


def _tokenizer(directory: Path):
    from transformers import BertTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    vocab = str(_write_vocab(directory))
    # transformers 5 takes the vocab as `vocab` and silently ignores the 4.x `vocab_file` keyword.
    takes_vocab = "vocab" in inspect.signature(BertTokenizerFast.__init__).parameters
    source = {"vocab": vocab} if takes_vocab else {"vocab_file": vocab}
    tokenizer = BertTokenizerFast(**source, model_max_length=TINY_MAX_POSITIONS)
    if tokenizer.vocab_size < len(_WORDS):
        raise RuntimeError(f"tiny tokenizer did not load {vocab}: vocab_size={tokenizer.vocab_size}")
    return tokenizer


def _config(vocab_size: int, **extra):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=TINY_HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=TINY_MAX_POSITIONS,
        **extra,
    )


def build_tiny_sentence_transformer(directory: Path | str) -> Path:
    """A 2-layer, 32-dim BERT + mean pooling saved as a SentenceTransformer directory; returns its path."""
    import torch
    from sentence_transformers import SentenceTransformer
    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Pooling, Transformer
    from transformers import BertModel

    directory = Path(directory)
    hf_dir = directory / "hf"
    tokenizer = _tokenizer(hf_dir)
    torch.manual_seed(0)
    BertModel(_config(tokenizer.vocab_size)).save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)

    transformer = Transformer(str(hf_dir), max_seq_length=TINY_MAX_POSITIONS)
    pooling = Pooling(TINY_HIDDEN, pooling_mode="mean")
    out = directory / "tiny-st"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(out))
    return out


def build_tiny_cross_encoder(directory: Path | str) -> Path:
    """A 2-layer BERT with a single-logit head saved so `sentence_transformers.CrossEncoder(path)` loads it."""
    import torch
    from transformers import BertForSequenceClassification

    out = Path(directory) / "tiny-ce"
    tokenizer = _tokenizer(out)
    torch.manual_seed(0)
    BertForSequenceClassification(_config(tokenizer.vocab_size, num_labels=1)).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
