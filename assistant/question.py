"""A question, parsed once: what it asks, about what, for which years and which locality.

Every later stage reads the `Question` instead of re-deriving it. Informal typing is written out first (chat forms,
courtesy, forms of address: `ingest/lexicon.toml`), and clauses that instruct the assistant are set apart, so they
never decide the answer. A follow-up ("Còn năm 2028 thì sao?") is resolved against the previous turn's `Question`:
the one slot it changes is replaced, the others are kept.
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
_YEAR_PHRASE = re.compile(
    r"(?:(?:trong\s+|cho\s+|của\s+|cua\s+)?(?:giai đoạn|giai doan|thời kỳ|thoi ky|nhiệm kỳ|nhiem ky|năm|nam|đến năm|den nam|"
    r"đến|den|tới|toi|vào năm|vao nam)\s+)?(?:(?:19|20)\d{2}\s*(?:-|–|—|đến|den|tới|toi)\s*)?(?:19|20)\d{2}",
    re.IGNORECASE,
)
_LOCALITIES = {"hai phong": "Hải Phòng", "hai duong": "Hải Dương"}
_LOCALITY_PHRASE = r"(?:(?:của|cua|ở|o|tại|tai)\s+)?(?:(?:thành phố|thanh pho|tỉnh|tinh|tp\.?)\s+)?"
# A turn this short, with no topic of its own, refers to the previous question.
_SHORT_TURN = 6


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

    @property
    def asks_figure(self) -> bool:
        return "figure" in self.intents

    @property
    def asks_ownership(self) -> bool:
        return bool({"lead", "support", "deadline", "output"} & set(self.intents))


def _clean(raw: str) -> tuple[str, tuple[str, ...]]:
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
_PLURAL_ASKED = re.compile(r"\b(?:nhung|cac)\s+(?:\w+,?\s+){1,5}?(?:nao|gi)\b")


def _intents(text: str) -> tuple[str, ...]:
    found = set(lexicon().intent_phrases(text))
    if _PLURAL_ASKED.search(fold(text)):
        found.add("list")
    if not found and _YEAR_PHRASE.search(text):
        found.add("figure")  # "Kim ngạch xuất khẩu 2025 của Hải Phòng?": an indicator and a year ask for its figure
    return tuple(name for name in _INTENT_ORDER if name in found)


def periods(text: str) -> set[tuple[str, str]]:
    """The periods a text states, as (first year, last year): "giai đoạn 2026 - 2030" → ("2026", "2030")."""
    return {(start, end) for start, end in PERIOD.findall(text) if start < end}


def period_asked(text: str) -> tuple[str, str] | None:
    found = PERIOD.search(text)
    return (found.group(1), found.group(2)) if found and found.group(1) < found.group(2) else None


def _years(text: str) -> tuple[frozenset[str], tuple[str, str] | None]:
    period = PERIOD.search(text)
    return frozenset(YEAR.findall(text)), (period.group(1), period.group(2)) if period else None


def _locality(text: str) -> tuple[str | None, str | None]:
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
    indicator = _YEAR_PHRASE.sub(" ", text)
    indicator = re.sub(_LOCALITY_PHRASE + r"(?:Hải Phòng|Hải Dương|Hai Phong|Hai Duong)", " ", indicator, flags=re.I)
    return " ".join(indicator.split()).strip(" ?,.")


def parse(raw: str, previous: Question | None = None) -> Question:
    """One turn, resolved against the previous turn's `Question` when it leans on it."""
    if not raw or not raw.strip():
        raise ValueError("question is empty")
    text, instructions = _clean(raw)
    question = _build(raw, text, instructions)
    if previous is None and (asked := lexicon().contrasted(text)) is not None:
        # "HP có 41 phòng thí nghiệm VILAS, còn HD thì sao?": the whole message is searched, but the years and the
        # locality asked are those after "còn", not the fact's ("giai đoạn đó" keeps the fact's years).
        locality, other_place = _locality(asked)
        if locality or other_place:
            question = replace(question, locality=locality, other_place=other_place)
        years, period = _years(asked)
        if years and not lexicon().year_back_reference.search(asked):
            question = replace(question, years=years, period=period)
        return question
    if previous is not None:
        resolved = _resolve(question, previous)
        if resolved is not None:
            return resolved
    return question


def _build(raw: str, text: str, instructions: tuple[str, ...] = (), followup: bool = False) -> Question:
    intents = _intents(text)
    years, period = _years(text)
    locality, other_place = _locality(text)
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
    )


