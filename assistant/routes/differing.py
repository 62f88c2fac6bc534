"""Where documents disagree on a figure: the same target, years and locality stated with another figure elsewhere.
The answer names both documents and which has the higher authority."""

from __future__ import annotations

import re

from assistant.figures import figure_list
from assistant.question import period_asked
from assistant.retrieval.places import about_other_place, years
from assistant.retrieval.query_forms import content_tokens
from assistant.routes.base import PassageReader, Scored
from assistant.routes.reading import speaks_of
from assistant.sentences import split_sentences
from assistant.targets import figure_cells, row_label
from ingest.normalize import STOPWORDS, canonical_number, fold_tokens, lexical_tokens
from ingest.patterns import NUMBER

# A figure elsewhere is the same target's only if it has the target's rarest words, this many of them.
TELLING_WORDS = 2
_CLAUSE = re.compile(r";\s*")


def _with_stopwords(text: str) -> set[str]:
    """The folded tokens of a text that contain a stopword read with its accents ("ocop_đang" → "ocop_dang")."""
    accented = lexical_tokens(text)
    return {folded for token, folded in zip(accented, fold_tokens(accented)) if any(p in STOPWORDS for p in token.split("_"))}


class FigureComparer(PassageReader):
    def differing_figure(self, query: str, best: Scored, scored: list[Scored], place: str | None = None) -> Scored | None:
        """A sentence of another document on the same target, for the same years and locality, stating other figures.

        The best sentence itself is searched for, so that the other documents' version of the target is found
        even when the question's wording favoured one document. The target is what the question and the best
        sentence share ("tỷ lệ tham gia bảo hiểm y tế"), and its rarest syllables must be in the other sentence:
        "bảo hiểm xã hội đạt 70%" is another target, not another figure for this one."""
        topic, telling = self.target_words(query, best)
        weight = sum(self.retriever.idf(t) for t in topic) or 1.0
        best_figures = self._target_figures(best.hit.chunk, best.sentence, telling)
        if not best_figures:
            return None
        best_years = years(f"{best.hit.chunk.section} {best.sentence}")
        asked_years = years(query)
        candidates = [s.hit for s in scored[1:]] + self.retriever.search(best.sentence, k=10)
        seen: set[str] = set()
        for hit in candidates:
            if hit.chunk.doc_id == best.hit.chunk.doc_id or hit.chunk.chunk_id in seen:
                continue
            seen.add(hit.chunk.chunk_id)
            sentences = [hit.chunk.text] if hit.chunk.kind == "table_row" else split_sentences(hit.chunk.text)
            for sentence in sentences:
                words = content_tokens(sentence)
                if not all(t in words for t in telling):
                    continue
                found = self._target_figures(hit.chunk, sentence, telling)
                stated = years(f"{hit.chunk.section} {sentence}")
                # The same lead figure ("3.384 doanh nghiệp") is agreement, whatever else either sentence counts.
                if not found or canonical_number(found[0]) == canonical_number(best_figures[0]) or not stated <= best_years or (best_years and not stated):
                    continue
                if about_other_place(hit.chunk, place, sentence):
                    continue
                if asked_years and not speaks_of(Scored(sentence, hit, 0, 0.0, 0.0), asked_years, period_asked(query)):
                    continue  # the plan's 2030 target is no other figure for "năm 2025"
                shared = sum(self.retriever.idf(t) for t in topic & words)
                if shared / weight >= 0.5:
                    return Scored(sentence, hit, 0, shared / weight, 0.0)
        return None

    def target_words(self, query: str, item: Scored) -> tuple[set[str], list[str]]:
        """What a figure sentence (or a row's label) and the question share, and the rarest of it: the words
        that tell this target from its neighbours ("y tế" in "bảo hiểm y tế", not "bảo hiểm xã hội")."""
        chunk = item.hit.chunk
        label = row_label(chunk) if chunk.kind == "table_row" and chunk.cells else item.sentence
        # "đang" in "sản phẩm OCOP đang còn hiệu lực" is no part of the target (though folded it is "Đảng").
        stated = content_tokens(NUMBER.sub(" ", label)) - _with_stopwords(label)
        topic = (stated & self.retriever.wanted_tokens(query)) or stated
        return topic, sorted(topic, key=self.retriever.idf, reverse=True)[:TELLING_WORDS]

    @staticmethod
    def _target_figures(chunk, sentence: str, telling: list[str]) -> list[str]:
        """The figures stated for the target: a table row's figure cells, or those of the first clause that names
        the target ("chỉ số sản xuất công nghiệp (IIP) tăng bình quân 15,5%- 16,5%/năm" within a sentence that
        opens with TFP at 57%)."""
        if chunk.kind == "table_row" and chunk.cells:
            return figure_list(" ".join(figure_cells(chunk.cells)))
        for clause in _CLAUSE.split(sentence):
            words = content_tokens(clause)
            if all(t in words for t in telling):
                return figure_list(clause)
        return figure_list(sentence)
