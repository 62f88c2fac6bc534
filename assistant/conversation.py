"""A turn read against the conversation: a follow-up ("Còn năm 2028 thì sao?", "Thế còn Hải Dương?", "thế Báo cáo
chính trị thì đặt bao nhiêu?") is resolved against the previous turn's `Question`: the one slot it changes (years,
locality, document, agency, indicator, the field of a task asked) is replaced, the others are kept.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.question import LOCALITY_PHRASE, YEAR_PHRASE, Question, build, clean, locality_of, parse
from ingest.lexicon import lexicon
from ingest.normalize import fold

# A turn this short, with no topic of its own, refers to the previous question.
_SHORT_TURN = 6


def parse_turn(raw: str, previous: Question | None = None) -> Question:
    """One turn, resolved against the previous turn's `Question` when it leans on it."""
    if previous is None:
        return parse(raw)
    if not raw or not raw.strip():
        raise ValueError("question is empty")
    text, instructions = clean(raw)
    question = build(raw, text, instructions)
    return _resolve(question, previous) or question


def _previous(history: list[dict] | None) -> Question | None:
    """The last user turn of a conversation, each earlier one resolved in order so that a chain of follow-ups keeps
    its thread."""
    previous: Question | None = None
    for turn in history or []:
        content = turn.get("content") if isinstance(turn, dict) else None
        if turn.get("role") == "user" and content and content.strip():
            previous = parse_turn(content, previous)
    return previous


def parse_turns(question: str, history: list[dict] | None = None) -> Question:
    """The current turn, resolved against the conversation before it."""
    return parse_turn(question, _previous(history))


def readings(question: str, history: list[dict] | None = None) -> list[Question]:
    """The ways a turn of a conversation can be read, the likeliest first: as `parse_turns` resolves it; then, as
    more about the previous question ("riêng ngành xây dựng năm đó thì sao?" after a question on 2027's GRDP) and,
    for a follow-up, as the turn itself with what it points back to filled in. Which one the documents answer
    best is for the answerer to judge; a turn without history has one reading."""
    previous = _previous(history)
    first = parse_turn(question, previous)
    if previous is None:
        return [first]
    text, instructions = clean(question)
    alternatives = [f"{previous.text.rstrip(' ?')}? {text}"]
    if first.followup:
        alternatives.append(_filled(text, previous))
    found, seen = [first], {fold(first.text)}
    for alternative in alternatives:
        alternative = " ".join(alternative.split())
        if fold(alternative) not in seen:
            seen.add(fold(alternative))
            found.append(build(question, alternative, instructions, followup=True))
    return found


def _filled(text: str, previous: Question) -> str:
    """A follow-up with "năm đó", "giai đoạn này" written as the previous turn's years, and the previous turn's
    document and locality added when it names none."""
    span = _years_said(previous)
    filled = _years_pointed_at(text, previous)
    extra = []
    if (document := _document_named(previous.text)) is not None and _document_named(filled) is None:
        extra.append(f"theo {previous.text[slice(*document)]}")
    if span and not YEAR_PHRASE.search(filled):
        extra.append(span)
    if previous.locality and previous.locality != "Hải Phòng" and not locality_of(filled)[0]:
        extra.append(f"của tỉnh {previous.locality}")
    return f"{filled.rstrip(' ?')} {' '.join(extra)}?" if extra else filled



_AGENCY_START = re.compile(
    r"(Sở|Ban|Ủy ban|Uỷ ban|UBND|Đảng ủy|Đảng uỷ|Bộ Chỉ huy|Công an|Văn phòng|Thành ủy|Thành uỷ|Hội đồng|Liên đoàn|Đoàn|Hội)\b"
)


def _content_words(text: str) -> list[str]:
    """Words of a turn that name a topic: not question words, not follow-up openers, not years."""
    lex = lexicon()
    stripped = lex.followup_closer.sub(" ", lex.followup_opener.sub(" ", text))
    for phrases in lex.intents.values():
        stripped = phrases.sub(" ", stripped)
    folded = fold(YEAR_PHRASE.sub(" ", stripped))
    return [w for w in re.findall(r"\w+", folded) if w not in _FUNCTION_WORDS and not w.isdigit()]


