"""The lists a passage holds, each with the words that announce it: "… với 3 nhóm tiêu chí: (1) …; (2) …",
"6 nhóm tiêu chí “Xã, phường hạnh phúc” gồm: a; b; c", a heading line ending in ":" over "- …" lines.

A passage often holds more than one list, and a numbered list may run on into the next passage; which list a
question asks for is read from the announcing words (`intro`), not from where the list happens to start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "(1) …", "1. …", "a) …": numbered items, inline or at the start of a line.
_NUMBERED = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2}|[ivx]{1,4})\)\s+")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_MARKED_LINE = re.compile(r"^\s*(?:[-+•–]|\(?\d{1,2}[.)]|[a-zđ]\))\s+")
# Where a sentence ends inside a passage: ". " before a capital, or a line break.
_SENTENCE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ“\"(])|\n")
# The count a list announces: "3 nhóm tiêu chí", "06 nhiệm vụ".
_ANNOUNCED = re.compile(r"(?<!\w)0?(\d{1,2})\s+(?=\w)")
# A list that starts inside the last item of the one before: "…; mức độ hài lòng và 6 nhóm tiêu chí … gồm:".
_JOINED_INTRO = re.compile(r"\s(?:và|cùng)\s+(?=0?\d{1,2}\s)")
# Where the items begin: after a colon, or "như" without one ("các công nghệ mũi nhọn như AI, bán dẫn, …").
_ANNOUNCING = re.compile(r":\s|(?<=\s)(?=như\s)")
MIN_ITEMS = 2
MAX_SERIES_ITEM_WORDS = 14


@dataclass(frozen=True)
class Enumeration:
    """One list of a passage: the words announcing it, its items in order, and the count it announces, if any."""

    intro: str
    items: tuple[str, ...]
    announced: int | None = None

    @property
    def complete(self) -> bool:
        return self.announced is None or len(self.items) >= self.announced


def _announced(intro: str) -> int | None:
    found = _ANNOUNCED.findall(intro[-80:])
    return int(found[-1]) if found else None


def _clean(item: str) -> str:
    return item.strip().strip(";,.").strip()


def numbered_items(text: str) -> list[tuple[int, str]]:
    """The "(n) …" / "(ii) …" items of a text, with their numbers, in order."""
    marks = list(_NUMBERED.finditer(text))
    items = []
    for mark, following in zip(marks, marks[1:] + [None]):
        end = following.start() if following else len(text)
        number = mark.group(1)
        items.append((int(number) if number.isdigit() else _ROMAN.get(number, 0), _clean(text[mark.end() : end])))
    return items


def _series(run: str, clause: bool = False) -> list[str]:
    """The items of an inline series: "a; b; c", else "a, b, c" when each piece is short. A series inside a clause
    ("… như AI, bán dẫn, sinh học; bố trí …") ends with it."""
    if clause:
        run = run.split(";", 1)[0]
    pieces = [_clean(p) for p in run.split(";")]
    if len([p for p in pieces if p]) >= MIN_ITEMS:
        return [p for p in pieces if p]
    # "…" closes an open series: what follows it is the sentence going on ("“mô hình 5+1”… thu hút …").
    run = re.split(r"…|\.\.\.", run, maxsplit=1)[0]
    pieces = [_clean(p) for p in re.split(r",\s+(?![^“]*”)", run)]
    short = []
    for piece in (p for p in pieces if p):
        if len(piece.split()) > MAX_SERIES_ITEM_WORDS:
            break
        short.append(piece)
    # A long piece is the sentence going on, not an item.
    return short if len(short) >= 3 else []


def _intro_before(text: str, colon: int, floor: int) -> str:
    """The clause announcing the list whose colon is at `colon`: back to the end of the previous sentence or item."""
    start = max(floor, text.rfind(";", floor, colon) + 1)
    for match in _SENTENCE_END.finditer(text, floor, colon):
        start = max(start, match.end())
    intro = text[start:colon].strip()
    joined = list(_JOINED_INTRO.finditer(" " + intro))
    return intro[joined[-1].end() - 1 :] if joined else intro


def _inline(text: str) -> list[Enumeration]:
    found: list[Enumeration] = []
    colons = [m.start() for m in _ANNOUNCING.finditer(text)]
    floor, position = 0, 0
    for colon in colons:
        # A colon inside a quoted name ("mô hình “Nhà ở xã hội chủ nghĩa tại Hải Phòng: Công bằng, …”") announces
        # nothing.
        if colon < position or text.count("“", 0, colon) > text.count("”", 0, colon):
            continue
        intro = _intro_before(text, colon, floor)
        rest = text[colon:].split(None, 1)[1] if text[colon] != ":" else text[colon + 1 :]
        numbered = numbered_items(rest) if re.match(r"\s*\(?(?:1|i)\)\s", rest) else []
        if numbered:
            items = [item for _, item in numbered]
            position = len(text)
        else:
            end = _SENTENCE_END.search(rest)
            run = rest[: end.start() if end else len(rest)]
            # A later list announced inside this run ("… và 6 nhóm tiêu chí … gồm: …") ends it.
            later = re.search(r":\s", run)
            if later:
                cut = run[: later.start()]
                joined = list(_JOINED_INTRO.finditer(cut))
                semicolon = cut.rfind(";")
                run = cut[: joined[-1].start()] if joined else cut[: max(semicolon, 0)]
            items = _series(run, clause=text[colon] != ":")
            position = colon + 1 + len(run)
        if len(items) >= MIN_ITEMS and intro:
            found.append(Enumeration(intro=intro, items=tuple(items), announced=_announced(intro)))
            floor = position
    return found


def _marked_lines(text: str, heading: str) -> list[Enumeration]:
    """Runs of "- …" / "a) …" lines, announced by the unmarked line before them (or the heading above)."""
    found: list[Enumeration] = []
    intro, run = heading, []
    for line in [line.strip() for line in text.split("\n") if line.strip()] + [""]:
        if line and _MARKED_LINE.match(line):
            run.append(_MARKED_LINE.sub("", line).strip())
            continue
        if len(run) >= MIN_ITEMS:
            found.append(Enumeration(intro=intro.rstrip(":").strip(), items=tuple(run), announced=_announced(intro)))
        run = []
        if line:
            intro = line if line.endswith(":") else heading
    return found


def _run_on(enumeration: Enumeration, continuation: str) -> Enumeration:
    """A numbered list continued by the next passage: the numbers it announces and lacks ("3 nhóm tiêu chí" with
    two in this passage), or the numbers that follow its last when the next passage opens with them ("(5) …")."""
    have = len(enumeration.items)
    following = numbered_items(continuation)
    opens_with_next = re.match(rf"\s*\(?{have + 1}\)\s", continuation) is not None
    if not following or (enumeration.complete and not opens_with_next):
        return enumeration
    more = []
    for n, item in following:
        if n != have + len(more) + 1 or (enumeration.announced and n > enumeration.announced):
            break
        more.append(item)
    return Enumeration(enumeration.intro, enumeration.items + tuple(more), enumeration.announced)


def _leading_marked(text: str) -> list[str]:
    """The marked lines a passage opens with: the rest of a list the passage before it began."""
    items = []
    for line in (line.strip() for line in text.split("\n") if line.strip()):
        if not _MARKED_LINE.match(line):
            break
        items.append(_MARKED_LINE.sub("", line).strip())
    return items


def enumerations(text: str, heading: str = "", continuation: str = "") -> list[Enumeration]:
    """Every list of a passage. `continuation` is the next passage of the same section, where a list may run on:
    a numbered list takes the numbers that follow its last from it, and a list of marked lines that ends the
    passage takes the marked lines it opens with."""
    marked = _marked_lines(text, heading)
    lines = [line for line in text.split("\n") if line.strip()]
    if marked and continuation and lines and _MARKED_LINE.match(lines[-1]):
        last = marked[-1]
        marked[-1] = Enumeration(last.intro, last.items + tuple(_leading_marked(continuation)), last.announced)
    return [_run_on(enumeration, continuation) for enumeration in marked + _inline(text)]
