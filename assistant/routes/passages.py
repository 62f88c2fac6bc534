"""The sentence route: the sentences of the top passages that best cover the question are quoted, each with [n].
Where a figure is asked, one for the years and locality asked; where documents differ, the highest-authority
document leads and the others are named."""

from __future__ import annotations

from assistant.answer_types import Answer, Citation
from assistant.asking import ASKS_FIGURE, ASKS_LIST
from assistant.figures import figures
from assistant.question import Question, period_asked
from assistant.retrieval.hit import Hit
from assistant.retrieval.places import about_other_place, place_of, years
from assistant.retrieval.query_forms import content_tokens
from assistant.routes.base import PassageReader, Scored, Turn, abstain
from assistant.routes.differing import FigureComparer
from assistant.routes.reading import SentenceRanker, speaks_of, states_figure
from assistant.sentences import split_sentences
from assistant.targets import narrower_target, row_figures_text, row_label
from ingest.normalize import fold
from ingest.patterns import NUMBER

# Below this coverage a sentence is not quoted beside the best one.
MIN_COVERAGE = 0.15
# How much less of the question a figure sentence about the asked years may cover than one about other years.
YEAR_FALLBACK_MARGIN = 0.25
# How far a quote runs on past its sentence when the question asks what something is or holds; further when it asks
# for a list, whose items follow the sentence that announces them.
RUN_ON_CHARS = 450
LIST_CHARS = 900


def _with_following(item: Scored, max_chars: int) -> str:
    """The chosen sentence and what follows it in the passage, verbatim: definitions and lists run on after it."""
    text = item.hit.chunk.text
    start = text.find(item.sentence)
    if start < 0 or item.hit.chunk.kind == "table_row":
        return item.sentence
    end = start + len(item.sentence)
    for following in split_sentences(text[end:]):
        at = text.find(following, end)
        if at < 0 or at + len(following) - start > max_chars:
            break
        end = at + len(following)
    return text[start:end]