_FUNCTION_WORDS = set(
    "con the vay thi sao nao gi ai la co khong nhung cac cua va voi o tai trong nhu ra duoc se da dang nam giai doan "
    "thoi ky nhiem ky den toi thanh pho tinh muc tieu chi tieu nay do tren ay kia hay cho biet ben phia rieng a cu dat".split()
)


def _subject(text: str) -> str:
    """What a follow-up names, its opener and closer removed: "Còn năm 2028 thì sao?" → "năm 2028"."""
    lex = lexicon()
    start = lex.followup_opener.search(text)
    end = lex.followup_closer.search(text)
    return text[start.end() if start else 0 : end.start() if end else len(text)].strip(" ?,.")


def _swapyears_of(text: str, question: Question) -> str:
    span = f"{question.period[0]} - {question.period[1]}" if question.period else " ".join(sorted(question.years))
    if YEAR_PHRASE.search(text):
        word = "giai đoạn" if question.period else "năm"
        return YEAR_PHRASE.sub(f"{word} {span}", text, count=1)
    return f"{text.rstrip(' ?')} {'giai đoạn' if question.period else 'năm'} {span}?"


def _swaplocality_of(text: str, locality: str) -> str:
    """The previous question about another locality, said the way it named its own ("của thành phố Hải Phòng" →
    "của tỉnh Hải Dương", a bare "Hải Phòng" → "Hải Dương")."""
    pattern = re.compile(LOCALITY_PHRASE + r"(?:Hải Phòng|Hải Dương|Hai Phong|Hai Duong)", re.I)
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


def _frame(previous: Question, turn: Question) -> str:
    """What the previous turn asked, without its topic: the document it cited, its years (unless the turn asks its
    own: "tầm nhìn 2045"), its locality and its question words."""
    parts = []
    if (document := _document_named(previous.text)) is not None:
        parts.append(f"theo {previous.text[slice(*document)]}")
    if not (turn.years or turn.period) and (said := _years_said(previous)):
        parts.append(said)
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
    if not re.search(r"\w", turn.text):
        return None
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
    other_place = bool(new_place) and new_place != previous.locality and not _new_topic(words, previous_words, new_place)
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
        resolved = build(turn.raw, previous.text, turn.instructions, followup=True)
        return replace(
            resolved, intent="document", intents=("document", *resolved.intents),
            rewritten=f"{previous.text.rstrip(' ?')} — nằm ở văn kiện nào?",
        )
    if (turn.years or turn.period) and not [w for w in subject_words if w not in lex.time_words]:
        text = _swapyears_of(previous.text, turn)  # "Còn năm 2028 thì sao?", "thế năm cuối nhiệm kỳ 2030?"
    elif new_place and len(_new_topic(subject_words, previous_words, new_place)) <= int(opens) and not asks_role:
        text = _swaplocality_of(previous.text, new_place)  # "Thế còn Hải Dương?", "Hải Dương năm 2024 đạt bao nhiêu?"
        if (turn.years or turn.period) and (turn.years, turn.period) != (previous.years, previous.period):
            text = _swapyears_of(text, turn)
    elif document is not None and not asks_role and not _new_topic(new_words, set(), "", subject[slice(*document)], stating=True):
        # "thế Báo cáo chính trị thì đặt bao nhiêu?": the last question, of the document this turn names.
        text = _swap_document(previous.text, subject[slice(*document)])
    elif opens and _AGENCY_START.match(subject) and not asks_role:
        # "còn Sở Xây dựng thì sao?": the same question of that agency, or, when the last one named none, the last
        # question with the agency in it (its part in that task).
        text = _swap_agency(previous.text, subject) if _AGENCY_START.search(previous.text) else f"{subject}: {previous.text}"
    elif opens and new_words and not asks_role and not back:
        # "Còn thu nhập bình quân đầu người thì sao?": the new indicator, asked as the previous one was.
        text = f"{subject} {_frame(previous, turn)}"
    elif opens and new_place and back:
        text = _swaplocality_of(previous.text, new_place)  # "thế còn tỉnh Hải Dương giai đoạn đó đạt bao nhiêu?"
    elif opens and len(new_words) >= 3:
        text = subject if subject.endswith("?") else f"{subject}?"  # "còn cảng Đồ Sơn thì bao giờ khởi công?"
    else:
        # "Vậy cơ quan nào phối hợp?", "chỉ tiêu đó là bao nhiêu căn?", "riêng ngành xây dựng năm đó thì tăng bao
        # nhiêu?": more about the same thing.
        text = f"{previous.text.rstrip(' ?')}? {turn.text}"
    resolved = build(turn.raw, " ".join(text.split()), turn.instructions, followup=True)
    if resolved.locality is None and previous.locality and not (turn.locality or turn.other_place):
        resolved = replace(resolved, locality=previous.locality)
    return resolved


