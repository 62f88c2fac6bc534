"""The list route: a question that asks for a list's content gets the items, in order, each cited."""

from __future__ import annotations

from assistant.answer_types import Answer, Citation
from assistant.asking import ASKS_LIST, asks_quantity, ordinal
from assistant.question import Question
from assistant.retrieval.hit import Hit
from assistant.retrieval.places import leaf_heading
from assistant.routes.base import PassageReader, Scored, Turn
from assistant.routes.reading import SentenceRanker
from assistant.sentences import ITEM_SPLIT, ITEM_START, list_items, shortened, split_sentences
from ingest.normalize import fold

# A list whose items are passages of their own is the answer when its heading covers this much of the question.
LIST_HEADING_COVERAGE = 0.6
MAX_LISTED_ITEMS = 8


class ListRoute(PassageReader):
    def __init__(self, ranker: SentenceRanker):
        super().__init__(ranker.retriever)
        self.ranker = ranker

    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None:
        """Items held one per passage, else the items of the best sentence's passage; the doubts are the best
        sentence's."""
        reading = self.ranker.read(query, hits, turn)
        if reading is None:
            return None
        best = reading.scored[0]
        listed = self.enumerated_items(query, hits, best.coverage) or self.listed_in_passage(question, best)
        if listed is not None:
            listed.doubts = dict(reading.doubts)
        return listed

    def enumerated_items(self, query: str, hits: list[Hit], best_coverage: float) -> Answer | None:
        """ "Ba hướng đột phá ... là gì?": when a list's items each sit in their own passage, under a heading that says
        what the question asks, the answer is the items in order, not the one sentence that summarises them."""
        # "Có bao nhiêu đột phá chiến lược?" counts the list: the same items, with how many there are.
        counts = asks_quantity(query)
        if not (ASKS_LIST.search(fold(query)) or counts):
            return None
        wanted = self.retriever.wanted_tokens(query)
        index = self.retriever.index
        for hit in hits[:3]:
            chunk = hit.chunk
            if chunk.kind != "paragraph" or not ITEM_START.match(chunk.text):
                continue
            leaf = leaf_heading(chunk)
            heading_coverage = self.coverage(wanted, leaf)
            if heading_coverage < max(LIST_HEADING_COVERAGE, best_coverage - 0.1):
                continue
            items = [
                (c, text)
                for c in index.chunks
                if c.doc_id == chunk.doc_id and c.section == chunk.section and c.kind == "paragraph" and ITEM_START.match(c.text)
                # a passage may hold more than one item: "(1) ...\n(2) ..." when the items are short
                for text in ITEM_SPLIT.split(c.text)
                if ITEM_START.match(text)
            ]
            if len(items) < 2:
                continue
            wanted_item = ordinal(query)
            if wanted_item is not None and wanted_item > len(items):
                continue
            chosen = [items[wanted_item - 1]] if wanted_item else items[:MAX_LISTED_ITEMS]
            citations: list[Citation] = []
            parts = []
            for item, text in chosen:
                quote = shortened(split_sentences(text)[0])
                n = self.cite(citations, Hit(item, 0.0), quote)
                parts.append(f"- {quote} [{n}]")
            lead = f"Theo {self.title(chunk.doc_id)} (mục “{leaf}”"
            if wanted_item:
                lead += f", {len(items)} mục), mục thứ {wanted_item}:"
            else:
                lead += f", {len(items)} mục):" if counts else "):"
            answer = lead + "\n" + "\n".join(parts)
            return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5])
        return None

    def listed_in_passage(self, question: Question, best: Scored) -> Answer | None:
        """ "Nêu các nguyên tắc …": a list asked and the best passage holds one, item per line ("- …", "a) …") or
        clause (": …; …; …"): its items in order, numbered, each cited."""
        if "list" not in question.intents:
            return None
        chunk = best.hit.chunk
        items = list_items(chunk.text[max(0, chunk.text.find(best.sentence)) :])
        if len(items) < 2:
            items = list_items(chunk.text)
        if len(items) < 2:
            return None
        citations: list[Citation] = []
        lines = []
        for number, item in enumerate(items[:MAX_LISTED_ITEMS * 2], start=1):
            quote = shortened(item)
            lines.append(f"{number}. {quote} [{self.cite(citations, best.hit, quote)}]")
        lead = f"Theo {self.title(chunk.doc_id)} (mục “{leaf_heading(chunk)}”), {len(items)} nội dung:"
        return Answer(answer=lead + "\n" + "\n".join(lines), citations=citations, abstained=False, route="list")
