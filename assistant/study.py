"""Study packs for trainers: an outline, the figures, a quiz and the agencies on one topic, all quoted and cited.

Nothing is generated: every outline point is a sentence of a passage, every figure and quiz answer is text
that occurs in the quote it cites, and quiz distractors are other figures, identifiers or agencies found in
the same corpus (so a wrong option looks like a real one but is never the cited value).

1. Retrieve broadly (hybrid search for the topic, BM25 for the topic plus "mục tiêu", "nhiệm vụ giải pháp",
   "chỉ tiêu") and score each sentence by how much of the topic it (and its section heading) covers, idf-weighted.
2. Outline: the best 8-15 sentences, near-duplicates across documents merged into one point with several
   citations, ordered by document authority and reading order.
3. Figures: value + unit spans in relevant sentences and the Phụ lục 1 targets of the registry; the same
   label with a different value in another document is kept side by side (`other_values`, `conflict`).
4. Quiz: fill-in-the-blank and 4-option questions from figures, resolution/programme numbers and task owners.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, Field

from assistant.answer import content_tokens, split_sentences
from assistant.retrieve import Hit, Index
from ingest.document import Chunk
from ingest.normalize import STOPWORDS, fold, folded_tokens, normalize

MIN_TOPIC_CHARS = 2
MAX_TOPIC_CHARS = 200
MIN_POINTS = 8
MAX_POINTS = 15
QUIZ_SIZE = 10
HITS_PER_QUERY = 14
OUTLINE_THRESHOLD = 0.45
FIGURE_THRESHOLD = 0.3
# Query suffixes that pull in a topic's goals, its tasks and its numbers, not just its definition.
# Themes trainers often prepare, offered by the UI and measured by the benchmark and the tests.
SUGGESTED_THEMES = (
    "chuyển đổi số",
    "xây dựng Đảng",
    "phát triển văn hóa",
    "các chỉ tiêu kinh tế - xã hội đến năm 2030",
    "quốc phòng - an ninh",
)
QUERY_SUFFIXES = ("", " mục tiêu", " nhiệm vụ giải pháp", " chỉ tiêu đến năm 2030")

_NUM = r"\d+(?:[.,]\d+)*"
_UNITS = (
    "nghìn tỷ đồng", "triệu tỷ đồng", "tỷ đồng", "triệu đồng", "tỷ USD", "triệu USD", "USD/người", "USD",
    "triệu tấn", "triệu TEU", "triệu lượt", "triệu người", "lượt khách", "doanh nghiệp", "bác sĩ", "giường bệnh",
    "%/năm", "%",
)
_UNIT = "|".join(re.escape(u) for u in _UNITS)
# "245.500 tỷ đồng", "47 - 48%", "62%-63%", "13%/năm": a number (or range) directly followed by a unit.
_FIGURE = re.compile(
    rf"(?<![\w/.,-])(?P<value>{_NUM}(?:\s*%?\s*[-–]\s*{_NUM})?)\s*(?P<unit>{_UNIT})(?![\w])"
)
_COUNT_UNITS = {"doanh nghiệp", "bác sĩ", "giường bệnh", "lượt khách"}
# Words that frame a topic ("các chỉ tiêu ... đến năm 2030") without being what it is about.
_TOPIC_FILLER = set("cac nhung mot so ve cua va cho trong theo den nam chi tieu muc thuc hien".split())
_TARGET_WORDS = re.compile(r"\b(?:chi tieu|muc tieu|so lieu|con so)\b")
_YEAR = re.compile(r"(?<!\d)(20[2-5]\d)(?!\d)")
_ENUMERATOR = re.compile(r"^\s*(?:\(\d+\)|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-–+•*])\s*", re.I)
_LABEL_TAIL = re.compile(
    r"(?:\s+|^)(?:đạt|khoảng|trên|dưới|hơn|ít nhất|tối thiểu|tối đa|từ|là|có|bình quân|phấn đấu|lên|chiếm|"
    r"trở lên|tăng|giảm|vào|đến|hết|năm|giai đoạn|đạt mức|mức|còn)\s*$",
    re.I,
)
_TIME_PHRASE = re.compile(
    r"(?:(?:đến|tới)\s+(?:hết\s+)?(?:năm\s+)?|vào\s+năm\s+|năm\s+|giai đoạn\s+(?:20\d\d\s*[-–]\s*)?)20\d\d"
    r"(?:\s*[-–]\s*20\d\d)?|hằng năm|hàng năm",
    re.I,
)
_IDENTIFIER = re.compile(r"(?<![\w/])(\d{1,4})(-(?:NQ|CTr|KH|QĐ|CT|KL)/(?:TW|TU|TTg|QH\d*|CP))", re.I)


class StudyCitation(BaseModel):
    doc_id: str
    doc_title: str
    section: str
    quote: str = Field(description="Text that occurs verbatim in the chunk `chunk_id`.")
    chunk_id: str


class OutlinePoint(BaseModel):
    text: str
    citations: list[StudyCitation]


class FigureValue(BaseModel):
    value: str
    unit: str
    year: int | None
    doc_id: str
    citations: list[StudyCitation]


class StudyFigure(BaseModel):
    label: str
    value: str
    unit: str
    year: int | None
    doc_id: str
    source: str = Field(description="'text' for a sentence of a document, 'registry' for a Phụ lục 1 target row.")
    citations: list[StudyCitation]
    other_values: list[FigureValue] = Field(default_factory=list, description="The same label with a different value elsewhere.")
    conflict: bool = False


class QuizItem(BaseModel):
    question: str
    options: list[str] | None = Field(description="Four options for a multiple-choice question, null for fill-in-the-blank.")
    answer: str = Field(description="Occurs verbatim in the first citation's quote.")
    kind: str
    citations: list[StudyCitation]


class AgencyLoad(BaseModel):
    agency_id: str
    name: str
    lead: int
    support: int
    examples: list[str]


class SourceDocument(BaseModel):
    doc_id: str
    title: str
    short_title: str
    issuer: str
    date: str
    authority: int


class StudyPack(BaseModel):
    topic: str
    doc_ids: list[str] | None
    outline: list[OutlinePoint]
    figures: list[StudyFigure]
    quiz: list[QuizItem]
    agencies: list[AgencyLoad]
    sources: list[SourceDocument]


@dataclass
class _Sentence:
    text: str
    chunk: Chunk
    offset: int
    relevance: float
    rank: int

    @property
    def score(self) -> float:
        return self.relevance + 0.15 / (1 + self.rank)


@dataclass
class _Figure:
    label: str
    value: str
    unit: str
    year: int | None
    chunk: Chunk
    quote: str
    source: str


def validate_topic(topic: str) -> str:
    """The topic stripped; rejects what cannot be a topic before any retrieval work."""
    if not isinstance(topic, str):
        raise ValueError(f"topic must be a string, got {type(topic).__name__}")
    text = " ".join(topic.split())
    if len(text) < MIN_TOPIC_CHARS:
        raise ValueError(f"topic must have at least {MIN_TOPIC_CHARS} characters, got {topic!r}")
    if len(text) > MAX_TOPIC_CHARS:
        raise ValueError(f"topic must have at most {MAX_TOPIC_CHARS} characters, got {len(text)}")
    if not content_tokens(text) and not folded_tokens(text):
        raise ValueError(f"topic {topic!r} has no words to search for")
    return text


def topic_tokens(topic: str) -> set[str]:
    """The topic's content syllables and the pairs of them; "tieu_kinh" (chỉ tiêu | kinh tế) spans two words, so no."""
    tokens = folded_tokens(topic)
    singles = {t for t in tokens if "_" not in t and t not in STOPWORDS and t not in _TOPIC_FILLER}
    kept = singles | {t for t in tokens if "_" in t and all(p in singles for p in t.split("_"))}
    return kept or set(tokens)


