"""Vietnamese word segmentation (pyvi), to compare compound-word tokens against plain syllable bigrams.

Vietnamese words span several syllables ("cơ quan", "chủ trì"); normalize.lexical_tokens approximates them with
every adjacent syllable pair, pyvi's CRF picks the actual words ("cơ_quan chủ_trì"). pyvi is imported only when
segmentation is first used, so the rest of the ingest pipeline never depends on it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Callable

from ingest.normalize import canonical_number, expand_abbreviations, fold_tokens

_SEGMENT_BREAK_RE = re.compile(r"\n\n|\t")  # paragraphs and table cells: no word spans them
_EDGE_JUNK = "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~…"


@cache
def _segmenter() -> Callable[[str], str]:
    try:
        from pyvi import ViTokenizer
    except Exception as exc:  # ImportError, or a model pickle that no longer loads
        raise RuntimeError(
            f"segmented_tokens needs the 'pyvi' package (pip install pyvi); importing it failed: {exc!r}"
        ) from exc
    return ViTokenizer.tokenize


def segmented_tokens(text: str, folded: bool = False) -> list[str]:
    """Lowercase word tokens, compounds joined with "_" ("cơ_quan", "chủ_trì"), from the same normalised and
    abbreviation-expanded text as lexical_tokens, with the same canonical numbers; folded=True strips diacritics."""
    prepared = expand_abbreviations(text)
    if not prepared:
        return []
    tokenize = _segmenter()
    tokens: list[str] = []
    for segment in _SEGMENT_BREAK_RE.split(prepared):
        if not segment.strip():
            continue
        for raw in tokenize(segment).split():
            token = raw.strip(_EDGE_JUNK).lower()
            if not token or not any(c.isalnum() for c in token):
                continue
            tokens.append(canonical_number(token) if token[0].isdigit() else token)
    return fold_tokens(tokens) if folded else tokens