class PassageRoute(PassageReader):
    def __init__(self, ranker: SentenceRanker):
        super().__init__(ranker.retriever)
        self.ranker = ranker
        self.comparer = FigureComparer(ranker.retriever)

    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer:
        """Always an answer: the best sentences quoted, or an abstention with the closest passages."""
        reading = self.ranker.read(query, hits, turn)
        if reading is None:
            return abstain(hits)
        scored, counting, tier = reading.scored, reading.counting, reading.tier
        doubts = dict(reading.doubts)
        # "Học phí trường Đại học Hàng hải … là bao nhiêu?" answered by a sentence that states no figure at all.
        doubts["no_figure_for_quantity"] = float(reading.quantity_asked and not states_figure(scored[0]))
        asked_years = years(query)
        periods_asked = period_asked(query)
        asked_place = place_of(query)
        if asked_years:
            # "giai đoạn 2026-2030": a sentence about those years beats a nearly as good one about others (not one
            # about the other locality: Hải Dương's 2030 income target is no answer for Hải Phòng).
            same_years = [
                s for s in scored
                if id(s) in tier
                and asked_years <= years(f"{s.hit.chunk.section} {s.sentence}")
                and s.coverage >= scored[0].coverage - 0.15
                and not about_other_place(s.hit.chunk, asked_place, s.sentence)
            ]
            if same_years:
                scored = same_years + [s for s in scored if s not in same_years]
        if asked_place and about_other_place(scored[0].hit.chunk, asked_place, scored[0].sentence):
            # "Hải Phòng thu hút bao nhiêu vốn FDI?": a nearly as good sentence about the locality asked leads, not
            # the other locality's figure in the same paragraph.
            same_place = [
                s for s in scored
                if s.coverage >= scored[0].coverage - 0.15 and not about_other_place(s.hit.chunk, asked_place, s.sentence)
            ]
            if same_place:
                scored = same_place + [s for s in scored if s not in same_place]
        best = scored[0]
        asks_figure = bool(ASKS_FIGURE.search(fold(query)))
        authority = self.retriever.index.authority
        if asks_figure and not reading.mentioned:
            # Among sentences nearly as good for the same years, the highest-authority document leads.
            close = [
                s
                for s in scored
                if s.coverage >= best.coverage - 0.05
                and NUMBER.search(s.sentence)
                and asked_years <= years(f"{s.hit.chunk.section} {s.sentence}")
                and (best not in counting or s in counting)
                and not about_other_place(s.hit.chunk, asked_place, s.sentence)
            ]
            if close:
                best = max(close, key=lambda s: (authority.get(s.hit.chunk.doc_id, 0), s.score))
        # "Kim ngạch xuất khẩu 2025?" asks for a figure without "bao nhiêu": a year and a figure for an answer.
        asks_figure = asks_figure or bool(asked_years and figures(best.sentence))
        if asks_figure and asked_years and not speaks_of(best, asked_years, periods_asked):
            # A figure for other years is no answer to "năm 2031" (nor to "Kim ngạch xuất khẩu 2025?", which asks
            # for one without saying "bao nhiêu"): a sentence nearly as good that speaks of the years asked takes
            # its place, and with none the corpus does not state the figure.
            fitting = [
                s for s in scored
                if s.coverage >= best.coverage - YEAR_FALLBACK_MARGIN
                and figures(s.sentence)
                and speaks_of(s, asked_years, periods_asked)
                and not about_other_place(s.hit.chunk, asked_place, s.sentence)
            ]
            if not fitting:
                return abstain(hits)
            # What it covers, not where it was retrieved; among nearly as good sentences on the same target (the
            # rarest words the question and it share), the highest authority leads.
            best = max(fitting, key=lambda s: (s.coverage, s.score))
            _, telling = self.comparer.target_words(query, best)
            same_target = [
                s for s in fitting
                if s.coverage >= best.coverage - 0.05 and set(telling) <= content_tokens(s.sentence)
            ]
            best = max(same_target or [best], key=lambda s: (authority.get(s.hit.chunk.doc_id, 0), s.coverage, s.score))
        # Checked again: the preferences above may have chosen another target sentence.
        doubts["narrower_target"] = float(bool(narrower_target(query, best.hit.chunk, best.sentence)))
        chosen = self._companions(best, scored, asks_figure, asked_years, periods_asked, asked_place)
        citations: list[Citation] = []
        parts: list[str] = []
        runs_on = "list" in question.intents or bool(ASKS_LIST.search(fold(query)))
        budget = LIST_CHARS if "list" in question.intents else RUN_ON_CHARS
        for item in chosen:
            if any(item.sentence in earlier for earlier in parts):
                continue  # already quoted with the sentences it followed (a list, a quotation split at ";")
            quote = _with_following(item, budget) if runs_on or item.sentence.rstrip().endswith(":") else item.sentence
            n = self.cite(citations, item.hit, quote)
            stated = row_figures_text(item.hit.chunk, asked_years) if asks_figure else None
            parts.append(f"{stated or quote} [{n}]")
        lead_doc = best.hit.chunk.doc_id
        answer = f"Theo {self.title(lead_doc)}: " + " ".join(parts)
        if asks_figure:
            other = self.comparer.differing_figure(query, best, scored, asked_place or place_of(best.sentence))
            if other is not None:
                n = self.cite(citations, other.hit, other.sentence)
                other_doc = other.hit.chunk.doc_id
                higher = other_doc if authority.get(other_doc, 0) > authority.get(lead_doc, 0) else lead_doc
                answer += (
                    f"\n\nLưu ý: {self.title(other_doc)} nêu con số khác: {other.sentence} [{n}]. "
                    f"Văn kiện có thẩm quyền cao hơn là {self.title(higher)}."
                )
        return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5], doubts=doubts)

    @staticmethod
    def _companions(
        best: Scored, scored: list[Scored], asks_figure: bool, asked_years: set[str],
        periods_asked: tuple[str, str] | None, asked_place: str | None,
    ) -> list[Scored]:
        """The best sentence and those quoted beside it: up to three for a figure, of its document, years, locality
        and target; one more otherwise."""
        chosen = [best]
        for candidate in scored[1:]:
            if len(chosen) >= 3:
                break
            if candidate.coverage < max(MIN_COVERAGE, best.coverage - 0.2) or candidate.sentence == best.sentence:
                continue
            if asks_figure and candidate.hit.chunk.doc_id != best.hit.chunk.doc_id:
                continue
            if asked_place and place_of(candidate.sentence) not in (None, asked_place):
                continue
            if asks_figure and asked_years and not speaks_of(candidate, asked_years, periods_asked):
                continue  # "giai đoạn 2021-2025" is not answered by the 2026-2030 target
            if best.hit.chunk.kind == "table_row" == candidate.hit.chunk.kind and row_label(best.hit.chunk) != row_label(
                candidate.hit.chunk
            ):
                continue  # a row with another label is another target
            if any(c.hit.chunk.chunk_id == candidate.hit.chunk.chunk_id for c in chosen) and len(chosen) >= 2:
                continue
            chosen.append(candidate)
            if not asks_figure:
                break
        return chosen
