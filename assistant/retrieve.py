"""Hybrid retrieval: dense (Chroma) and lexical BM25 (accented + folded fields), fused by weighted RRF.

The lexical side never filters the dense candidates: both lists are fused, so a passage the dense model
finds is kept even when it shares no syllable with the query (and vice versa).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.figures import YEAR, figures
from ingest.settings import Settings
from ingest import store
from ingest.chunk import is_bare_list
from ingest.document import Chunk
from ingest.normalize import (
    canonical_number,
    expand_abbreviations,
    fold,
    folded_tokens,
    lexical_tokens,
    looks_accentless,
    normalize,
)

log = logging.getLogger(__name__)

RRF_K = 40
CANDIDATES = 60
LEXICAL_WEIGHT = 1.0
MENTION_BOOST = 1.3
AUTHORITY_BOOST = 0.2
COVERAGE_WEIGHT = 2.5
SECTION_COVERAGE_WEIGHT = 0.3
LEAF_HEADING_WEIGHT = 0.8
RERANK_DEPTH = 20
# Each retriever's own top few join the reranked head whatever their fused rank.
OWN_BEST = 5
LEAD_BOOST = 1.2
# "Sở Y tế được giao ...": a task row whose lead or supporting agency is the one the question names.
AGENCY_BOOST = 1.15
# "mục tiêu 100% số xã ... con số đó ở văn kiện nào?": a passage stating the very figure the question states.
STATED_FIGURE_BOOST = 1.2
# A passage about the other merged locality (Hải Dương when Hải Phòng is asked, and the reverse).
OTHER_PLACE_FACTOR = 0.8
# A passage stating the years a question asks about, or only other years.
SAME_PERIOD_FACTOR = 1.1
OTHER_PERIOD_FACTOR = 0.9


def years(text: str) -> set[str]:
    return set(YEAR.findall(text))


_YEAR_SPAN = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


def spanned_years(text: str, default: set[str]) -> set[str]:
    """The years a passage speaks of, a period "2026 - 2030" standing for each of its years; a passage naming no
    year at all is taken to speak of the years asked (`default`), as "hằng năm" does."""
    stated = years(text)
    if not stated:
        return set(default)
    for start, end in _YEAR_SPAN.findall(text):
        stated |= {str(y) for y in range(int(start), int(end) + 1)}
    return stated
# Words that say what kind of answer is wanted, not what it is about: they must not count as evidence.
QUESTION_WORDS = set(
    fold(w)
    for w in (
        "bao nhiêu gì nào nào? ai đâu khi nào bao giờ mấy là được có không những các của theo trong về cho với và "
        "thì sao còn hãy cho biết nêu đã sẽ phải đến năm mục tiêu chỉ tiêu đặt ra xác định yêu cầu văn kiện "
        "thành phố hải phòng tp như thế nào ra sao bằng mức đạt ở chót gồm"
    ).split()
)
REQUIRED_FILES = (store.CHUNKS_FILE, store.LEXICAL_FILE, store.DOCUMENTS_FILE)

# How users name each kind of document; checked longest first so "chương trình hành động thực hiện nghị
# quyết đại hội" names the programme, not the resolution.
_KIND_ALIASES = {
    "chương trình hành động": ["chuong trinh hanh dong", "cthd", "ctr/tu"],
    "báo cáo chính trị": ["bao cao chinh tri", "bcct"],
    "kế hoạch": ["ke hoach cua ban thuong vu", "ke hoach thuc hien nghi quyet 30", "ke hoach nq30", "ke hoach nq 30",
                 "nghi quyet 30", "nq 30", "nq30", "30-nq/tw", "ke hoach"],
    # A bare "Đề án" followed by what it does ("Đề án được xây dựng ...", "Đề án đặt mục tiêu ...") is the Đề án of
    # the corpus; "Đề án nâng cao năng lực ..." names another one, which the programme's tasks cite.
    "đề án": ["de an xay dung", "de an cnxh", "theo de an", "trong de an", "cua de an", "de an nay", "de an mo hinh",
              *(f"de an {verb}" for verb in ("duoc", "dat", "de ra", "yeu cau", "xac dinh", "neu", "muon", "huong", "co"))],
    "nghị quyết": ["nghi quyet dai hoi", "nq dai hoi", "nq dh", "nghi quyet dh", "dai hoi quyet nghi"],
}

# What kind of answer is asked, no topic: a time ("trong khoảng thời gian nào", "bao lâu": "thời gian" heads every
# task row of the programme), or the source of the figure just given ("con số đó ở văn kiện nào?").
_ANSWER_KIND_FRAMING = re.compile(
    r"\b(?:(?:trong|vao) )?(?:khoang )?(?:thoi gian|thoi diem)(?= nao\b| la bao lau\b)|\bbao lau\b|\bkhi nao\b|\bbao gio\b|\bluc nao\b"
    r"|\b(?:con so|so lieu|chi tieu|noi dung) (?:do|nay|tren|ay)\b"
    r"|\b(?:(?:nam )?o|thuoc|trong|cua) (?:van kien|van ban|tai lieu) nao\b"
)


def _without_answer_kind_framing(text: str) -> str:
    """The question without the words that ask for a time or a source, its accents and capitals kept (abbreviations
    expand on "UBND")."""
    text = normalize(text)
    folded = fold(text)
    if len(folded) != len(text):
        return text
    kept, last = [], 0
    for match in _ANSWER_KIND_FRAMING.finditer(folded):
        kept.append(text[last:match.start()])
        last = match.end()
    return " ".join([*kept, text[last:]])


# The agencies a task row assigns, one per name: "Sở Tài chính; Sở Xây dựng", "Công an thành phố, Sở Tư pháp".
_AGENCY_SPLIT = re.compile(r"\s*[;,]\s*(?=(?:Sở|Ban|Bộ|BQL|Ủy|Uỷ|UBND|Công an|Văn phòng|Thành|Đảng|Hội|Liên|Báo|Đài|Trường|Viện|Bảo|Cục|Ngân|Tòa)\b)")


_ALIAS_VERBS = {"duoc", "dat", "ra", "cau", "dinh", "neu", "muon", "huong", "co"}
_NO_RUN_ON = re.compile("")

# "Ai chủ trì ...", "cơ quan nào chịu trách nhiệm ...": the answer is a passage that assigns a lead agency.
_ASKS_LEAD = re.compile(r"\b(chu tri|chiu trach nhiem|phu trach|co quan nao|don vi nao|so nao|ban nao)\b")


def _assigns_lead(chunk: Chunk) -> bool:
    if chunk.cells:
        return any("chủ trì" in key.lower() for key in chunk.cells)
    return "chủ trì" in chunk.text.lower()


# The body that issued a named document, as users append it: "Kế hoạch ... của Ban Thường vụ Thành ủy".
_ISSUER = r"(?:\s+(?:cua|do)\s+(?:ban thuong vu thanh uy|ban chap hanh dang bo thanh pho|thanh uy|dai hoi))?"


_SOURCE_CUE = re.compile(r"(?:^|\b(?:theo|trong|tai|o|cua|thuoc|nhu)\s+)$")


@dataclass
class Hit:
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_similarity: float | None = None


@dataclass
class Index:
    """One published build, loaded for serving."""

    build_dir: Path
    meta: store.BuildMeta
    chunks: list[Chunk]
    settings: Settings
    by_id: dict[str, Chunk] = field(init=False)
    position: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {c.chunk_id: c for c in self.chunks}
        self.position = {c.chunk_id: i for i, c in enumerate(self.chunks)}

    @classmethod
    def open(cls, settings: Settings, expected_embedder: str | None = None) -> "Index":
        build_dir = store.current_build_dir(settings)
        if build_dir is None:
            raise store.NoIndexError(
                f"no index in {settings.data_dir}; build it with `vankien ingest` (or set VANKIEN_DATA_DIR)"
            )
        meta = store.read_meta(build_dir)
        if expected_embedder and meta.embedder_id != expected_embedder:
            raise store.IndexMismatchError(
                f"the index in {settings.data_dir} was built with embedder {meta.embedder_id!r} but "
                f"{expected_embedder!r} is configured; re-ingest with `vankien ingest --rebuild`"
            )
        missing = [name for name in REQUIRED_FILES if not (build_dir / name).is_file()]
        if missing:
            raise store.CorruptIndexError(
                f"{build_dir} lacks {', '.join(missing)} (an interrupted copy or a manual delete?); run `vankien ingest --rebuild`"
            )
        chunks = store.read_chunks(build_dir / store.CHUNKS_FILE)
        if len(chunks) != meta.chunk_count:
            raise store.CorruptIndexError(
                f"{build_dir} holds {len(chunks)} chunks, its metadata says {meta.chunk_count}; run `vankien ingest --rebuild`"
            )
        return cls(build_dir=build_dir, meta=meta, chunks=chunks, settings=settings)

    @cached_property
    def lexical(self):
        from ingest.lexical import LexicalIndex

        try:
            return LexicalIndex.load(self.build_dir / store.LEXICAL_FILE)
        except ValueError as error:
            raise store.CorruptIndexError(str(error)) from error

    @cached_property
    def collection(self):
        client = store.chroma_client(self.settings, self.build_dir)
        with store.reaching_chroma(self.settings, self.meta.collection):
            return client.get_collection(self.meta.collection)

    @cached_property
    def documents(self) -> dict:
        return json.loads((self.build_dir / store.DOCUMENTS_FILE).read_text(encoding="utf-8"))

    @cached_property
    def reaccenter(self):
        from assistant.accents import Reaccenter

        return Reaccenter(c.text for c in self.chunks)

    @cached_property
    def authority(self) -> dict[str, int]:
        return {doc_id: entry["info"]["authority"] for doc_id, entry in self.documents.items()}

    @cached_property
    def _alias_patterns(self) -> list[tuple[re.Pattern, re.Pattern, list[str]]]:
        by_kind: dict[str, list[str]] = {}
        for doc_id, entry in self.documents.items():
            by_kind.setdefault(entry["info"]["kind"], []).append(doc_id)
        aliases = sorted(
            ((alias, kind) for kind, names in _KIND_ALIASES.items() for alias in names), key=lambda item: -len(item[0])
        )
        return [
            (
                re.compile(r"(?<!\w)" + re.escape(alias) + _ISSUER + r"(?!\w)"),
                # After "Đề án được ..." the name is over: "xây dựng" there is what the question asks about.
                _NO_RUN_ON if alias.split()[-1] in _ALIAS_VERBS else self._title_run(by_kind[kind]),
                by_kind[kind],
            )
            for alias, kind in aliases
            if kind in by_kind
        ]

    def _title_run(self, doc_ids: list[str]) -> re.Pattern:
        """Words that continue a document's name: those of its title and short title."""
        words: set[str] = set()
        for doc_id in doc_ids:
            info = self.documents[doc_id]["info"]
            words.update(re.findall(r"\w+", fold(f"{info.get('title', '')} {info.get('short_title', '')}")))
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(r"(?:\s+(?:" + alternatives + r")(?!\w))*")

    def mentions(self, query: str) -> tuple[set[str], str]:
        """The documents a question names ("theo Nghị quyết Đại hội", "trong Chương trình hành động"), and the
        question folded without those names: what the passage must be about. A name runs on as long as its words
        are its document's title words: "Đề án xây dựng CNXH gắn với con người XHCN" is all name."""
        text = fold(query)
        found: set[str] = set()
        for pattern, run_on, doc_ids in self._alias_patterns:
            pieces, last = [], 0
            for match in pattern.finditer(text):
                pieces.append(text[last:match.start()])
                last = run_on.match(text, match.end()).end()
            if pieces:
                found.update(doc_ids)
                text = " ".join([*pieces, text[last:]])
        return found, text

    def cited_sources(self, query: str) -> set[str]:
        """The documents a question cites as its source ("theo Kế hoạch ...", "trong Đề án ..."), not as its object
        ("ban hành Chương trình hành động")."""
        text = fold(query)
        return {
            doc_id
            for pattern, _, doc_ids in self._alias_patterns
            for match in pattern.finditer(text)
            if _SOURCE_CUE.search(text[: match.start()])
            for doc_id in doc_ids
        }

    def mentioned_docs(self, query: str) -> set[str]:
        return self.mentions(query)[0]

    @property
    def registry_path(self) -> Path:
        return self.build_dir / store.REGISTRY_FILE

    def doc_ids(self) -> list[str]:
        return [d for d in self.meta.documents if d != "__fingerprint__"]

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> list[Chunk]:
        """The chunk with its neighbours in reading order, within the same document."""
        index = self.position[chunk_id]
        doc_id = self.chunks[index].doc_id
        window = self.chunks[max(0, index - before) : index + after + 1]
        return [c for c in window if c.doc_id == doc_id]


