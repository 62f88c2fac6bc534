"""A target as a passage states it: the label and figure cells of a table row, the name of a listed target, the unit
a figure is given in. Used to tell whether a passage states the figure a question asks for."""

from __future__ import annotations

import re

from assistant.asking import ASKS_FIGURE, counted_term
from assistant.retrieval.places import years
from ingest.normalize import fold, long_form, looks_accentless, normalize
from ingest.patterns import LIST_MARKER, NUMBER

# Units a figure is stated in: the number stands right before them ("20,2 tỷ USD", "16,5%", "25 triệu lượt").
_SCALE = r"(?:\s*(?:triệu|tỷ|tỉ|nghìn|ngàn|trieu|ty|ti|nghin|ngan))?"
_UNITS = {fold(u) for u in "% đồng usd tấn teu mét m km ha lượt người căn năm tháng ngày".split()}
# Money asked by what it is ("bao nhiêu tiền", "bao nhiêu vốn", "kinh phí", "chi phí": the counted word is the first
# syllable) is stated in a currency ("52 tỷ đồng", "4 tỷ USD").
_MONEY = {"tiền", "vốn", "kinh", "chi"}
_CURRENCIES = ("đồng", "usd")
# Words that may follow a target's name in a question without narrowing it (where, when, whose, how counted), and
# that end a listed target's name ("Khách du lịch | đến năm 2030 đạt ...").
_NOT_QUALIFIERS = set(
    (
        "bao nhiêu gì nào ai đâu khi bao giờ mấy là được có không những các của theo trong về cho với và thì sao còn "
        "hãy nêu đã sẽ phải đến năm mục tiêu chỉ tiêu đặt ra xác định yêu cầu văn kiện như thế ra bằng mức đạt ở "
        "tại trên dưới từ tới mỗi hằng toàn cả chung bình quân giai đoạn tỉnh thành phố hải phòng hải dương ước "
        "phấn đấu duy trì hoàn thành chiếm bảo đảm tp"
    ).split()
)
_NOT_QUALIFIERS_FOLDED = {fold(w) for w in _NOT_QUALIFIERS}


def row_label(chunk) -> str:
    return next(iter(chunk.cells.values()), "") if chunk.cells else ""


def figure_cells(cells: dict[str, str]) -> list[str]:
    """The cells of a table row that hold its figures: not its label, unit, agencies, task or note ("Theo
    Chương trình hành động số 05")."""
    skip = ("ghi chú", "đơn vị", "đvt", "cơ quan", "nhiệm vụ", "tên", "nội dung", "chỉ tiêu", "nguồn", "thời gian", "kết quả")
    return [value for key, value in list(cells.items())[1:] if not any(word in key.lower() for word in skip)]


def _unit_cell(chunk) -> str:
    """The unit column of a table row ("Đơn vị tính", "ĐVT"), not the agency columns ("Đơn vị chủ trì")."""
    return " ".join(
        value for key, value in (chunk.cells or {}).items()
        if ("đơn vị" in key.lower() or "đvt" in key.lower()) and not any(w in key.lower() for w in ("chủ trì", "phối hợp"))
    )


def _with_unit(value: str, unit: str) -> str:
    if not unit or (unit.startswith("%") and value.rstrip().endswith("%")):
        return value
    return f"{value}{unit}" if unit.startswith("%") else f"{value} {unit}"


def row_figures_text(chunk, asked_years: set[str] = frozenset()) -> str | None:
    """A target's row read as a sentence: "Khách du lịch — Kế hoạch 5 năm 2026-2030 - Đến năm 2030: 25 triệu lượt",
    where the row itself keeps the unit in one cell and the figure in another; only the columns of the years asked,
    when some column names them."""
    if chunk.kind != "table_row" or not chunk.cells:
        return None
    label = LIST_MARKER.sub("", row_label(chunk)).strip()
    unit = _unit_cell(chunk).strip()
    if unit[:1].isupper() and unit[1:2].islower():
        unit = unit[0].lower() + unit[1:]  # "Triệu lượt" after a number reads "25 triệu lượt"; "USD" stays
    cells = set(figure_cells(chunk.cells))
    columns = [(key, value) for key, value in list(chunk.cells.items())[1:] if value in cells and NUMBER.search(value)]
    shown = [(key, value) for key, value in columns if asked_years & years(key)] or columns
    if not label or not shown or any(len(NUMBER.findall(value)) > 1 for _, value in shown):
        return None  # "200 7.700" under "tr.đồng USD": two localities' figures in one cell, left as the row has them
    return f"{label} — " + "; ".join(f"{key}: {_with_unit(value, unit)}" for key, value in shown)


