"""Whether to give an answer or say the documents don't hold it: one decision, learned.

The answering stages propose their best answer with what they doubted about it (`Answer.doubts`). Here that
proposal becomes interpretable features (how much of the question the cited passages cover, whether their years,
period and locality are the ones asked, whether a figure is there when one is asked, the route) and a logistic
regression trained on questions the corpus yields (`assistant/training_set.py`) gives the probability that the answer
is right. Below the operating point chosen on the dev split, the answer is withheld.

What is certain is a rule, not a feature: a question about another province is never answered by passages that
don't name it.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.answer_types import Answer
from assistant.figures import figures
from assistant.question import Question, periods
from assistant.retrieval.places import passage_place, spanned_years
from assistant.retrieval.query_forms import QUESTION_WORDS
from ingest.deadlines import parse_deadline
from ingest.lexicon import lexicon
from ingest.normalize import fold, folded_tokens, looks_accentless, normalize
from ingest.patterns import PERIOD, YEAR

MODEL_FILE = "answerability.json"
FEATURES = (
    "bias_route_passages", "route_registry", "route_list", "route_document", "route_agency_tasks",
    "intent_figure", "intent_ownership", "intent_list", "intent_definition", "intent_now",
    "coverage", "dense_similarity", "rare_coverage", "quote_coverage", "pair_coverage",
    "names_missing", "counted_missing", "office_holder_missing", "narrower_target", "no_figure_for_quantity",
    "unknown_words", "unknown_acronyms",
    "years_asked", "years_agree", "period_exact", "other_years_only", "locality_mismatch",
    "figure_present", "repeats_question", "neighbour_quoted", "content_words", "accentless", "followup",
)


def _cited_text(answer: Answer) -> str:
    return " ".join(f"{c.section} {c.quote}" for c in answer.citations)


def features(question: Question, answer: Answer, retriever) -> dict[str, float]:
    """The interpretable features of one proposed answer to one question."""
    doubts = answer.doubts
    cited = _cited_text(answer)
    have = set(folded_tokens(cited))
    wanted = retriever.wanted_tokens(question.topic)
    weights = {t: retriever.idf(t) for t in wanted}
    total = sum(weights.values()) or 1.0
    rare = sorted(wanted, key=lambda t: (-weights[t], t))[:3]  # ties in a fixed order, not set order
    pairs = {t: w for t, w in weights.items() if "_" in t}
    quote_years = spanned_years(" ".join(c.quote for c in answer.citations), set())
    asked_years = set(question.years)
    stated_periods = periods(cited)
    places = {passage_place_of(c, retriever) for c in answer.citations} - {None}
    asked_place = fold(question.locality) if question.locality else None
    route = answer.route
    return {
        "bias_route_passages": float(route == "passages"),
        "route_registry": float(route == "registry"),
        "route_list": float(route == "list"),
        "route_document": float(route == "document"),
        "route_agency_tasks": float(route == "agency_tasks"),
        "intent_figure": float(question.asks_figure),
        "intent_ownership": float(question.asks_ownership),
        "intent_list": float("list" in question.intents),
        "intent_definition": float("definition" in question.intents),
        "intent_now": float("now" in question.intents),
        "coverage": doubts.get("coverage", sum(w for t, w in weights.items() if t in have) / total),
        "dense_similarity": doubts.get("dense_similarity", 0.9),
        "rare_coverage": sum(t in have for t in rare) / max(len(rare), 1),
        "quote_coverage": sum(w for t, w in weights.items() if t in have) / total,
        # "tai nạn lao động" answered by "tai nạn giao thông": the words are there, the pairs that name the thing not
        "pair_coverage": sum(w for t, w in pairs.items() if t in have) / (sum(pairs.values()) or 1.0) if pairs else 1.0,
        "names_missing": doubts.get("names_missing", 0.0),
        "counted_missing": doubts.get("counted_missing", 0.0),
        "office_holder_missing": doubts.get("office_holder_missing", 0.0),
        "narrower_target": doubts.get("narrower_target", 0.0),
        "no_figure_for_quantity": doubts.get("no_figure_for_quantity", 0.0),
        "unknown_words": min(doubts.get("unknown_words", 0.0), 3.0),
        "unknown_acronyms": min(doubts.get("unknown_acronyms", 0.0), 3.0),
        "years_asked": float(bool(asked_years)),
        "years_agree": float(not asked_years or asked_years <= quote_years or asked_years <= spanned_years(cited, set())),
        "period_exact": float(question.period is None or question.period in stated_periods),
        "other_years_only": float(bool(asked_years) and bool(quote_years) and not (asked_years & quote_years)),
        "locality_mismatch": float(bool(asked_place) and bool(places) and asked_place not in places),
        "figure_present": float(bool(figures(answer.answer))),
        "repeats_question": repeated_figures(question.text, answer.citations[0].quote if answer.citations else ""),
        "neighbour_quoted": neighbour_quoted(question.text, cited),
        "content_words": math.log1p(len(wanted)),
        "accentless": float(question.accentless),
        "followup": float(question.followup),
    }


def neighbour_quoted(question: str, cited: str) -> float:
    """Whether the answer quotes the indicator next to the one asked ("kim ngạch xuất khẩu" for "nhập khẩu"): the
    question names a neighbour (lexicon data) the cited text lacks, and the cited text names the word it neighbours."""
    # folded only when the question is typed without accents: folded, "nam" is also "năm" and "biển" is "biến"
    form = (lambda t: fold(t).lower()) if looks_accentless(question) else (lambda t: normalize(t).lower())
    asked, quoted = f" {' '.join(form(question).split())} ", f" {' '.join(form(cited).split())} "
    for word, neighbour in lexicon().neighbours:
        word, neighbour = f" {form(word)} ", f" {form(neighbour)} "
        if neighbour in asked and neighbour not in quoted and word in quoted and word not in asked:
            return 1.0
    return 0.0


def repeated_figures(question: str, quote: str) -> float:
    """The share of the leading quote's figures that the question itself states: "HP có 245 trạm 5G, còn HD thì
    bao nhiêu?" answered by "245 trạm 5G" gives back what the user said, not what they asked (a share, not whether
    any: on dev the share cost less)."""
    asked = {_canonical(n) for n in figures(question)}
    stated = [_canonical(n) for n in figures(quote)]
    if not asked or not stated:
        return 0.0
    return sum(n in asked for n in stated) / len(stated)


def _canonical(number: str) -> str:
    """ "3,0" and "3" are one figure."""
    return number.rstrip("0").rstrip(",") if "," in number else number


def passage_place_of(citation, retriever) -> str | None:
    """The locality the cited sentence is about, read with its passage's headings."""
    index = retriever.index
    position = index.position.get(citation.chunk_id)
    return None if position is None else passage_place(index.chunks[position], citation.quote)