class IndexHolder:
    """Serves the current build and switches to a newer one when ingest publishes it."""

    def __init__(self, settings: Settings, expected_embedder: str | None = None):
        self.settings = settings
        self.expected_embedder = expected_embedder
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._pointer_state: tuple[float, int] | None = None
        self._broken_state: tuple[float, int] | None = None

    def _state(self) -> tuple[float, int] | None:
        pointer = self.settings.data_dir / store.CURRENT_FILE
        try:
            stat = pointer.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime, stat.st_ino)

    def get(self) -> Index:
        """The current build; a newly published build that cannot be opened leaves the previous one serving, and
        is not re-read on every request (at 100x the corpus that read takes seconds) until CURRENT changes again."""
        state = self._state()
        if self._index is not None and state in (self._pointer_state, self._broken_state):
            return self._index
        with self._lock:
            if self._index is None or state not in (self._pointer_state, self._broken_state):
                try:
                    index = Index.open(self.settings, self.expected_embedder)
                except store.IndexProblem as error:
                    if self._index is not None:
                        log.warning("new build unusable, still serving %s: %s", self._index.meta.build_id, error)
                        self._broken_state = state
                        return self._index
                    raise
                self._index, self._pointer_state = index, state
        return self._index


# Hải Phòng merged with Hải Dương province in 2025: the reports state most results twice, once for each.
_HAI_DUONG = re.compile(r"\bhai duong\b|\b(?:dia ban|toan|cua) tinh\b")
_HAI_PHONG = re.compile(r"\bhai phong\b|\b(?:dia ban|toan|cua) thanh pho\b")


