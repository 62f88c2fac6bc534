"""The last stage drops near-duplicate passages."""

from __future__ import annotations

from dataclasses import replace

from assistant.retrieval.dedup import near_duplicate, without_near_duplicates
from assistant.retrieval.hit import Hit


def _long_passage(index):
    return next(c for c in index.chunks if len(c.text.split()) > 60)


def test_a_near_duplicate_is_dropped_and_the_rest_kept(index) -> None:
    original = _long_passage(index)
    words = original.text.split()
    words[5] = "khác"
    copy = replace(original, chunk_id=original.chunk_id + "-copy", text=" ".join(words))
    other = next(c for c in index.chunks if c.doc_id != original.doc_id and len(c.text.split()) > 20)
    hits = [Hit(original, 3.0), Hit(copy, 2.0), Hit(other, 1.0)]
    kept = without_near_duplicates(hits, k=10, words_of=index.features.words_of)
    assert [h.chunk.chunk_id for h in kept] == [original.chunk_id, other.chunk_id]


def test_dedup_stops_at_k(index) -> None:
    hits = [Hit(c, 1.0) for c in index.chunks[:30]]
    assert len(without_near_duplicates(hits, k=5)) == 5


def test_near_duplicate_is_word_jaccard_above_nine_tenths() -> None:
    base = " ".join(f"w{i}" for i in range(20))
    assert near_duplicate(base, base)
    assert near_duplicate(base, base + " w20")  # 20/21 shared
    assert not near_duplicate(base, base + " w20 w21 w22")  # 20/23
    assert not near_duplicate("", "a")
