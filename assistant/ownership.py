"""Who owns what, answered from the registry: the lead named as its cell writes it, cited to the row.

Passage retrieval ranks table rows like any text, so "cơ quan nào chủ trì quy hoạch không gian ngầm?" can land on a
neighbouring row and name the wrong agency. Here the question is matched against every task, target, project and
prose duty of the registry (accent-insensitive syllables and syllable pairs, weighted by how rare they are among the
records, the task text counting more than its group heading), and the best record is read field by field. When the
match is weak or two records with different leads match about equally, the answer is None so the caller can fall
back to passages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import asks_quantity, refers_back
from assistant.answer_types import Answer, Citation
from assistant.question import parse
from ingest.agencies import agency_key
from ingest.document import Chunk
from ingest.normalize import STOPWORDS, fold, fold_tokens, folded_tokens, lexical_tokens, looks_accentless, normalize
from ingest.registry import Project, Registry, Target, Task

MIN_SCORE = 0.5
# A question without an ownership cue ("Ban Thường vụ họp ... định kỳ ra sao?") is answered only when it names the
# record's lead and matches it closely.
MIN_UNCUED_SCORE = 0.7
# "Ai đang là Chủ tịch UBND thành phố?" shares only "chủ tịch" with a monument project: too little to name an owner.
MIN_MATCHED_WORDS = 3
MIN_MARGIN = 0.04
# A record's expected output and heading count this much of what its own wording counts.
CONTEXT_WEIGHT = 0.4
# Within this much of the best, a record of another agency that holds more of the question in its own wording
# makes the best one's lead a matter of context (its output, its heading): no single answer.
CONTEXT_MARGIN = 0.1
MAX_LISTED = 8

_ASKS_LEAD = re.compile(
    r"\b(chu tri|chiu trach nhiem|trach nhiem|co quan nao|don vi nao|so nao|ban nao|to chuc nao|ai|giao cho|"
    r"duoc giao|phu trach|dam nhiem|tham muu|chu the|ban quan ly nao|lam chu tri|giao)\b"
)
_ASKS_SUPPORT = re.compile(r"\b(phoi hop)\b")
_ASKS_DEADLINE = re.compile(
    r"\b(thoi han|khi nao|bao gio|thoi diem|nam nao|quy nao|giai doan nao|khoang thoi gian|han chot|han|den han|"
    r"luc nao|thoi gian)\b"
)
_LIST_NOUNS = r"(nhiem vu|du an|cong trinh|viec|de an|nghi quyet|ke hoach|chuong trinh|chi tieu|mo hinh)\b"
_ASKS_LIST = re.compile(
    r"\b(nhung|cac)\s+(\w+\s+){0,2}" + _LIST_NOUNS + r"\b.*\b(nao|gi)\b|\b" + _LIST_NOUNS + r"\s+(nao|gi)\b"
    r"|\bbao nhieu\s+" + _LIST_NOUNS
)
_ASKS_SUBJECT = re.compile(r"\bchu the\b")
_SUBJECT_QUOTE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.\s*)?Chủ thể", re.IGNORECASE)
_WANTS_TARGETS = re.compile(r"\b(chi tieu|phu luc 1)\b")
_WANTS_PROJECTS = re.compile(r"\b(du an|cong trinh|phu luc 3)\b")
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
_CUE_ACCENTED = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, _CUE_PHRASES), key=len, reverse=True)) + r")(?!\w)")
_CUE_FOLDED = re.compile(r"(?<!\w)(?:" + "|".join(sorted({re.escape(fold(p)) for p in _CUE_PHRASES}, key=len, reverse=True)) + r")(?!\w)")
_CUE_WORDS_FOLDED = {fold(w) for w in _CUE_WORDS}
_DIRECTS = re.compile(r"^[^:]*?\schỉ đạo\s([^:]+):")
_DIRECTED_BY = re.compile(r"\b(chiu su chi dao|duoc chi dao|ai chi dao)\b")


@dataclass
class _Entry:
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
class _Catalogue:
    entries: list[_Entry]
    idf: dict[str, float]
    agency_keys: list[tuple[str, str]]
    agency_names: dict[str, str]
    default_idf: float = 1.0
    collective: set[str] = field(default_factory=set)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)


@dataclass
class _Question:
    text: str
    folded: str
    agencies: list[str] = field(default_factory=list)
    agency_spans: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    cued: bool = True


_CATALOGUES: dict[tuple[str, float, str], _Catalogue] = {}


def _catalogue(registry: Registry, index) -> _Catalogue:
    """All records with their tokens and the registry's IDF, built once per registry file.

    A record's context is its group heading and its document's title: "Đề án CNXH" in a question supports the
    duties written in that Đề án."""
    key = (str(registry.path), Path(registry.path).stat().st_mtime, str(getattr(index, "build_dir", "")))
    if key in _CATALOGUES:
        return _CATALOGUES[key]
    entries: list[_Entry] = []
    for seq, task in enumerate(registry.tasks(limit=1_000_000)):
        label = task.text
        # The expected output ("Đề án tổng thể ... du lịch nông thôn ...") describes the task; it is weighed like the
        # task's heading, so a long output cannot outvote another task whose own wording the question repeats.
        entries.append(
            _Entry(
                "task" if task.source == "appendix" else "prose", task, label, set(folded_tokens(task.text)),
                set(folded_tokens(f"{task.group} {task.quote if task.source == 'prose' else ''} {task.output or ''}")),
                task.lead_text, task.lead_ids, set(task.lead_ids) | set(task.support_ids), seq,
            )
        )
    for seq, target in enumerate(registry.targets()):
        body = f"{target.label} {target.unit} {target.value}"
        entries.append(
            _Entry("target", target, target.label, set(folded_tokens(body)), set(folded_tokens(target.group)),
                   target.lead_text, target.lead_ids, set(target.lead_ids), 10_000 + seq)
        )
    for seq, project in enumerate(registry.projects()):
        body = f"{project.name} {project.funding}"
        entries.append(
            _Entry("project", project, project.name, set(folded_tokens(body)), set(folded_tokens(project.group)),
                   project.lead_text, project.lead_ids, set(project.lead_ids), 20_000 + seq)
        )
    titles = {doc_id: set(folded_tokens(_title(index, doc_id))) for doc_id in {e.record.doc_id for e in entries}}
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
    catalogue = _Catalogue(
        entries, idf, agency_keys, names, default_idf=math.log(1 + (total + 0.5) / 0.5), documents=set(titles),
        collective={a.id for a in summaries if a.kind != "agency"},
        aliases={a.id: list(a.aliases) for a in summaries},
    )
    for entry in entries:
        if entry.kind == "prose" and (directs := _DIRECTS.match(entry.record.quote)):
            entry.directed_ids = set(_find_agencies(directs.group(1), catalogue)[0])
    _CATALOGUES.clear()
    _CATALOGUES[key] = catalogue
    return catalogue


def _keys_of(agency) -> set[str]:
    keys = {agency_key(spelling) for spelling in {agency.name, *agency.aliases}}
    return {k for k in keys if len(k.split()) >= 2 or (k and not re.search(r"[aeiouy]", k))}


def _find_agencies(text: str, catalogue: _Catalogue) -> tuple[list[str], list[str]]:
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
        if looks_accentless(text):
            text = _CUE_FOLDED.sub(" | ", fold(text))
            cues = _CUE_WORDS_FOLDED
        else:
            text = _CUE_ACCENTED.sub(" | ", normalize(text).lower())
            cues = _CUE_WORDS
    accented = lexical_tokens(text)
    kept = set()
    for token, folded in zip(accented, fold_tokens(accented)):
        parts, folded_parts = token.lower().split("_"), folded.split("_")
        if any(p in STOPWORDS or p in cues for p in parts) or any(p in drop for p in folded_parts):
            continue
        kept.add(folded)
    return kept


def _topic_tokens(text: str, spans: list[str]) -> set[str]:
    """Content syllables and pairs of the question, without the agencies it names and its question cues."""
    return _content(text, {word for span in spans for word in span.split()}, question=True)


def _score(entry: _Entry, wanted: set[str], catalogue: _Catalogue, context_weight: float = CONTEXT_WEIGHT) -> float:
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


def _chunk_for(index, doc_id: str, line_start: int, line_end: int, lead_text: str, table: bool) -> Chunk | None:
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


def _title(index, doc_id: str) -> str:
    info = index.documents.get(doc_id, {}).get("info", {})
    return info.get("short_title") or info.get("title") or doc_id


def _cite(citations: list[Citation], chunk: Chunk, quote: str) -> int:
    for citation in citations:
        if citation.chunk_id == chunk.chunk_id:
            return citation.n
    n = len(citations) + 1
    citations.append(Citation(n=n, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, doc_title=chunk.doc_title, section=chunk.section, quote=quote))
    return n


def _doc_and_lines(entry: _Entry) -> tuple[str, int, int]:
    record = entry.record
    return record.doc_id, record.line_start, record.line_end


def _quote(entry: _Entry, chunk: Chunk) -> str:
    if entry.kind == "prose":
        return entry.record.quote
    return chunk.text


def _last_group(group: str) -> str:
    return group.split(" > ")[-1] if group else ""


def _asked_role(text: str) -> str:
    """What the last sentence asks of a task (a follow-up's sentence after the previous question): who leads, who
    supports, by when, with what output."""
    last = [part for part in re.split(r"(?<=\?)\s+", text.strip()) if part.strip()][-1]
    intents = parse(last).intents
    return next((role for role in ("support", "deadline", "output") if role in intents), "lead")


def _describe(entry: _Entry, n: int, index, asked: str = "lead") -> str:
    """One record, answer first: what was asked in bold (the lead, the supporting bodies, the deadline or the output),
    then the other fields, then the task and where it is written. Staff read the name they came for first."""
    record = entry.record
    title = _title(index, record.doc_id)
    if entry.kind in ("task", "prose"):
        task: Task = record
        fields = {
            "lead": f"**{task.lead_text}** chủ trì" + (" (ghi ở dòng nhiệm vụ mẹ)" if task.lead_inherited else ""),
            "support": f"phối hợp: **{task.support_text}**" if task.support_text else "",
            "deadline": f"thời hạn: **{task.deadline.text}**" if task.deadline and task.deadline.text else "",
            "output": f"sản phẩm: **{task.output}**" if task.output else "",
        }
        first = asked if fields.get(asked) else "lead"
        order = [first] + [k for k in ("lead", "support", "deadline", "output") if k != first]
        head = "; ".join(fields[k].replace("**", "") if k != first else fields[k] for k in order if fields[k])
        head = head[0].upper() + head[1:]
        if entry.kind == "task":
            where = f"{title}, {task.appendix}, mục “{_last_group(task.group)}”"
        else:
            where = f"{title}, mục “{next((h for h in reversed(task.group.split(' > ')) if 'noi dung, phuong phap' not in fold(h)), '')}”"
        return f"{head} [{n}].\nNhiệm vụ: “{task.text}” — {where}."
    if entry.kind == "target":
        target: Target = record
        unit = "" if not target.unit or target.unit in target.value else f" {target.unit}"
        year = f" (năm {target.year})" if target.year else ""
        return (
            f"Chỉ tiêu “{target.label}”: **{target.value}{unit}**{year}; cơ quan chủ trì: **{target.lead_text}** [{n}]."
            f"\nNguồn: {title}, {target.appendix}."
        )
    project: Project = record
    funding = f"; nguồn vốn: {project.funding}" if project.funding else ""
    return (
        f"**{project.lead_text}** chủ trì{funding} [{n}].\nDự án: “{project.name}” — {title}, {project.appendix}, "
        f"mục “{_last_group(project.group)}”."
    )


def _kinds_for_list(folded: str) -> set[str]:
    kinds = set()
    if _WANTS_TARGETS.search(folded):
        kinds.add("target")
    if _WANTS_PROJECTS.search(folded):
        kinds.update({"project", "task"})
    if re.search(r"\b(nhiem vu|viec|de an|nghi quyet|ke hoach|chuong trinh|mo hinh|gi)\b", folded):
        kinds.update({"task", "prose"})
    return kinds or {"task", "prose"}


def _name_tokens(agency_id: str, catalogue: _Catalogue) -> set[str]:
    """Every syllable of every spelling of an agency ("ubnd", "uy", "ban", ...): not topic words in a listing."""
    spellings = [catalogue.agency_names.get(agency_id, "")] + catalogue.aliases.get(agency_id, [])
    return {t for spelling in spellings for t in folded_tokens(spelling) if "_" not in t}


def _list_answer(agency_id: str, question: _Question, catalogue: _Catalogue, index, role: str = "lead") -> Answer | None:
    """"<agency> chủ trì (phối hợp) những nhiệm vụ nào (về ...)?": the most relevant of its records, with the total."""
    kinds = _kinds_for_list(question.folded)
    if role == "lead":
        led = [e for e in catalogue.entries if e.kind in kinds and agency_id in e.lead_ids]
    else:
        led = [e for e in catalogue.entries if e.kind in kinds and agency_id in e.agency_ids and agency_id not in e.lead_ids]
    if not led:
        return None
    wanted = _topic_tokens(question.text, question.agency_spans) - _name_tokens(agency_id, catalogue)
    scored = sorted(led, key=lambda e: (-_score(e, wanted, catalogue) if wanted else 0.0, e.seq))
    if wanted and _score(scored[0], wanted, catalogue) == 0:
        relevant = []
    else:
        relevant = [e for e in scored if not wanted or _score(e, wanted, catalogue) > 0]
    shown = (relevant or scored)[:MAX_LISTED]
    name = catalogue.agency_names.get(agency_id, agency_id)
    counts = Counter(e.kind for e in led)
    nouns = {"task": "nhiệm vụ (Phụ lục 2)", "prose": "nhiệm vụ nêu trong phần tổ chức thực hiện", "target": "chỉ tiêu (Phụ lục 1)", "project": "dự án, công trình (Phụ lục 3)"}
    total = "; ".join(f"{counts[k]} {nouns[k]}" for k in ("task", "project", "target", "prose") if counts.get(k))
    verb = "chủ trì" if role == "lead" else "phối hợp thực hiện"
    intro = f"{name} được giao {verb} tổng cộng {total}."
    if wanted and relevant:
        intro += f" Liên quan nhất đến câu hỏi ({len(shown)} mục):"
    else:
        intro += f" {len(shown)} mục đầu tiên:"
    citations: list[Citation] = []
    lines = [intro]
    for entry in shown:
        doc_id, start, end = _doc_and_lines(entry)
        chunk = _chunk_for(index, doc_id, start, end, entry.lead_text, entry.kind != "prose")
        if chunk is None:
            continue
        n = _cite(citations, chunk, _quote(entry, chunk))
        label = entry.label if len(entry.label) <= 220 else entry.label[:219] + "…"
        extra = ""
        if entry.kind == "task" and entry.record.deadline.text:
            extra = f"; thời hạn: {entry.record.deadline.text}"
        lines.append(f"- {label} (chủ trì: {entry.lead_text}{extra}) [{n}]")
    if not citations:
        return None
    return Answer(answer="\n".join(lines), citations=citations, abstained=False, route="registry")


def _single_answer(question: _Question, catalogue: _Catalogue, index, wanted: set[str]) -> Answer | None:
    folded = question.folded
    wants_target = bool(_WANTS_TARGETS.search(folded))
    asks_deadline = bool(_ASKS_DEADLINE.search(folded))
    scored: list[tuple[float, _Entry]] = []
    for entry in catalogue.entries:
        if not entry.lead_text:
            continue
        score = _score(entry, wanted, catalogue)
        if score <= 0:
            continue
        if question.agencies and set(question.agencies) & set(entry.lead_ids):
            score += 0.2
        elif question.agencies and set(question.agencies) & entry.agency_ids:
            score += 0.1
        if entry.kind == "prose" and _ASKS_SUBJECT.search(question.folded) and _SUBJECT_QUOTE.match(entry.record.quote):
            score += 0.15
        if entry.kind == "prose" and entry.record.doc_id in question.documents:
            # "theo Kế hoạch 30", "trong Đề án": which document's organisational part is meant. (Every appendix row
            # is in the action programme, which questions also name as the object: "ban hành Chương trình hành động".)
            score += 0.1
        if entry.kind == "target":
            score += 0.1 if wants_target else -0.1
        elif entry.kind == "project" and asks_deadline:
            score -= 0.05
        elif entry.kind == "task":
            score += 0.01
        scored.append((score, entry))
    if not scored:
        return None
    scored.sort(key=lambda item: (-item[0], item[1].seq))
    best_score, best = scored[0]
    if best_score < MIN_SCORE:
        return None
    matched = {t for t in wanted if "_" not in t and (t in best.tokens or t in best.context)}
    if len(matched) < MIN_MATCHED_WORDS:
        return None
    if question.documents and not question.documents & catalogue.documents:
        # The question is about a document that assigns nothing ("theo Báo cáo chính trị").
        return None
    if not question.cued and (best_score < MIN_UNCUED_SCORE or not set(question.agencies) & set(best.lead_ids)):
        return None

    def without_context(score: float, entry: _Entry) -> float:
        return score - _score(entry, wanted, catalogue) + _score(entry, wanted, catalogue, context_weight=0.0)

    best_own = without_context(best_score, best)
    for score, other in scored[1:]:
        if best_score - score >= CONTEXT_MARGIN:
            break
        if set(other.lead_ids) == set(best.lead_ids):
            continue
        if best_score - score < MIN_MARGIN or without_context(score, other) > best_own:
            # Too close to call, or the lead comes only from context: a tourism task whose output is "Xây dựng Đề
            # án ..." and which names the free-trade zone in passing must not outrank the zone's own dossier.
            return None
    doc_id, start, end = _doc_and_lines(best)
    chunk = _chunk_for(index, doc_id, start, end, best.lead_text, best.kind != "prose")
    if chunk is None:
        return None
    citations: list[Citation] = []
    n = _cite(citations, chunk, _quote(best, chunk))
    return Answer(answer=_describe(best, n, index, _asked_role(question.text)), citations=citations, abstained=False, route="registry")


def _directed_by(agency_id: str, question: _Question, catalogue: _Catalogue, index) -> Answer | None:
    """"<agency> chịu sự chỉ đạo của cơ quan nào?": the heading that says "<X> chỉ đạo <agency>"."""
    entries = [e for e in catalogue.entries if agency_id in e.directed_ids]
    if not entries or len({tuple(e.lead_ids) for e in entries}) != 1:
        return None
    entry = entries[0]
    chunk = _chunk_for(index, entry.record.doc_id, entry.record.line_start, entry.record.line_end, entry.lead_text, False)
    if chunk is None:
        return None
    citations: list[Citation] = []
    n = _cite(citations, chunk, entry.record.quote.split(":", 1)[0])
    heading = entry.record.quote.split(":", 1)[0]
    text = f"Theo {_title(index, entry.record.doc_id)} (mục “{heading}”): {entry.lead_text} chỉ đạo {catalogue.agency_names.get(agency_id, agency_id)} [{n}]."
    return Answer(answer=text, citations=citations, abstained=False, route="registry")


_GIVEN = re.compile(r"\b(chu tri|duoc giao|giao cho|phu trach|dam nhiem|phoi hop|thuc hien)\b")
def asks_ownership(question: str) -> bool:
    """Whether a question asks who leads, supports or by when (the only questions this module answers)."""
    folded = fold(question)
    if _ASKS_LEAD.search(folded) or _ASKS_SUPPORT.search(folded) or _ASKS_DEADLINE.search(folded):
        return True
    listing = _ASKS_LIST.search(folded)
    # "bao nhiêu nhiệm vụ" counts what a body is given only next to a verb of giving ("được giao", "chủ trì"); in
    # "sẽ phê duyệt bao nhiêu mô hình" it asks a figure of the text.
    return bool(listing) and (not listing.group(0).startswith("bao nhieu") or bool(_GIVEN.search(folded)))


def answer_ownership(question: str, registry: Registry, index, history_question: str | None = None) -> Answer | None:
    """An answer read from the registry for a who-leads / who-supports / by-when / what-does-X-lead question,
    or None when the registry cannot answer it confidently (the caller then answers from passages)."""
    if not question or not question.strip():
        raise ValueError("question is empty")
    catalogue = _catalogue(registry, index)
    named, named_spans = _find_agencies(question, catalogue)
    # A collective body ("các sở, ban, ngành") names no one in particular: outside a listing it is topic words.
    agencies = [a for a in named if a not in catalogue.collective]
    spans = [k for a, k in zip(named, named_spans) if a not in catalogue.collective]
    cued = asks_ownership(question)
    if not cued and (not agencies or asks_quantity(question)):
        # "Đảng ủy UBND thành phố sẽ phê duyệt bao nhiêu mô hình?" asks a figure about a body, not what it owns.
        return None
    documents = index.mentioned_docs(question) if hasattr(index, "mentioned_docs") else set()
    parsed = _Question(text=question, folded=fold(question), agencies=agencies, agency_spans=spans, documents=documents, cued=cued)
    if agencies and _DIRECTED_BY.search(parsed.folded):
        directing = _directed_by(agencies[0], parsed, catalogue, index)
        if directing is not None:
            return directing
    if named and _ASKS_LIST.search(parsed.folded):
        supports = bool(_ASKS_SUPPORT.search(parsed.folded)) and not re.search(r"\bchu tri\b", parsed.folded)
        listing = _Question(text=question, folded=parsed.folded, agencies=named, agency_spans=named_spans)
        # A listing question about a body that leads nothing has no single task to fall back to.
        return _list_answer(named[0], listing, catalogue, index, role="support" if supports else "lead")
    wanted = _topic_tokens(question, spans)
    own_words = {t for t in wanted if "_" not in t}
    if history_question and (len(own_words) < 3 or refers_back(question)):
        history_agencies, history_spans = _find_agencies(history_question, catalogue)
        wanted |= _topic_tokens(history_question, history_spans)
        parsed.agencies = agencies or history_agencies
    if not wanted:
        return None
    return _single_answer(parsed, catalogue, index, wanted)