def _places_named(text: str) -> tuple[bool, bool]:
    """Whether a text names Hải Dương, and whether it names Hải Phòng."""
    folded = fold(text)
    return bool(_HAI_DUONG.search(folded)), bool(_HAI_PHONG.search(folded))


def _one_place(duong: bool, phong: bool) -> str | None:
    if duong == phong:
        return None
    return "hai duong" if duong else "hai phong"


def place_of(text: str) -> str | None:
    """Which of the two merged localities a text is about, when it names exactly one."""
    return _one_place(*_places_named(text))


def leaf_heading(chunk: Chunk) -> str:
    """The heading right above a passage."""
    return chunk.section.rsplit(" > ", 1)[-1]


def passage_place(chunk: Chunk, sentence: str | None = None) -> str | None:
    """The locality a passage, or one sentence of it, is about, read with the heading right above it; when those
    name neither, the nearest heading further up that names one ("2. Kết quả thực hiện các chỉ tiêu Đại hội XVII
    Đảng bộ tỉnh Hải Dương" over "2.1. Các chỉ tiêu kinh tế - xã hội")."""
    own = f"{leaf_heading(chunk)} {chunk.text if sentence is None else sentence}"
    for text in (own, *reversed(chunk.section.split(" > ")[:-1])):
        named = _places_named(text)
        if any(named):
            return _one_place(*named)
    return None


