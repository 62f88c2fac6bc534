"""Put diacritics back on a query typed without them, using the corpus's own word statistics.

The dense model reads "co quan nao chu tri" poorly; "cơ quan nào chủ trì" well. Each folded syllable maps to
the accented forms the corpus uses; a Viterbi pass picks the sequence whose adjacent pairs the corpus uses
most. The documents never ask questions, so question words ("nào", "bao nhiêu", "gì") are seeded.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ingest.normalize import fold, normalize

_WORD = re.compile(r"\w+", re.UNICODE)
_QUESTION_PHRASES = (
    "bao nhiêu", "khi nào", "thế nào", "là gì", "những gì", "ở đâu", "bao giờ", "mấy", "ai chủ trì",
    "cơ quan nào", "đơn vị nào", "năm nào", "ra sao", "có không", "nào", "gì", "đạt bao nhiêu",
)
_SEED_WEIGHT = 200
_CANDIDATES = 6


class Reaccenter:
    def __init__(self, texts: Iterable[str]):
        self.unigrams: dict[str, Counter[str]] = defaultdict(Counter)
        self.bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            self._count(text, 1)
        for phrase in _QUESTION_PHRASES:
            self._count(phrase, _SEED_WEIGHT)

    def _count(self, text: str, weight: int) -> None:
        words = _WORD.findall(normalize(text).lower())
        for word in words:
            self.unigrams[fold(word)][word] += weight
        for pair in zip(words, words[1:]):
            self.bigrams[pair] += weight

    def restore(self, query: str) -> str:
        """The query with the most likely diacritics; words the corpus never saw stay as typed."""
        words = _WORD.findall(normalize(query).lower())
        if not words:
            return query
        lattice = []
        for word in words:
            options = self.unigrams.get(fold(word))
            lattice.append([w for w, _ in options.most_common(_CANDIDATES)] if options else [word])
        # best[i][candidate] = (score, back-pointer)
        best: list[dict[str, tuple[float, str | None]]] = [
            {c: (math.log(1 + self.unigrams.get(fold(c), Counter())[c]), None) for c in lattice[0]}
        ]
        for position in range(1, len(lattice)):
            column: dict[str, tuple[float, str | None]] = {}
            for candidate in lattice[position]:
                unigram = math.log(1 + self.unigrams.get(fold(candidate), Counter())[candidate])
                score, previous = max(
                    (prev_score + 3 * math.log(1 + self.bigrams[(prev, candidate)]) + unigram, prev)
                    for prev, (prev_score, _) in best[-1].items()
                )
                column[candidate] = (score, previous)
            best.append(column)
        word = max(best[-1], key=lambda c: best[-1][c][0])
        chosen = [word]
        for position in range(len(best) - 1, 0, -1):
            word = best[position][word][1]
            chosen.append(word)
        return " ".join(reversed(chosen))