def topic_phrases(topic: str) -> list[str]:
    """Folded phrases of the topic, longest first, cut into two-syllable words: "phát triển văn hóa" -> ..., van hoa."""
    singles = {t for t in topic_tokens(topic) if "_" not in t}
    phrases = [fold(topic).strip()]
    for piece in re.split(r"[-–,;:/()]", fold(topic)):
        run: list[str] = []
        for word in piece.split() + [""]:
            if word in singles and not word.isdigit():
                run.append(word)
                continue
            if len(run) >= 2:
                phrases.append(" ".join(run))
                phrases.extend(" ".join(run[i : i + 2]) for i in range(0, len(run) - 1, 2))
            run = []
    return sorted(dict.fromkeys(phrases), key=lambda p: -len(p))


class _Relevance:
    """Idf-weighted share of the topic's syllables and syllable pairs that a text contains."""

    def __init__(self, index: Index, topic: str):
        field = index.lexical.folded
        total = max(len(field.lengths), 1)
        wanted = topic_tokens(topic)
        self.weights = {}
        for token in wanted:
            posting = field.postings.get(token)
            df = len(posting[0]) if posting is not None else 0
            self.weights[token] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        self.total = sum(self.weights.values()) or 1.0

    def __call__(self, text: str) -> float:
        have = _token_set(text)
        return sum(w for t, w in self.weights.items() if t in have) / self.total

    def in_context(self, sentence: str, section: str) -> float:
        return 0.7 * self(sentence) + 0.3 * self(f"{section} {sentence}")


@lru_cache(maxsize=50_000)
def _token_set(text: str) -> frozenset[str]:
    """Folded tokens of a text; cached because the same sentences and task rows are scored for every topic."""
    return frozenset(folded_tokens(text))


def _cite(chunk: Chunk, quote: str) -> StudyCitation:
    return StudyCitation(doc_id=chunk.doc_id, doc_title=chunk.doc_title, section=chunk.section, quote=quote, chunk_id=chunk.chunk_id)


def _key_tokens(text: str) -> set[str]:
    return {t for t in folded_tokens(_ENUMERATOR.sub("", text)) if "_" not in t}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _stable_rng_order(items: list[str], seed: str) -> list[str]:
    """A shuffle that is the same on every run for the same question (so exports and tests are reproducible)."""
    return sorted(items, key=lambda item: zlib.crc32(f"{seed}|{item}".encode()))