def certainly_unanswered(question: Question, answer: Answer, retriever) -> bool:
    """Rules for what is certain: a province the question names that no cited passage mentions; a figure for other
    years or another period than the one asked; a figure led by a passage about the other locality (Hải Phòng asked,
    Hải Dương's figure first); a question asking when, answered with no time."""
    if question.other_place is not None and fold(question.other_place) not in fold(_cited_text(answer) + " " + answer.answer):
        return True
    if question.asks_figure and question.locality and answer.citations:
        lead_place = passage_place_of(answer.citations[0], retriever)
        if lead_place is not None and lead_place != fold(question.locality):
            return True
    if question.intent == "deadline" and not question.asks_figure and not _states_time(answer.answer):
        return True  # "Bến số 13 và 14 khi nào khởi công?" answered with who leads and how it is funded, but no when
    if answer.citations and gives_back_premise(question, answer.citations[0].quote):
        return True
    return question.asks_figure and not _years_fit(question, " ".join(c.quote for c in answer.citations))


def gives_back_premise(question: Question, quote: str) -> bool:
    """ "HP có 41 phòng thí nghiệm VILAS; còn HD có bao nhiêu?" led by the sentence stating 41 about Hải Phòng: the
    user's own fact given back, when the quote states a figure of the premise and none of the words the question
    adds to it (the other locality, the other indicator). The quote alone is read: its headings place a footnote
    about the city under the province's section (dev: reading them answered two such questions)."""
    if not question.premise:
        return False
    stated = {_canonical(n) for n in figures(question.premise) if not YEAR.fullmatch(n)}
    if not stated & {_canonical(n) for n in figures(quote)}:
        return False
    said = set(folded_tokens(question.premise))
    # years are slots, checked on their own: "…, vậy … đến 2030?" adds no word when the quote says 2030
    added = {
        t for t in folded_tokens(question.asked) if "_" not in t and t not in said and t not in QUESTION_WORDS and not t.isdigit()
    }
    return bool(added) and not added & set(folded_tokens(quote))