def about_other_place(chunk: Chunk, asked_place: str | None, sentence: str | None = None) -> bool:
    """Whether a passage (or one sentence of it) is about the merged locality the question did not ask about."""
    return bool(asked_place) and passage_place(chunk, sentence) not in (None, asked_place)


# Courtesy around a question ("Cho tôi biết …", "Xin hỏi …", "… ạ?", "… nhé"): words
# the documents never use, which would otherwise read as a topic the corpus lacks. Typed without accents only whole
# phrases count: "ban" alone may be "Ban Chấp hành".
_LEAD_WORDS = sorted(
    "xin chào|chào bạn|chào|bạn ơi|anh ơi|chị ơi|em ơi|làm ơn|vui lòng|xin hỏi|xin|giúp tôi|giúp mình|giúp em|"
    "cho tôi biết|cho mình biết|cho em biết|cho tôi hỏi|cho mình hỏi|cho em hỏi|tôi muốn biết|mình muốn biết|"
    "tôi muốn hỏi|mình muốn hỏi|tôi cần biết|hỏi|bạn|"
    "cho toi biet|cho minh biet|cho toi hoi|xin hoi|toi muon biet|minh muon biet|toi muon hoi|lam on|vui long".split("|"),
    key=len,
    reverse=True,
)
_COURTESY_LEAD = re.compile(r"^(?:(?:" + "|".join(map(re.escape, _LEAD_WORDS)) + r")(?!\w)[\s,:!.]*)+", re.IGNORECASE)
_COURTESY_TAIL = re.compile(
    r"(?:[\s,]+(?:không ạ|ạ nhé|ạ|nhé|nha|vậy|thế|với|khong a)(?!\w))+\s*([?.!]*)\s*$", re.IGNORECASE
)


