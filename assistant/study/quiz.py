"""Ten questions a trainee cannot answer by reading the question: blanks and four-option items, each from its own
sentence or row, never blanking the topic's own words, never answered by another item's stem, with distractors of
the answer's kind (a figure in the same unit, an agency of the same level, a document of the same series).
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

from assistant.retrieval.index import Index
from assistant.study.figures import FIGURE, NUM, to_float, unit_family
from assistant.study.models import QuizItem, StudyCitation, StudyFigure
from assistant.study.outline import ENUMERATOR, cite
from assistant.study.topic import FIGURE_THRESHOLD, Sentence, made_of_topic
from ingest.normalize import fold, normalize

QUIZ_SIZE = 10
MAX_QUOTE_CHARS = 320
IDENTIFIER = re.compile(r"(?<![\w/])(\d{1,4})(-(?:NQ|CTr|KH|QĐ|CT|KL)/(?:TW|TU|TTg|QH\d*|CP))", re.I)
Candidate = tuple[str, str, StudyCitation, list[str] | None]


@dataclass
class Pools:
    """Corpus-wide material for distractors, built once per index."""

    numbers_by_unit: dict[str, list[str]]
    identifiers: dict[str, list[str]]


_POOL_CACHE: dict[str, Pools] = {}


def pools(index: Index) -> Pools:
    key = index.meta.build_id
    if key not in _POOL_CACHE:
        by_unit: dict[str, set[str]] = {}
        identifiers: dict[str, set[str]] = {}
        for chunk in index.chunks:
            for match in FIGURE.finditer(chunk.text):
                value = match.group("value").strip()
                if re.fullmatch(NUM, value):
                    by_unit.setdefault(match.group("unit").lower(), set()).add(value)
            for match in IDENTIFIER.finditer(chunk.text):
                identifiers.setdefault(match.group(2).upper(), set()).add(match.group(0))
        _POOL_CACHE.clear()
        _POOL_CACHE[key] = Pools({u: sorted(v) for u, v in by_unit.items()}, {k: sorted(v) for k, v in identifiers.items()})
    return _POOL_CACHE[key]


def stable_order(items: list[str], seed: str) -> list[str]:
    """A shuffle that is the same on every run for the same question (so exports and tests are reproducible)."""
    return sorted(items, key=lambda item: zlib.crc32(f"{seed}|{item}".encode()))


def _squash(text: str) -> str:
    return fold(text).replace(" ", "")


def distinct(answer: str, candidates: list[str], forbidden: set[str], n: int = 3) -> list[str]:
    """Up to n candidates that differ from the answer, from each other and from every other correct value."""
    seen = {_squash(answer)} | {_squash(f) for f in forbidden}
    out = []
    for candidate in candidates:
        key = _squash(candidate)
        if key in seen or not candidate.strip():
            continue
        seen.add(key)
        out.append(candidate)
        if len(out) == n:
            break
    return out


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether a phrase occurs in a text as whole words, ignoring accents and case."""
    needle = fold(phrase).lower().strip()
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", fold(text).lower()) is not None


class QuizBuilder:
    """Adds an item only if it keeps the quiz sound against every item already in it."""

    def __init__(self, index: Index, topic: str):
        self.index = index
        self.topic = topic
        self.pools = pools(index)
        self.items: list[QuizItem] = []

    def _clashes(self, question: str, answer: str, citation: StudyCitation, options: list[str] | None) -> bool:
        quote = fold(citation.quote)
        for item in self.items:
            other = fold(item.citations[0].quote)
            if quote in other or other in quote:
                return True
            if item.options is None and options is None and _squash(item.answer) == _squash(answer):
                return True
            if contains_phrase(question, item.answer) or contains_phrase(item.question, answer):
                return True
        return False

    def add(self, question: str, answer: str, citation: StudyCitation, options: list[str] | None) -> bool:
        if len(self.items) >= QUIZ_SIZE or answer not in citation.quote or made_of_topic(answer, self.topic):
            return False
        if self._clashes(question, answer, citation, options):
            return False
        if options is not None:
            if len(options) != 4 or len({_squash(o) for o in options}) != 4 or answer not in options:
                return False
            options = stable_order(options, question)
        kind = "choice" if options else "blank"
        self.items.append(QuizItem(question=question, options=options, answer=answer, kind=kind, citations=[citation]))
        return True


def blank(quote: str, span: str) -> str:
    start = quote.find(span)
    text = quote[:start] + "____" + quote[start + len(span) :]
    return ENUMERATOR.sub("", text).strip()