def _words(text: str, accented: bool) -> list[str]:
    text = normalize(text).lower()
    return re.findall(r"\w+", text if accented else fold(text))


def _target_name(chunk, sentence: str, accented: bool) -> list[str]:
    """The name of the target a row or a listed target sentence states: the row's first cell ("Khách du lịch"), or
    the words of "(9) Khách du lịch đến năm 2030 đạt 25 triệu lượt" before its first framing word or number."""
    if chunk.kind == "table_row":
        return _words(LIST_MARKER.sub("", row_label(chunk)), accented)
    if not LIST_MARKER.match(sentence):
        return []
    stops = _NOT_QUALIFIERS if accented else _NOT_QUALIFIERS_FOLDED
    name = []
    for word in _words(LIST_MARKER.sub("", sentence), accented):
        if word in stops or word.isdigit():
            break
        name.append(word)
    return name


def narrower_target(question: str, chunk, sentence: str) -> list[str]:
    """The words by which a question narrows the target a passage states: "khách du lịch quốc tế" asked, the row
    is "Khách du lịch" and says nothing international. Words right after the target's name in the question, up to
    a framing word or a number, that the passage does not contain. Read with accents when the question has them
    ("dự" of "dự kiến" is not "du" of "du lịch"). Only a figure asked has a target to narrow: "những lĩnh vực nào …
    cần thanh tra" asks for the items the sentence lists, not for a narrower target."""
    if not (ASKS_FIGURE.search(fold(question)) or years(question)):
        return []
    accented = not looks_accentless(question)
    name = _target_name(chunk, sentence, accented)
    if not name:
        return []
    stops = _NOT_QUALIFIERS if accented else _NOT_QUALIFIERS_FOLDED
    words = _words(question, accented)
    stated = set(_words(chunk.text if chunk.kind == "table_row" else sentence, accented))
    for start in range(len(words) - len(name) + 1):
        if words[start : start + len(name)] == name:
            qualifiers = []
            for word in words[start + len(name) :]:
                if word in stops or word.isdigit():
                    break
                qualifiers.append(word)
            return [word for word in qualifiers if word not in stated]
    return []


def row_counts(counted: str, chunk) -> bool:
    """A table row states its figures in the unit its unit column names ("ĐVT: USD/ người" ... "Năm 2026: 7.944,5")."""
    if chunk.kind != "table_row":
        return False
    unit = _unit_cell(chunk)
    return fold(counted) in fold(unit) and any(NUMBER.search(value) for value in chunk.cells.values() if value not in unit)


def counts(counted: str, query: str, text: str) -> bool:
    """A number right before what is counted: "25 triệu lượt", "16,5%", "445 đại biểu", "100% số xã"."""
    text = normalize(text).lower()
    if looks_accentless(query):
        text, counted = fold(text), fold(counted)
    pattern = r"\d[\d.,/]*\s*%?" + _SCALE + r"\s*(?:số\s+|các\s+|so\s+|cac\s+)?" + re.escape(counted) + r"(?!\w)"
    return re.search(pattern, text) is not None


def names_counted(counted: str, query: str, chunk) -> bool:
    """Whether the passage can state the figure asked: a unit right after a number ("32.900 căn", "16,5%"), or the
    counted thing named at all ("bao nhiêu xã" answered by "100% số xã"); a table row has its unit in a cell. An
    abbreviation counts what its long form names ("bn KCN" is answered by "13 khu công nghiệp")."""
    full = long_form(counted)
    spellings = [counted, full.lower()] if full else [counted]
    if counted in _MONEY or (looks_accentless(counted) and counted in {fold(w) for w in _MONEY}):
        spellings += _CURRENCIES
    return any(_names(spelling, query, chunk) for spelling in spellings)


def _names(counted: str, query: str, chunk) -> bool:
    passage = f"{chunk.section} {chunk.text}"
    if fold(counted).split()[-1] in _UNITS:
        return row_counts(counted, chunk) or counts(counted, query, passage)
    text = normalize(passage).lower()
    if looks_accentless(query):
        text, counted = fold(text), fold(counted)
    return re.search(r"(?<!\w)" + re.escape(counted) + r"(?!\w)", text) is not None


def counted_missing(query: str, chunk) -> bool:
    """A figure asked in a unit or of a thing ("bao nhiêu tỷ đồng", "mấy làn xe", "bao nhiêu TEU") that the passage
    never states: it may hold other figures, but not the one asked for."""
    counted = counted_term(query)
    return counted is not None and not names_counted(counted, query, chunk)