def _states_time(text: str) -> bool:
    """A year, quarter or month, or "thường xuyên", "hằng năm", "đã hoàn thành": read as deadline cells are."""
    deadline = parse_deadline(text)
    return bool(deadline.year_from or deadline.quarter or deadline.recurring or deadline.yearly or deadline.done)


def _years_fit(question: Question, stated: str) -> bool:
    """Whether what the answer states is for the years asked. A period asked is that period ("2021 - 2030" is not
    "2026 - 2030"); a year asked is that year, or a year of a period whose figure is yearly ("bình quân 13%/năm").
    Text that names no year speaks of what its heading says, which retrieval already matched."""
    if not question.years:
        return True
    stated_years = set(YEAR.findall(stated))
    stated_periods = periods(stated)
    if not stated_years:
        return True
    if question.period is not None:
        return question.period in stated_periods or (not stated_periods and set(question.period) <= stated_years)
    if set(question.years) <= set(YEAR.findall(PERIOD.sub(" ", stated))):
        return True  # each year asked is stated on its own, not only as the end of a period
    yearly = _YEARLY.search(stated) is not None
    return yearly and all(any(a <= y <= b for a, b in stated_periods) for y in question.years)


_YEARLY = re.compile(r"/\s*năm|hằng năm|hàng năm|mỗi năm|bình quân|trung bình", re.IGNORECASE)


@dataclass(frozen=True)
class AnswerabilityModel:
    """A standardised logistic regression, stored as JSON beside the index it was trained on."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    trained_on: dict | None = None

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(
            c * (values.get(n, 0.0) - m) / s for n, m, s, c in zip(self.names, self.mean, self.scale, self.coef)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1)

    def save(self, path: Path) -> None:
        """Written whole, then renamed: a reader never sees half a model."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "AnswerabilityModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        missing = set(FEATURES) - set(data.get("names", []))
        if missing:
            raise ValueError(f"{path} was trained on other features (missing {sorted(missing)}): run `vankien train`")
        return cls(
            names=tuple(data["names"]), mean=tuple(data["mean"]), scale=tuple(data["scale"]), coef=tuple(data["coef"]),
            intercept=float(data["intercept"]), threshold=float(data["threshold"]), trained_on=data.get("trained_on"),
        )


class AnswerabilityGate:
    """Withholds a proposed answer when the rule or the model says the documents don't answer the question."""

    def __init__(self, model: AnswerabilityModel | None):
        self.model = model

    @staticmethod
    def certainly_refuses(question: Question, answer: Answer, retriever) -> bool:
        """Whether a rule, not the model, withholds the answer: no other reading of the turn may give it."""
        return certainly_unanswered(question, answer, retriever)

    def allows(self, question: Question, answer: Answer, retriever) -> tuple[bool, float | None]:
        if certainly_unanswered(question, answer, retriever):
            return False, 0.0
        if self.model is None:
            return True, None
        p = self.model.probability(features(question, answer, retriever))
        return p >= self.model.threshold, p
