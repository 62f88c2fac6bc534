"""An extractive answerer: no LLM, every sentence of the answer is quoted from a cited passage.

The question is parsed once (a follow-up resolved against the earlier turns) and passages retrieved once; then the
routes of assistant/routes/ are tried in order, the first answer proposed is the one given, and the answerability
gate decides whether it is given or the answer abstains:

1. which document: a follow-up asking where something is written;
2. assigned bodies: "những cơ quan nào …" answered by the section that assigns them, item by item;
3. registry: who leads / supports / by when, from the task registry (assistant/ownership.py);
4. task rows: the same, read from the retrieved table row of the action programme, cell by cell;
5. lists: the items of a list the question asks for, in order;
6. passage sentences: the sentences that best cover the question, each with [n]; where a figure is asked and
   documents differ, the highest-authority document leads and the others are named.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.answer_types import Answer
from assistant.conversation import parse_turns, readings
from assistant.question import Question
from assistant.retrieval.retriever import Retriever
from assistant.routes.base import Route, Turn, abstain
from assistant.routes.lists import AssignedBodiesRoute, ListRoute
from assistant.routes.passages import PassageRoute
from assistant.routes.reading import SentenceRanker
from assistant.routes.registry import RegistryRoute
from assistant.routes.task_rows import TaskRowRoute
from assistant.routes.which_document import WhichDocumentRoute
from ingest.settings import Settings

# Another reading of a follow-up must be this much likelier right than the first one to be given instead; dev is flat
# from 0.3 to 0.4 and worse at 0.5 (336 questions), and the larger margin keeps the parsed reading of "còn … thì
# sao?" ahead of the previous question asked again. A first reading this likely right is given without trying others.
READING_MARGIN = 0.4
SURE_ENOUGH = 0.9


class Answerer:
    def __init__(self, retriever: Retriever, settings: Settings | None = None, k: int = 8, gate=None):
        """`gate` (an AnswerabilityGate) decides whether a proposed answer is given; without one every proposal is."""
        self.retriever = retriever
        self.settings = settings
        self.k = k
        self.gate = gate
        ranker = SentenceRanker(retriever)
        lists, passages = ListRoute(ranker), PassageRoute(ranker)
        # The last route always answers (or abstains).
        self.routes: tuple[Route, ...] = (
            WhichDocumentRoute(lists, passages), AssignedBodiesRoute(lists), RegistryRoute(retriever), TaskRowRoute(retriever),
            lists, passages,
        )

    @staticmethod
    def rewrite(question: str, history: list[dict] | None) -> str | None:
        """What the turn was understood as, when it differs from what was typed (a resolved follow-up)."""
        return parse_turns(question, history).rewritten

    def ask(
        self, question: str, history: list[dict] | None = None, doc_ids: list[str] | None = None, gated: bool = True
    ) -> Answer:
        """The answer to one turn; `gated=False` returns what the routes propose, before the answerability gate.

        A turn that leans on the conversation can be read more than one way (`readings`); each reading is answered
        and the gate's probability that the answer is right picks one, the likeliest reading ahead by a margin."""
        if not gated or self.gate is None or not history:
            return self._answer(parse_turns(question, history), history, doc_ids, gated)
        best: tuple[float, Answer] | None = None
        for number, reading in enumerate(readings(question, history)):
            proposed = self._answer(reading, history, doc_ids, gated=False)
            allowed, probability = (False, 0.0) if proposed.abstained else self.gate.allows(reading, proposed, self.retriever)
            answer = proposed
            if not allowed:
                answer = abstain(proposed.closest)
                answer.rewritten = reading.rewritten
            score = (probability or 0.0) + (READING_MARGIN if number == 0 else 0.0) if allowed else -1.0
            if best is None or score > best[0]:
                best = (score, answer)
            # A first reading the model is sure of, or one a rule refuses (another province, another year), is final.
            certain = not proposed.abstained and self.gate.certainly_refuses(reading, proposed, self.retriever)
            if number == 0 and ((allowed and (probability or 0.0) >= SURE_ENOUGH) or certain):
                break
        return best[1]

    def propose(self, question: str, history: list[dict] | None = None) -> tuple[Question, Answer]:
        """The answer the routes propose before the gate, with the parsed question: what the gate is trained on."""
        parsed = parse_turns(question, history)
        return parsed, self._answer(parsed, history, None, gated=False)

    def stream(self, question: str, history: list[dict] | None = None, doc_ids: list[str] | None = None) -> Iterator[tuple[str, dict]]:
        """Server-sent-event pieces: the answer word by word, then the whole response."""
        result = self.ask(question, history, doc_ids)
        words = result.answer.split(" ")
        for index in range(0, len(words), 4):
            yield "token", {"text": " ".join(words[index : index + 4]) + " "}
        yield "done", result.to_dict()

    def _answer(self, parsed: Question, history: list[dict] | None, doc_ids: list[str] | None, gated: bool) -> Answer:
        query = parsed.text
        hits = self.retriever.search(query, k=self.k, doc_ids=doc_ids)
        turn = Turn(history=history, doc_ids=doc_ids)
        answer = next(a for route in self.routes if (a := route.propose(query, parsed, hits, turn)) is not None)
        if gated and not answer.abstained and self.gate is not None:
            allowed, _ = self.gate.allows(parsed, answer, self.retriever)
            if not allowed:
                answer = abstain(hits)
        answer.rewritten = parsed.rewritten
        return answer