# ---- retrieval and scoring -------------------------------------------------------------------------------
def _retrieve(retriever, topic: str, doc_ids: list[str] | None) -> list[Hit]:
    """Hybrid search for the topic, plus the lexical side only for its variants.

    Embedding a query is the one costly step (0.02-2 s on a busy 2-core machine), and the variants differ from
    the topic only by framing words that BM25 handles well, so they skip the dense side.
    """
    seen: dict[str, tuple[int, Hit]] = {}
    for rank, hit in enumerate(retriever.search(topic, k=HITS_PER_QUERY * 2, doc_ids=doc_ids)):
        seen[hit.chunk.chunk_id] = (rank, hit)
    for suffix in QUERY_SUFFIXES:
        if not suffix:
            continue
        forms = retriever.query_forms(topic + suffix)
        for rank, chunk_id in enumerate(retriever.lexical_ranking(forms, doc_ids, n=HITS_PER_QUERY)):
            best = seen.get(chunk_id)
            if best is None or rank < best[0]:
                seen[chunk_id] = (rank, best[1] if best else Hit(retriever.index.by_id[chunk_id], 0.0, lexical_rank=rank))
    return [hit for _, hit in sorted(seen.values(), key=lambda item: item[0])]


def _sentences(hits: list[Hit], relevance: _Relevance) -> list[_Sentence]:
    out: list[_Sentence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        if chunk.kind != "paragraph":
            continue
        cursor = 0
        for sentence in split_sentences(chunk.text):
            offset = chunk.text.find(sentence, cursor)
            cursor = max(cursor, offset)
            if len(sentence) < 40 or offset < 0:
                continue
            out.append(_Sentence(sentence, chunk, offset, relevance.in_context(sentence, chunk.section), rank))
    return out


# ---- outline -----------------------------------------------------------------------------------------
def _outline(sentences: list[_Sentence], index: Index) -> list[OutlinePoint]:
    authority = index.authority
    ranked = sorted(sentences, key=lambda s: (-s.score, -authority.get(s.chunk.doc_id, 0)))
    chosen: list[tuple[_Sentence, list[_Sentence], set[str]]] = []
    per_chunk: Counter[str] = Counter()
    for threshold in (OUTLINE_THRESHOLD, OUTLINE_THRESHOLD * 0.6, 0.0):
        for sentence in ranked:
            if len(chosen) >= MAX_POINTS:
                break
            if sentence.relevance < threshold or sentence.relevance <= 0:
                continue
            tokens = _key_tokens(sentence.text)
            twin = next((entry for entry in chosen if _jaccard(tokens, entry[2]) > 0.75), None)
            if twin is not None:
                if all(s.chunk.doc_id != sentence.chunk.doc_id for s in twin[1]):
                    twin[1].append(sentence)
                continue
            if per_chunk[sentence.chunk.chunk_id] >= 2:
                continue
            per_chunk[sentence.chunk.chunk_id] += 1
            chosen.append((sentence, [sentence], tokens))
        if len(chosen) >= MIN_POINTS:
            break
    position = index.position

    def lead(entry) -> _Sentence:
        return max(entry[1], key=lambda s: (authority.get(s.chunk.doc_id, 0), -position[s.chunk.chunk_id]))

    ordered = sorted(
        chosen,
        key=lambda e: (-authority.get(lead(e).chunk.doc_id, 0), lead(e).chunk.doc_id, position[lead(e).chunk.chunk_id], lead(e).offset),
    )
    points = []
    for entry in ordered:
        first = lead(entry)
        others = sorted((s for s in entry[1] if s is not first), key=lambda s: -authority.get(s.chunk.doc_id, 0))
        points.append(OutlinePoint(text=_ENUMERATOR.sub("", first.text), citations=[_cite(s.chunk, s.text) for s in [first, *others]]))
    return points


# ---- figures -----------------------------------------------------------------------------------------
def _clean_label(text: str) -> str:
    label = _ENUMERATOR.sub("", text)
    label = _TIME_PHRASE.sub(" ", label)
    label = re.sub(r"^[\s,;:]*(?:trong đó|phấn đấu|đến|và)\b[\s,:]*", "", label, flags=re.I)
    label = re.sub(r"\s+", " ", label).strip(" ,;:-–")
    previous = None
    while previous != label:
        previous = label
        label = _LABEL_TAIL.sub("", label).strip(" ,;:-–")
    label = re.sub(r"^[,;:\s]+", "", label)
    return _capitalized(label)


def figures_in(sentence: str) -> list[tuple[str, str, str, str, int | None]]:
    """(label, value, unit, span, year) for each "number + unit" in a sentence; the span occurs in the sentence."""
    found = []
    clause_start = 0
    last_label = ""
    for match in _FIGURE.finditer(sentence):
        value, unit = match.group("value").strip(), match.group("unit")
        if _YEAR.fullmatch(value) and unit not in ("%", "%/năm"):
            continue
        before = sentence[: match.start()]
        cut = max(before.rfind(";"), before.rfind(": "), clause_start - 1)
        clause = before[cut + 1 :]
        label = _clean_label(clause)
        clause_start = match.end()
        following = re.split(r"[,;.:()]|\s(?:và|trong đó)\s+\d", sentence[match.end() :], maxsplit=1)[0].split()[:12]
        if "“" in following and "”" not in " ".join(following):
            following = " ".join(following).split("“")[0].split()
        if re.search(r"\bvà\s*$", clause) and following:
            label = ""
        if unit in _COUNT_UNITS and following and re.search(r"\b(?:có|đạt|khoảng|thêm)\s*$", before.strip(), re.I):
            label = _capitalized(f"{unit} {' '.join(following)}")
        elif not label and last_label and "phấn đấu" in clause.lower():
            label = f"{last_label} (phấn đấu)"
        elif not label and following:
            label = _capitalized(" ".join(following))
        elif len(label.split()) < 3 and following:
            label = f"{label} … {' '.join(following)}"
        if len(label.split()) > 14 and ", " in label and len(label.rsplit(", ", 1)[1].split()) >= 3:
            label = _capitalized(label.rsplit(", ", 1)[1])
        if len(label) < 6:
            continue
        last_label = label
        after = sentence[match.end() : match.end() + 40].split(";")[0]
        years = [int(y) for y in _YEAR.findall(clause + " " + after.split(",")[0]) if y not in value]
        if not years:
            years = [int(y) for y in _YEAR.findall(sentence) if y not in value]
        found.append((label, value, unit, match.group(0), max(years) if years else None))
    return found


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label_key(label: str) -> set[str]:
    folded = fold(label).replace("ty le", "ti le").replace("ty trong", "ti trong")
    return {t for t in folded_tokens(folded) if "_" not in t}


def _number(value: str) -> str:
    """A comparable form of a value: its first number ("≥ 40" and "40%" and "40,0" agree), else its text."""
    first = re.search(_NUM, value)
    number = _to_float(first.group(0)) if first else None
    return f"{number:g}" if number is not None else re.sub(r"\s+", "", value.replace("–", "-")).replace("%", "")


def _asks_targets(topic: str) -> bool:
    return bool(_TARGET_WORDS.search(fold(topic)))


def _heading_on_topic(section: str, topic: str) -> bool:
    """Whether the innermost heading is mostly about the topic ("Các chỉ tiêu về xây dựng Đảng và hệ thống chính trị"
    for "xây dựng Đảng"), not a broad one that merely names it ("... kinh tế - xã hội, quốc phòng - an ninh")."""
    wanted = {t for t in topic_tokens(topic) if "_" not in t}
    heading = {t for t in topic_tokens(section.split(" > ")[-1]) if "_" not in t}
    return bool(wanted) and wanted <= heading and len(heading) <= 2.4 * len(wanted)


def _text_figures(sentences: list[_Sentence], relevance: _Relevance, topic: str, by_section: bool) -> list[_Figure]:
    """Figures of sentences on the topic, or under a heading on it (any matching heading when targets are asked)."""
    out = []
    for sentence in sentences:
        on_topic = by_section or relevance(sentence.text) >= FIGURE_THRESHOLD or _heading_on_topic(sentence.chunk.section, topic)
        if sentence.relevance < FIGURE_THRESHOLD or not on_topic:
            continue
        for label, value, unit, _, year in figures_in(sentence.text):
            out.append(_Figure(label, value, unit, year, sentence.chunk, sentence.text, "text"))
    return out


def _row_chunks(index: Index) -> dict[tuple[str, int], Chunk]:
    return {(c.doc_id, c.line_start): c for c in index.chunks if c.kind == "table_row"}


def _registry_figures(registry, relevance: _Relevance, topic: str, doc_ids: list[str] | None, rows, by_section: bool) -> list[_Figure]:
    out = []
    for target in registry.targets():
        if doc_ids and target.doc_id not in doc_ids:
            continue
        score = 0.7 * relevance(target.label) + 0.3 * relevance(f"{target.group} {target.label}")
        if not by_section and relevance(target.label) < FIGURE_THRESHOLD and not _heading_on_topic(target.group, topic):
            continue
        chunk = rows.get((target.doc_id, target.line_start))
        value = normalize(target.value).strip()
        if score < FIGURE_THRESHOLD or chunk is None or not value or value not in chunk.text:
            continue
        unit = normalize(target.unit).strip()
        label = _ENUMERATOR.sub("", normalize(target.label)).strip(" ;,")
        out.append(_Figure(label, value, unit, target.year, chunk, chunk.text, "registry"))
    return out


def _merge_figures(figures: list[_Figure], index: Index) -> list[StudyFigure]:
    """One entry per label: equal values from several documents share it, different values sit side by side."""
    authority = index.authority
    position = index.position
    figures = sorted(figures, key=lambda f: (-authority.get(f.chunk.doc_id, 0), position[f.chunk.chunk_id]))
    groups: list[list[_Figure]] = []
    for figure in figures:
        key = _label_key(figure.label)
        for group in groups:
            head = group[0]
            same_unit = _unit_family(head.unit) == _unit_family(figure.unit) or not head.unit or not figure.unit
            same_year = head.year is None or figure.year is None or head.year == figure.year
            same_value = _number(head.value) == _number(figure.value)
            other_doc = all(f.chunk.doc_id != figure.chunk.doc_id for f in group)
            if same_unit and same_year and (same_value or other_doc) and _jaccard(key, _label_key(head.label)) >= 0.6:
                group.append(figure)
                break
        else:
            groups.append([figure])
    merged = []
    for group in groups:
        head = group[0]
        same = [f for f in group if _number(f.value) == _number(head.value)]
        seen_quotes = set()
        citations = []
        for f in same:
            if (f.chunk.chunk_id, f.quote) not in seen_quotes:
                seen_quotes.add((f.chunk.chunk_id, f.quote))
                citations.append(_cite(f.chunk, f.quote))
        others: dict[str, FigureValue] = {}
        for f in group:
            if _number(f.value) == _number(head.value):
                continue
            entry = others.setdefault(
                f"{f.chunk.doc_id}|{_number(f.value)}",
                FigureValue(value=f.value, unit=f.unit, year=f.year, doc_id=f.chunk.doc_id, citations=[]),
            )
            if all(c.quote != f.quote for c in entry.citations):
                entry.citations.append(_cite(f.chunk, f.quote))
        other_values = list(others.values())
        merged.append(
            StudyFigure(
                label=head.label, value=head.value, unit=head.unit, year=head.year, doc_id=head.chunk.doc_id,
                source=head.source, citations=citations, other_values=other_values,
                conflict=any(o.doc_id != head.chunk.doc_id for o in other_values),
            )
        )
    return merged


# ---- quiz --------------------------------------------------------------------------------------------
@dataclass
class _Pools:
    """Corpus-wide material for distractors, built once per index."""

    numbers_by_unit: dict[str, list[str]]
    identifiers: dict[str, list[str]]


_POOL_CACHE: dict[str, _Pools] = {}


def _pools(index: Index) -> _Pools:
    key = index.meta.build_id
    if key not in _POOL_CACHE:
        by_unit: dict[str, set[str]] = {}
        identifiers: dict[str, set[str]] = {}
        for chunk in index.chunks:
            for match in _FIGURE.finditer(chunk.text):
                value = match.group("value").strip()
                if re.fullmatch(_NUM, value):
                    by_unit.setdefault(_unit_family(match.group("unit")), set()).add(value)
            for match in _IDENTIFIER.finditer(chunk.text):
                identifiers.setdefault(match.group(2).upper(), set()).add(match.group(0))
        _POOL_CACHE.clear()
        _POOL_CACHE[key] = _Pools({u: sorted(v) for u, v in by_unit.items()}, {k: sorted(v) for k, v in identifiers.items()})
    return _POOL_CACHE[key]


def _to_float(value: str) -> float | None:
    match = re.match(_NUM, value.strip())
    if not match:
        return None
    text = match.group(0)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    except ValueError:
        return None


def _distinct(answer: str, candidates: list[str], forbidden: set[str], n: int = 3) -> list[str]:
    """Up to n candidates that differ from the answer, from each other and from every other correct value."""
    seen = {fold(answer).replace(" ", "")} | {fold(f).replace(" ", "") for f in forbidden}
    out = []
    for candidate in candidates:
        key = fold(candidate).replace(" ", "")
        if key in seen or not candidate.strip():
            continue
        seen.add(key)
        out.append(candidate)
        if len(out) == n:
            break
    return out


def _unit_family(unit: str) -> str:
    return "%" if unit.startswith("%") else unit


def _figure_distractors(answer: str, number: str, unit: str, pools: _Pools, forbidden: set[str]) -> list[str]:
    """Three other values of the same unit from the corpus, closest in size, written the way the answer is."""
    target = _to_float(number)
    if target is None or number not in answer:
        return []
    excluded = {target} | {v for v in (_to_float(f) for f in forbidden) if v is not None}
    template = answer.replace(number, "{}", 1)
    chosen: list[str] = []
    values: set[float] = set(excluded)
    pool = sorted(pools.numbers_by_unit.get(_unit_family(unit), []), key=lambda n: (abs(math.log1p(_to_float(n) or 0) - math.log1p(target)), n))
    for candidate in pool:
        value = _to_float(candidate)
        if value is None or value in values or (target <= 100 < value and unit.startswith("%")):
            continue
        values.add(value)
        chosen.append(template.format(candidate))
        if len(chosen) == 3:
            break
    return _distinct(answer, chosen, set())


def _doc_name(index: Index, doc_id: str) -> str:
    info = index.documents.get(doc_id, {}).get("info", {})
    return info.get("short_title") or info.get("title") or doc_id


class _QuizBuilder:
    def __init__(self, index: Index, pools: _Pools):
        self.index = index
        self.pools = pools
        self.items: list[QuizItem] = []
        self.questions: set[str] = set()
        self.quotes: Counter[str] = Counter()

    def add(self, question: str, answer: str, citation: StudyCitation, options: list[str] | None, per_quote: int = 1) -> bool:
        key = fold(question)
        if key in self.questions or answer not in citation.quote or self.quotes[citation.quote] >= per_quote:
            return False
        if options is not None:
            folded = [fold(o).replace(" ", "") for o in options]
            if len(options) != 4 or len(set(folded)) != 4 or answer not in options:
                return False
            options = _stable_rng_order(options, question)
        self.questions.add(key)
        self.quotes[citation.quote] += 1
        kind = "choice" if options else "blank"
        self.items.append(QuizItem(question=question, options=options, answer=answer, kind=kind, citations=[citation]))
        return True


def _blank(quote: str, span: str) -> str:
    start = quote.find(span)
    text = quote[:start] + "____" + quote[start + len(span) :]
    return _ENUMERATOR.sub("", text).strip()


def _figure_questions(builder: _QuizBuilder, figures: list[StudyFigure]) -> tuple[list, list]:
    blanks, choices = [], []
    for figure in figures:
        citation = figure.citations[0]
        forbidden = {o.value for o in figure.other_values}
        if figure.source == "text":
            span_match = next(
                (m for m in _FIGURE.finditer(citation.quote) if m.group("value").strip() == figure.value and m.group("unit") == figure.unit),
                None,
            )
            if span_match is None:
                continue
            ranged = bool(re.search(r"[-–]", figure.value))
            answer = span_match.group(0).strip() if ranged else figure.value
            blank_span = answer if ranged else figure.value
            if len(citation.quote) <= 320:
                question = "Điền vào chỗ trống (" + _doc_name(builder.index, figure.doc_id) + "): " + _blank(citation.quote, blank_span)
                if "____" in question:
                    blanks.append((question, answer, citation, None))
            whole = span_match.group(0).strip()
            if not ranged:
                distractors = _figure_distractors(whole, figure.value, figure.unit, builder.pools, forbidden)
                year = f" đến năm {figure.year}" if figure.year else ""
                question = f"Theo {_doc_name(builder.index, figure.doc_id)}, chỉ tiêu “{figure.label}”{year} là bao nhiêu?"
                if len(distractors) == 3:
                    choices.append((question, whole, citation, [whole, *distractors]))
        else:
            unit = figure.unit
            distractors = []
            plain = re.fullmatch(rf"({_NUM})\s*%?", figure.value)
            if plain:
                distractors = _figure_distractors(figure.value, plain.group(1), unit, builder.pools, forbidden)
            year = f" đến năm {figure.year}" if figure.year else ""
            unit_note = f" (đơn vị: {unit})" if unit else ""
            question = f"Theo Phụ lục 1 của {_doc_name(builder.index, figure.doc_id)}, chỉ tiêu “{figure.label}”{year} là bao nhiêu{unit_note}?"
            if len(distractors) == 3:
                choices.append((question, figure.value, citation, [figure.value, *distractors]))
    return blanks, choices


def _identifier_questions(builder: _QuizBuilder, sentences: list[_Sentence]) -> list:
    out = []
    for sentence in sorted(sentences, key=lambda s: -s.score):
        if sentence.relevance < FIGURE_THRESHOLD or len(sentence.text) > 320:
            continue
        for match in _IDENTIFIER.finditer(sentence.text):
            answer = match.group(0)
            pool = builder.pools.identifiers.get(match.group(2).upper(), [])
            distractors = _distinct(answer, _stable_rng_order(pool, answer), set())
            question = "Văn bản nào được nhắc tới ở chỗ trống: " + _blank(sentence.text, answer)
            if len(distractors) == 3:
                out.append((question, answer, _cite(sentence.chunk, sentence.text), [answer, *distractors]))
    return out


def _task_questions(tasks, agencies: dict, rows) -> list:
    out = []
    agency_names = {a.id: a.name for a in agencies.values()}
    names = sorted(a.name for a in agencies.values() if a.kind == "agency" and a.tasks_led > 0)
    for task in tasks:
        chunk = rows.get((task.doc_id, task.line_start))
        answer = normalize(task.lead_text).strip()
        if chunk is None or not answer or answer not in chunk.text or task.lead_inherited or len(task.lead_ids) != 1:
            continue
        involved = {fold(agency_names.get(a, "")) for a in task.lead_ids + task.support_ids}
        same_kind = [n for n in names if n.split()[0] == answer.split()[0]]
        pool = _stable_rng_order(same_kind, task.id) + _stable_rng_order(names, task.id)
        distractors = _distinct(answer, [n for n in pool if fold(n) not in involved and fold(n) not in fold(task.support_text)], set())
        text = task.text if len(task.text) <= 220 else task.text[:217].rsplit(" ", 1)[0] + "…"
        question = f"Cơ quan nào chủ trì nhiệm vụ “{text}”?"
        if len(distractors) == 3:
            out.append((question, answer, _cite(chunk, chunk.text), [answer, *distractors]))
    return out


def _term_blanks(points: list[OutlinePoint], topic: str) -> list:
    """Blank the topic's own words in an outline sentence ("lấy ____ và đổi mới sáng tạo làm đột phá")."""
    out = []
    phrases = topic_phrases(topic)
    for point in points:
        citation = point.citations[0]
        folded = fold(citation.quote)
        if len(citation.quote) > 320 or len(folded) != len(citation.quote):
            continue
        for phrase in phrases:
            found = list(re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded))
            if len(found) != 1:
                continue
            found = found[0]
            answer = citation.quote[found.start() : found.end()]
            out.append(("Điền vào chỗ trống: " + _blank(citation.quote, answer), answer, citation, None))
            break
    return out


