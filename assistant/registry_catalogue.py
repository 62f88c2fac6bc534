"""The registry as the ownership answers match it: every task, target, project and prose duty as a record with its
accent-insensitive syllables and syllable pairs, the registry's IDF, and the agencies by every spelling of their name.
Built once per registry file."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.agencies import agency_key
from ingest.document import Chunk
from ingest.lexicon import PhraseSet
from ingest.normalize import STOPWORDS, fold, fold_tokens, folded_tokens, lexical_tokens, looks_accentless
from ingest.registry import Project, Registry, Target, Task

# A record's expected output and heading count this much of what its own wording counts.
CONTEXT_WEIGHT = 0.4

# Phrases and words that say what is asked rather than what about; they never count as evidence of a match.
_CUE_PHRASES = (
    "chịu trách nhiệm chính", "chịu trách nhiệm", "trách nhiệm", "chủ trì", "phối hợp", "cơ quan", "đơn vị", "tổ chức nào",
    "sở nào", "ban nào", "ban quản lý nào", "phụ trách", "đảm nhiệm", "thời hạn", "hạn chót", "hạn", "khi nào", "bao giờ",
    "thời điểm", "thời gian", "giai đoạn nào", "khoảng thời gian", "lúc nào", "năm nào", "quý nào", "hỗ trợ", "tham gia",
    "tham mưu", "hoàn thành", "thực hiện", "chủ thể", "danh mục", "phụ lục", "nhiệm vụ", "được giao", "giao cho",
    "bao nhiêu", "thế nào", "ra sao", "như thế nào", "cho biết", "là gì", "là ai", "thành phố", "hải phòng",
)
_CUE_WORDS = {
    "ai", "nào", "gì", "những", "các", "được", "sẽ", "do", "phải", "làm", "lo", "xong", "việc", "giao", "chính", "đâu",
    "mấy", "là", "có", "không", "của", "theo", "về", "cho", "với", "và", "thì", "sao", "còn", "hãy", "biết", "nêu",
    "đã", "đến", "như", "thế", "ra", "đây", "này", "đó", "ấy", "kia", "vậy", "trong", "cùng",
}
_CUES = PhraseSet.of(list(_CUE_PHRASES))
_CUE_WORDS_FOLDED = {fold(w) for w in _CUE_WORDS}
_DIRECTS = re.compile(r"^[^:]*?\schỉ đạo\s([^:]+):")


@dataclass
class Entry:
    """One registry record as the matcher sees it."""

    kind: str
    record: Task | Target | Project
    label: str
    tokens: set[str]
    context: set[str]
    lead_text: str
    lead_ids: list[str]
    agency_ids: set[str]
    seq: int
    label_words: set[str] = field(default_factory=set)
    directed_ids: set[str] = field(default_factory=set)


@dataclass
class Catalogue:
    entries: list[Entry]
    idf: dict[str, float]
    agency_keys: list[tuple[str, str]]
    agency_names: dict[str, str]
    default_idf: float = 1.0
    collective: set[str] = field(default_factory=set)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)


_CATALOGUES: dict[tuple[str, float, str], Catalogue] = {}


def load_catalogue(registry: Registry, index) -> Catalogue:
    """All records with their tokens and the registry's IDF, built once per registry file.

    A record's context is its group heading and its document's title: "Đề án CNXH" in a question supports the
    duties written in that Đề án."""
    key = (str(registry.path), Path(registry.path).stat().st_mtime, str(getattr(index, "build_dir", "")))
    if key in _CATALOGUES:
        return _CATALOGUES[key]
    entries: list[Entry] = []
    for seq, task in enumerate(registry.tasks(limit=1_000_000)):
        label = task.text
        # The expected output ("Đề án tổng thể ... du lịch nông thôn ...") describes the task; it is weighed like the
        # task's heading, so a long output cannot outvote another task whose own wording the question repeats.
        entries.append(
            Entry(
                "task" if task.source == "appendix" else "prose", task, label, set(folded_tokens(task.text)),
                set(folded_tokens(f"{task.group} {task.quote if task.source == 'prose' else ''} {task.output or ''}")),
                task.lead_text, task.lead_ids, set(task.lead_ids) | set(task.support_ids), seq,
            )
        )
    for seq, target in enumerate(registry.targets()):
        body = f"{target.label} {target.unit} {target.value}"
        entries.append(
            Entry("target", target, target.label, set(folded_tokens(body)), set(folded_tokens(target.group)),
                   target.lead_text, target.lead_ids, set(target.lead_ids), 10_000 + seq)
        )
    for seq, project in enumerate(registry.projects()):
        body = f"{project.name} {project.funding}"
        entries.append(
            Entry("project", project, project.name, set(folded_tokens(body)), set(folded_tokens(project.group)),
                   project.lead_text, project.lead_ids, set(project.lead_ids), 20_000 + seq)
        )
    titles = {doc_id: set(folded_tokens(doc_title(index, doc_id))) for doc_id in {e.record.doc_id for e in entries}}
    df: Counter[str] = Counter()
    for entry in entries:
        entry.label_words = {t for t in _content(entry.label) if "_" not in t}
        entry.context |= titles[entry.record.doc_id]
        df.update(entry.tokens | entry.context)
    total = len(entries)
    idf = {token: math.log(1 + (total - n + 0.5) / (n + 0.5)) for token, n in df.items()}
    summaries = registry.agencies()
    names = {a.id: a.name for a in summaries}
    agency_keys = sorted(
        ((key, agency.id) for agency in summaries for key in _keys_of(agency)), key=lambda item: -len(item[0])
    )
    catalogue = Catalogue(
        entries, idf, agency_keys, names, default_idf=math.log(1 + (total + 0.5) / 0.5), documents=set(titles),
        collective={a.id for a in summaries if a.kind != "agency"},
        aliases={a.id: list(a.aliases) for a in summaries},
    )
    for entry in entries:
        if entry.kind == "prose" and (directs := _DIRECTS.match(entry.record.quote)):
            entry.directed_ids = set(find_agencies(directs.group(1), catalogue)[0])
    _CATALOGUES.clear()
    _CATALOGUES[key] = catalogue
    return catalogue


def _keys_of(agency) -> set[str]:
    keys = {agency_key(spelling) for spelling in {agency.name, *agency.aliases}}
    return {k for k in keys if len(k.split()) >= 2 or (k and not re.search(r"[aeiouy]", k))}


def find_agencies(text: str, catalogue: Catalogue) -> tuple[list[str], list[str]]:
    """Agencies the question names, longest spelling first, each span used once ("so tai chinh", "BQL KKT")."""
    haystack = f" {agency_key(text)} "
    found: list[str] = []
    spans: list[str] = []
    for key, agency_id in catalogue.agency_keys:
        needle = f" {key} "
        if needle in haystack:
            haystack = haystack.replace(needle, " # ")
            if agency_id not in found:
                found.append(agency_id)
                spans.append(key)
    return found, spans


def _content(text: str, drop: set[str] = frozenset(), question: bool = False) -> set[str]:
    """Folded syllables and syllable pairs that carry a topic: a pair counts only when both halves do.

    In a question, cue phrases ("chủ trì", "hoàn thành") go first, then cue words; they are recognised on the
    accented text ("đôn đốc" is not "đơn vị", "Đảng" is not "đang"), on the folded text only when it was typed
    without accents. A cue gap also breaks pairs, so "chủ trì đề án" does not pair "trì" with "đề"."""
    cues: set[str] = set()
    if question:
        cues = _CUE_WORDS_FOLDED if looks_accentless(text) else _CUE_WORDS
        text = _CUES.sub(" | ", text)
    accented = lexical_tokens(text)
    kept = set()
    for token, folded in zip(accented, fold_tokens(accented)):
        parts, folded_parts = token.lower().split("_"), folded.split("_")
        if any(p in STOPWORDS or p in cues for p in parts) or any(p in drop for p in folded_parts):
            continue
        kept.add(folded)
    return kept


def topic_tokens(text: str, spans: list[str]) -> set[str]:
    """Content syllables and pairs of the question, without the agencies it names and its question cues."""
    return _content(text, {word for span in spans for word in span.split()}, question=True)


def match_score(entry: Entry, wanted: set[str], catalogue: Catalogue, context_weight: float = CONTEXT_WEIGHT) -> float:
    """How much of the question the record holds; a short label the question nearly restates also scores high."""
    idf = catalogue.idf
    total = sum(idf.get(t, catalogue.default_idf) for t in wanted)
    if not total:
        return 0.0
    direct = sum(idf.get(t, catalogue.default_idf) for t in wanted if t in entry.tokens)
    context = sum(idf.get(t, catalogue.default_idf) for t in wanted if t not in entry.tokens and t in entry.context)
    covered = (direct + context_weight * context) / total
    label_total = sum(idf.get(t, 0.0) for t in entry.label_words)
    if not label_total:
        return covered
    restated = sum(idf.get(t, 0.0) for t in entry.label_words if t in wanted) / label_total
    return max(covered, (covered + restated) / 2)


def chunk_for(index, doc_id: str, line_start: int, line_end: int, lead_text: str, table: bool) -> Chunk | None:
    """The indexed chunk that holds a record's lines (preferring one that shows the lead cell)."""
    best: tuple[tuple, Chunk] | None = None
    for chunk in index.chunks:
        if chunk.doc_id != doc_id or chunk.line_end < line_start or chunk.line_start > line_end:
            continue
        covers = chunk.line_start <= line_start and chunk.line_end >= line_end
        overlap = min(chunk.line_end, line_end) - max(chunk.line_start, line_start)
        shows_lead = bool(lead_text) and fold(lead_text) in fold(chunk.text)
        kind_ok = (chunk.kind == "table_row") == table
        rank = (covers, shows_lead, kind_ok, overlap, -(chunk.line_end - chunk.line_start))
        if best is None or rank > best[0]:
            best = (rank, chunk)
    return best[1] if best else None


def doc_title(index, doc_id: str) -> str:
    info = index.documents.get(doc_id, {}).get("info", {})
    return info.get("short_title") or info.get("title") or doc_id


def name_tokens(agency_id: str, catalogue: Catalogue) -> set[str]:
    """Every syllable of every spelling of an agency ("ubnd", "uy", "ban", ...): not topic words in a listing."""
    spellings = [catalogue.agency_names.get(agency_id, "")] + catalogue.aliases.get(agency_id, [])
    return {t for spelling in spellings for t in folded_tokens(spelling) if "_" not in t}

