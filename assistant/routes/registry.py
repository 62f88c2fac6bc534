"""The registry route: who leads / supports / by when, read from the task registry built at ingest
(assistant/ownership.py); None lets the passage routes answer."""

from __future__ import annotations

from assistant.answer_types import Answer
from assistant.ownership import answer_ownership
from assistant.question import Question
from assistant.retrieval.hit import Hit
from assistant.retrieval.retriever import Retriever
from assistant.routes.base import Turn
from ingest.registry import Registry


class RegistryRoute:
    def __init__(self, retriever: Retriever):
        self.retriever = retriever

    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None:
        """The registry's answer, unless it cites a document outside the ones the turn is limited to."""
        index = self.retriever.index
        if not index.registry_path.exists():
            return None
        previous = [t["content"] for t in (turn.history or []) if t.get("role") == "user" and t.get("content")]
        registry = Registry(index.registry_path)
        try:
            answer = answer_ownership(query, registry, index, previous[-1] if previous else None)
        finally:
            registry.close()
        if answer is None or (turn.doc_ids and any(c.doc_id not in turn.doc_ids for c in answer.citations)):
            return None
        answer.closest = hits[:5]
        return answer