def figure_distractors(answer: str, number: str, unit: str, pools: Pools, forbidden: set[str]) -> list[str]:
    """Three other values in the same unit from the corpus, closest in size, written the way the answer is."""
    target = to_float(number)
    if target is None or number not in answer:
        return []
    excluded = {target} | {v for v in (to_float(f) for f in forbidden) if v is not None}
    template = answer.replace(number, "{}", 1)
    chosen: list[str] = []
    values: set[float] = set(excluded)
    pool = sorted(pools.numbers_by_unit.get(unit.lower(), []), key=lambda n: (abs(math.log1p(to_float(n) or 0) - math.log1p(target)), n))
    for candidate in pool:
        value = to_float(candidate)
        if value is None or value in values or (target <= 100 < value and unit_family(unit) == "%"):
            continue
        values.add(value)
        chosen.append(template.format(candidate))
        if len(chosen) == 3:
            break
    return distinct(answer, chosen, set())


def doc_name(index: Index, doc_id: str) -> str:
    info = index.documents.get(doc_id, {}).get("info", {})
    return info.get("short_title") or info.get("title") or doc_id


def _text_figure(builder: QuizBuilder, figure: StudyFigure) -> tuple[list[Candidate], list[Candidate]]:
    citation = figure.citations[0]
    span = next(
        (m for m in FIGURE.finditer(citation.quote) if m.group("value").strip() == figure.value and m.group("unit") == figure.unit),
        None,
    )
    if span is None:
        return [], []
    name = doc_name(builder.index, figure.doc_id)
    ranged = bool(re.search(r"[-–]", figure.value))
    answer = span.group(0).strip() if ranged else figure.value
    blanks = []
    if len(citation.quote) <= MAX_QUOTE_CHARS:
        blanks.append((f"Điền vào chỗ trống ({name}): " + blank(citation.quote, answer), answer, citation, None))
    if ranged:
        return blanks, []
    whole = span.group(0).strip()
    distractors = figure_distractors(whole, figure.value, figure.unit, builder.pools, {o.value for o in figure.other_values})
    year = f" đến năm {figure.year}" if figure.year else ""
    question = f"Theo {name}, chỉ tiêu “{figure.label}”{year} là bao nhiêu?"
    return blanks, ([(question, whole, citation, [whole, *distractors])] if len(distractors) == 3 else [])


def figure_questions(builder: QuizBuilder, figures: list[StudyFigure]) -> tuple[list[Candidate], list[Candidate]]:
    blanks, choices = [], []
    for figure in figures:
        if figure.source == "text":
            more_blanks, more_choices = _text_figure(builder, figure)
            blanks += more_blanks
            choices += more_choices
            continue
        plain = re.fullmatch(rf"({NUM})\s*%?", figure.value)
        if not plain or not figure.unit:
            continue
        forbidden = {o.value for o in figure.other_values}
        distractors = figure_distractors(figure.value, plain.group(1), figure.unit, builder.pools, forbidden)
        year = f" đến năm {figure.year}" if figure.year else ""
        name = doc_name(builder.index, figure.doc_id)
        question = f"Theo Phụ lục 1 của {name}, chỉ tiêu “{figure.label}”{year} là bao nhiêu (đơn vị: {figure.unit})?"
        if len(distractors) == 3:
            choices.append((question, figure.value, figure.citations[0], [figure.value, *distractors]))
    return blanks, choices


def identifier_questions(builder: QuizBuilder, sentences: list[Sentence]) -> list[Candidate]:
    out = []
    for sentence in sorted(sentences, key=lambda s: -s.score):
        if sentence.relevance < FIGURE_THRESHOLD or len(sentence.text) > MAX_QUOTE_CHARS:
            continue
        for match in IDENTIFIER.finditer(sentence.text):
            answer = match.group(0)
            pool = builder.pools.identifiers.get(match.group(2).upper(), [])
            distractors = distinct(answer, stable_order(pool, answer), set())
            question = "Văn bản nào được nhắc tới ở chỗ trống: " + blank(sentence.text, answer)
            if len(distractors) == 3:
                out.append((question, answer, cite(sentence.chunk, sentence.text), [answer, *distractors]))
    return out


def agency_level(name: str) -> str:
    """Which agencies are alike enough to stand in for one another as wrong options."""
    folded = fold(name).lower()
    if folded.startswith("so "):
        return "department"
    if folded.startswith(("dang uy", "dang doan", "ban can su")):
        return "party-committee"
    if folded.endswith("thanh uy") and not folded.startswith(("ban thuong vu", "thanh uy")):
        return "party-board"
    if folded.startswith("ban quan ly"):
        return "management-board"
    if folded.startswith(("ban chap hanh", "ban thuong vu", "thanh uy")):
        return "leadership"
    if "mat tran" in folded or folded.startswith(("thanh doan", "hoi ")):
        return "front"
    return "city-force" if folded.endswith(("thanh pho", "bien phong", "khu vuc iii")) else "other"


