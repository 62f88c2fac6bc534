"""Read the real corpus tables for tests: the project copy if present, else the shared raw files."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

_PROJECT_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
_SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
_RAW_NAMES = {
    "bao-cao-chinh-tri": "000_fa57fa61f79953c7.txt",
    "chuong-trinh-hanh-dong": "002_93c57f95978c9182.txt",
}


@lru_cache(maxsize=None)
def corpus_lines(doc_id: str) -> tuple[str, ...]:
    for path in (_PROJECT_CORPUS / f"{doc_id}.txt", _SHARED_CORPUS / _RAW_NAMES.get(doc_id, "-")):
        if path.exists():
            text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
            return tuple(text.split("\n"))
    pytest.skip(f"corpus file for {doc_id} not found")


def line_of(doc_id: str, pattern: str, start: int = 1) -> int:
    """1-based number of the first line at/after `start` matching `pattern` (a regex)."""
    regex = re.compile(pattern)
    for number, line in enumerate(corpus_lines(doc_id), start=1):
        if number >= start and regex.search(line):
            return number
    raise AssertionError(f"{pattern!r} not found in {doc_id}")


def tab_lines(doc_id: str, first: int, last: int) -> list[tuple[int, str]]:
    """The tab-containing lines between two line numbers (inclusive), as parse_table takes them."""
    lines = corpus_lines(doc_id)
    return [(n, lines[n - 1]) for n in range(first, last + 1) if "\t" in lines[n - 1]]


def appendix_lines(appendix: int) -> list[tuple[int, str]]:
    """Tab lines of Phụ lục 1/2/3 of chuong-trinh-hanh-dong, bounded by the appendix titles."""
    doc = "chuong-trinh-hanh-dong"
    start = line_of(doc, rf"^\**PHỤ LỤC {appendix}\b", 1)
    end = line_of(doc, rf"^(\**PHỤ LỤC|## Phụ lục) {appendix + 1}\b", start)
    return tab_lines(doc, start, end - 1)