def _new_topic(words: list[str], previous_words: set[str], place: str, document: str = "", stating: bool = False) -> list[str]:
    """The words of a turn that name something the previous question did not: not the locality or document it
    swaps in, nor, asking another document, how a document states a figure ("đặt", "ghi", "mức")."""
    swapped = set(fold(f"{place} {document}").lower().split()) | (lexicon().stating_words if stating else frozenset())
    return [w for w in words if w not in previous_words and w not in swapped]


def _with_years_pointed_at(turn: Question, previous: Question) -> Question:
    """The turn with "năm đó", "giai đoạn này" written as the years of the previous turn."""
    text = _years_pointed_at(turn.text, previous)
    return turn if text == turn.text else build(turn.raw, text, turn.instructions)


def _years_pointed_at(text: str, previous: Question) -> str:
    """ "năm đó", "giai đoạn này" written as the years of the previous turn: "riêng thu nội địa năm đó" → "… năm
    2026"."""
    span = _years_said(previous)
    pointer = lexicon().year_back_reference.search(text) if span else None
    return text[: pointer.start()] + span + text[pointer.end() :] if pointer else text


def _years_said(question: Question) -> str:
    """A question's years as a follow-up writes them: "giai đoạn 2026 - 2030", "năm 2027", or nothing."""
    if question.period:
        return f"giai đoạn {question.period[0]} - {question.period[1]}"
    return "năm " + " ".join(sorted(question.years)) if question.years else ""


def _document_named(text: str) -> tuple[int, int] | None:
    """Where a text names a document, without the preposition or verb some aliases carry ("theo Đề án", "Đề án
    đặt"); read folded, as the aliases are written (folding keeps the text's length)."""
    folded = fold(text).lower()
    found = lexicon().document_named.folded.search(folded)
    if found is None:
        return None
    words = list(re.finditer(r"\S+", folded[found.start() : found.end()]))
    while len(words) > 2 and words[0].group(0) in _BEFORE_NAME:
        words.pop(0)
    while len(words) > 2 and words[-1].group(0) in _AFTER_NAME:
        words.pop()
    return found.start() + words[0].start(), found.start() + words[-1].end()


# What an alias of lexicon.toml [documents] may carry around the name itself.
_BEFORE_NAME = {"theo", "trong", "cua", "tai", "o"}
_AFTER_NAME = {"duoc", "dat", "de", "ra", "yeu", "cau", "xac", "dinh", "neu", "muon", "huong", "co", "nay"}


def _swap_document(text: str, document: str) -> str:
    """The previous question asked of another document: its own document name, if any, replaced."""
    found = _document_named(text)
    if found is not None:
        before = re.sub(r"(?:\b(?:theo|trong|của|tại|ở)\s+)$", "", text[: found[0]], flags=re.I)
        rest = re.sub(r"^\s+(?:[IVX]+|\d+(?:-NQ/TW)?)(?!\w)", "", text[found[1]:])  # "Đại hội I", "Nghị quyết 30"
        text = f"{before} {rest}".strip(" ,")
    return f"Theo {document}, {text[:1].lower()}{text[1:]}"



def _swap_agency(text: str, agency: str) -> str:
    match = re.search(_AGENCY_START.pattern + r"[^,?.;]*?(?= chủ trì| phối hợp| thực hiện| chịu| được| có|\?|$)", text)
    return text[: match.start()] + agency + text[match.end():] if match else f"{agency} {text}"
