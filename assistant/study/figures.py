"""Figures: indicator, numeric value, unit, year and document, from topic sentences and the Phụ lục 1 target rows.

A row is kept only when it reads as a target: a label that names an indicator (not "Đã chi gần") and, wherever a
unit is given, a number as its value. The programme's Phụ lục 1 targets and the resolution's come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval.index import Index
from assistant.study.models import FigureValue, StudyFigure
from assistant.study.outline import ENUMERATOR, cite, jaccard
from assistant.study.topic import FIGURE_THRESHOLD, OUTLINE_THRESHOLD, Relevance, Sentence, topic_phrase, topic_tokens
from ingest.document import Chunk
from ingest.normalize import STOPWORDS, fold, folded_tokens, normalize

RESOLUTION = "nghi-quyet-dai-hoi"
NUM = r"\d+(?:[.,]\d+)*"
UNITS = (
    "nghìn tỷ đồng", "triệu tỷ đồng", "tỷ đồng", "triệu đồng", "tỷ USD", "triệu USD", "USD/người", "USD",
    "triệu tấn", "triệu TEU", "triệu lượt", "triệu người", "lượt khách", "doanh nghiệp", "bác sĩ", "giường bệnh",
    "%/năm", "%",
)
_UNIT = "|".join(re.escape(u) for u in UNITS)
# "245.500 tỷ đồng", "47 - 48%", "62%-63%", "13%/năm": a number (or range) directly followed by a unit.
FIGURE = re.compile(rf"(?<![\w/.,-])(?P<value>{NUM}(?:\s*%?\s*[-–]\s*{NUM})?)\s*(?P<unit>{_UNIT})(?![\w])")
NUMERIC_VALUE = re.compile(rf"^(?:[≥≤>]\s*)?{NUM}(?:\s*%?\s*[-–]\s*{NUM})?$")
_COUNT_UNITS = {"doanh nghiệp", "bác sĩ", "giường bệnh", "lượt khách"}
_TARGET_WORDS = re.compile(r"\b(?:chi tieu|muc tieu|so lieu|con so)\b")
YEAR = re.compile(r"(?<!\d)(20[2-5]\d)(?!\d)")
_LABEL_TAIL = re.compile(
    r"(?:\s+|^)(?:đạt|khoảng|trên|dưới|hơn|ít nhất|tối thiểu|tối đa|từ|là|có|bình quân|phấn đấu|lên|chiếm|"
    r"trở lên|tăng|giảm|vào|đến|hết|năm|giai đoạn|đạt mức|mức|còn|\d+)\s*$",
    re.I,
)
_TIME_PHRASE = re.compile(
    r"(?:(?:đến|tới)\s+(?:hết\s+)?(?:năm\s+)?|vào\s+năm\s+|năm\s+|giai đoạn\s+(?:20\d\d\s*[-–]\s*)?)20\d\d"
    r"(?:\s*[-–]\s*20\d\d)?|hằng năm|hàng năm",
    re.I,
)
# Words that frame a figure without naming what is measured: a label of only these is no indicator.
_FRAMING = set(
    "da chi gan tro len phan dau phan dau dat khoang tren duoi hon it nhat toi thieu toi da tu la co binh quan "
    "len chiem tang giam vao den het nam giai doan muc con trong do va so hang".split()
)


@dataclass
class Found:
    label: str
    value: str
    unit: str
    year: int | None
    chunk: Chunk
    quote: str
    source: str


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def names_indicator(label: str) -> bool:
    """At least two words that say what is measured, and no other figure inside the label."""
    words = [t for t in folded_tokens(label) if "_" not in t and not t.isdigit() and t not in STOPWORDS and t not in _FRAMING]
    return len(words) >= 2 and not FIGURE.search(label)


def _clean_label(text: str) -> str:
    label = ENUMERATOR.sub("", text)
    if re.search(r"\btrong đó\b", label, re.I):
        label = re.split(r"\btrong đó\b:?", label, flags=re.I)[-1]
    label = _TIME_PHRASE.sub(" ", label)
    label = re.sub(r"^[\s,;:]*(?:phấn đấu|đến|và)\b[\s,:]*", "", label, flags=re.I)
    label = re.sub(r"\s+", " ", label).strip(" ,;:-–")
    previous = None
    while previous != label:
        previous = label
        label = _LABEL_TAIL.sub("", label).strip(" ,;:-–")
    return capitalized(re.sub(r"^[,;:\s]+", "", label))


def _label_for(sentence: str, match: re.Match, clause: str, last_label: str) -> str:
    before = sentence[: match.start()]
    label = _clean_label(clause)
    following = re.split(r"[,;.:()]|\s(?:và|trong đó)\s+\d", sentence[match.end() :], maxsplit=1)[0].split()[:12]
    if "“" in following and "”" not in " ".join(following):
        following = " ".join(following).split("“")[0].split()
    if re.search(r"\bvà\s*$", clause) and following:
        label = ""
    if match.group("unit") in _COUNT_UNITS and following and re.search(r"\b(?:có|đạt|khoảng|thêm)\s*$", before.strip(), re.I):
        return capitalized(f"{match.group('unit')} {' '.join(following)}")
    if not names_indicator(label) and last_label and re.search(r"phấn đấu|phần đầu", clause, re.I):
        return f"{last_label} (phấn đấu)"
    if not label and following:
        return capitalized(" ".join(following))
    if len(label.split()) < 3 and following:
        return f"{label} {' '.join(following)}"
    if len(label.split()) > 14 and ", " in label and len(label.rsplit(", ", 1)[1].split()) >= 3:
        return capitalized(label.rsplit(", ", 1)[1])
    return label


def figures_in(sentence: str) -> list[tuple[str, str, str, str, int | None]]:
    """(label, value, unit, span, year) for each "number + unit" in a sentence; the span occurs in the sentence."""
    found = []
    clause_start = 0
    last_label = ""
    for match in FIGURE.finditer(sentence):
        value, unit = match.group("value").strip(), match.group("unit")
        if YEAR.fullmatch(value) and unit not in ("%", "%/năm"):
            continue
        before = sentence[: match.start()]
        cut = max(before.rfind(";"), before.rfind(": "), clause_start - 1)
        clause = before[cut + 1 :]
        label = _label_for(sentence, match, clause, last_label)
        clause_start = match.end()
        if not names_indicator(label):
            continue
        last_label = label.removesuffix(" (phấn đấu)")
        after = sentence[match.end() : match.end() + 40].split(";")[0]
        years = [int(y) for y in YEAR.findall(clause + " " + after.split(",")[0]) if y not in value]
        if not years:
            years = [int(y) for y in YEAR.findall(sentence) if y not in value]
        found.append((label, value, unit, match.group(0), max(years) if years else None))
    return found


def asks_targets(topic: str) -> bool:
    return bool(_TARGET_WORDS.search(fold(topic)))


def heading_on_topic(section: str, topic: str) -> bool:
    """Whether the innermost heading is mostly about the topic ("Các chỉ tiêu về xây dựng Đảng và hệ thống chính trị"
    for "xây dựng Đảng"), not a broad one that merely names it ("... kinh tế - xã hội, quốc phòng - an ninh")."""
    wanted = {t for t in topic_tokens(topic) if "_" not in t}
    heading = {t for t in topic_tokens(section.split(" > ")[-1]) if "_" not in t}
    return bool(wanted) and wanted <= heading and len(heading) <= 2.4 * len(wanted)


def _group_leads_with(group: str, topic: str) -> bool:
    """A Phụ lục 1 field whose name starts with the topic ("I. Lĩnh vực xây dựng Đảng và hệ thống chính trị")."""
    phrase = topic_phrase(topic)
    name = re.sub(r"^\s*[ivx]+\.\s*(?:linh vuc\s+)?", "", fold(group).lower())
    return len(phrase) >= 4 and name.replace(",", " -").startswith(phrase.replace(",", " -"))


def text_figures(sentences: list[Sentence], relevance: Relevance, topic: str, by_section: bool) -> list[Found]:
    """Figures of sentences on the topic, or under a heading on it (any matching heading when targets are asked)."""
    out = []
    for sentence in sentences:
        on_topic = by_section or relevance(sentence.text) >= FIGURE_THRESHOLD or heading_on_topic(sentence.chunk.section, topic)
        if sentence.relevance < FIGURE_THRESHOLD or not on_topic:
            continue
        for label, value, unit, _, year in figures_in(sentence.text):
            out.append(Found(label, value, unit, year, sentence.chunk, sentence.text, "text"))
    return out


def row_chunks(index: Index) -> dict[tuple[str, int], Chunk]:
    return {(c.doc_id, c.line_start): c for c in index.chunks if c.kind == "table_row"}


def registry_value(value: str, unit: str) -> str | None:
    """The numeric part of a target cell ("≥13, phấn đấu đạt 14%/năm" -> "≥13", "3% tổng số…" -> "3"); None if none."""
    value = value.strip()
    if not unit or NUMERIC_VALUE.match(value):
        return value
    percent = re.search(rf"(?<![\d.,]){NUM}(?=\s*%)", value) if "%" in unit else None
    if percent:
        return percent.group(0)
    leading = re.match(rf"^(?:[≥≤>]\s*)?{NUM}(?:\s*[-–]\s*{NUM})?", value)
    return leading.group(0).strip() if leading and not YEAR.fullmatch(leading.group(0)) else None


def registry_figures(registry, relevance: Relevance, topic: str, doc_ids: list[str] | None, rows, by_section: bool) -> list[Found]:
    out = []
    for target in registry.targets():
        if doc_ids and target.doc_id not in doc_ids:
            continue
        score = 0.7 * relevance(target.label) + 0.3 * relevance(f"{target.group} {target.label}")
        on_topic = by_section or relevance(target.label) >= OUTLINE_THRESHOLD or heading_on_topic(target.group, topic)
        if not on_topic and not _group_leads_with(target.group, topic):
            continue
        chunk = rows.get((target.doc_id, target.line_start))
        unit = normalize(target.unit).strip()
        value = registry_value(normalize(target.value), unit)
        if chunk is None or not value or value not in chunk.text:
            continue
        if score < FIGURE_THRESHOLD and not _group_leads_with(target.group, topic):
            continue
        label = re.sub(r"^trong đó:?\s*", "", ENUMERATOR.sub("", normalize(target.label)).strip(" ;,"), flags=re.I)
        if names_indicator(label):
            out.append(Found(capitalized(label), value, unit, target.year, chunk, chunk.text, "registry"))
    return out


def _label_key(label: str) -> set[str]:
    folded = fold(label).replace("ty le", "ti le").replace("ty trong", "ti trong")
    return {t for t in folded_tokens(folded) if "_" not in t}


def to_float(value: str) -> float | None:
    match = re.search(NUM, value.strip())
    if not match:
        return None
    text = match.group(0)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    except ValueError:
        return None


def _number(value: str) -> str:
    """A comparable form of a value: its first number ("≥ 40" and "40%" and "40,0" agree), else its text."""
    number = to_float(value)
    return f"{number:g}" if number is not None else re.sub(r"\s+", "", value.replace("–", "-")).replace("%", "")


def unit_family(unit: str) -> str:
    return "%" if unit.startswith("%") else unit.lower()


def _group(figures: list[Found]) -> list[list[Found]]:
    groups: list[list[Found]] = []
    for figure in figures:
        key = _label_key(figure.label)
        for group in groups:
            head = group[0]
            same_unit = unit_family(head.unit) == unit_family(figure.unit) or not head.unit or not figure.unit
            same_year = head.year is None or figure.year is None or head.year == figure.year
            same_value = _number(head.value) == _number(figure.value)
            other_doc = all(f.chunk.doc_id != figure.chunk.doc_id for f in group)
            if same_unit and same_year and (same_value or other_doc) and jaccard(key, _label_key(head.label)) >= 0.6:
                group.append(figure)
                break
        else:
            groups.append([figure])
    return groups


def _merged(group: list[Found]) -> StudyFigure:
    head = group[0]
    citations, seen = [], set()
    for f in group:
        if _number(f.value) == _number(head.value) and (f.chunk.chunk_id, f.quote) not in seen:
            seen.add((f.chunk.chunk_id, f.quote))
            citations.append(cite(f.chunk, f.quote))
    others: dict[str, FigureValue] = {}
    for f in group:
        if _number(f.value) == _number(head.value):
            continue
        entry = others.setdefault(
            f"{f.chunk.doc_id}|{_number(f.value)}",
            FigureValue(value=f.value, unit=f.unit, year=f.year, doc_id=f.chunk.doc_id, citations=[]),
        )
        if all(c.quote != f.quote for c in entry.citations):
            entry.citations.append(cite(f.chunk, f.quote))
    year = head.year or next((f.year for f in group if f.year), None)
    return StudyFigure(
        label=head.label, value=head.value, unit=head.unit, year=year, doc_id=head.chunk.doc_id, source=head.source,
        citations=citations, other_values=list(others.values()),
        conflict=any(o.doc_id != head.chunk.doc_id for o in others.values()),
    )


def merge_figures(figures: list[Found], index: Index) -> list[StudyFigure]:
    """One entry per label: equal values share it, different values sit side by side; Phụ lục 1 and resolution first."""
    authority, position = index.authority, index.position
    figures = sorted(figures, key=lambda f: (-authority.get(f.chunk.doc_id, 0), position[f.chunk.chunk_id]))
    groups = _group(figures)
    headline = [any(f.source == "registry" or f.chunk.doc_id == RESOLUTION for f in g) for g in groups]
    order = sorted(range(len(groups)), key=lambda i: (not headline[i], i))
    return [_merged(groups[i]) for i in order]
