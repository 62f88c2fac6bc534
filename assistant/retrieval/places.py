"""Where and when a text is about: the two merged localities, and the years it states."""

from __future__ import annotations

import re

from ingest.document import Chunk
from ingest.normalize import fold
from ingest.patterns import PERIOD, YEAR


def years(text: str) -> set[str]:
    return set(YEAR.findall(text))



def spanned_years(text: str, default: set[str]) -> set[str]:
    """The years a passage speaks of, a period "2026 - 2030" standing for each of its years; a passage naming no
    year at all is taken to speak of the years asked (`default`), as "hằng năm" does."""
    stated = years(text)
    if not stated:
        return set(default)
    for start, end in PERIOD.findall(text):
        stated |= {str(y) for y in range(int(start), int(end) + 1)}
    return stated


# Hải Phòng merged with Hải Dương province in 2025: the reports state most results twice, once for each.
_HAI_DUONG = re.compile(r"\bhai duong\b|\b(?:dia ban|toan|cua) tinh\b")
_HAI_PHONG = re.compile(r"\bhai phong\b|\b(?:dia ban|toan|cua) thanh pho\b")


def _places_named(text: str) -> tuple[bool, bool]:
    """Whether a text names Hải Dương, and whether it names Hải Phòng."""
    return places_named_in_folded(fold(text))


def places_named_in_folded(folded: str) -> tuple[bool, bool]:
    """_places_named of a text already folded."""
    return bool(_HAI_DUONG.search(folded)), bool(_HAI_PHONG.search(folded))


def one_place(duong: bool, phong: bool) -> str | None:
    if duong == phong:
        return None
    return "hai duong" if duong else "hai phong"


def place_of(text: str) -> str | None:
    """Which of the two merged localities a text is about, when it names exactly one."""
    return one_place(*_places_named(text))


def leaf_heading(chunk: Chunk) -> str:
    """The heading right above a passage."""
    return chunk.section.rsplit(" > ", 1)[-1]


def passage_place(chunk: Chunk, sentence: str | None = None) -> str | None:
    """The locality a passage, or one sentence of it, is about: the sentence's own, else read with the heading right above it; when those
    name neither, the nearest heading further up that names one ("2. Kết quả thực hiện các chỉ tiêu Đại hội XVII
    Đảng bộ tỉnh Hải Dương" over "2.1. Các chỉ tiêu kinh tế - xã hội")."""
    own = f"{leaf_heading(chunk)} {chunk.text if sentence is None else sentence}"
    # A sentence that names one of them is about it, whatever its heading names: "…; Hải Dương năm 2024 đạt 69,48
    # điểm" under a heading on "thành phố Hải Phòng và tỉnh Hải Dương".
    for text in ([sentence] if sentence else []) + [own, *reversed(chunk.section.split(" > ")[:-1])]:
        named = _places_named(text)
        if any(named):
            return one_place(*named)
    return None


def about_other_place(chunk: Chunk, asked_place: str | None, sentence: str | None = None) -> bool:
    """Whether a passage (or one sentence of it) is about the merged locality the question did not ask about."""
    return bool(asked_place) and passage_place(chunk, sentence) not in (None, asked_place)
