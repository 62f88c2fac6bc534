"""Turn a PDF-extracted document into structure: heading paths, whole paragraphs, table rows, footnotes.

The five documents come in three layouts (one paragraph per line; hard-wrapped lines; hard-wrapped lines
with a blank line after each), with page footers, page numbers, footnotes either as superscripts (⁷³,
<sup>1</sup>) or as "(n)" lines at page bottoms, and tab-separated tables. One pass classifies lines,
a second assembles headings and paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.clean import footnote_markers, is_markdown_emphasised, strip_footnote_markers, strip_markup
from ingest.document import Block, DocumentInfo, ParsedDocument
from ingest.tables import parse_table

_FOOTER_PATTERNS = [
    re.compile(r"^\d{1,3}$"),
    re.compile(r"^-{3,}$"),
    re.compile(r"^Tài liệu này thuộc sở hữu của các cơ quan Đảng"),
    re.compile(r"^Văn phòng Thành [uủ][ỷy]$"),
    re.compile(r"^Trang \d+( / \d+)?$", re.IGNORECASE),
]
_SUPERSCRIPT_FOOTNOTE = re.compile(r"^\s*(?:<sup>\s*(\d{1,3})\s*</sup>|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s*(\S.*)$")
_PAREN_FOOTNOTE = re.compile(r"^\(\s*(\d{1,3})\s*\)\s+(\S.*)$")
_INLINE_PAREN_MARK = re.compile(r"(?<=[^\s(])\((\d{1,3})\)")

_PART = re.compile(r"^(PHẦN THỨ [A-ZÀ-Ỹ]+|PHỤ LỤC(?: \d+)?|MỞ ĐẦU|KẾT LUẬN|Nơi nhận)\b[:.]?\s*(.*)$")
_LETTER = re.compile(r"^([A-ZĐ])\.\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVXL]{1,5})[.\-/]\s+(\S.*)$")
_ARABIC3 = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(\S.*)$")
_ARABIC2 = re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+(\S.*)$")
_ARABIC = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_ALPHA = re.compile(r"^([a-zđ])\)\s+(\S.*)$")
_LIST_START = re.compile(r"^([-+•–*]\s|\(\d{1,3}\)\s|\d{1,2}(\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVXL]{1,5}[.\-]\s)")
_TERMINAL = (".", "!", "?", ":", "…")
_NUMBERED = ("arabic", "arabic2", "arabic3", "alpha")
_BARE_PART = re.compile(r"^(PHẦN THỨ [A-ZÀ-Ỹ]+|PHỤ LỤC(?: \d+)?):?$")


def _uppercase_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)


def is_uppercase(text: str) -> bool:
    if not any(ch.isalpha() for ch in text):
        return len(text) < 20
    return _uppercase_ratio(text) >= 0.8


def _ends_sentence(text: str) -> bool:
    text = text.rstrip().rstrip("”\"’»)")
    return text.endswith(_TERMINAL)


# A word no heading or phrase ends with: the line breaks inside the phrase.
_OPEN_END = re.compile(r"(?<!\w)(?:của|và|với|các|những|cho|trong|để|theo|về|tại|từ|đến|trên|hoặc|nhằm|bằng|vào)$")
_SENTENCE_INSIDE = re.compile(r"[.!?]\s+[A-ZĐÀ-Ỹ]")


def _holds_sentence_end(text: str) -> bool:
    """ "quốc tế. Theo đó, dự kiến ...": a sentence closes inside the line and another begins."""
    return _ends_sentence(text) or bool(_SENTENCE_INSIDE.search(text))


@dataclass
class _Line:
    number: int
    text: str
    bold: bool
    refs: list[str]


@dataclass
class _Heading:
    kind: str
    text: str
    line: int
    bold: bool = False
    refs: list[str] = field(default_factory=list)
    blocks_before: int = 0


@dataclass
class _Builder:
    """Assembles blocks while tracking the heading path."""

    stack: list[_Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    sections: list[list[str]] = field(default_factory=list)
    paragraph: list[_Line] = field(default_factory=list)
    after_heading: bool = False

    def path(self) -> list[str]:
        return [h.text for h in self.stack]

    def flush(self) -> None:
        if not self.paragraph:
            return
        text = " ".join(line.text for line in self.paragraph)
        text = re.sub(r"\s+", " ", text).strip()
        refs = [ref for line in self.paragraph for ref in line.refs]
        if text:
            self.blocks.append(
                Block(
                    kind="paragraph",
                    text=text,
                    section=self.path(),
                    line_start=self.paragraph[0].number,
                    line_end=self.paragraph[-1].number,
                    footnote_refs=list(dict.fromkeys(refs)),
                )
            )
        self.paragraph = []

    def push_heading(self, heading: _Heading) -> None:
        self.flush()
        self.after_heading = True
        previous = list(self.stack)
        kinds = [h.kind for h in self.stack]
        if heading.kind == "part":
            self.stack = []
        elif heading.kind in _NUMBERED:
            depth = _NUMBERED.index(heading.kind)
            while self.stack and self.stack[-1].kind in _NUMBERED and _NUMBERED.index(self.stack[-1].kind) >= depth:
                self.stack.pop()
        elif heading.kind in kinds:
            self.stack = self.stack[: kinds.index(heading.kind)]
        else:
            while self.stack and self.stack[-1].kind in _NUMBERED:
                self.stack.pop()
        self._close_empty([h for h in previous if not any(h is kept for kept in self.stack)])
        heading.blocks_before = len(self.blocks)
        self.stack.append(heading)
        self.sections.append(self.path())

    def _close_empty(self, closed: list[_Heading]) -> None:
        """A "heading" closed before any text came under it was a short list item ("2. Nhân dân làm chủ, đồng hành,
        thụ hưởng" between "1. ..." and "3. ..."): keep its words as a paragraph of the section it sits in, or they
        would be searchable nowhere."""
        # Deepest first: once a list item became text, the heading above it has content and stays a heading.
        for depth in range(len(closed) - 1, -1, -1):
            heading = closed[depth]
            if heading.kind == "part" or len(self.blocks) != heading.blocks_before:
                continue
            path = [h.text for h in self.stack] + [h.text for h in closed[:depth]]
            self.blocks.append(
                Block(
                    kind="paragraph",
                    text=heading.text,
                    section=path,
                    line_start=heading.line,
                    line_end=heading.line,
                    footnote_refs=list(heading.refs),
                )
            )
            heading_path = path + [heading.text]
            if heading_path in self.sections:
                self.sections.remove(heading_path)

    def finish(self) -> None:
        """Close the document: its last headings, if nothing came under them, become text too."""
        self.flush()
        closed, self.stack = self.stack, []
        self._close_empty(closed)

    def demote_heading(self, line: _Line) -> None:
        """A numbered line taken for a heading that runs on into a sentence was a list paragraph: make it one."""
        top = self.stack.pop()
        self.sections.pop()
        self.after_heading = False
        self.paragraph = [_Line(number=top.line, text=top.text, bold=False, refs=top.refs), line]

    def extend_heading(self, text: str, separator: str = " ") -> None:
        top = self.stack[-1]
        top.text = f"{top.text}{separator}{text}".strip()
        self.sections[-1] = self.path()


def _heading_kind(line: _Line) -> str | None:
    text = line.text
    short = len(text) <= 250 and not text.rstrip().endswith((".", ";"))
    if _PART.match(text) and (is_uppercase(text.split(":")[0]) or line.bold or text.startswith("Nơi nhận")):
        return "part"
    if (m := _LETTER.match(text)) and m.group(1) not in "IVXL" and is_uppercase(m.group(2)):
        return "letter"
    if m := _ROMAN.match(text):
        if is_uppercase(m.group(2)) or line.bold or short:
            return "roman"
        return None
    for kind, pattern in (("arabic3", _ARABIC3), ("arabic2", _ARABIC2), ("arabic", _ARABIC), ("alpha", _ALPHA)):
        if m := pattern.match(text):
            body = m.group(2)
            colon_tail = body.split(": ", 1)[1] if ": " in body else ""
            if line.bold or is_uppercase(body) or (short and len(colon_tail) < 25):
                return kind
            return None
    return None


def _normalise_line(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).replace("\u00d0", "\u0110")


def _is_footer(stripped: str) -> bool:
    return any(p.match(stripped) for p in _FOOTER_PATTERNS)


def _collect_paren_footnotes(lines: list[str]) -> tuple[dict[str, str], set[int], dict[str, list[int]]]:
    """Footnotes written as "(n) text" at page bottoms, numbered 1, 2, 3... and cited inline before.

    Also returns each footnote's [first, last] line number, so its chunk points at the note and not at a
    list item "(n) ..." of the body."""
    footnotes: dict[str, str] = {}
    spans: dict[str, list[int]] = {}
    used: set[int] = set()
    cited: set[str] = set()
    expected = 1
    current: str | None = None
    for index, raw in enumerate(lines):
        stripped = raw.strip()
        page_start = raw.startswith(" ") and not raw.startswith("  ") and bool(stripped)
        m = _PAREN_FOOTNOTE.match(stripped) if not page_start else None
        if m and expected <= int(m.group(1)) <= expected + 1 and m.group(1) in cited:
            current = m.group(1)
            footnotes[current] = m.group(2).strip()
            spans[current] = [index + 1, index + 1]
            used.add(index)
            expected = int(current) + 1
            continue
        if current is not None:
            if page_start or _is_footer(stripped) and re.fullmatch(r"\d{1,3}", stripped):
                current = None
            elif stripped:
                footnotes[current] += " " + stripped
                spans[current][1] = index + 1
                used.add(index)
                continue
            else:
                used.add(index)
                continue
        cited.update(_INLINE_PAREN_MARK.findall(raw))
    return footnotes, used, spans


ANCHOR_CHARS = 160


def _marker_at(raw: str, number: str, superscript_style: bool) -> int | None:
    """Where footnote `number`'s marker stands in a raw line: "…các năm⁶⁰.", "<sup>60</sup>", "…xã hội(22);"."""
    if superscript_style:
        digits = number.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        for match in re.finditer(f"(?<![⁰¹²³⁴⁵⁶⁷⁸⁹]){digits}(?![⁰¹²³⁴⁵⁶⁷⁸⁹])|<sup>\\s*{number}\\s*</sup>", raw):
            return match.start()
        return None
    for match in _INLINE_PAREN_MARK.finditer(raw):
        if match.group(1) == number:
            return match.start()
    return None


def _footnote_anchors(blocks: list[Block], raw_lines: list[str], superscript_style: bool) -> dict[str, str]:
    """For each footnote, the words of the sentence its marker closes, up to the marker, as the block reads them."""
    anchors: dict[str, str] = {}
    for block in blocks:
        if block.kind != "paragraph":
            continue
        for number in block.footnote_refs:
            if number in anchors:
                continue
            for line_number in range(block.line_start, block.line_end + 1):
                raw = raw_lines[line_number - 1]
                at = _marker_at(raw, number, superscript_style)
                if at is None:
                    continue
                before = strip_markup(strip_footnote_markers(raw[:at]))
                before = _INLINE_PAREN_MARK.sub("", before).strip()
                tail = before[-30:]
                end = block.text.find(tail) + len(tail) if tail else -1
                if not tail or end < len(tail):
                    break
                start = max(block.text.rfind(mark, 0, end) for mark in (". ", "; ", "\n", ": "))
                anchor = block.text[start + 1 : end].strip(" ,;:-–“”\"")
                if len(anchor) > ANCHOR_CHARS:
                    anchor = "…" + anchor[-ANCHOR_CHARS:].split(" ", 1)[-1]
                if anchor:
                    anchors[number] = anchor
                break
    return anchors


def parse_document(text: str, info: DocumentInfo, content_hash: str = "") -> ParsedDocument:
    """Structure one document; `info` names it, the text is the decoded file content."""
    raw_lines = [_normalise_line(line.rstrip("\n")) for line in text.split("\n")]
    superscript_style = any(_SUPERSCRIPT_FOOTNOTE.match(line) for line in raw_lines)
    footnotes: dict[str, str] = {}
    skip: set[int] = set()
    spans: dict[str, list[int]] = {}
    if superscript_style:
        for index, raw in enumerate(raw_lines):
            if "\t" not in raw and (m := _SUPERSCRIPT_FOOTNOTE.match(raw)):
                number = (m.group(1) or m.group(2)).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
                footnotes[number] = strip_markup(m.group(3))
                spans[number] = [index + 1, index + 1]
                skip.add(index)
    else:
        footnotes, skip, spans = _collect_paren_footnotes(raw_lines)
        footnotes = {k: strip_markup(v) for k, v in footnotes.items()}

    builder = _Builder()
    warnings: list[str] = []
    footnote_home: dict[str, list[str]] = {}
    index = 0
    while index < len(raw_lines):
        raw = raw_lines[index]
        stripped = raw.strip()
        if index in skip or not stripped or _is_footer(stripped):
            index += 1
            continue
        if "\t" in raw:
            index = _consume_table(raw_lines, index, skip, builder, footnote_home)
            continue
        refs = footnote_markers(raw)
        clean = strip_markup(strip_footnote_markers(raw))
        if not superscript_style and footnotes:
            found = [n for n in _INLINE_PAREN_MARK.findall(clean) if n in footnotes]
            refs += found
            if found:
                clean = _INLINE_PAREN_MARK.sub(lambda m: "" if m.group(1) in footnotes else m.group(0), clean)
        if not clean:
            index += 1
            continue
        line = _Line(number=index + 1, text=clean, bold=is_markdown_emphasised(raw), refs=refs)
        _place_line(builder, line)
        index += 1
    builder.finish()

    for block in builder.blocks:
        for ref in block.footnote_refs:
            footnote_home.setdefault(ref, block.section)
    blocks = list(builder.blocks)
    anchors = _footnote_anchors(builder.blocks, raw_lines, superscript_style)
    for number, note in footnotes.items():
        if not note:
            continue
        first, last = spans[number]
        anchor = anchors.get(number)
        blocks.append(
            Block(
                kind="footnote",
                # The note alone ("Dự kiến năm 2025 ước đạt 7,32 triệu đồng/tháng") does not say what it counts; the
                # words it is attached to ("Thu nhập bình quân đầu người tăng dần qua các năm") do.
                text=f"Chú thích ({number}): (cho “{anchor}”) {note}" if anchor else f"Chú thích ({number}): {note}",
                section=footnote_home.get(number, []),
                line_start=first,
                line_end=last,
                footnote_refs=[number],
            )
        )
    if not builder.sections:
        warnings.append(f"{info.doc_id}: no headings recognised")
    return ParsedDocument(
        info=info,
        blocks=blocks,
        sections=builder.sections,
        footnotes=footnotes,
        content_hash=content_hash,
        warnings=warnings,
    )


def _place_line(builder: _Builder, line: _Line) -> None:
    """Decide whether a line opens a heading, continues one, or belongs to a paragraph."""
    kind = _heading_kind(line)
    top = builder.stack[-1] if builder.stack else None
    if kind is None and top is not None and builder.after_heading:
        bare = bool(_BARE_PART.match(top.text))
        if top.kind == "part" and len(top.text) < 200 and not _LIST_START.match(line.text):
            if bare and len(line.text) < 200:
                top.text = top.text.rstrip(":")
                builder.extend_heading(line.text, ". ")
                return
            if not bare and (line.bold or is_uppercase(line.text)):
                builder.extend_heading(line.text)
                return
        if is_uppercase(top.text) and is_uppercase(line.text) and not _LIST_START.match(line.text):
            builder.extend_heading(line.text)
            return
        # "… trung thành với Tổ quốc và mục tiêu" / "“Độc lập dân tộc …”": a quotation runs on like a lowercase word,
        # and so does any line after one ending in a word no phrase ends with ("… đường lối, chủ trương của").
        opens_on = line.text[0].islower() or line.text[0] in "“\"" or _OPEN_END.search(top.text) is not None
        if opens_on and not _ends_sentence(top.text):
            # A hard-wrapped numbered line that runs on into a full sentence is a list paragraph, not a heading.
            runs_on = _holds_sentence_end(line.text) or len(top.text) + len(line.text) > 300
            if top.kind in _NUMBERED and not top.bold and runs_on:
                builder.demote_heading(line)
                return
            if len(top.text) < 250 and (line.bold or not top.bold):  # a closed bold heading takes no plain tail
                builder.extend_heading(line.text)
                return
    if kind is not None:
        text = line.text.rstrip(":").strip()
        builder.push_heading(_Heading(kind=kind, text=text, line=line.number, bold=line.bold, refs=line.refs))
        return
    if builder.paragraph:
        previous = builder.paragraph[-1].text
        first = line.text[0]
        # "- và ..." goes on a sentence; "giai đoạn 2025 / - 2030" and "16 / - 18%/năm" go on a range the line broke
        dash_continuation = bool(re.match(r"^[-–]\s+[a-zđà-ỹ]", line.text)) or (
            bool(re.match(r"^[-–]\s*\d", line.text)) and previous.rstrip()[-1:].isdigit()
        )
        continues = first.islower() or first in ",;)]%" or dash_continuation or (
            not _ends_sentence(previous) and not _LIST_START.match(line.text)
        )
        if continues:
            builder.paragraph.append(line)
            return
        builder.flush()
    builder.after_heading = False
    builder.paragraph.append(line)


def _consume_table(
    raw_lines: list[str], start: int, skip: set[int], builder: _Builder, footnote_home: dict[str, list[str]]
) -> int:
    """Collect one table region (it may span pages) and emit one block per row."""
    builder.flush()
    builder.after_heading = False
    rows_in: list[tuple[int, str]] = []
    refs_by_line: dict[int, list[str]] = {}
    index = start
    while index < len(raw_lines):
        raw = raw_lines[index]
        stripped = raw.strip()
        if "\t" in raw:
            refs = footnote_markers(raw)
            if refs:
                refs_by_line[index + 1] = refs
            rows_in.append((index + 1, strip_footnote_markers(raw)))
        elif stripped and index not in skip and not _is_footer(stripped):
            break
        index += 1
    title = " > ".join(builder.path())
    for row in parse_table(rows_in):
        cells_text = "; ".join(f"{k}: {v}" for k, v in row.cells.items())
        refs = [r for ln, rs in refs_by_line.items() if row.line_start <= ln <= row.line_end for r in rs]
        for ref in refs:
            footnote_home.setdefault(ref, builder.path() + list(row.groups))
        builder.blocks.append(
            Block(
                kind="table_row",
                text=cells_text,
                section=builder.path() + list(row.groups),
                line_start=row.line_start,
                line_end=row.line_end,
                table=title,
                row=row,
                footnote_refs=refs,
            )
        )
    return index