def _previous(history: list[dict] | None) -> Question | None:
    """The last user turn of a conversation, each earlier one resolved in order so that a chain of follow-ups keeps
    its thread."""
    previous: Question | None = None
    for turn in history or []:
        content = turn.get("content") if isinstance(turn, dict) else None
        if turn.get("role") == "user" and content and content.strip():
            previous = parse(content, previous)
    return previous


def parse_turns(question: str, history: list[dict] | None = None) -> Question:
    """The current turn, resolved against the conversation before it."""
    return parse(question, _previous(history))


def readings(question: str, history: list[dict] | None = None) -> list[Question]:
    """The ways a turn of a conversation can be read, the likeliest first: as `parse_turns` resolves it; then, as
    more about the previous question ("riêng ngành xây dựng năm đó thì sao?" after a question on 2027's GRDP) and,
    for a follow-up, as the turn itself with what it points back to filled in. Which one the documents answer
    best is for the answerer to judge; a turn without history has one reading."""
    previous = _previous(history)
    first = parse(question, previous)
    if previous is None:
        return [first]
    text, instructions = _clean(question)
    alternatives = [f"{previous.text.rstrip(' ?')}? {text}"]
    if first.followup:
        alternatives.append(_filled(text, previous))
    found, seen = [first], {fold(first.text)}
    for alternative in alternatives:
        alternative = " ".join(alternative.split())
        if fold(alternative) not in seen:
            seen.add(fold(alternative))
            found.append(_build(question, alternative, instructions, followup=True))
    return found


def _filled(text: str, previous: Question) -> str:
    """A follow-up with "năm đó", "giai đoạn này" written as the previous turn's years, and the previous turn's
    document and locality added when it names none."""
    span = f"giai đoạn {previous.period[0]} - {previous.period[1]}" if previous.period else (
        "năm " + " ".join(sorted(previous.years)) if previous.years else "")
    pointer = lexicon().year_back_reference.search(text) if span else None
    filled = text[: pointer.start()] + span + text[pointer.end() :] if pointer else text
    extra = []
    if (document := _DOCUMENT_NAME.search(previous.text)) is not None and not _DOCUMENT_NAME.search(filled):
        extra.append(f"theo {document.group(0)}")
    if span and not _YEAR_PHRASE.search(filled):
        extra.append(span)
    if previous.locality and previous.locality != "Hải Phòng" and not _locality(filled)[0]:
        extra.append(f"của tỉnh {previous.locality}")
    return f"{filled.rstrip(' ?')} {' '.join(extra)}?" if extra else filled



# ---- follow-ups -------------------------------------------------------------------------------------------------

_REFERS_BACK = re.compile(r"\b(nay|do|tren|ay|kia|vay|the)\b")
_AGENCY_START = re.compile(
    r"(Sở|Ban|Ủy ban|Uỷ ban|UBND|Đảng ủy|Đảng uỷ|Bộ Chỉ huy|Công an|Văn phòng|Thành ủy|Thành uỷ|Hội đồng|Liên đoàn|Đoàn|Hội)\b"
)


def _content_words(text: str) -> list[str]:
    """Words of a turn that name a topic: not question words, not follow-up openers, not years."""
    lex = lexicon()
    stripped = lex.followup_closer.sub(" ", lex.followup_opener.sub(" ", text))
    for phrases in lex.intents.values():
        stripped = phrases.sub(" ", stripped)
    folded = fold(_YEAR_PHRASE.sub(" ", stripped))
    return [w for w in re.findall(r"\w+", folded) if w not in _FUNCTION_WORDS and not w.isdigit()]


_FUNCTION_WORDS = set(
    "con the vay thi sao nao gi ai la co khong nhung cac cua va voi o tai trong nhu ra duoc se da dang nam giai doan "
    "thoi ky nhiem ky den toi thanh pho tinh muc tieu chi tieu nay do tren ay kia hay cho biet ben phia rieng a cu".split()
)


def _subject(text: str) -> str:
    """What a follow-up names, its opener and closer removed: "Còn năm 2028 thì sao?" → "năm 2028"."""
    lex = lexicon()
    start = lex.followup_opener.search(text)
    end = lex.followup_closer.search(text)
    return text[start.end() if start else 0 : end.start() if end else len(text)].strip(" ?,.")


def _swap_years(text: str, question: Question) -> str:
    span = f"{question.period[0]} - {question.period[1]}" if question.period else " ".join(sorted(question.years))
    if _YEAR_PHRASE.search(text):
        word = "giai đoạn" if question.period else "năm"
        return _YEAR_PHRASE.sub(f"{word} {span}", text, count=1)
    return f"{text.rstrip(' ?')} {'giai đoạn' if question.period else 'năm'} {span}?"


