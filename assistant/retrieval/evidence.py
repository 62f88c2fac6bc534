"""Whether a passage holds a phrase: how evaluation and training tell a passage that answers from one that does not."""

from __future__ import annotations

import re

from ingest.normalize import fold, normalize

_SPACE = re.compile(r"\s+")


def evidence_in(text: str, phrase: str) -> bool:
    """Whether a passage holds a phrase, ignoring case, tone style, markup and line breaks."""
    def simple(value: str) -> str:
        return _SPACE.sub(" ", normalize(value).lower().replace("*", "")).strip()

    return simple(phrase) in simple(text) or fold(phrase) in fold(text)
