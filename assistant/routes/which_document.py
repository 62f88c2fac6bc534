"""The which-document route: a follow-up asking where something is written gets the passage answer, opened by the
document and section of its first citation."""

from __future__ import annotations

from assistant.answer_types import Answer
from assistant.question import Question
from assistant.retrieval.hit import Hit
from assistant.routes.base import Route, Turn


class WhichDocumentRoute:
    def __init__(self, *answering: Route):
        """`answering`: the routes that find the passage (lists, then sentences); the last always answers."""
        self.answering = answering

    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None:
        if not (question.followup and "document" in question.intents):
            return None
        answer = next(a for route in self.answering if (a := route.propose(query, question, hits, turn)) is not None)
        if answer.abstained or not answer.citations:
            return answer
        first = answer.citations[0]
        lead = f"Nội dung này nằm trong {first.doc_title}, mục “{first.section or 'phần đầu văn bản'}” [1]."
        answer.answer = lead + "\n\n" + answer.answer
        answer.route = "document"
        return answer
