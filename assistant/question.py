"""A question, parsed once: what it asks, about what, for which years and which locality.

Every later stage reads the `Question` instead of re-deriving it. Informal typing is written out first (chat forms,
courtesy, forms of address: `ingest/lexicon.toml`), and clauses that instruct the assistant are set apart, so they
never decide the answer. A turn that leans on the one before is resolved by `assistant.conversation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.asking import ordinal as asked_ordinal
from ingest.lexicon import lexicon
from ingest.normalize import fold, looks_accentless, normalize
from ingest.patterns import PERIOD, YEAR

# Asked first, asked most specifically: "Vậy cơ quan nào phối hợp?" asks who supports, though "cơ quan nào" also asks
# who leads. "list" gives way to any intent but "definition".
_INTENT_ORDER = ("document", "support", "deadline", "output", "lead", "person", "list", "figure", "definition", "now")
YEAR_PHRASE = re.compile(
    r"(?:(?:trong\s+|cho\s+|của\s+|cua\s+)?(?:giai đoạn|giai doan|thời kỳ|thoi ky|nhiệm kỳ|nhiem ky|năm|nam|đến năm|den nam|"
    r"đến|den|tới|toi|vào năm|vao nam)\s+)?(?:(?:19|20)\d{2}\s*(?:-|–|—|đến|den|tới|toi)\s*)?(?:19|20)\d{2}",
    re.IGNORECASE,
)
_LOCALITIES = {"hai phong": "Hải Phòng", "hai duong": "Hải Dương"}
LOCALITY_PHRASE = r"(?:(?:của|cua|ở|o|tại|tai)\s+)?(?:(?:thành phố|thanh pho|tỉnh|tinh|tp\.?)\s+)?"


@dataclass(frozen=True)
class Question:
    """What a turn asks. `text` is what retrieval and answering read; `rewritten` is set when it differs from what
    was typed beyond courtesy (a resolved follow-up, written-out chat forms)."""

    raw: str
    text: str
    intent: str = "other"
    intents: tuple[str, ...] = ()
    years: frozenset[str] = frozenset()
    period: tuple[str, str] | None = None
    locality: str | None = None
    other_place: str | None = None
    ordinal: int | None = None
    instructions: tuple[str, ...] = ()
    accentless: bool = False
    followup: bool = False
    rewritten: str | None = None
    indicator: str = field(default="", compare=False)
    # What a list question asks the items to be: "lĩnh vực" of "chia theo những lĩnh vực nào?".
    item_kind: str = field(default="", compare=False)
    # "HP có 41 phòng thí nghiệm VILAS; còn HD thì bao nhiêu?": the fact stated before the question, and the question.
    premise: str = field(default="", compare=False)
    asked: str = field(default="", compare=False)

    @property
    def asks_figure(self) -> bool:
        return "figure" in self.intents

    @property
    def topic(self) -> str:
        """The text without the words that ask for a list ("kể ra", "chia theo"): what a passage must be about."""
        return lexicon().list_request.sub(" ", self.text)

    @property
    def asks_ownership(self) -> bool:
        return bool({"lead", "support", "deadline", "output"} & set(self.intents))


def clean(raw: str) -> tuple[str, tuple[str, ...]]:
    """NFC and one tone placement, instructions set apart, chat forms written out, courtesy removed."""
    lex = lexicon()
    text = normalize(raw).strip()
    text, instructions = lex.split_instructions(text)
    text = lex.strip_courtesy(lex.expand_chat(text))
    text = re.sub(r"\s+([?.!,;:])", r"\1", text)
    text = re.sub(r"([?!.])[?!.]+$", r"\1", text).strip()
    return text, tuple(instructions)


# "những công trình trọng điểm nào", "các hành lang kinh tế nào", "những mục đích, yêu cầu gì": a plural asked by
# "nào" or "gì" asks for a list.
_PLURAL_ASKED = re.compile(r"\b(?:nhung|cac)\s+((?:\w+,?\s+){1,5}?)(?:nao|gi)\b")


def _intents(text: str) -> tuple[str, ...]:
    found = set(lexicon().intent_phrases(text))
    if _PLURAL_ASKED.search(fold(text)):
        found.add("list")
    if not found and YEAR_PHRASE.search(text):
        found.add("figure")  # "Kim ngạch xuất khẩu 2025 của Hải Phòng?": an indicator and a year ask for its figure
    return tuple(name for name in _INTENT_ORDER if name in found)


def _item_kind(text: str) -> str:
    """Read on the folded text, given as typed (lower case): "sở" is no "số", "cơ quan" no "quan điểm"."""
    asked = _PLURAL_ASKED.search(fold(text))
    return " ".join(re.findall(r"\w+", text.lower()[asked.start(1) : asked.end(1)])) if asked else ""


def periods(text: str) -> set[tuple[str, str]]:
    """The periods a text states, as (first year, last year): "giai đoạn 2026 - 2030" → ("2026", "2030")."""
    return {(start, end) for start, end in PERIOD.findall(text) if start < end}


def period_asked(text: str) -> tuple[str, str] | None:
    found = PERIOD.search(text)
    return (found.group(1), found.group(2)) if found and found.group(1) < found.group(2) else None


def years_of(text: str) -> tuple[frozenset[str], tuple[str, str] | None]:
    period = PERIOD.search(text)
    return frozenset(YEAR.findall(text)), (period.group(1), period.group(2)) if period else None


def locality_of(text: str) -> tuple[str | None, str | None]:
    """Hải Phòng or Hải Dương when the question names one ("thành phố" alone is Hải Phòng), and another province or
    city it names."""
    folded = fold(text)
    named = [name for key, name in _LOCALITIES.items() if re.search(rf"\b{key}\b", folded)]
    other = next((p for p in lexicon().other_places if re.search(rf"\b{re.escape(fold(p))}\b", folded)), None)
    if len(named) == 1:
        return named[0], other
    if not named and re.search(r"\bthanh pho\b", folded) and other is None:
        return "Hải Phòng", None
    return None, other


def _indicator(text: str) -> str:
    """The question without its years and its locality: what it asks about ("tăng trưởng GRDP bình quân … là bao
    nhiêu")."""
    indicator = YEAR_PHRASE.sub(" ", text)
    indicator = re.sub(LOCALITY_PHRASE + r"(?:Hải Phòng|Hải Dương|Hai Phong|Hai Duong)", " ", indicator, flags=re.I)
    return " ".join(indicator.split()).strip(" ?,.")


def parse(raw: str) -> Question:
    """One turn read on its own (`assistant.conversation` reads it against the turns before it)."""
    if not raw or not raw.strip():
        raise ValueError("question is empty")
    text, instructions = clean(raw)
    question = build(raw, text, instructions)
    if (asked := lexicon().contrasted(text)) is not None:
        # "HP có 41 phòng thí nghiệm VILAS, còn HD thì sao?": the whole message is searched, but the years and the
        # locality asked are those after "còn", not the fact's ("giai đoạn đó" keeps the fact's years).
        question = replace(question, premise=text[: len(text) - len(asked)].strip(" ,;-–"), asked=asked)
        locality, other_place = locality_of(asked)
        if locality or other_place:
            question = replace(question, locality=locality, other_place=other_place)
        years, period = years_of(asked)
        if years and not lexicon().year_back_reference.search(asked):
            question = replace(question, years=years, period=period)
    return question


def build(raw: str, text: str, instructions: tuple[str, ...] = (), followup: bool = False) -> Question:
    intents = _intents(text)
    text = lexicon().without_asking_clauses(text)  # read into the intents; no topic
    years, period = years_of(text)
    locality, other_place = locality_of(text)
    plain = normalize(raw).strip()
    rewritten = text if (followup or fold(text).strip(" ?.") != fold(plain).strip(" ?.")) else None
    return Question(
        raw=raw,
        text=text,
        intent=intents[0] if intents else "other",
        intents=intents,
        years=years,
        period=period,
        locality=locality,
        other_place=other_place,
        ordinal=asked_ordinal(text),
        instructions=instructions,
        accentless=looks_accentless(text),
        followup=followup,
        rewritten=rewritten,
        indicator=_indicator(text),
        item_kind=_item_kind(text),
    )
