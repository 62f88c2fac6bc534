"""Put diacritics back on a query typed without them, using the corpus's own word statistics.

The dense model reads "co quan chu tri" poorly; "cơ quan chủ trì" well. Each folded syllable maps to the
accented forms the corpus uses; a left-to-right pass picks, at each position, the form that most often
follows the previous choice (bigram counts), falling back to the most frequent form.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ingest.normalize import fold, normalize

_WORD = re.compile(r"\w+", re.UNICODE)


class Reaccenter:
    def __init__(self, texts: Iterable[str]):
        self.unigrams: dict[str, Counter[str]] = defaultdict(Counter)
        self.bigrams: dict[tuple[str, str], Counter[tuple[str, str]]] = defaultdict(Counter)
        for text in texts:
            words = _WORD.findall(normalize(text).lower())
            folded = [fold(w) for w in words]
            for word, key in zip(words, folded):
                self.unigrams[key][word] += 1
            for (a, b), (fa, fb) in zip(zip(words, words[1:]), zip(folded, folded[1:])):
                self.bigrams[(fa, fb)][(a, b)] += 1

    def restore(self, query: str) -> str:
        """The query with the most likely diacritics; words the corpus never saw stay as typed."""
        words = _WORD.findall(normalize(query).lower())
        if not words:
            return query
        folded = [fold(w) for w in words]
        chosen: list[str] = []
        for index, key in enumerate(folded):
            options = self.unigrams.get(key)
            if not options:
                chosen.append(words[index])
                continue
            best = options.most_common(1)[0][0]
            if index + 1 < len(folded):
                pair = self.bigrams.get((key, folded[index + 1]))
                if pair:
                    candidate = pair.most_common(1)[0][0][0]
                    if not chosen or self.bigrams.get((fold(chosen[-1]), key)) is None:
                        best = candidate
            if chosen:
                pair = self.bigrams.get((fold(chosen[-1]), key))
                if pair:
                    matching = [(b, n) for (a, b), n in pair.items() if a == chosen[-1]]
                    if matching:
                        best = max(matching, key=lambda item: item[1])[0]
            chosen.append(best)
        return " ".join(chosen)
