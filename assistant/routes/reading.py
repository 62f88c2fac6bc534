"""The sentences of the retrieved passages ranked as answers to the question: by how much of it they cover, then by
what it asks for (the thing counted, a figure, a person, the document it names). Both the list route and the
sentence route start from this reading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.asking import asks_person, asks_quantity, counted_term, names_office_holder
from assistant.figures import figures
from assistant.question import periods
from assistant.retrieval.hit import Hit
from assistant.retrieval.places import about_other_place, leaf_heading, place_of, spanned_years
from assistant.routes.base import PassageReader, Scored, Turn
from assistant.routes.doubts import doubts
from assistant.sentences import is_title, split_sentences
from assistant.targets import counts, names_counted, row_counts
from ingest.normalize import fold

# How much the passage ranking counts when picking the sentence that answers, beside its own coverage.
RANK_WEIGHT = 0.2
# How much the heading above a sentence counts when judging whether the sentence answers.
HEADING_SHARE = 0.3
# How far a sentence about the other merged locality drops when the question names one of them.
OTHER_PLACE_PENALTY = 0.3
# How much less of the question a sentence of a document the question names may cover and still lead: more when the
# question cites it as its source ("theo Kế hoạch ...") than when it only names it ("ban hành Chương trình hành động").
NAMED_MARGIN = 0.15
CITED_SOURCE_MARGIN = 0.3
# A title ("PHỤ LỤC 4 KỊCH BẢN TĂNG TRƯỞNG ...") is a poor quote: its coverage counts this much.
TITLE_FACTOR = 0.5
# "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI): …": the words a series of clauses is about.
_LABEL = re.compile(r"^([^:;.]{3,90}?):\s")
_INTRODUCES = re.compile(r"\b(?:la|gom|bao gom|nhu sau|sau day)\s*:?\s*$")


@dataclass
class Reading:
    """The ranked sentences; those that state what is counted; the tier the later preferences may reorder; the
    documents the question names; whether a quantity is asked; and the doubts about the best sentence."""

    scored: list[Scored]
    counting: list[Scored]
    tier: set[int]
    mentioned: set[str]
    quantity_asked: bool
    doubts: dict[str, float]


class SentenceRanker(PassageReader):
    def read(self, query: str, hits: list[Hit], turn: Turn) -> Reading | None:
        """The reading of this turn's passages, worked out once; None when no sentence can answer."""
        key = f"reading:{query}"
        if key not in turn.memo:
            turn.memo[key] = self._read(query, hits)
        return turn.memo[key]

    def _read(self, query: str, hits: list[Hit]) -> Reading | None:
        if not hits:
            return None
        scored = self.score_sentences(query, hits)
        counting: list[Scored] = []
        if scored and (counted := counted_term(query)):
            # "bao nhiêu lượt", "mấy làn xe": a passage that names what is counted answers; the others cannot.
            # Best: the sentence itself gives the count ("445 đại biểu"); next: its passage names the thing counted.
            close = [s for s in scored if s.coverage >= scored[0].coverage - 0.25]
            counting = [s for s in close if counts(counted, query, s.sentence) or row_counts(counted, s.hit.chunk)]
            naming = [s for s in close if s not in counting and names_counted(counted, query, s.hit.chunk)]
            scored = counting + naming + [s for s in scored if s not in counting and s not in naming]
        quantity_asked = asks_quantity(query)
        if scored and quantity_asked and not counting:
            # "… là bao nhiêu?": a nearly as good sentence that states a figure answers before one that states none.
            stating = [s for s in scored if s.coverage >= scored[0].coverage - 0.25 and states_figure(s)]
            scored = stating + [s for s in scored if s not in stating]
        if scored and asks_person(query):
            # "Ai là Tổng Bí thư ...": a sentence that names someone answers; one that names no one cannot.
            naming = [s for s in scored if s.coverage >= scored[0].coverage - 0.25 and names_office_holder(query, s.sentence)]
            scored = naming + [s for s in scored if s not in naming]
        if not scored:
            return None
        # The preferences after this reorder only sentences as good as the best one on what is counted.
        tier = set(map(id, counting)) if counting and scored[0] in counting else set(map(id, scored))
        mentioned = self.retriever.index.names.mentioned_docs(query)
        if mentioned:
            # "theo Báo cáo chính trị": the document the user names answers, whatever its authority; and it is
            # that document's passage which must hold what the question asks.
            cited = self.retriever.index.names.cited_sources(query)
            named = [
                s for s in scored
                if id(s) in tier
                and s.hit.chunk.doc_id in mentioned
                and s.coverage >= scored[0].coverage - (CITED_SOURCE_MARGIN if s.hit.chunk.doc_id in cited else NAMED_MARGIN)
            ]
            if named:
                scored = named + [s for s in scored if s not in named]
        return Reading(scored, counting, tier, mentioned, quantity_asked, doubts(self.retriever, query, scored[0], hits))

    def score_sentences(self, query: str, hits: list[Hit]) -> list[Scored]:
        wanted = self.retriever.wanted_tokens(query)
        asked_place = place_of(query)
        scored: list[Scored] = []
        for rank, hit in enumerate(hits):
            sentences = [hit.chunk.text] if hit.chunk.kind == "table_row" else split_sentences(hit.chunk.text)
            for sentence, label in zip(sentences, clause_labels(sentences)):
                if len(sentence) < 12:
                    continue
                # The heading right above a passage labels it ("I. NHẤT TRÍ CHỦ ĐỀ ĐẠI HỘI ... LÀ:"); those further up
                # are the chapter, shared by hundreds of sentences.
                leaf = leaf_heading(hit.chunk)
                context = f"{leaf} {sentence}"
                own = self.coverage(wanted, f"{label} {sentence}" if label else sentence)
                coverage = (1 - HEADING_SHARE) * own + HEADING_SHARE * self.coverage(wanted, f"{label} {context}")
                if _INTRODUCES.search(fold(leaf)):
                    # "CHỦ ĐỀ ĐẠI HỘI ... LÀ:" is the first half of the sentence under it.
                    coverage = max(coverage, self.coverage(wanted, context))
                if is_title(sentence):
                    coverage *= TITLE_FACTOR  # "Phụ lục 4 KỊCH BẢN TĂNG TRƯỞNG ..." names a table, it answers nothing
                score = coverage + RANK_WEIGHT / (rank + 1)
                if about_other_place(hit.chunk, asked_place, sentence):
                    score -= OTHER_PLACE_PENALTY
                scored.append(Scored(sentence, hit, rank, coverage, score))
        scored.sort(key=lambda s: -s.score)
        return scored