def _quiz(builder: _QuizBuilder, blanks: list, choices: list) -> list[QuizItem]:
    """Alternate the two kinds so a pack is never all blanks or all options, stopping at QUIZ_SIZE."""
    queues = [list(choices), list(blanks)]
    turn = 0
    while len(builder.items) < QUIZ_SIZE and any(queues):
        queue = queues[turn % 2] or queues[(turn + 1) % 2]
        question, answer, citation, options = queue.pop(0)
        builder.add(question, answer, citation, options)
        turn += 1
    return builder.items


# ---- agencies ----------------------------------------------------------------------------------------
def _topic_tasks(registry, relevance: _Relevance, doc_ids: list[str] | None) -> list:
    tasks = []
    for task in registry.tasks(limit=100_000):
        if doc_ids and task.doc_id not in doc_ids:
            continue
        score = 0.7 * relevance(task.text) + 0.3 * relevance(f"{task.group} {task.text}")
        if score >= OUTLINE_THRESHOLD:
            tasks.append((score, task))
    tasks.sort(key=lambda item: -item[0])
    return [task for _, task in tasks]


def _agency_loads(tasks, agencies: dict) -> list[AgencyLoad]:
    """Named agencies only: "Các sở, ngành liên quan" supports everything and tells a trainee nothing."""
    lead: Counter[str] = Counter()
    support: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for task in tasks:
        for agency_id in task.lead_ids:
            lead[agency_id] += 1
            examples.setdefault(agency_id, [])
            if len(examples[agency_id]) < 3:
                examples[agency_id].append(task.text)
        for agency_id in task.support_ids:
            support[agency_id] += 1
    named = [a for a in set(lead) | set(support) if a in agencies and agencies[a].kind == "agency"]
    ids = sorted(named, key=lambda a: (-lead[a], -support[a], agencies[a].name))
    return [
        AgencyLoad(agency_id=a, name=agencies[a].name, lead=lead[a], support=support[a], examples=examples.get(a, []))
        for a in ids
    ]


