"""An extractive answerer: no LLM, every sentence of the answer is quoted from a cited passage.

1. A follow-up ("còn Sở Xây dựng thì sao?", "thời hạn khi nào?") is rewritten against the earlier turns.
2. Ownership questions (who leads / supports / by when) are answered from the table row of the action
   programme that matches the task, read cell by cell.
3. Other questions: the sentences of the top passages that best cover the question are quoted, each with [n].
   Where a figure is asked and documents differ, the highest-authority document leads and the others are named.
4. When no sentence covers enough of the question, the answer abstains and shows the closest passages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from assistant.retrieve import Hit, Retriever
from assistant.settings import Settings
from ingest.normalize import STOPWORDS, fold, folded_tokens

ABSTAIN_TEXT = "Không tìm thấy nội dung này trong các văn kiện hiện có."
MIN_COVERAGE = 0.22
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)+)")
_GENERIC_NAMES = {fold(n) for n in ("Hải Phòng", "Thành phố", "Nghị quyết", "Đại hội", "Đảng bộ", "Ban Chấp hành", "Chương trình", "Kế hoạch", "Đề án", "Báo cáo", "Việt Nam", "Hải Dương", "Nhân dân", "Thành ủy", "Thành uỷ")}
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[\"“(\-–+A-ZĐÀ-Ỹ0-9])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Words that say what kind of answer is wanted, not what it is about: they must not count as evidence.
_QUESTION_WORDS = set(
    fold(w)
    for w in (
        "bao nhiêu gì nào nào? ai đâu khi nào bao giờ mấy là được có không những các của theo trong về cho với và "
        "thì sao còn hãy cho biết nêu đã sẽ phải đến năm mục tiêu chỉ tiêu đặt ra xác định yêu cầu văn kiện "
        "thành phố hải phòng tp như thế nào ra sao bằng mức đạt"
    ).split()
)
_FOLLOWUP_SUBJECT = re.compile(r"^(?:còn|thế còn|vậy còn|con|the con|vay con)\s+(.+?)\s*(?:thì sao|thi sao|thì thế nào|thi the nao|\?)+\s*$", re.I)
_OWNERSHIP = re.compile(
    r"\b(chu tri|phoi hop|chiu trach nhiem|co quan nao|don vi nao|ai (?:la|se|duoc|phu trach)|phu trach|thoi han|"
    r"khi nao hoan thanh|han hoan thanh|bao gio|ket qua/san pham|san pham (?:dau ra|la gi))\b"
)
_ASKS_DEADLINE = re.compile(r"\b(thoi han|khi nao|bao gio|thoi gian|den han|han hoan thanh|nam nao|quy nao)\b")
_ASKS_SUPPORT = re.compile(r"\b(phoi hop|ho tro|cung voi)\b")
_ASKS_OUTPUT = re.compile(r"\b(san pham|ket qua|dau ra)\b")
_ASKS_DOCUMENT = re.compile(r"\b(van kien nao|van ban nao|tai lieu nao|o dau|nguon nao|trong van kien|nam o)\b")
_ASKS_FIGURE = re.compile(r"\b(bao nhieu|muc nao|may|ty le|chi tieu|dat muc|con so)\b")


@dataclass
class Citation:
    n: int
    chunk_id: str
    doc_id: str
    doc_title: str
    section: str
    quote: str


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    abstained: bool
    closest: list[Hit] = field(default_factory=list)
    route: str = "passages"
    rewritten: str | None = None

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "abstained": self.abstained,
            "closest": [hit_dict(h) for h in self.closest],
            "route": self.route,
            "rewritten": self.rewritten,
        }


def hit_dict(hit: Hit) -> dict:
    c = hit.chunk
    return {
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "doc_title": c.doc_title,
        "section": c.section,
        "text": c.text,
        "score": round(float(hit.score), 6),
        "kind": c.kind,
    }


def content_tokens(text: str) -> set[str]:
    """The folded syllables and bigrams that carry the topic of a question."""
    tokens = folded_tokens(text)
    kept = set()
    for token in tokens:
        parts = token.split("_")
        if all(p in _QUESTION_WORDS or p in STOPWORDS for p in parts):
            continue
        kept.add(token)
    return kept


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.split("\n"):
        pieces.extend(p.strip() for p in _SENTENCE.split(line) if p.strip())
    return pieces


@dataclass
class _Scored:
    sentence: str
    hit: Hit
    rank: int
    coverage: float
    score: float


class Answerer:
    def __init__(self, retriever: Retriever, settings: Settings | None = None, k: int = 8):
        self.retriever = retriever
        self.settings = settings
        self.k = k
        self._idf_cache: dict[str, float] = {}

    # ---- follow-ups -------------------------------------------------------------------------------
    def rewrite(self, question: str, history: list[dict] | None) -> str | None:
        """A self-contained question for a follow-up, or None when the question stands alone."""
        previous = [turn["content"] for turn in (history or []) if turn.get("role") == "user" and turn.get("content")]
        if not previous:
            return None
        last = previous[-1]
        folded = fold(question).strip(" ?")
        subject = _FOLLOWUP_SUBJECT.match(question.strip())
        if subject:
            new_subject = subject.group(1).strip(" ?")
            replaced = self._swap_agency(last, new_subject)
            return replaced or f"{last} {new_subject}"
        words = folded.split()
        refers_back = any(w in words for w in ("do", "nay", "tren", "ay", "kia")) or len(words) <= 6
        if refers_back or _ASKS_DOCUMENT.search(folded):
            return f"{last} {question}"
        return None

    def _swap_agency(self, question: str, new_subject: str) -> str | None:
        match = re.search(r"(Sở|Ban|Ủy ban|UBND|Đảng ủy|Bộ Chỉ huy|Công an|Văn phòng|Thành ủy|Hội đồng)[^,?.;]*?(?= chủ trì| phối hợp| thực hiện| chịu| được| có|\?|$)", question)
        if not match:
            return None
        return question[: match.start()] + new_subject + question[match.end():]

    # ---- main entry -------------------------------------------------------------------------------
    def ask(self, question: str, history: list[dict] | None = None, doc_ids: list[str] | None = None) -> Answer:
        if not question or not question.strip():
            raise ValueError("question is empty")
        rewritten = self.rewrite(question, history)
        query = rewritten or question
        folded = fold(question)
        hits = self.retriever.search(query, k=self.k, doc_ids=doc_ids)
        if rewritten and _ASKS_DOCUMENT.search(folded):
            answer = self._which_document(query, hits)
        elif _OWNERSHIP.search(fold(query)):
            answer = self._ownership(query, folded, hits, doc_ids) or self._passages(query, hits)
        else:
            answer = self._passages(query, hits)
        answer.rewritten = rewritten
        return answer

    def stream(self, question: str, history: list[dict] | None = None, doc_ids: list[str] | None = None) -> Iterator[tuple[str, dict]]:
        """Server-sent-event pieces: the answer word by word, then the whole response."""
        result = self.ask(question, history, doc_ids)
        words = result.answer.split(" ")
        for index in range(0, len(words), 4):
            yield "token", {"text": " ".join(words[index : index + 4]) + " "}
        yield "done", result.to_dict()

    # ---- routes -----------------------------------------------------------------------------------
    def _idf(self, token: str) -> float:
        if token not in self._idf_cache:
            field = self.retriever.index.lexical.folded
            posting = field.postings.get(token)
            df = len(posting[0]) if posting is not None else 0
            total = max(len(field.lengths), 1)
            self._idf_cache[token] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        return self._idf_cache[token]

    def _coverage(self, wanted: set[str], text: str) -> float:
        if not wanted:
            return 0.0
        have = set(folded_tokens(text))
        total = sum(self._idf(t) for t in wanted)
        return sum(self._idf(t) for t in wanted if t in have) / total if total else 0.0

    def _score_sentences(self, query: str, hits: list[Hit]) -> list[_Scored]:
        wanted = content_tokens(query)
        scored: list[_Scored] = []
        for rank, hit in enumerate(hits):
            sentences = [hit.chunk.text] if hit.chunk.kind == "table_row" else split_sentences(hit.chunk.text)
            for sentence in sentences:
                if len(sentence) < 12:
                    continue
                context = f"{hit.chunk.section} {sentence}"
                coverage = 0.7 * self._coverage(wanted, sentence) + 0.3 * self._coverage(wanted, context)
                score = coverage + 0.25 / (rank + 1)
                scored.append(_Scored(sentence, hit, rank, coverage, score))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _abstain(self, hits: list[Hit]) -> Answer:
        text = (
            f"{ABSTAIN_TEXT} Bạn có thể diễn đạt lại câu hỏi (nêu rõ lĩnh vực, chỉ tiêu hoặc văn kiện); "
            "dưới đây là các đoạn gần nhất tìm được."
        )
        return Answer(answer=text, citations=[], abstained=True, closest=hits[:5])

    def _passages(self, query: str, hits: list[Hit]) -> Answer:
        if not hits:
            return self._abstain(hits)
        scored = self._score_sentences(query, hits)
        if not scored or scored[0].coverage < MIN_COVERAGE:
            return self._abstain(hits)
        best = scored[0]
        if self._names_missing(query, best.hit.chunk.text):
            return self._abstain(hits)
        asks_figure = bool(_ASKS_FIGURE.search(fold(query)))
        authority = self.retriever.index.authority
        if asks_figure:
            # Among sentences nearly as good, the highest-authority document leads.
            close = [s for s in scored if s.coverage >= best.coverage - 0.12 and _NUMBER.search(s.sentence)]
            if close:
                best = max(close, key=lambda s: (authority.get(s.hit.chunk.doc_id, 0), s.score))
        chosen = [best]
        for candidate in scored[1:]:
            if len(chosen) >= 3:
                break
            if candidate.coverage < max(MIN_COVERAGE, best.coverage - 0.2) or candidate.sentence == best.sentence:
                continue
            if asks_figure and candidate.hit.chunk.doc_id != best.hit.chunk.doc_id:
                continue
            if any(c.hit.chunk.chunk_id == candidate.hit.chunk.chunk_id for c in chosen) and len(chosen) >= 2:
                continue
            chosen.append(candidate)
            if not asks_figure:
                break
        citations: list[Citation] = []
        parts: list[str] = []
        for item in chosen:
            n = self._cite(citations, item.hit, item.sentence)
            parts.append(f"{item.sentence} [{n}]")
        lead_doc = best.hit.chunk.doc_id
        answer = f"Theo {self._title(lead_doc)}: " + " ".join(parts)
        if asks_figure:
            other = self._differing_figure(best, scored)
            if other is not None:
                n = self._cite(citations, other.hit, other.sentence)
                answer += (
                    f"\n\nLưu ý: {self._title(other.hit.chunk.doc_id)} nêu con số khác: {other.sentence} [{n}]. "
                    f"Văn kiện có thẩm quyền cao hơn là {self._title(lead_doc)}."
                )
        return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5])

    @staticmethod
    def _names_missing(query: str, passage: str) -> bool:
        """A place or body named in the question (Đà Nẵng, Quảng Ninh) that the best passage never mentions."""
        folded_passage = fold(passage)
        for match in _NAME.finditer(query):
            name = fold(match.group(1))
            if name in _GENERIC_NAMES or any(g in name for g in _GENERIC_NAMES):
                continue
            if name not in folded_passage:
                return True
        return False

    def _differing_figure(self, best: _Scored, scored: list[_Scored]) -> _Scored | None:
        """A sentence from another document on the same target whose numbers differ."""
        best_numbers = set(_NUMBER.findall(best.sentence))
        topic = content_tokens(best.sentence)
        for candidate in scored[1:]:
            if candidate.hit.chunk.doc_id == best.hit.chunk.doc_id or not _NUMBER.search(candidate.sentence):
                continue
            if candidate.coverage < best.coverage - 0.15:
                continue
            shared = topic & content_tokens(candidate.sentence)
            if len(shared) < max(3, len(topic) * 0.3):
                continue
            if set(_NUMBER.findall(candidate.sentence)) - best_numbers:
                return candidate
        return None

    def _which_document(self, query: str, hits: list[Hit]) -> Answer:
        answer = self._passages(query, hits)
        if answer.abstained or not answer.citations:
            return answer
        first = answer.citations[0]
        lead = (
            f"Nội dung này nằm trong {first.doc_title}, mục “{first.section or 'phần đầu văn bản'}” [1]."
        )
        answer.answer = lead + "\n\n" + answer.answer
        answer.route = "document"
        return answer

    def _ownership(self, query: str, folded_question: str, hits: list[Hit], doc_ids: list[str] | None) -> Answer | None:
        """Read lead / supporting agencies and deadline from the best matching task row."""
        rows = [h for h in hits if h.chunk.kind == "table_row" and h.chunk.cells and any("chủ trì" in k.lower() for k in h.chunk.cells)]
        if not rows:
            more = self.retriever.search(query, k=25, doc_ids=doc_ids)
            rows = [h for h in more if h.chunk.kind == "table_row" and h.chunk.cells and any("chủ trì" in k.lower() for k in h.chunk.cells)]
        if not rows:
            return None
        wanted = content_tokens(query)
        best = max(rows[:6], key=lambda h: self._coverage(wanted, f"{h.chunk.section} {h.chunk.text}") + 0.1 / (rows.index(h) + 1))
        if self._coverage(wanted, f"{best.chunk.section} {best.chunk.text}") < 0.35:
            return None
        cells = best.chunk.cells or {}

        def cell(*needles: str) -> str:
            for key, value in cells.items():
                if any(n in key.lower() for n in needles):
                    return value
            return ""

        task = cell("nhiệm vụ", "tên dự án", "tên chỉ tiêu", "nội dung")
        lead = cell("chủ trì")
        support = cell("phối hợp")
        deadline = cell("thời gian")
        output = cell("kết quả", "sản phẩm")
        citations: list[Citation] = []
        n = self._cite(citations, best, best.chunk.text)
        lines = [f"Nhiệm vụ “{task}”" if task else "Nhiệm vụ này"]
        lines.append(f"Cơ quan chủ trì: {lead or '(không ghi trong bảng)'} [{n}].")
        if support and (_ASKS_SUPPORT.search(folded_question) or True):
            lines.append(f"Cơ quan phối hợp: {support}.")
        if deadline:
            lines.append(f"Thời gian thực hiện/hoàn thành: {deadline}.")
        if output and _ASKS_OUTPUT.search(folded_question):
            lines.append(f"Kết quả/Sản phẩm: {output}.")
        answer = " ".join(lines[:1]) + ": " + " ".join(lines[1:]) + f" (Nguồn: {self._title(best.chunk.doc_id)}, {best.chunk.section}.)"
        return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5], route="registry")

    # ---- helpers ----------------------------------------------------------------------------------
    def _title(self, doc_id: str) -> str:
        info = self.retriever.index.documents.get(doc_id, {}).get("info", {})
        return info.get("short_title") or info.get("title") or doc_id

    @staticmethod
    def _cite(citations: list[Citation], hit: Hit, quote: str) -> int:
        for citation in citations:
            if citation.chunk_id == hit.chunk.chunk_id and citation.quote == quote:
                return citation.n
        n = len(citations) + 1
        c = hit.chunk
        citations.append(Citation(n=n, chunk_id=c.chunk_id, doc_id=c.doc_id, doc_title=c.doc_title, section=c.section, quote=quote))
        return n
