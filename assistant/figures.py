"""The quantities a text states: its numbers, without list markers, years, dates and the numbers that name
documents, appendices and sections. Shared by retrieval (a figure the question states) and answers."""

from __future__ import annotations

import re

from ingest.patterns import LIST_MARKER, NUMBER, YEAR

# Numbers that name rather than count: "Nghị quyết số 01-NQ/TU", "226/2025/QH15", "ngày 08/11/2025", "Chú thích
# (31)", "Phụ lục 4", "giai đoạn 1".
_NAMING_NUMBER = re.compile(
    r"\b\d+(?:/\d+)*-?(?:/?[A-ZĐ]{2,}\d*)+(?:/[A-ZĐ]+\d*)*|\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b|ngày\s+\d{1,2}/\d{1,2}\b"
    r"|\bsố\s+\d+\b|^Chú thích \(\d+\):|(?i:\b(?:phụ lục|điều|khoản|mục|chương|phần|giai đoạn|đợt|khóa|khoá)\s+\d+\b)"
)
# The words a footnote is attached to, quoted before its note (ingest/parse.py): their figures are not the note's.
_FOOTNOTE_ANCHOR = re.compile(r"^Chú thích \(\d+\): \(cho “.*?”\) ", re.DOTALL)


def figure_list(text: str) -> list[str]:
    """The quantities a text states, in order."""
    body = _NAMING_NUMBER.sub(" ", LIST_MARKER.sub("", _FOOTNOTE_ANCHOR.sub("", text)))
    return [n for n in NUMBER.findall(body) if not YEAR.fullmatch(n)]


def figures(text: str) -> set[str]:
    return set(figure_list(text))