def plain_question(text: str) -> str:
    """The question without courtesy around it ("Cho tôi biết", "xin hỏi", "ạ", "nhé"); unchanged if nothing is left."""
    plain = _COURTESY_TAIL.sub(r"\1", _COURTESY_LEAD.sub("", text, count=1))
    return plain.strip() or text


# Compounds made only of syllables that also frame questions ("tiêu chí" of "chỉ tiêu", "bảo vệ" of "bao nhiêu ...
# về"): they are topic, though each syllable alone is not.
_CONTENT_COMPOUNDS = {
    "_".join(fold(w).split()) for w in ("tiêu chí", "bảo vệ", "cơ cấu", "nhu cầu", "văn phòng", "chỉ thị", "thành thị")
}


def content_tokens(text: str) -> set[str]:
    """The folded syllables and bigrams that carry the topic of a question."""
    tokens = folded_tokens(text)
    kept = set()
    for token in tokens:
        parts = token.split("_")
        if token not in _CONTENT_COMPOUNDS and all(p in QUESTION_WORDS for p in parts):
            continue
        kept.add(token)
    return kept



def _near_duplicate(a: str, b: str) -> bool:
    if a == b:
        return True
    ta, tb = set(a.split()), set(b.split())
    if not ta or not tb:
        return False
    return len(ta & tb) / len(ta | tb) > 0.9


@dataclass
class QueryForms:
    """The query as each retriever should see it."""

    original: str
    dense: str
    accented_tokens: list[str]
    folded_tokens: list[str]
    accentless: bool


