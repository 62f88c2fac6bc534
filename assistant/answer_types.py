"""What an answer is: its text, the passages it quotes, whether it abstained, and how the question was understood.

Shared by every answering route, the answerability gate, the LLM writer and the API, so it depends on nothing but
the retrieval hit it may carry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from assistant.retrieval.hit import Hit

ABSTAIN_TEXT = "Không tìm thấy nội dung này trong các văn kiện hiện có."


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
    # What the answering stages doubted about this answer (read by the answerability model, never shown).
    doubts: dict[str, float] = field(default_factory=dict, kw_only=True)

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
