"""A passage cut into what an answer quotes: its sentences, its list items, its titles and proper names."""

from __future__ import annotations

import re

from ingest.patterns import SENTENCE_BREAK

# A numbered or lettered item opening a passage ("(1) ", "(4). ", "2. ", "3.1. ", "a) ", "Một là, "), and the line
# breaks before such items.
_ITEM_MARK = r"(?:\(\d{1,2}\)\.?|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|(?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là,)"
ITEM_START = re.compile(rf"^\s*{_ITEM_MARK}\s")
# "… các địa phương Hai là, luôn đổi mới …": an ordinal item may run on the line of the one before.
ITEM_SPLIT = re.compile(rf"\n(?=\s*{_ITEM_MARK}\s)|\s(?=(?:Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là,\s)")
# Items marked by a dash only ("- Kiên định …"): a list where the heading above names it.
DASH_ITEM_START = re.compile(rf"^\s*(?:{_ITEM_MARK}|[-–•])\s")
DASH_ITEM_SPLIT = re.compile(r"\n(?=\s*[-–•]\s)")


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.split("\n"):
        pieces.extend(p.strip() for p in SENTENCE_BREAK.split(line) if p.strip())
    return pieces


def proper_names(text: str) -> list[str]:
    """Runs of two or more capitalised words inside a sentence (its first word is capitalised anyway). A comma, a
    dash or a bracket ends a run: "Cát Bà, Đồ Sơn, Côn Sơn - Kiếp Bạc" names four places, not one."""
    names: list[str] = []
    for sentence in re.split(r"[.?!;:]\s*", text):
        for position, segment in enumerate(re.split(r"[,()“”\"]|\s[-–]\s", sentence)):
            run: list[str] = []
            for index, word in enumerate([*re.findall(r"\w+", segment), ""]):
                if (position or index) and word[:1].isupper() and not word.isupper():
                    run.append(word)
                    continue
                if len(run) >= 2:
                    names.append(" ".join(run))
                run = []
    return names


def is_title(sentence: str) -> bool:
    """A heading or table title kept as text: most of its letters are capitals."""
    letters = [ch for ch in sentence if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.6 * len(letters)


def shortened(text: str, limit: int = 300) -> str:
    """A quote cut at a word before `limit` characters, marked as cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