class Retriever:
    def __init__(self, index: Index, embedder, dense_weight: float = 1.0, lexical_weight: float = LEXICAL_WEIGHT, reranker=None):
        self.index = index
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.reranker = reranker
        self._chunk_tokens: dict[str, tuple[set[str], set[str], set[str]]] = {}
        self._chunk_figures: dict[str, set[str]] = {}
        self._idf: dict[str, float] = {}

    def idf(self, token: str) -> float:
        """Inverse document frequency of a folded token over the chunks (how telling a match on it is)."""
        value = self._idf.get(token)
        if value is None:
            field = self.index.lexical.folded
            posting = field.postings.get(token)
            df = len(posting[0]) if posting is not None else 0
            total = max(len(field.lengths), 1)
            value = self._idf[token] = float(np.log(1 + (total - df + 0.5) / (df + 0.5)))
        return value

    def wanted_tokens(self, text: str) -> set[str]:
        """The question's content tokens that some passage could hold: a bigram the corpus never uses ("tăng bao",
        "héc ta") says nothing about which passage answers, and at its maximal IDF it would drown the real topic.
        The names of documents the question mentions are left out too: they pick the document (MENTION_BOOST), and
        counted as topic they would make every question about "Kế hoạch thực hiện NQ 30" match its title page."""
        mentioned, rest = self.index.mentions(text)
        tokens = content_tokens(_ANSWER_KIND_FRAMING.sub(" ", rest)) if mentioned else set()
        tokens = tokens or content_tokens(_without_answer_kind_framing(text))
        return {t for t in tokens if "_" not in t or self.idf(t) < self._unseen_idf}

    @cached_property
    def _unseen_idf(self) -> float:
        total = max(len(self.index.lexical.folded.lengths), 1)
        return float(np.log(1 + (total + 0.5) / 0.5)) - 1e-9

    def _tokens_of(self, chunk: Chunk) -> tuple[set[str], set[str], set[str]]:
        """Folded tokens of the passage, of the heading right above it, and of the headings further up."""
        cached = self._chunk_tokens.get(chunk.chunk_id)
        if cached is None:
            *upper, leaf = chunk.section.split(" > ") if chunk.section else [""]
            cached = self._chunk_tokens[chunk.chunk_id] = (
                set(folded_tokens(chunk.text)),
                set(folded_tokens(leaf)),
                set(folded_tokens(" \n".join(upper))),
            )
        return cached

    @staticmethod
    def _period_factor(asked: set[str], chunk: Chunk) -> float:
        """ "năm 2025" is answered by a passage about 2025, not by the 2026-2030 plan beside it."""
        if not asked:
            return 1.0
        stated = years(f"{chunk.section} {chunk.text}")
        if asked <= stated:
            return SAME_PERIOD_FACTOR
        return OTHER_PERIOD_FACTOR if stated and not asked & stated else 1.0

    def _agencies_named(self, dense_query: str) -> set[str]:
        """The task agencies (of any row) whose full name the question spells out, folded: "so y te"."""
        text = " " + " ".join(re.findall(r"\w+", fold(dense_query))) + " "
        return {name for name in self._row_agencies_all if f" {name} " in text}

    @cached_property
    def _row_agencies_all(self) -> set[str]:
        return set().union(*self._agencies_by_row.values())

    @cached_property
    def _agencies_by_row(self) -> dict[str, set[str]]:
        """Each task row's lead and supporting agencies, read once (they are asked for on every search)."""
        return {chunk.chunk_id: self._row_agencies(chunk) for chunk in self.index.chunks if chunk.cells}

    @staticmethod
    def _row_agencies(chunk: Chunk) -> set[str]:
        names: set[str] = set()
        for key, value in (chunk.cells or {}).items():
            if "chủ trì" in key.lower() or "phối hợp" in key.lower():
                for part in _AGENCY_SPLIT.split(value):
                    name = " ".join(re.findall(r"\w+", fold(expand_abbreviations(normalize(part)))))
                    # "các sở, ngành liên quan" names no one; one word ("Sở") is no name either
                    if len(name.split()) >= 2 and not name.startswith("cac "):
                        names.add(name)
        return names

    def _figures_of(self, chunk: Chunk) -> set[str]:
        cached = self._chunk_figures.get(chunk.chunk_id)
        if cached is None:
            cached = self._chunk_figures[chunk.chunk_id] = {canonical_number(n) for n in figures(chunk.text)}
        return cached

    def _assigns(self, chunk: Chunk, agencies: set[str]) -> bool:
        return bool(self._agencies_by_row.get(chunk.chunk_id, set()) & agencies)

    def coverage(self, wanted: set[str], chunk: Chunk) -> float:
        """IDF-weighted share of the question's content tokens that the passage holds; tokens only its headings hold
        count less, the heading right above it ("I. NHẤT TRÍ CHỦ ĐỀ ĐẠI HỘI ... LÀ:") more than those further up."""
        total = sum(self.idf(t) for t in wanted)
        if not total:
            return 0.0
        body, leaf, upper = self._tokens_of(chunk)
        in_body = sum(self.idf(t) for t in wanted if t in body)
        in_leaf = sum(self.idf(t) for t in wanted if t in leaf and t not in body)
        in_upper = sum(self.idf(t) for t in wanted if t in upper and t not in body and t not in leaf)
        leaf_weight = 1.0 if is_bare_list(chunk.text) else LEAF_HEADING_WEIGHT
        return (in_body + leaf_weight * in_leaf + SECTION_COVERAGE_WEIGHT * in_upper) / total

    def query_forms(self, query: str) -> QueryForms:
        text = normalize(query)
        accentless = looks_accentless(text)
        dense = text
        if accentless:
            dense = self.index.reaccenter.restore(text)
        dense = expand_abbreviations(dense)
        accented = lexical_tokens(dense if accentless else text)
        return QueryForms(
            original=query,
            dense=dense,
            accented_tokens=accented,
            folded_tokens=folded_tokens(text),
            accentless=accentless,
        )

    def _allowed(self, doc_ids: list[str] | None) -> np.ndarray | None:
        if not doc_ids:
            return None
        wanted = set(doc_ids)
        return np.array([c.doc_id in wanted for c in self.index.chunks], dtype=bool)

    def dense_ranking(self, forms: QueryForms, doc_ids: list[str] | None, n: int = CANDIDATES) -> list[str]:
        return [chunk_id for chunk_id, _ in self.dense_scored(forms, doc_ids, n)]

    def dense_scored(
        self, forms: QueryForms, doc_ids: list[str] | None, n: int = CANDIDATES, vector: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks with their cosine similarity to the query (`vector`: the query's, when already embedded)."""
        if vector is None:
            vector = self.embedder.embed_query(forms.dense)
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        with store.reaching_chroma(self.index.settings, self.index.meta.collection):
            result = self.index.collection.query(
                query_embeddings=[vector.tolist()],
                n_results=min(n, len(self.index.chunks)),
                where=where,
                include=["distances"],
            )
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]

    def lexical_ranking(self, forms: QueryForms, doc_ids: list[str] | None, n: int = CANDIDATES) -> list[str]:
        folded_weight = 1.0 if forms.accentless else 0.5
        scores = self.index.lexical.scores(forms.accented_tokens, forms.folded_tokens, folded_weight)
        allowed = self._allowed(doc_ids)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        top = np.argsort(-scores)[:n]
        return [self.index.lexical.ids[i] for i in top if scores[i] > 0]

    def search(self, query: str, k: int = 10, doc_ids: list[str] | None = None) -> list[Hit]:
        if not query or not query.strip():
            raise ValueError("query is empty")
        query = plain_question(query)
        unknown = [d for d in (doc_ids or []) if d not in self.index.doc_ids()]
        if unknown:
            raise KeyError(f"unknown doc_id(s): {', '.join(unknown)}; known: {', '.join(self.index.doc_ids())}")
        mentioned = self.index.mentioned_docs(query)
        forms = self.query_forms(query)
        vector = self.embedder.embed_query(forms.dense)
        dense = self.dense_scored(forms, doc_ids, vector=vector)
        # A document the question cites as its source ("theo Kế hoạch ...") is also searched on its own: its
        # passages do not carry its name, so the corpus-wide nearest list may hold none of them.
        cited = self.index.cited_sources(query)
        in_cited = self.dense_scored(forms, sorted(cited), vector=vector) if cited and not doc_ids else []
        lexical = self.lexical_ranking(forms, doc_ids)
        fused: dict[str, Hit] = {}
        dense_rank: dict[str, int] = {}
        for ranking in (dense, in_cited):
            for rank, (chunk_id, similarity) in enumerate(ranking):
                hit = fused.setdefault(chunk_id, Hit(self.index.by_id[chunk_id], 0.0))
                hit.dense_similarity = similarity
                dense_rank[chunk_id] = min(rank, dense_rank.get(chunk_id, rank))
        for chunk_id, rank in dense_rank.items():
            fused[chunk_id].score += self.dense_weight / (RRF_K + rank + 1)
        for rank, (chunk_id, _) in enumerate(dense):
            fused[chunk_id].dense_rank = rank
        for rank, chunk_id in enumerate(lexical):
            hit = fused.setdefault(chunk_id, Hit(self.index.by_id[chunk_id], 0.0))
            hit.lexical_rank = rank
            hit.score += self.lexical_weight / (RRF_K + rank + 1)
        # Authority settles which document's figure leads; who leads a task is no figure, and the programme that
        # assigns it would give way to the resolution that merely states the target.
        asks_lead = bool(_ASKS_LEAD.search(fold(query)))
        authority_boost = 0.0 if asks_lead else AUTHORITY_BOOST
        for hit in fused.values():
            authority = self.index.authority.get(hit.chunk.doc_id, 50)
            hit.score *= 1 + authority_boost * max(0, authority - 50) / 50
            if hit.chunk.doc_id in mentioned:
                hit.score *= MENTION_BOOST
        ranked = sorted(fused.values(), key=lambda h: -h.score)
        if ranked:
            # Fusion finds the candidates; the share of the question they actually cover orders the head.
            wanted = self.wanted_tokens(forms.dense if forms.accentless else forms.original)
            named_agencies = self._agencies_named(forms.dense)
            stated = {canonical_number(n) for n in figures(query)}
            asked_place = place_of(query)
            asked_years = years(query)
            # The head is what fusion ranks highest plus each retriever's own best few: a passage only one of them
            # finds (BM25's first hit on "Kim ngạch xuất khẩu ... 2025") must still be weighed on what it covers.
            own_best = {chunk_id for chunk_id, _ in dense[:OWN_BEST]} | set(lexical[:OWN_BEST])
            head = [h for i, h in enumerate(ranked) if i < RERANK_DEPTH or h.chunk.chunk_id in own_best]
            tail = [h for i, h in enumerate(ranked) if not (i < RERANK_DEPTH or h.chunk.chunk_id in own_best)]
            top = head[0].score
            for hit in head:
                authority = self.index.authority.get(hit.chunk.doc_id, 50)
                hit.score = (hit.score / top + COVERAGE_WEIGHT * self.coverage(wanted, hit.chunk)) * (
                    1 + authority_boost * max(0, authority - 50) / 50
                ) * (MENTION_BOOST if hit.chunk.doc_id in mentioned else 1.0) * (
                    LEAD_BOOST if asks_lead and _assigns_lead(hit.chunk) else 1.0
                ) * (AGENCY_BOOST if named_agencies and self._assigns(hit.chunk, named_agencies) else 1.0) * (
                    STATED_FIGURE_BOOST if stated and stated & self._figures_of(hit.chunk) else 1.0
                ) * (
                    OTHER_PLACE_FACTOR if about_other_place(hit.chunk, asked_place) else 1.0) * (
                    self._period_factor(asked_years, hit.chunk)
                )
            ranked = sorted(head, key=lambda h: -h.score) + tail
        if self.reranker is not None:
            ranked = self.reranker.rerank(query, ranked[: max(k * 3, 20)])
        kept: list[Hit] = []
        for hit in ranked:
            if any(_near_duplicate(hit.chunk.text, other.chunk.text) for other in kept):
                continue
            kept.append(hit)
            if len(kept) >= k:
                break
        return kept


_SPACE = re.compile(r"\s+")


def evidence_in(text: str, phrase: str) -> bool:
    """Whether a passage holds a phrase, ignoring case, tone style, markup and line breaks."""
    def simple(value: str) -> str:
        return _SPACE.sub(" ", normalize(value).lower().replace("*", "")).strip()

    return simple(phrase) in simple(text) or fold(phrase) in fold(text)