def _swap_locality(text: str, locality: str) -> str:
    """The previous question about another locality, said the way it named its own ("của thành phố Hải Phòng" →
    "của tỉnh Hải Dương", a bare "Hải Phòng" → "Hải Dương")."""
    pattern = re.compile(_LOCALITY_PHRASE + r"(?:Hải Phòng|Hải Dương|Hai Phong|Hai Duong)", re.I)
    found = pattern.search(text)
    if found is not None:
        said = found.group(0).lower()
        owner = "của " if said.startswith(("của", "cua")) else ""
        kind = f"{_kind_of(locality)} " if owner or re.search(r"thành phố|thanh pho|tỉnh|tinh|tp", said) else ""
        return text[: found.start()] + f"{owner}{kind}{locality}" + text[found.end():]
    stem = re.sub(r"\b(?:của\s+)?(?:thành phố|thanh pho)\b", "", text, count=1, flags=re.I).rstrip(" ?")
    return f"{' '.join(stem.split())} của {_kind_of(locality)} {locality}?"


def _kind_of(locality: str) -> str:
    return "thành phố" if locality == "Hải Phòng" else "tỉnh"


_DOCUMENT_NAME = re.compile(
    r"Nghị quyết(?: Đại hội(?: [IVX]+\b)?| (?:số )?\d+(?:-NQ/TW)?)?|Đề án(?: CNXH)?|Kế hoạch(?: thực hiện Nghị quyết(?: số)? \d+)?"
    r"|Chương trình hành động|Báo cáo chính trị"
)


def _frame(previous: Question, turn: Question) -> str:
    """What the previous turn asked, without its topic: the document it cited, its years (unless the turn asks its
    own: "tầm nhìn 2045"), its locality and its question words."""
    parts = []
    if (document := _DOCUMENT_NAME.search(previous.text)) is not None:
        parts.append(f"theo {document.group(0)}")
    if turn.years or turn.period:
        pass
    elif previous.period:
        parts.append(f"giai đoạn {previous.period[0]} - {previous.period[1]}")
    elif previous.years:
        parts.append("năm " + " ".join(sorted(previous.years)))
    if previous.locality and previous.locality != "Hải Phòng" and not (turn.locality or turn.other_place):
        parts.append(f"của tỉnh {previous.locality}")
    if turn.intents:
        return " ".join(parts)  # "còn HD thì có bao nhiêu …?" asks in its own words
    asks = {
        "figure": "là bao nhiêu?", "lead": "do cơ quan nào chủ trì?", "support": "cơ quan nào phối hợp?",
        "deadline": "thời hạn khi nào?", "output": "sản phẩm là gì?", "list": "gồm những gì?", "definition": "là gì?",
    }
    parts.append(asks.get(previous.intent, "là gì?"))
    return " ".join(parts)


