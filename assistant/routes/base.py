"""What every answering route shares: the protocol the answerer calls, the turn it answers in, and the reading of
passages (how much of the question a text covers, citations, document titles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer_types import ABSTAIN_TEXT, Answer, Citation
from assistant.question import Question
from assistant.retrieval.hit import Hit
from assistant.retrieval.retriever import Retriever
from ingest.normalize import folded_tokens


@dataclass
class Turn:
    """The context of one question beyond its text: earlier turns, the documents it is limited to, and what the
    routes have already worked out for it (so that a later route does not redo it)."""

    history: list[dict] | None = None
    doc_ids: list[str] | None = None
    memo: dict[str, object] = field(default_factory=dict)


class Route(Protocol):
    """One way of answering; None lets the next route try."""

    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None: ...


@dataclass
class Scored:
    """A sentence of a retrieved passage, with how much of the question it covers and its overall score."""

    sentence: str
    hit: Hit
    rank: int
    coverage: float
    score: float


class PassageReader:
    """Reads retrieved passages against a question: coverage, the documents' titles, citations."""

    def __init__(self, retriever: Retriever):
        self.retriever = retriever

    def coverage(self, wanted: set[str], text: str) -> float:
        """The share of the question's wanted tokens, weighted by rarity, that a text holds."""
        if not wanted:
            return 0.0
        have = set(folded_tokens(text))
        total = sum(self.retriever.idf(t) for t in wanted)
        return sum(self.retriever.idf(t) for t in wanted if t in have) / total if total else 0.0

    def title(self, doc_id: str) -> str:
        info = self.retriever.index.documents.get(doc_id, {}).get("info", {})
        return info.get("short_title") or info.get("title") or doc_id

    @staticmethod
    def cite(citations: list[Citation], hit: Hit, quote: str) -> int:
        """The number of a quote's citation, added when it is new."""
        for citation in citations:
            if citation.chunk_id == hit.chunk.chunk_id and citation.quote == quote:
                return citation.n
        n = len(citations) + 1
        c = hit.chunk
        citations.append(Citation(n=n, chunk_id=c.chunk_id, doc_id=c.doc_id, doc_title=c.doc_title, section=c.section, quote=quote))
        return n


def abstain(hits: list[Hit]) -> Answer:
    """No answer, with the closest passages to read instead."""
    text = (
        f"{ABSTAIN_TEXT} Bạn có thể diễn đạt lại câu hỏi (nêu rõ lĩnh vực, chỉ tiêu hoặc văn kiện); "
        "dưới đây là các đoạn gần nhất tìm được."
    )
    return Answer(answer=text, citations=[], abstained=True, closest=hits[:5])