def task_questions(tasks, agencies: dict, rows) -> list[Candidate]:
    out = []
    names = {a.id: a.name for a in agencies.values()}
    leaders = sorted(a.name for a in agencies.values() if a.kind == "agency" and a.tasks_led > 0)
    for task in tasks:
        chunk = rows.get((task.doc_id, task.line_start))
        answer = normalize(task.lead_text).strip()
        if chunk is None or not answer or answer not in chunk.text or task.lead_inherited or len(task.lead_ids) != 1:
            continue
        involved = {fold(names.get(a, "")) for a in task.lead_ids + task.support_ids}
        alike = [n for n in leaders if agency_level(n) == agency_level(answer)]
        pool = [n for n in stable_order(alike, task.id) if fold(n) not in involved and fold(n) not in fold(task.support_text)]
        distractors = distinct(answer, pool, set())
        text = task.text if len(task.text) <= 220 else task.text[:217].rsplit(" ", 1)[0] + "…"
        if len(distractors) == 3:
            out.append((f"Cơ quan nào chủ trì nhiệm vụ “{text}”?", answer, cite(chunk, chunk.text), [answer, *distractors]))
    return out


def name_blanks(sentences: list[Sentence], index: Index) -> list[Candidate]:
    """Blank a proper name or acronym that is not the topic ("… trọng điểm của ____"): what a trainee should know."""
    common = _common_names(index)
    out = []
    for sentence in sorted(sentences, key=lambda s: -s.score):
        if sentence.relevance < FIGURE_THRESHOLD or len(sentence.text) > MAX_QUOTE_CHARS:
            continue
        for start, name in proper_names(sentence.text):
            if start == 0 or len(name) < 4 or fold(name).lower() in common or name.split()[-1] in _UNFINISHED:
                continue
            question = "Điền vào chỗ trống: " + blank(sentence.text, name)
            out.append((question, name, cite(sentence.chunk, sentence.text), None))
            break
    return out


_WORD = re.compile(r"[^\W_][\w/-]*")


def proper_names(text: str) -> list[tuple[int, str]]:
    """(offset, name) for runs of two or more capitalised words ("Vịnh Bắc Bộ") and acronyms ("GRDP")."""
    out, run = [], []
    for match in [*_WORD.finditer(text), None]:
        word = match.group(0) if match else ""
        joined = bool(run) and match is not None and text[run[-1].end() : match.start()] == " "
        capital = word[:1].isupper() or (bool(run) and word.isdigit())
        if match is not None and capital and (joined or not run):
            run.append(match)
            continue
        if len(run) >= 2 or (len(run) == 1 and len(run[0].group(0)) >= 3 and run[0].group(0).isupper()):
            out.append((run[0].start(), text[run[0].start() : run[-1].end()]))
        run = [match] if match is not None and word[:1].isupper() else []
    return out


# Last words that leave a name half told ("Bộ Quốc" of "Bộ Quốc phòng").
_UNFINISHED = {"Quốc", "Nhà", "Ủy", "Ban", "Bộ", "Sở", "Khu", "Trung", "Hội", "Đảng", "Duyên", "Vùng"}
_COMMON_CACHE: dict[str, set[str]] = {}


def _common_names(index: Index) -> set[str]:
    """Names in more than 15 passages ("Hải Phòng", "Nhân dân", "Trung ương"): blanking them tests nothing."""
    key = index.meta.build_id
    if key not in _COMMON_CACHE:
        counts: dict[str, int] = {}
        for chunk in index.chunks:
            for name in {fold(name).lower() for _, name in proper_names(chunk.text)}:
                counts[name] = counts.get(name, 0) + 1
        _COMMON_CACHE.clear()
        _COMMON_CACHE[key] = {name for name, n in counts.items() if n > 15}
    return _COMMON_CACHE[key]


def interleave(*lists: list) -> list:
    out = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def build_quiz(builder: QuizBuilder, blanks: list[Candidate], choices: list[Candidate]) -> list[QuizItem]:
    """Alternate the two kinds so a pack is never all blanks or all options, then fill from whichever is left."""
    queues = [list(choices), list(blanks)]
    turn = 0
    while len(builder.items) < QUIZ_SIZE and any(queues):
        queue = queues[turn % 2] or queues[(turn + 1) % 2]
        builder.add(*queue.pop(0))
        turn += 1
    return builder.items

