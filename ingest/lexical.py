"""A small persistent BM25 index over two fields: normalised syllables+bigrams, and their diacritic-folded form.

An inverted index in NumPy arrays: scoring touches only the postings of the query's tokens, so a query
costs well under a millisecond per token over thousands of chunks.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Tokenizer = Callable[[str], list[str]]
FORMAT_VERSION = 1


@dataclass
class _Field:
    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    lengths: np.ndarray
    average_length: float

    @classmethod
    def build(cls, token_lists: Sequence[list[str]]) -> "_Field":
        gathered: dict[str, tuple[list[int], list[int]]] = {}
        for doc_index, tokens in enumerate(token_lists):
            for token, tf in Counter(tokens).items():
                ids, tfs = gathered.setdefault(token, ([], []))
                ids.append(doc_index)
                tfs.append(tf)
        postings = {t: (np.asarray(ids, dtype=np.int32), np.asarray(tfs, dtype=np.float32)) for t, (ids, tfs) in gathered.items()}
        lengths = np.asarray([len(t) for t in token_lists], dtype=np.float32)
        average = float(lengths.mean()) if len(lengths) else 1.0
        return cls(postings=postings, lengths=lengths, average_length=max(average, 1.0))

    def scores(self, tokens: list[str], k1: float, b: float) -> np.ndarray:
        total = len(self.lengths)
        scores = np.zeros(total, dtype=np.float32)
        if total == 0:
            return scores
        norm = k1 * (1 - b + b * self.lengths / self.average_length)
        for token, query_tf in Counter(tokens).items():
            posting = self.postings.get(token)
            if posting is None:
                continue
            ids, tfs = posting
            idf = np.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
            scores[ids] += query_tf * idf * tfs * (k1 + 1) / (tfs + norm[ids])
        return scores


class LexicalIndex:
    """BM25 over the accented and the folded token fields; `search` returns (row, score) best first."""

    def __init__(self, ids: list[str], accented: _Field, folded: _Field, k1: float = 1.2, b: float = 0.6):
        self.ids = ids
        self.accented = accented
        self.folded = folded
        self.k1 = k1
        self.b = b

    @classmethod
    def build(cls, ids: list[str], texts: list[str], accented: Tokenizer, folded: Tokenizer) -> "LexicalIndex":
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        return cls(ids, _Field.build([accented(t) for t in texts]), _Field.build([folded(t) for t in texts]))

    def scores(self, accented_tokens: list[str], folded_tokens: list[str], folded_weight: float = 1.0) -> np.ndarray:
        """Accented matches count fully; the folded field adds recall for queries typed without diacritics."""
        return self.accented.scores(accented_tokens, self.k1, self.b) + folded_weight * self.folded.scores(
            folded_tokens, self.k1, self.b
        )

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:
            pickle.dump({"version": FORMAT_VERSION, "ids": self.ids, "accented": self.accented, "folded": self.folded}, handle)

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as error:
            raise ValueError(f"lexical index {path} is unreadable ({error}); run `vankien ingest --rebuild`") from error
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ValueError(f"lexical index {path} has an unknown format; run `vankien ingest --rebuild`")
        return cls(data["ids"], data["accented"], data["folded"])
