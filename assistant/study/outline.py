"""The outline: the sentences most about the topic, twins across documents merged, in authority and reading order.

A topic the documents barely mention gets the few sentences that are about it, never unrelated ones to fill space.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.retrieval.index import Index
from assistant.study.models import OutlinePoint, StudyCitation
from assistant.study.topic import OUTLINE_THRESHOLD, Sentence
from ingest.document import Chunk
from ingest.normalize import folded_tokens

MIN_POINTS = 8
MAX_POINTS = 15
TWIN_SIMILARITY = 0.75
ENUMERATOR = re.compile(r"^\s*(?:\(\d+\)|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-–+•*])\s*", re.I)


def cite(chunk: Chunk, quote: str) -> StudyCitation:
    return StudyCitation(doc_id=chunk.doc_id, doc_title=chunk.doc_title, section=chunk.section, quote=quote, chunk_id=chunk.chunk_id)


def key_tokens(text: str) -> set[str]:
    return {t for t in folded_tokens(ENUMERATOR.sub("", text)) if "_" not in t}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _choose(ranked: list[Sentence], thresholds: tuple[float, ...]) -> list[tuple[Sentence, list[Sentence], set[str]]]:
    chosen: list[tuple[Sentence, list[Sentence], set[str]]] = []
    per_chunk: Counter[str] = Counter()
    for threshold in thresholds:
        for sentence in ranked:
            if len(chosen) >= MAX_POINTS:
                break
            if sentence.relevance < threshold or any(sentence is entry[0] for entry in chosen):
                continue
            tokens = key_tokens(sentence.text)
            twin = next((entry for entry in chosen if jaccard(tokens, entry[2]) > TWIN_SIMILARITY), None)
            if twin is not None:
                if all(s.chunk.doc_id != sentence.chunk.doc_id for s in twin[1]):
                    twin[1].append(sentence)
                continue
            if per_chunk[sentence.chunk.chunk_id] >= 2:
                continue
            per_chunk[sentence.chunk.chunk_id] += 1
            chosen.append((sentence, [sentence], tokens))
        if len(chosen) >= MIN_POINTS:
            break
    return chosen


def outline(sentences: list[Sentence], index: Index, covered: bool) -> list[OutlinePoint]:
    """Up to 15 points; below the first bar only sentences still clearly on the topic, and none for a topic not covered."""
    if not covered:
        return []
    authority = index.authority
    position = index.position
    ranked = sorted(sentences, key=lambda s: (-s.score, -authority.get(s.chunk.doc_id, 0)))
    chosen = _choose(ranked, (OUTLINE_THRESHOLD, OUTLINE_THRESHOLD * 0.6))

    def lead(entry) -> Sentence:
        return max(entry[1], key=lambda s: (authority.get(s.chunk.doc_id, 0), -position[s.chunk.chunk_id]))

    ordered = sorted(
        chosen,
        key=lambda e: (-authority.get(lead(e).chunk.doc_id, 0), lead(e).chunk.doc_id, position[lead(e).chunk.chunk_id], lead(e).offset),
    )
    points = []
    for entry in ordered:
        first = lead(entry)
        others = sorted((s for s in entry[1] if s is not first), key=lambda s: -authority.get(s.chunk.doc_id, 0))
        points.append(OutlinePoint(text=ENUMERATOR.sub("", first.text), citations=[cite(s.chunk, s.text) for s in [first, *others]]))
    return points
