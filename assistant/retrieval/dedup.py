"""The last stage: a passage nearly identical to one already kept (the same paragraph in two documents, or a
table row repeated on the next page) is dropped."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assistant.retrieval.hit import Hit
from ingest.document import Chunk


def _words(chunk: Chunk) -> set[str]:
    return set(chunk.text.split())


def near_duplicate(a: str, b: str, words_a: set[str] | None = None, words_b: set[str] | None = None) -> bool:
    """Identical texts, or texts sharing more than 90% of their words (Jaccard); the word sets may be given."""
    if a == b:
        return True
    ta = set(a.split()) if words_a is None else words_a
    tb = set(b.split()) if words_b is None else words_b
    if not ta or not tb:
        return False
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared) > 0.9


def without_near_duplicates(hits: Iterable[Hit], k: int, words_of: Callable[[Chunk], set[str]] = _words) -> list[Hit]:
    """The first `k` hits in order, each kept only if it is no near duplicate of one kept before it. `words_of`
    gives a passage's word set (the index caches them)."""
    kept: list[Hit] = []
    for hit in hits:
        words = words_of(hit.chunk)
        if any(
            near_duplicate(hit.chunk.text, other.chunk.text, words, words_of(other.chunk)) for other in kept
        ):
            continue
        kept.append(hit)
        if len(kept) >= k:
            break
    return kept