def clause_labels(sentences: list[str]) -> list[str]:
    """What each clause of a labelled series is about: in "Chỉ số PCI: Hải Phòng … xếp thứ nhất; Hải Dương năm 2024
    đạt 69,48 điểm …", the clause after the semicolon is about the PCI too. A label that names a locality ("Hải
    Phòng: …; Hải Dương: …") is no topic."""
    labels, label = [], ""
    for sentence in sentences:
        labels.append(label)
        opening = _LABEL.match(sentence)
        if opening and place_of(opening.group(1)) is None:
            label = opening.group(1)
        if not sentence.rstrip().endswith(";"):
            label = ""
    return labels


def states_figure(item: Scored) -> bool:
    return bool(figures(item.sentence) or (item.hit.chunk.cells and figures(item.hit.chunk.text)))


def speaks_of(item: Scored, asked_years: set[str], asked_period: tuple[str, str] | None = None) -> bool:
    """A sentence's own years say what it is about ("năm 2030" under "NHIỆM KỲ 2025 - 2030" is not about
    2025); its headings' years only when it states none. A period asked is that period: "2021 - 2030" overlaps
    "2026 - 2030" but is another one."""
    own = spanned_years(item.sentence, set())
    stated_periods = periods(item.sentence) or (set() if own else periods(leaf_heading(item.hit.chunk)))
    if asked_period and stated_periods and asked_period not in stated_periods:
        return False
    return bool(asked_years & (own or spanned_years(item.hit.chunk.section, asked_years)))