# ---- entry point -------------------------------------------------------------------------------------
def build_study_pack(services, topic: str, doc_ids: list[str] | None = None) -> StudyPack:
    """An outline, figures, a 10-question quiz and the agencies in charge of `topic`, everything cited."""
    topic = validate_topic(topic)
    retriever = services.retriever()
    index = retriever.index
    unknown = [d for d in doc_ids or [] if d not in index.doc_ids()]
    if unknown:
        raise KeyError(f"unknown doc_id(s): {', '.join(unknown)}; known: {', '.join(index.doc_ids())}")
    doc_ids = list(doc_ids) if doc_ids else None
    relevance = _Relevance(index, topic)
    hits = _retrieve(retriever, topic, doc_ids)
    sentences = _sentences(hits, relevance)
    outline = _outline(sentences, index)
    rows = _row_chunks(index)
    registry = services.registry()
    try:
        by_section = _asks_targets(topic)
        found = _text_figures(sentences, relevance, topic, by_section) + _registry_figures(registry, relevance, topic, doc_ids, rows, by_section)
        figures = _merge_figures(found, index)
        agencies = {a.id: a for a in registry.agencies()}
        tasks = _topic_tasks(registry, relevance, doc_ids)
    finally:
        registry.close()
    builder = _QuizBuilder(index, _pools(index))
    figure_blanks, figure_choices = _figure_questions(builder, figures)
    choices = _interleave(figure_choices, _task_questions(tasks, agencies, rows), _identifier_questions(builder, sentences))
    blanks = figure_blanks + _term_blanks(outline, topic)
    quiz = _quiz(builder, blanks, choices)
    more_points = [OutlinePoint(text=x.text, citations=[_cite(x.chunk, x.text)]) for x in sorted(sentences, key=lambda x: -x.score)]
    for question, answer, citation, options in choices + blanks + _term_blanks(more_points, topic):
        if len(quiz) >= QUIZ_SIZE:
            break
        builder.add(question, answer, citation, options, per_quote=2)
    cited = {c.doc_id for p in outline for c in p.citations} | {c.doc_id for f in figures for c in f.citations}
    cited |= {c.doc_id for f in figures for o in f.other_values for c in o.citations} | {c.doc_id for q in quiz for c in q.citations}
    return StudyPack(
        topic=topic,
        doc_ids=doc_ids,
        outline=outline,
        figures=figures,
        quiz=builder.items,
        agencies=_agency_loads(tasks, agencies),
        sources=_sources(index, cited),
    )


