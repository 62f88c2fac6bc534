"""Who owns what, answered from the registry: the lead named as its cell writes it, cited to the row.

Passage retrieval ranks table rows like any text, so "cơ quan nào chủ trì quy hoạch không gian ngầm?" can land on a
neighbouring row and name the wrong agency. Here the question is matched against every task, target, project and
prose duty of the registry (assistant/registry_catalogue.py), and the best record is read field by field. When the
match is weak or two records with different leads match about equally, the answer is None so the caller can fall
back to passages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.answer_types import Answer, Citation
from assistant.asking import asks_quantity, folded_phrases, refers_back
from assistant.question import parse
from assistant.registry_catalogue import (
    Catalogue,
    Entry,
    chunk_for,
    doc_title,
    find_agencies,
    load_catalogue,
    match_score,
    name_tokens,
    topic_tokens,
)
from ingest.document import Chunk
from ingest.normalize import fold
from ingest.registry import Project, Registry, Target, Task

MIN_SCORE = 0.5
# A question without an ownership cue ("Ban Thường vụ họp ... định kỳ ra sao?") is answered only when it names the
# record's lead and matches it closely.
MIN_UNCUED_SCORE = 0.7
# "Ai đang là Chủ tịch UBND thành phố?" shares only "chủ tịch" with a monument project: too little to name an owner.
MIN_MATCHED_WORDS = 3
MIN_MARGIN = 0.04
# Within this much of the best, a record of another agency that holds more of the question in its own wording
# makes the best one's lead a matter of context (its output, its heading): no single answer.
CONTEXT_MARGIN = 0.1
MAX_LISTED = 8

# On folded text: what the question asks of a task, or which records it lists.
_ASKS_LEAD = folded_phrases(
    "chu tri", "chiu trach nhiem", "trach nhiem", "co quan nao", "don vi nao", "so nao", "ban nao", "to chuc nao", "ai",
    "giao cho", "duoc giao", "phu trach", "dam nhiem", "tham muu", "chu the", "ban quan ly nao", "lam chu tri", "giao",
)
_ASKS_SUPPORT = folded_phrases("phoi hop")
_ASKS_DEADLINE = folded_phrases(
    "thoi han", "khi nao", "bao gio", "thoi diem", "nam nao", "quy nao", "giai doan nao", "khoang thoi gian", "han chot",
    "han", "den han", "luc nao", "thoi gian",
)
_LIST_NOUNS = r"(nhiem vu|du an|cong trinh|viec|de an|nghi quyet|ke hoach|chuong trinh|chi tieu|mo hinh)\b"
_ASKS_LIST = re.compile(
    r"\b(nhung|cac)\s+(\w+\s+){0,2}" + _LIST_NOUNS + r"\b.*\b(nao|gi)\b|\b" + _LIST_NOUNS + r"\s+(nao|gi)\b"
    r"|\bbao nhieu\s+" + _LIST_NOUNS
)
# Listed without a verb of giving, models and targets are content ("những mô hình hoạt động nào của Mặt trận …"),
# not what a body was given.
_CONTENT_NOUNS = folded_phrases("mo hinh", "chi tieu")
_ASKS_SUBJECT = folded_phrases("chu the")
_SUBJECT_QUOTE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.\s*)?Chủ thể", re.IGNORECASE)
_WANTS_TARGETS = folded_phrases("chi tieu", "phu luc 1")
_WANTS_PROJECTS = folded_phrases("du an", "cong trinh", "phu luc 3")
_DIRECTED_BY = folded_phrases("chiu su chi dao", "duoc chi dao", "ai chi dao")
_GIVEN = folded_phrases("chu tri", "duoc giao", "giao cho", "phu trach", "dam nhiem", "phoi hop", "thuc hien")


@dataclass
class _Question:
    text: str
    folded: str
    agencies: list[str] = field(default_factory=list)
    agency_spans: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    cued: bool = True


def _cite(citations: list[Citation], chunk: Chunk, quote: str) -> int:
    for citation in citations:
        if citation.chunk_id == chunk.chunk_id:
            return citation.n
    n = len(citations) + 1
    citations.append(Citation(n=n, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, doc_title=chunk.doc_title, section=chunk.section, quote=quote))
    return n


def _doc_and_lines(entry: Entry) -> tuple[str, int, int]:
    record = entry.record
    return record.doc_id, record.line_start, record.line_end


def _quote(entry: Entry, chunk: Chunk) -> str:
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
    fallback = "figure" if "figure" in intents and "lead" not in intents else "lead"
    return next((role for role in ("support", "deadline", "output") if role in intents), fallback)


def _describe(entry: Entry, n: int, index, asked: str = "lead") -> str:
    """One record, answer first: the lead agency, then what was asked in bold (the supporting bodies, the deadline, the
    output, or a target's figure), then the other fields, then the task and where it is written. Staff read the name
    they came for in the first line."""
    record = entry.record
    title = doc_title(index, record.doc_id)
    if entry.kind in ("task", "prose"):
        task: Task = record
        fields = {
            "lead": f"**{task.lead_text}** chủ trì" + (" (ghi ở dòng nhiệm vụ mẹ)" if task.lead_inherited else ""),
            "support": f"phối hợp: **{task.support_text}**" if task.support_text else "",
            "deadline": f"thời hạn: **{task.deadline.text}**" if task.deadline and task.deadline.text else "",
            "output": f"sản phẩm: **{task.output}**" if task.output else "",
        }
        asked = asked if fields.get(asked) else "lead"
        order = ["lead"] + ([asked] if asked != "lead" else []) + [k for k in ("support", "deadline", "output") if k != asked]
        head = "; ".join(fields[k] if k in ("lead", asked) else fields[k].replace("**", "") for k in order if fields[k])
        if entry.kind == "task":
            where = f"{title}, {task.appendix}, mục “{_last_group(task.group)}”"
        else:
            where = f"{title}, mục “{next((h for h in reversed(task.group.split(' > ')) if 'noi dung, phuong phap' not in fold(h)), '')}”"
        return f"{head} [{n}].\nNhiệm vụ: “{task.text}” — {where}."
    if entry.kind == "target":
        target: Target = record
        unit = "" if not target.unit or target.unit in target.value else f" {target.unit}"
        year = f" (năm {target.year})" if target.year else ""
        if asked != "figure":
            return (
                f"**{target.lead_text}** chủ trì chỉ tiêu “{target.label}” ({target.value}{unit}{year}) [{n}]."
                f"\nNguồn: {title}, {target.appendix}."
            )
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


def _list_answer(agency_id: str, question: _Question, catalogue: Catalogue, index, role: str = "lead") -> Answer | None:
    """"<agency> chủ trì (phối hợp) những nhiệm vụ nào (về ...)?": the most relevant of its records, with the total."""
    kinds = _kinds_for_list(question.folded)
    if role == "lead":
        led = [e for e in catalogue.entries if e.kind in kinds and agency_id in e.lead_ids]
    else:
        led = [e for e in catalogue.entries if e.kind in kinds and agency_id in e.agency_ids and agency_id not in e.lead_ids]
    if not led:
        return None
    wanted = topic_tokens(question.text, question.agency_spans) - name_tokens(agency_id, catalogue)
    scored = sorted(led, key=lambda e: (-match_score(e, wanted, catalogue) if wanted else 0.0, e.seq))
    if wanted and match_score(scored[0], wanted, catalogue) == 0:
        relevant = []
    else:
        relevant = [e for e in scored if not wanted or match_score(e, wanted, catalogue) > 0]
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
        chunk = chunk_for(index, doc_id, start, end, entry.lead_text, entry.kind != "prose")
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
    return Answer(answer="\n".join(lines), citations=citations, abstained=False, route="agency_tasks")


def _single_answer(question: _Question, catalogue: Catalogue, index, wanted: set[str]) -> Answer | None:
    folded = question.folded
    wants_target = bool(_WANTS_TARGETS.search(folded))
    asks_deadline = bool(_ASKS_DEADLINE.search(folded))
    scored: list[tuple[float, Entry]] = []
    for entry in catalogue.entries:
        if not entry.lead_text:
            continue
        score = match_score(entry, wanted, catalogue)
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

    def without_context(score: float, entry: Entry) -> float:
        return score - match_score(entry, wanted, catalogue) + match_score(entry, wanted, catalogue, context_weight=0.0)

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
    chunk = chunk_for(index, doc_id, start, end, best.lead_text, best.kind != "prose")
    if chunk is None:
        return None
    citations: list[Citation] = []
    n = _cite(citations, chunk, _quote(best, chunk))
    return Answer(answer=_describe(best, n, index, _asked_role(question.text)), citations=citations, abstained=False, route="registry")


def _directed_by(agency_id: str, question: _Question, catalogue: Catalogue, index) -> Answer | None:
    """"<agency> chịu sự chỉ đạo của cơ quan nào?": the heading that says "<X> chỉ đạo <agency>"."""
    entries = [e for e in catalogue.entries if agency_id in e.directed_ids]
    if not entries or len({tuple(e.lead_ids) for e in entries}) != 1:
        return None
    entry = entries[0]
    chunk = chunk_for(index, entry.record.doc_id, entry.record.line_start, entry.record.line_end, entry.lead_text, False)
    if chunk is None:
        return None
    citations: list[Citation] = []
    n = _cite(citations, chunk, entry.record.quote.split(":", 1)[0])
    heading = entry.record.quote.split(":", 1)[0]
    text = f"Theo {doc_title(index, entry.record.doc_id)} (mục “{heading}”): {entry.lead_text} chỉ đạo {catalogue.agency_names.get(agency_id, agency_id)} [{n}]."
    return Answer(answer=text, citations=citations, abstained=False, route="registry")


def asks_ownership(question: str) -> bool:
    """Whether a question asks who leads, supports or by when (the only questions this module answers)."""
    folded = fold(question)
    if _ASKS_LEAD.search(folded) or _ASKS_SUPPORT.search(folded) or _ASKS_DEADLINE.search(folded):
        return True
    listing = _ASKS_LIST.search(folded)
    if listing and _CONTENT_NOUNS.search(listing.group(0)) and not _GIVEN.search(folded):
        return False
    # "bao nhiêu nhiệm vụ" counts what a body is given only next to a verb of giving ("được giao", "chủ trì"); in
    # "sẽ phê duyệt bao nhiêu mô hình" it asks a figure of the text.
    return bool(listing) and (not listing.group(0).startswith("bao nhieu") or bool(_GIVEN.search(folded)))


def answer_ownership(question: str, registry: Registry, index, history_question: str | None = None) -> Answer | None:
    """An answer read from the registry for a who-leads / who-supports / by-when / what-does-X-lead question,
    or None when the registry cannot answer it confidently (the caller then answers from passages)."""
    if not question or not question.strip():
        raise ValueError("question is empty")
    catalogue = load_catalogue(registry, index)
    named, named_spans = find_agencies(question, catalogue)
    # A collective body ("các sở, ban, ngành") names no one in particular: outside a listing it is topic words.
    agencies = [a for a in named if a not in catalogue.collective]
    spans = [k for a, k in zip(named, named_spans) if a not in catalogue.collective]
    cued = asks_ownership(question)
    asks_role = bool(_ASKS_LEAD.search(fold(question)) or _ASKS_SUPPORT.search(fold(question)) or _ASKS_DEADLINE.search(fold(question)))
    if not asks_role and _ASKS_LIST.search(fold(question)) and not agencies:
        # "dựa trên lợi thế của những công trình nào?": with no body named and no role asked, a list of works is
        # what the text lists.
        return None
    if not cued and (not agencies or asks_quantity(question) or _ASKS_LIST.search(fold(question))):
        # "Đảng ủy UBND thành phố sẽ phê duyệt bao nhiêu mô hình?" asks a figure about a body, not what it owns;
        # "những mô hình hoạt động nào của Mặt trận" asks what the text lists.
        return None
    documents = index.names.mentioned_docs(question) if hasattr(index, "names") else set()
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
    wanted = topic_tokens(question, spans)
    own_words = {t for t in wanted if "_" not in t}
    if history_question and (len(own_words) < 3 or refers_back(question)):
        history_agencies, history_spans = find_agencies(history_question, catalogue)
        wanted |= topic_tokens(history_question, history_spans)
        parsed.agencies = agencies or history_agencies
    if not wanted:
        return None
    return _single_answer(parsed, catalogue, index, wanted)
