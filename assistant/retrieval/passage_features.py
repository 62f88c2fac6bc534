"""What ranking reads of each passage, computed once per passage for the life of a loaded build: its folded tokens
(body, heading right above, headings further up), the figures it states, the agencies its task row assigns, the
locality and years it is about, its words for de-duplication; and the IDF of a folded token over the build."""

from __future__ import annotations

import re
import sys
from functools import cached_property

import numpy as np

from assistant.figures import figures
from assistant.retrieval.places import passage_place, years
from ingest.chunk import is_bare_list
from ingest.document import Chunk
from ingest.normalize import (
    canonical_number,
    expand_abbreviations,
    fold,
    folded_tokens,
    normalize,
)

# The agencies a task row assigns, one per name: "Sở Tài chính; Sở Xây dựng", "Công an thành phố, Sở Tư pháp".
_AGENCY_SPLIT = re.compile(r"\s*[;,]\s*(?=(?:Sở|Ban|Bộ|BQL|Ủy|Uỷ|UBND|Công an|Văn phòng|Thành|Đảng|Hội|Liên|Báo|Đài|Trường|Viện|Bảo|Cục|Ngân|Tòa)\b)")


def assigns_lead(chunk: Chunk) -> bool:
    """Whether a passage assigns a lead agency (a task row with a "Cơ quan chủ trì" cell, or prose naming one)."""
    if chunk.cells:
        return any("chủ trì" in key.lower() for key in chunk.cells)
    return "chủ trì" in chunk.text.lower()


def row_agencies(chunk: Chunk) -> set[str]:
    """A task row's lead and supporting agencies, folded: {"so tai chinh", "so xay dung"}."""
    names: set[str] = set()
    for key, value in (chunk.cells or {}).items():
        if "chủ trì" in key.lower() or "phối hợp" in key.lower():
            for part in _AGENCY_SPLIT.split(value):
                name = " ".join(re.findall(r"\w+", fold(expand_abbreviations(normalize(part)))))
                # "các sở, ngành liên quan" names no one; one word ("Sở") is no name either
                if len(name.split()) >= 2 and not name.startswith("cac "):
                    names.add(name)
    return names


# A server warms every passage's features at start (`warm`) up to this many passages; a larger build fills them as
# its passages are first retrieved (at 1x the corpus, warming takes about a second and 35 MB).
WARM_LIMIT = 20_000


def _token_set(text: str) -> frozenset[str]:
    # The same tokens recur in every passage: one string object each.
    return frozenset(map(sys.intern, folded_tokens(text)))


class PassageFeatures:
    """Per-build caches, filled the first time a passage (or token) is asked about, or all at once by `warm`; one
    per loaded Index."""

    def __init__(self, chunks: list[Chunk], lexical):
        self.chunks = chunks
        self.lexical = lexical
        self._idf: dict[str, float] = {}
        self._tokens: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        # Headings are shared by the passages under them: their tokens are read once per heading.
        self._heading_tokens: dict[str, frozenset[str]] = {}
        self._figures: dict[str, set[str]] = {}
        self._places: dict[str, str | None] = {}
        self._years: dict[str, set[str]] = {}
        self._words: dict[str, set[str]] = {}
        self._bare: dict[str, bool] = {}

    def document_frequency(self, token: str) -> int:
        """How many passages hold a folded token."""
        posting = self.lexical.folded.postings.get(token)
        return len(posting[0]) if posting is not None else 0

    def idf(self, token: str) -> float:
        """Inverse document frequency of a folded token over the chunks (how telling a match on it is)."""
        value = self._idf.get(token)
        if value is None:
            df = self.document_frequency(token)
            total = max(len(self.lexical.folded.lengths), 1)
            value = self._idf[token] = float(np.log(1 + (total - df + 0.5) / (df + 0.5)))
        return value

    @cached_property
    def unseen_idf(self) -> float:
        """Just below the IDF of a token no passage holds."""
        total = max(len(self.lexical.folded.lengths), 1)
        return float(np.log(1 + (total + 0.5) / 0.5)) - 1e-9

    def warm(self, limit: int = WARM_LIMIT) -> int:
        """Read every passage's features now (a server does at start, so no search pays for them); the number of
        passages read, 0 for a build over `limit` passages."""
        if len(self.chunks) > limit:
            return 0
        for chunk in self.chunks:
            self.tokens_of(chunk)
            self.figures_of(chunk)
            self.place_of(chunk)
            self.years_of(chunk)
            self.bare_list(chunk)
        _ = self.row_agencies_all  # every search reads it
        return len(self.chunks)

    def _heading(self, text: str) -> frozenset[str]:
        cached = self._heading_tokens.get(text)
        if cached is None:
            cached = self._heading_tokens[text] = _token_set(text)
        return cached

    def tokens_of(self, chunk: Chunk) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """Folded tokens of the passage, of the heading right above it, and of the headings further up."""
        cached = self._tokens.get(chunk.chunk_id)
        if cached is None:
            *upper, leaf = chunk.section.split(" > ") if chunk.section else [""]
            cached = self._tokens[chunk.chunk_id] = (
                _token_set(chunk.text),
                self._heading(leaf),
                self._heading(" \n".join(upper)),
            )
        return cached

    def bare_list(self, chunk: Chunk) -> bool:
        """Whether the passage is nothing but short list items (its heading is what it is about)."""
        cached = self._bare.get(chunk.chunk_id)
        if cached is None:
            cached = self._bare[chunk.chunk_id] = is_bare_list(chunk.text)
        return cached

    def figures_of(self, chunk: Chunk) -> set[str]:
        """The figures a passage states, canonical ("6,4" and "6.4" alike)."""
        cached = self._figures.get(chunk.chunk_id)
        if cached is None:
            cached = self._figures[chunk.chunk_id] = {canonical_number(n) for n in figures(chunk.text)}
        return cached

    def place_of(self, chunk: Chunk) -> str | None:
        """passage_place(chunk): the locality the passage is about."""
        try:
            return self._places[chunk.chunk_id]
        except KeyError:
            place = self._places[chunk.chunk_id] = passage_place(chunk)
            return place

    def years_of(self, chunk: Chunk) -> set[str]:
        """The years a passage or its headings state."""
        cached = self._years.get(chunk.chunk_id)
        if cached is None:
            cached = self._years[chunk.chunk_id] = years(f"{chunk.section} {chunk.text}")
        return cached

    def words_of(self, chunk: Chunk) -> set[str]:
        """The passage's whitespace-separated words, as de-duplication compares them."""
        cached = self._words.get(chunk.chunk_id)
        if cached is None:
            cached = self._words[chunk.chunk_id] = set(chunk.text.split())
        return cached

    @cached_property
    def agencies_by_row(self) -> dict[str, set[str]]:
        """Each task row's lead and supporting agencies, read once (they are asked for on every search)."""
        return {chunk.chunk_id: row_agencies(chunk) for chunk in self.chunks if chunk.cells}

    @cached_property
    def row_agencies_all(self) -> set[str]:
        return set().union(*self.agencies_by_row.values())

    def agencies_named(self, text: str) -> set[str]:
        """The task agencies (of any row) whose full name a question spells out, folded: "so y te"."""
        spaced = " " + " ".join(re.findall(r"\w+", fold(text))) + " "
        return {name for name in self.row_agencies_all if f" {name} " in spaced}

    def assigns(self, chunk: Chunk, agencies: set[str]) -> bool:
        """Whether a task row assigns one of `agencies`, as lead or in support."""
        return bool(self.agencies_by_row.get(chunk.chunk_id, set()) & agencies)