def _interleave(*lists: list) -> list:
    out = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def _sources(index: Index, doc_ids: set[str]) -> list[SourceDocument]:
    sources = []
    for doc_id, entry in index.documents.items():
        if doc_id not in doc_ids:
            continue
        info = entry["info"]
        sources.append(
            SourceDocument(
                doc_id=doc_id, title=info["title"], short_title=info.get("short_title") or info["title"],
                issuer=info.get("issuer", ""), date=info.get("date", ""), authority=info.get("authority", 0),
            )
        )
    return sorted(sources, key=lambda s: -s.authority)


# ---- export ------------------------------------------------------------------------------------------
def _source_refs(pack: StudyPack) -> dict[str, int]:
    return {s.doc_id: n for n, s in enumerate(pack.sources, 1)}


def _ref(citations: list[StudyCitation], refs: dict[str, int]) -> str:
    numbers = sorted({refs[c.doc_id] for c in citations if c.doc_id in refs})
    return "".join(f"[{n}]" for n in numbers)


def to_markdown(pack: StudyPack) -> str:
    """The pack as a Markdown handout; [n] after each line refers to the numbered sources at the end."""
    refs = _source_refs(pack)
    lines = [f"# Tài liệu học tập: {pack.topic}", "", "## Nội dung chính", ""]
    for point in pack.outline:
        sections = "; ".join(dict.fromkeys(c.section for c in point.citations if c.section))
        lines.append(f"- {point.text} {_ref(point.citations, refs)}" + (f" _(mục: {sections})_" if sections else ""))
    if pack.figures:
        lines += ["", "## Số liệu, chỉ tiêu", "", "| Chỉ tiêu | Giá trị | Đơn vị | Năm | Nguồn | Khác biệt |", "|---|---|---|---|---|---|"]
        for figure in pack.figures:
            other = "; ".join(f"{o.value} ({_ref(o.citations, refs)})" for o in figure.other_values)
            cells = [figure.label, figure.value, figure.unit, str(figure.year or ""), _ref(figure.citations, refs), other]
            lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    if pack.agencies:
        lines += ["", "## Cơ quan chủ trì các nhiệm vụ liên quan", ""]
        lines += [f"- {a.name}: chủ trì {a.lead}, phối hợp {a.support} nhiệm vụ" for a in pack.agencies]
    lines += ["", "## Câu hỏi ôn tập", ""]
    for n, item in enumerate(pack.quiz, 1):
        lines.append(f"{n}. {item.question}")
        for letter, option in zip("ABCD", item.options or []):
            lines.append(f"   - {letter}. {option}")
    lines += ["", "### Đáp án", ""]
    for n, item in enumerate(pack.quiz, 1):
        lines.append(f"{n}. {item.answer} {_ref(item.citations, refs)} — “{item.citations[0].quote}”")
    lines += ["", "## Nguồn", ""]
    lines += [f"[{refs[s.doc_id]}] {s.title} ({s.issuer}, {s.date})" for s in pack.sources]
    return "\n".join(lines) + "\n"


