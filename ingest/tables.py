"""Tab-separated table lines -> TableRow records keyed by merged column headers.

The PDF extraction leaves each table as lines of tab-separated cells, with the header repeated at
every page break, cells of one row continued on the next page (under the repeated header), group
headings as rows (`II-`, `2.1.`, `A`) and unnumbered sub-rows (`- Dịch vụ`, `Trong đó: ...`).
This stage rebuilds logical rows from that.

Sub-row convention: a sub-row (a `- ...`/`Trong đó` line, a `-`/`i.` numbered line under a numbered
row, or an unnumbered row with its own content) gets number `<parent>.<marker>` — `1.a`, `(8).a`,
`(6).i` — and its `groups` end with the parent row as `"<parent number> <parent label>"` (and a
label-only sub-heading such as `Trong đó:` or `Cơ cấu lao động`, if one precedes it). Dotted
children (`14.1` under `14.`) keep their own number and also get the parent in `groups`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import strip_markup
from ingest.document import TableRow

_HEADER_FIRST_CELLS = {"tt", "stt"}
# Top-level headers that only group sub-headers; the sub-header alone reads better ("Cơ quan chủ trì").
_GROUPING_HEADERS = {"phân công thực hiện"}

_TASK_NUMBER = re.compile(r"^\(\d{1,3}\)$")
_ARABIC_NUMBER = re.compile(r"^\d{1,3}(\.\d{1,3})*\.?$")
_DOTTED_CHILD = re.compile(r"^(\d{1,3})\.\d{1,3}$")
_SECTION_NUMBER = re.compile(r"^\d{1,2}(\.\d{1,2})+\.$")
_ROMAN_NUMBER = re.compile(r"^[IVXLC]{1,6}[-.]?$")
_LETTER_NUMBER = re.compile(r"^[A-Z][.]?$")
_SUB_MARKER_NUMBER = re.compile(r"^(?:[ivx]{1,5}\.?|[a-zđ][.)]?|[-+•–])$")
_BULLETS = {"-", "+", "•", "–"}
_SUB_ROW_LABEL = re.compile(r"^(?:[-+•–]\s*\S|Trong đó|Tr\.\s*đó)", re.IGNORECASE)
_DOUBLE_DASH = re.compile(r"(?<!\S)-\s+(?=-\s)")
_BOLD_CELL = re.compile(r"^\s*<b>.*</b>\s*$", re.IGNORECASE | re.DOTALL)


def clean_cell(raw: str) -> str:
    """Plain text of one cell: markup gone, whitespace collapsed, words kept verbatim."""
    text = strip_markup(raw)
    return _DOUBLE_DASH.sub("", text).strip()


def _is_number_marker(text: str) -> bool:
    return bool(
        _TASK_NUMBER.match(text)
        or _ARABIC_NUMBER.match(text)
        or _ROMAN_NUMBER.match(text)
        or _LETTER_NUMBER.match(text)
        or _SUB_MARKER_NUMBER.match(text)
    )


@dataclass
class _Header:
    top: list[str]
    sub: list[str] | None
    names: list[str]


@dataclass
class _Group:
    level: int
    text: str


@dataclass
class _State:
    header: _Header | None = None
    groups: list[_Group] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    parent: TableRow | None = None
    subparent: TableRow | None = None
    top: TableRow | None = None
    fresh_header: bool = False
    subheading: str | None = None
    sub_counts: dict[int, int] = field(default_factory=dict)
    last_letter: str | None = None
    after_header: bool = False
    last_target: TableRow | _Group | None = None


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _merge_header(top: list[str], sub: list[str] | None) -> list[str]:
    width = max(len(top), len(sub or []))
    top = top + [""] * (width - len(top))
    sub = (sub or []) + [""] * (width - len(sub or []))
    names: list[str] = []
    spanning = ""
    for index in range(width):
        if top[index]:
            spanning = top[index]
        owner = top[index] or (spanning if sub[index] else "")
        if owner and sub[index]:
            name = sub[index] if owner.lower() in _GROUPING_HEADERS else f"{owner} - {sub[index]}"
        else:
            name = owner or sub[index] or f"Cột {index + 1}"
        names.append(name)
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[index] = f"{name} ({seen[name]})"
    return names


def _same_header(cells: list[str], header: list[str]) -> bool:
    """A page-break repeat: same filled columns, most texts equal (extraction varies a letter now and then)."""
    if [bool(c) for c in cells] != [bool(c) for c in header]:
        return False
    filled = [(a, b) for a, b in zip(cells, header) if b]
    return sum(a == b for a, b in filled) * 2 >= len(filled)


def _is_header_top(cells: list[str]) -> bool:
    return bool(cells) and cells[0].lower() in _HEADER_FIRST_CELLS and len(cells) > 1 and bool(cells[1])


def _is_sub_header(cells: list[str]) -> bool:
    return len(cells) > 2 and not cells[0] and not cells[1] and any(cells[2:])


def _group_level(number: str, state: _State) -> int | None:
    """Letters (A, B) outrank Roman numerals (I, II-) which outrank sections (2.1.)."""
    bare = number.rstrip(".-")
    if _SECTION_NUMBER.match(number):
        return 1 + number.rstrip(".").count(".")
    if len(bare) == 1 and _LETTER_NUMBER.match(number):
        follows = state.last_letter is not None and ord(bare) == ord(state.last_letter) + 1
        if bare == "A" or follows or not _ROMAN_NUMBER.match(number):
            state.last_letter = bare
            return 0
    if _ROMAN_NUMBER.match(number):
        return 1
    return None


def _sub_number(owner: TableRow, marker: str, state: _State, nested: bool) -> str:
    """`1.a` for a bullet under row 1, `(6).i` for an own marker, `1.a.1` for a bullet under `1.a`."""
    count = state.sub_counts.get(id(owner), 0) + 1
    state.sub_counts[id(owner)] = count
    marker = marker.rstrip(".)")
    if not marker or marker in _BULLETS:
        marker = str(count) if nested else chr(ord("a") + (count - 1) % 26)
    return f"{owner.number.rstrip('.')}.{marker}"


def _row_label(row: TableRow, label_key: str) -> str:
    label = row.cells.get(label_key, "")
    return f"{row.number} {label}".strip()


def _continue_row(target: TableRow | _Group, cells: dict[str, str], line_no: int) -> None:
    if isinstance(target, _Group):
        target.text = " ".join([target.text, *cells.values()]).strip()
        return
    for key, text in cells.items():
        target.cells[key] = f"{target.cells[key]} {text}" if key in target.cells else text
    target.line_end = line_no


def parse_table(lines: list[tuple[int, str]]) -> list[TableRow]:
    """Rows of one table region (tab lines only, in order; may span pages and hold several tables)."""
    state = _State()
    for line_no, raw in lines:
        raw_cells = raw.split("\t")
        cells = [clean_cell(c) for c in raw_cells]
        trimmed = _trim(cells)
        if not trimmed:
            continue
        if _is_header_top(trimmed):
            _on_header_top(state, trimmed)
            continue
        if state.header is None:
            raise ValueError(f"table region has no header row before line {line_no}: {raw[:80]!r}")
        if state.after_header and state.header.sub and _same_header(trimmed, _trim(state.header.sub)):
            continue
        if state.fresh_header and _is_sub_header(trimmed):
            state.header.sub = trimmed
            state.header.names = _merge_header(state.header.top, trimmed)
            state.fresh_header = False
            continue
        state.fresh_header = False
        _on_body_line(state, line_no, raw_cells, cells)
    return state.rows


def _on_header_top(state: _State, cells: list[str]) -> None:
    if state.header is not None and _same_header(cells, state.header.top):
        state.after_header = True
        return
    state.header = _Header(top=cells, sub=None, names=_merge_header(cells, None))
    state.groups, state.last_letter, state.last_target = [], None, None
    state.parent = state.top = state.subparent = None
    state.subheading = None
    state.after_header = state.fresh_header = True


def _on_body_line(state: _State, line_no: int, raw_cells: list[str], cells: list[str]) -> None:
    header = state.header
    assert header is not None
    width = len(header.names)
    if cells and cells[0] and not _is_number_marker(cells[0]) and len(cells) >= 2 and not cells[-1]:
        # A row whose number cell went missing in extraction: every cell slid one column left.
        cells = [""] + cells[:-1]
        raw_cells = [""] + raw_cells[:-1]
    number = cells[0] if cells else ""
    body = cells[1:]
    keyed: dict[str, str] = {}
    for index, text in enumerate(body, start=1):
        if text:
            key = header.names[index] if index < width else f"Cột {index + 1}"
            keyed[key] = text
    label_key = header.names[1]
    label = keyed.get(label_key, "")
    after_header, state.after_header = state.after_header, False

    if not number and state.last_target is not None and (
        not label or (after_header and not _SUB_ROW_LABEL.match(label)) or label[:1].islower()
    ):
        _continue_row(state.last_target, keyed, line_no)
        return

    level = _group_level(number, state) if number else None
    label_only = set(keyed) == {label_key}
    bold_row = len(raw_cells) > 1 and bool(_BOLD_CELL.match(raw_cells[1]))
    if label_only and (level is not None or (bold_row and not _TASK_NUMBER.match(number))):
        group = _Group(level=level if level is not None else 1, text=f"{number} {label}".strip())
        state.groups = [g for g in state.groups if g.level < group.level] + [group]
        state.parent = state.top = state.subparent = None
        state.subheading, state.last_target = None, group
        return

    if not number and state.parent is not None and label_only:
        state.subheading, state.subparent = label, None
        state.last_target = None
        return
    explicit = bool(number) and bool(_SUB_MARKER_NUMBER.match(number)) and number not in _BULLETS
    bullet = not number or number in _BULLETS
    marker = ""
    if state.parent is not None and (explicit or bullet):
        marker = number if explicit else "-"

    groups = [g.text for g in state.groups]
    if marker:
        parent = state.parent
        assert parent is not None
        owner = state.subparent if marker == "-" and state.subparent is not None else parent
        row_number = _sub_number(owner, marker, state, nested=owner is not parent)
        groups.append(_row_label(parent, label_key))
        if owner is not parent:
            groups.append(_row_label(owner, label_key))
        if state.subheading:
            groups.append(state.subheading)
        row = TableRow(number=row_number, cells=keyed, groups=groups, line_start=line_no, line_end=line_no)
        if marker != "-":
            state.subparent = row
    else:
        row = TableRow(number=number, cells=keyed, groups=groups, line_start=line_no, line_end=line_no)
        child = _DOTTED_CHILD.match(number)
        top = state.top
        if child and top is not None and top.number.rstrip(".") == child.group(1):
            groups.append(_row_label(top, label_key))
        elif number:
            state.top = row
        else:
            state.top = None
        state.parent = row if number else None
        state.subparent, state.subheading = None, None
    state.rows.append(row)
    state.last_target = row