def _resolve(turn: Question, previous: Question) -> Question | None:
    """The follow-up as a question of its own, or None when the turn stands alone."""
    lex = lexicon()
    opens = bool(lex.followup_opener.search(turn.text)) or bool(lex.followup_closer.search(turn.text))
    words = _content_words(turn.text)
    previous_words = set(_content_words(previous.text))
    short = len(re.findall(r"\w+", turn.text)) <= _SHORT_TURN
    back = lex.back_reference.search(turn.text) is not None
    same_thing = bool(words) and set(words) <= previous_words
    new_place = turn.locality or turn.other_place
    asks_role = bool({"lead", "support", "deadline", "output", "document"} & set(turn.intents))
    # "Hải Dương năm 2024 đạt bao nhiêu?" after Hải Phòng's figure; "Kết quả cụ thể phải làm được gì?" after who
    # leads a task: the turn changes the locality, or asks another field of the same task, and names little else.
    other_place = bool(new_place) and new_place != previous.locality and len(_new_topic(words, previous_words, new_place)) <= 1
    same_task = asks_role and previous.asks_ownership and len([w for w in words if w not in previous_words]) <= 2
    if not (opens or not words or (short and len(words) <= 2) or back or same_thing or other_place or same_task):
        return None
    turn = _with_years_pointed_at(turn, previous)
    subject = _subject(turn.text) if opens else turn.text
    subject_words = _content_words(subject)
    new_words = [w for w in subject_words if w not in previous_words]
    document = _document_named(subject)
    if "document" in turn.intents and len(new_words) <= 2:
        # "con số đó ở văn kiện nào?": where the last answer is written; what is searched is the last question.
        resolved = _build(turn.raw, previous.text, turn.instructions, followup=True)
        return replace(
            resolved, intent="document", intents=("document", *resolved.intents),
            rewritten=f"{previous.text.rstrip(' ?')} — nằm ở văn kiện nào?",
        )
    if (turn.years or turn.period) and not [w for w in subject_words if w not in lex.time_words]:
        text = _swap_years(previous.text, turn)  # "Còn năm 2028 thì sao?", "thế năm cuối nhiệm kỳ 2030?"
    elif new_place and len(_new_topic(subject_words, previous_words, new_place)) <= 1 and not asks_role:
        text = _swap_locality(previous.text, new_place)  # "Thế còn Hải Dương?", "Hải Dương năm 2024 đạt bao nhiêu?"
        if (turn.years or turn.period) and (turn.years, turn.period) != (previous.years, previous.period):
            text = _swap_years(text, turn)
    elif document is not None and not asks_role and not _new_topic(new_words, set(), "", document.group(0)):
        # "thế Báo cáo chính trị thì đặt bao nhiêu?": the last question, of the document this turn names.
        text = _swap_document(previous.text, subject[document.start() : document.end()])
    elif opens and _AGENCY_START.match(subject) and not asks_role:
        # "còn Sở Xây dựng thì sao?": the same question of that agency, or, when the last one named none, the last
        # question with the agency in it (its part in that task).
        text = _swap_agency(previous.text, subject) if _AGENCY_START.search(previous.text) else f"{subject}: {previous.text}"
    elif opens and new_words and not asks_role and not back:
        # "Còn thu nhập bình quân đầu người thì sao?": the new indicator, asked as the previous one was.
        text = f"{subject} {_frame(previous, turn)}"
    elif opens and new_place and back:
        text = _swap_locality(previous.text, new_place)  # "thế còn tỉnh Hải Dương giai đoạn đó đạt bao nhiêu?"
    elif opens and len(new_words) >= 3:
        text = subject if subject.endswith("?") else f"{subject}?"  # "còn cảng Đồ Sơn thì bao giờ khởi công?"
    else:
        # "Vậy cơ quan nào phối hợp?", "chỉ tiêu đó là bao nhiêu căn?", "riêng ngành xây dựng năm đó thì tăng bao
        # nhiêu?": more about the same thing.
        text = f"{previous.text.rstrip(' ?')}? {turn.text}"
    resolved = _build(turn.raw, " ".join(text.split()), turn.instructions, followup=True)
    if resolved.locality is None and previous.locality and not (turn.locality or turn.other_place):
        resolved = replace(resolved, locality=previous.locality)
    return resolved


def _new_topic(words: list[str], previous_words: set[str], place: str, document: str = "") -> list[str]:
    """The words of a turn that name something the previous question did not: not the locality or document it
    swaps in, nor how a document states a figure ("đặt", "ghi", "mức")."""
    swapped = set(fold(f"{place} {document}").split()) | lexicon().stating_words
    return [w for w in words if w not in previous_words and w not in swapped]


def _with_years_pointed_at(turn: Question, previous: Question) -> Question:
    """ "năm đó", "giai đoạn này" written as the years of the previous turn: "riêng thu nội địa năm đó" → "… năm
    2026"."""
    pointer = lexicon().year_back_reference.search(turn.text)
    if pointer is None or not (previous.years or previous.period):
        return turn
    span = f"giai đoạn {previous.period[0]} - {previous.period[1]}" if previous.period else "năm " + " ".join(sorted(previous.years))
    return _build(turn.raw, turn.text[: pointer.start()] + span + turn.text[pointer.end() :], turn.instructions)


def _document_named(text: str) -> re.Match | None:
    """Where a text names a document; read folded, as the aliases are written (the text keeps its length)."""
    return lexicon().document_named.folded.search(fold(text).lower())


def _swap_document(text: str, document: str) -> str:
    """The previous question asked of another document: its own document name, if any, replaced."""
    found = _document_named(text)
    if found is not None:
        before = re.sub(r"(?:\b(?:theo|trong|của|tại|ở|theo)\s+)$", "", text[: found.start()], flags=re.I)
        rest = re.sub(r"^\s+(?:[IVX]+|\d+(?:-NQ/TW)?)(?!\w)", "", text[found.end():])  # "Đại hội I", "Nghị quyết 30"
        text = f"{before} {rest}".strip(" ,")
    return f"Theo {document}, {text[:1].lower()}{text[1:]}"



def _swap_agency(text: str, agency: str) -> str:
    match = re.search(_AGENCY_START.pattern + r"[^,?.;]*?(?= chủ trì| phối hợp| thực hiện| chịu| được| có|\?|$)", text)
    return text[: match.start()] + agency + text[match.end():] if match else f"{agency} {text}"