def to_docx(pack: StudyPack, path: str | Path | BinaryIO) -> None:
    """The same handout as a Word document (a path or a binary stream), with the numbered sources at the end."""
    from docx import Document

    refs = _source_refs(pack)
    document = Document()
    document.add_heading(f"Tài liệu học tập: {pack.topic}", level=0)
    document.add_heading("Nội dung chính", level=1)
    for point in pack.outline:
        document.add_paragraph(f"{point.text} {_ref(point.citations, refs)}", style="List Bullet")
    if pack.figures:
        document.add_heading("Số liệu, chỉ tiêu", level=1)
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, ("Chỉ tiêu", "Giá trị", "Năm", "Nguồn", "Khác biệt")):
            cell.text = title
        for figure in pack.figures:
            row = table.add_row().cells
            row[0].text = figure.label
            row[1].text = f"{figure.value} {figure.unit}".strip() if figure.unit not in figure.value else figure.value
            row[2].text = str(figure.year or "")
            row[3].text = _ref(figure.citations, refs)
            row[4].text = "; ".join(f"{o.value} {_ref(o.citations, refs)}" for o in figure.other_values)
    if pack.agencies:
        document.add_heading("Cơ quan chủ trì các nhiệm vụ liên quan", level=1)
        for agency in pack.agencies:
            document.add_paragraph(f"{agency.name}: chủ trì {agency.lead}, phối hợp {agency.support} nhiệm vụ", style="List Bullet")
    document.add_heading("Câu hỏi ôn tập", level=1)
    for n, item in enumerate(pack.quiz, 1):
        document.add_paragraph(f"{n}. {item.question}")
        for letter, option in zip("ABCD", item.options or []):
            document.add_paragraph(f"{letter}. {option}", style="List Bullet 2")
    document.add_heading("Đáp án", level=2)
    for n, item in enumerate(pack.quiz, 1):
        document.add_paragraph(f"{n}. {item.answer} {_ref(item.citations, refs)} — “{item.citations[0].quote}”")
    document.add_heading("Nguồn", level=1)
    for source in pack.sources:
        document.add_paragraph(f"[{refs[source.doc_id]}] {source.title} ({source.issuer}, {source.date})")
    document.save(path)
