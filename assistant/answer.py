"""An extractive answerer: no LLM, every sentence of the answer is quoted from a cited passage.

1. A follow-up ("còn Sở Xây dựng thì sao?", "thời hạn khi nào?") is rewritten against the earlier turns.
2. Ownership questions (who leads / supports / by when) are answered from the task registry
   (assistant/ownership.py); failing that, from the retrieved table row of the action programme, cell by cell.
3. Other questions: the sentences of the top passages that best cover the question are quoted, each with [n].
   Where a figure is asked and documents differ, the highest-authority document leads and the others are named.
4. When no sentence covers enough of the question, the answer abstains and shows the closest passages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from assistant.answer_types import ABSTAIN_TEXT, Answer, Citation, hit_dict
from assistant.figures import NUMBER, figure_list, figures
from assistant.question import Question, parse, parse_turns, period_asked, periods
from assistant.retrieve import (
    QUESTION_WORDS,
    Hit,
    Retriever,
    content_tokens,
    about_other_place,
    leaf_heading,
    place_of,
    plain_question,
    spanned_years,
    years,
)
from ingest.settings import Settings
from ingest.normalize import (
    ABBREVIATIONS,
    STOPWORDS,
    canonical_number,
    canonical_units,
    fold,
    fold_tokens,
    folded_tokens,
    lexical_tokens,
    long_form,
    looks_accentless,
    normalize,
)

# Abstention, calibrated on tests/eval (see README): too little of the question covered, or only partly covered
# while the dense model finds nothing close or the question uses words the corpus never does.
MIN_COVERAGE = 0.15
PARTIAL_COVERAGE = 0.55
MIN_DENSE_SIMILARITY = 0.87
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
# How much less of the question a figure sentence about the asked years may cover than one about other years.
YEAR_FALLBACK_MARGIN = 0.25
# A figure elsewhere is the same target's only if it has the target's rarest words, this many of them.
TELLING_WORDS = 2
# A list whose items are passages of their own is the answer when its heading covers this much of the question.
LIST_HEADING_COVERAGE = 0.6
MAX_LISTED_ITEMS = 8
_ITEM_START = re.compile(r"^\s*(?:\(\d{1,2}\)|\d{1,2}\.|[a-zđ]\))\s")
_GENERIC_NAMES = {fold(n) for n in ("Hải Phòng", "Thành phố", "Nghị quyết", "Đại hội", "Đảng bộ", "Ban Chấp hành", "Chương trình", "Kế hoạch", "Đề án", "Báo cáo", "Việt Nam", "Hải Dương", "Nhân dân", "Thành ủy", "Thành uỷ")}
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[\"“(\-–+A-ZĐÀ-Ỹ0-9])")
_FOLLOWUP_SUBJECT = re.compile(r"^(?:còn|thế còn|vậy còn)\s+(.+?)\s*(?:thì sao|thì thế nào|\?)+\s*$", re.I)
_FOLLOWUP_SUBJECT_ACCENTLESS = re.compile(r"^(?:con|the con|vay con)\s+(?!so\b|nguoi\b)(.+?)\s*(?:thi sao|thi the nao|\?)+\s*$", re.I)
# Words that ask about a task without naming it: a question made only of these refers to the previous turn.
_ASKING_ONLY = set("co quan don vi nao ai chu tri phoi hop han hoan thanh thoi gian khi bao gio trach nhiem ket qua san pham "
                   "va hay con so do nay van kien ban tai lieu o dau nam trong the sao".split())
_ASKS_ANYTHING = re.compile(r"\b(bao gio|bao nhieu|khi nao|ai|nao|gi|may|o dau|the nao|ra sao)\b")
_ASKS_ANYTHING_ACCENTED = re.compile(r"(?<!\w)(bao giờ|bao nhiêu|khi nào|ai|nào|gì|mấy|ở đâu|thế nào|ra sao)(?!\w)")


def _asks_own_question(text: str) -> bool:
    """Whether a follow-up's subject carries its own question word."""
    return says(text, _ASKS_ANYTHING_ACCENTED, _ASKS_ANYTHING)
_PLACE = re.compile(r"(?:(?:thành phố|tỉnh|TP\.?)\s+)?(?:Hải Phòng|Hải Dương)")
_REFERS_BACK = re.compile(r"\b(nay|do|tren|ay|kia)\b")
_REFERS_BACK_ACCENTED = re.compile(r"(?<!\w)(này|đó|trên|ấy|kia)(?!\w)")


def says(text: str, accented: re.Pattern, accentless: re.Pattern) -> bool:
    """Whether a question uses one of some words, read on its accents when it has any: folding makes "Đồ Sơn" and
    "đó", "nhà máy" and "mấy", "căn" and "cần" the same word."""
    if looks_accentless(text):
        return bool(accentless.search(fold(text)))
    return bool(accented.search(normalize(text).lower()))


def refers_back(question: str) -> bool:
    """"nhiệm vụ đó", "chỉ tiêu này": the question points at an earlier turn."""
    return says(question, _REFERS_BACK_ACCENTED, _REFERS_BACK)


_OWNERSHIP = re.compile(
    r"\b(chu tri|phoi hop|chiu trach nhiem|co quan nao|don vi nao|ai (?:la|se|duoc|phu trach)|phu trach|thoi han|"
    r"khi nao hoan thanh|han hoan thanh|bao gio|ket qua/san pham|san pham (?:dau ra|la gi))\b"
)
_ASKS_LIST = re.compile(r"\b(la gi|gom|bao gom|nhung gi|the nao|ra sao|tieu chi|noi dung|nhung .{1,40} nao|may .{1,30} nao)\b")
_ASKS_OUTPUT = re.compile(r"\b(san pham|ket qua|dau ra)\b")
_ASKS_DOCUMENT = re.compile(r"\b(van kien nao|van ban nao|tai lieu nao|o dau|nguon nao|trong van kien|nam o)\b")
# "bao nhiêu", "mấy": the answer is a quantity (not "mức nào", which a level like "toàn dân" may answer). Typed
# without accents, "may" after "nhà" is a plant.
_ASKS_QUANTITY = re.compile(r"(?<!\w)(?:bao nhiêu|mấy)(?!\w)")
_ASKS_QUANTITY_ACCENTLESS = re.compile(r"\b(?:bao nhieu|(?<!nha )may)\b")


def asks_quantity(question: str) -> bool:
    """ "bao nhiêu", "mấy": on accented text "mấy" is not "máy", and typed without accents "nha may" is a plant."""
    return says(question, _ASKS_QUANTITY, _ASKS_QUANTITY_ACCENTLESS)
_ASKS_FIGURE = re.compile(r"\b(bao nhieu|muc nao|may|ty le|chi tieu|dat muc|con so)\b")


_INTRODUCES = re.compile(r"\b(?:la|gom|bao gom|nhu sau|sau day)\s*:?\s*$")
_ENUMERATION = re.compile(r"^\s*(?:\(\d{1,3}\)|\d{1,3}(?:\.\d{1,3})*\.|[-+•])\s*")


_CLAUSE = re.compile(r";\s*")


def _with_stopwords(text: str) -> set[str]:
    """The folded tokens of a text that contain a stopword read with its accents ("ocop_đang" → "ocop_dang")."""
    accented = lexical_tokens(text)
    return {folded for token, folded in zip(accented, fold_tokens(accented)) if any(p in STOPWORDS for p in token.split("_"))}


def _figure_cells(cells: dict[str, str]) -> list[str]:
    """The cells of a table row that hold its figures: not its label, unit, agencies, task or note ("Theo
    Chương trình hành động số 05")."""
    skip = ("ghi chú", "đơn vị", "đvt", "cơ quan", "nhiệm vụ", "tên", "nội dung", "chỉ tiêu", "nguồn", "thời gian", "kết quả")
    return [value for key, value in list(cells.items())[1:] if not any(word in key.lower() for word in skip)]


def _is_title(sentence: str) -> bool:
    """A heading or table title kept as text: most of its letters are capitals."""
    letters = [ch for ch in sentence if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.6 * len(letters)


_ITEM_SPLIT = re.compile(r"\n(?=\s*(?:\(\d{1,2}\)|\d{1,2}\.|[a-zđ]\))\s)")
_ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_ORDINAL_ACCENTED = re.compile(r"(?<!\w)(?:thứ (" + "|".join(_ORDINALS) + r"|\d{1,2})|(đầu tiên))(?!\w)")
# Typed without accents "thu tu" is as likely "thứ tự" (order) as "thứ tư": four is left to the accented form.
_ORDINALS_FOLDED = {fold(word): n for word, n in _ORDINALS.items() if word != "tư"}
_ORDINAL_FOLDED = re.compile(r"\b(?:thu (" + "|".join(_ORDINALS_FOLDED) + r"|\d{1,2})|(dau tien))\b")


def _ordinal(question: str) -> int | None:
    """Which item of a list the question asks for: "đột phá thứ hai", "thứ 3", "nhiệm vụ đầu tiên"."""
    if looks_accentless(question):
        match, names = _ORDINAL_FOLDED.search(fold(question)), _ORDINALS_FOLDED
    else:
        match, names = _ORDINAL_ACCENTED.search(normalize(question).lower()), _ORDINALS
    if match is None:
        return None
    if match.group(2):
        return 1
    word = match.group(1)
    return int(word) if word.isdigit() else names[word]


def _with_following(item: "_Scored", max_chars: int = 450) -> str:
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


_COUNTED = re.compile(r"\b(?:bao nhiêu|mấy)\s+(%|[^\W\d]+(?:\s+[^\W\d]+)?)", re.IGNORECASE)
# Words after "bao nhiêu" that do not name what is counted ("bao nhiêu mỗi năm", "bao nhiêu so với").
_NOT_COUNTED = set(
    "mỗi hằng so với trong của là và thì được có đến vào khi nào nữa một gì không đạt phải cần sẽ đã".split()
) | set(STOPWORDS)
_NOT_COUNTED_FOLDED = {fold(w) for w in _NOT_COUNTED}
_SCALE_WORDS = {"trieu", "ty", "ti", "nghin", "ngan"}


def counted_term(query: str) -> str | None:
    """What a figure question counts or measures: "tỷ đồng" in "bao nhiêu tỷ đồng", "%" in "bao nhiêu phần trăm".

    Words are compared with their accents when the question has some ("căn" is counted, "cần" is not)."""
    text = canonical_units(normalize(query))
    match = _COUNTED.search(text)
    if match is None:
        return None
    accentless = looks_accentless(text)
    words: list[str] = []
    for word in match.group(1).split():
        if (fold(word) in _NOT_COUNTED_FOLDED) if accentless else (word.lower() in _NOT_COUNTED):
            break
        words.append(word)
        if fold(word) not in _SCALE_WORDS:
            # One word names the thing ("vốn", "căn", "đại biểu" by its first syllable); "tỷ" needs its unit.
            break
    return " ".join(words).lower() or None


# Units a figure is stated in: the number stands right before them ("20,2 tỷ USD", "16,5%", "25 triệu lượt").
_SCALE = r"(?:\s*(?:triệu|tỷ|tỉ|nghìn|ngàn|trieu|ty|ti|nghin|ngan))?"
_UNITS = {fold(u) for u in "% đồng usd tấn teu mét m km ha lượt người căn năm tháng ngày".split()}


def _names_counted(counted: str, query: str, chunk) -> bool:
    """Whether the passage can state the figure asked: a unit right after a number ("32.900 căn", "16,5%"), or the
    counted thing named at all ("bao nhiêu xã" answered by "100% số xã"); a table row has its unit in a cell."""
    passage = f"{chunk.section} {chunk.text}"
    if fold(counted).split()[-1] in _UNITS:
        return _row_counts(counted, chunk) or _counts(counted, query, passage)
    text = normalize(passage).lower()
    if looks_accentless(query):
        text, counted = fold(text), fold(counted)
    return re.search(r"(?<!\w)" + re.escape(counted) + r"(?!\w)", text) is not None


def _unit_cell(chunk) -> str:
    """The unit column of a table row ("Đơn vị tính", "ĐVT"), not the agency columns ("Đơn vị chủ trì")."""
    return " ".join(
        value for key, value in (chunk.cells or {}).items()
        if ("đơn vị" in key.lower() or "đvt" in key.lower()) and not any(w in key.lower() for w in ("chủ trì", "phối hợp"))
    )


def row_figures_text(chunk, asked_years: set[str] = frozenset()) -> str | None:
    """A target's row read as a sentence: "Khách du lịch — Kế hoạch 5 năm 2026-2030 - Đến năm 2030: 25 triệu lượt",
    where the row itself keeps the unit in one cell and the figure in another; only the columns of the years asked,
    when some column names them."""
    if chunk.kind != "table_row" or not chunk.cells:
        return None
    label = _ENUMERATION.sub("", _row_label(chunk)).strip()
    unit = _unit_cell(chunk).strip()
    if unit[:1].isupper() and unit[1:2].islower():
        unit = unit[0].lower() + unit[1:]  # "Triệu lượt" after a number reads "25 triệu lượt"; "USD" stays
    figure_cells = set(_figure_cells(chunk.cells))
    columns = [(key, value) for key, value in list(chunk.cells.items())[1:] if value in figure_cells and NUMBER.search(value)]
    shown = [(key, value) for key, value in columns if asked_years & years(key)] or columns
    if not label or not shown or any(len(NUMBER.findall(value)) > 1 for _, value in shown):
        return None  # "200 7.700" under "tr.đồng USD": two localities' figures in one cell, left as the row has them
    return f"{label} — " + "; ".join(f"{key}: {_with_unit(value, unit)}" for key, value in shown)


# Words that may follow a target's name in a question without narrowing it (where, when, whose, how counted), and
# that end a listed target's name ("Khách du lịch | đến năm 2030 đạt ...").
_NOT_QUALIFIERS = set(
    (
        "bao nhiêu gì nào ai đâu khi bao giờ mấy là được có không những các của theo trong về cho với và thì sao còn "
        "hãy nêu đã sẽ phải đến năm mục tiêu chỉ tiêu đặt ra xác định yêu cầu văn kiện như thế ra bằng mức đạt ở "
        "tại trên dưới từ tới mỗi hằng toàn cả chung bình quân giai đoạn tỉnh thành phố hải phòng hải dương ước "
        "phấn đấu duy trì hoàn thành chiếm bảo đảm tp"
    ).split()
)
_NOT_QUALIFIERS_FOLDED = {fold(w) for w in _NOT_QUALIFIERS}


def _words(text: str, accented: bool) -> list[str]:
    text = normalize(text).lower()
    return re.findall(r"\w+", text if accented else fold(text))


def _target_name(chunk, sentence: str, accented: bool) -> list[str]:
    """The name of the target a row or a listed target sentence states: the row's first cell ("Khách du lịch"), or
    the words of "(9) Khách du lịch đến năm 2030 đạt 25 triệu lượt" before its first framing word or number."""
    if chunk.kind == "table_row":
        return _words(_ENUMERATION.sub("", _row_label(chunk)), accented)
    if not _ENUMERATION.match(sentence):
        return []
    stops = _NOT_QUALIFIERS if accented else _NOT_QUALIFIERS_FOLDED
    name = []
    for word in _words(_ENUMERATION.sub("", sentence), accented):
        if word in stops or word.isdigit():
            break
        name.append(word)
    return name


def _narrower_target(question: str, chunk, sentence: str) -> list[str]:
    """The words by which a question narrows the target a passage states: "khách du lịch quốc tế" asked, the row
    is "Khách du lịch" and says nothing international. Words right after the target's name in the question, up to
    a framing word or a number, that the passage does not contain. Read with accents when the question has them
    ("dự" of "dự kiến" is not "du" of "du lịch")."""
    accented = not looks_accentless(question)
    name = _target_name(chunk, sentence, accented)
    if not name:
        return []
    stops = _NOT_QUALIFIERS if accented else _NOT_QUALIFIERS_FOLDED
    words = _words(question, accented)
    stated = set(_words(chunk.text if chunk.kind == "table_row" else sentence, accented))
    for start in range(len(words) - len(name) + 1):
        if words[start : start + len(name)] == name:
            qualifiers = []
            for word in words[start + len(name) :]:
                if word in stops or word.isdigit():
                    break
                qualifiers.append(word)
            return [word for word in qualifiers if word not in stated]
    return []


def _row_label(chunk) -> str:
    return next(iter(chunk.cells.values()), "") if chunk.cells else ""


def _with_unit(value: str, unit: str) -> str:
    if not unit or (unit.startswith("%") and value.rstrip().endswith("%")):
        return value
    return f"{value}{unit}" if unit.startswith("%") else f"{value} {unit}"


def _row_counts(counted: str, chunk) -> bool:
    """A table row states its figures in the unit its unit column names ("ĐVT: USD/ người" ... "Năm 2026: 7.944,5")."""
    if chunk.kind != "table_row":
        return False
    unit = _unit_cell(chunk)
    return fold(counted) in fold(unit) and any(NUMBER.search(value) for value in chunk.cells.values() if value not in unit)


def _counts(counted: str, query: str, text: str) -> bool:
    """A number right before what is counted: "25 triệu lượt", "16,5%", "445 đại biểu", "100% số xã"."""
    text = normalize(text).lower()
    if looks_accentless(query):
        text, counted = fold(text), fold(counted)
    pattern = r"\d[\d.,/]*\s*%?" + _SCALE + r"\s*(?:số\s+|các\s+|so\s+|cac\s+)?" + re.escape(counted) + r"(?!\w)"
    return re.search(pattern, text) is not None


def _counted_missing(query: str, chunk) -> bool:
    """A figure asked in a unit or of a thing ("bao nhiêu tỷ đồng", "mấy làn xe", "bao nhiêu TEU") that the passage
    never states: it may hold other figures, but not the one asked for."""
    counted = counted_term(query)
    return counted is not None and not _names_counted(counted, query, chunk)


# Who holds an office (not which body leads a task: "ai chủ trì" is the registry's).
_OFFICE = r"(?:pho )?(?:chu tich|bi thu|giam doc|tong bi thu|thu tuong|truong ban|chanh van phong)"
_ASKS_PERSON = re.compile(
    r"\bai\s+(?:dang\s+|hien\s+|hien nay\s+|se\s+)?(?:la|giu chuc|giu cuong vi|lam)\s+" + _OFFICE + r"|\b" + _OFFICE + r"\b.{0,80}\bla ai\b"
)
# A capitalised word that starts a body's name, not a person's: "Chủ tịch Ủy ban nhân dân", "đồng chí Tổng Bí thư".
_BODY_WORDS = "Ủy|Uỷ|Hội|Ban|Sở|Thành|Tỉnh|Nhân|Đảng|Bộ|Tổng|Chủ|Bí|Phó|Giám|Thủ|Trưởng|Mặt|Cục|Viện|Trường|Trung"
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
_PERSON_NAME = re.compile(
    r"(?:[Đđ]ồng chí|[Đđ]/c|[Ôô]ng|[Bb]à|Tổng Bí thư|Chủ tịch|Bí thư|Giám đốc|Thủ tướng)\s+"
    + r"(?!(?:" + _BODY_WORDS + r")\b)" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){1,3}"
)


def _long_folded(text: str) -> str:
    """Folded words with each abbreviation in its long form, so "Chủ tịch UBND" reads as "chu tich uy ban nhan dan"."""
    return " ".join(fold(long_form(word) or word) for word in re.findall(r"\w+", text))


def _names_office_holder(query: str, sentence: str) -> bool:
    """Whether the sentence names someone in the office the question asks about, beside the name: the title and
    the capitalised words of the body after it ("Bí thư Thành", "Chủ tịch UBND"). "Tổng Bí thư Tô Lâm" holds no
    "Bí thư Thành ủy", nor does the "Ban Bí thư" a few words off, and "Chủ tịch Hồ Chí Minh" is no "Chủ tịch UBND"."""
    words = re.findall(r"\w+", query)
    folded = " ".join(fold(word) for word in words)
    title = re.search(r"\b" + _OFFICE + r"\b", folded)
    if title is None:
        return False
    body = []
    for word in words[folded[: title.end()].count(" ") + 1 :][:2]:
        if not word[:1].isupper():
            break
        body.append(_long_folded(word))
    office = " ".join([title.group(0), *body])
    pattern = re.compile(r"(?<!tong )(?<!pho )(?<!ban )\b" + re.escape(office) + r"\b")
    return any(
        pattern.search(_long_folded(sentence[max(0, m.start() - 60) : m.end() + 60])) for m in _PERSON_NAME.finditer(sentence)
    )


# What a user asks the assistant to do ("tóm tắt", "liệt kê", "giải thích"): no topic of the documents.
_REQUEST_WORDS = set("tóm tắt liệt kê trình bày giải thích giúp tôi mình bạn ạ nhé ơi".split())


def proper_names(text: str) -> list[str]:
    """Runs of two or more capitalised words inside a sentence (its first word is capitalised anyway)."""
    names: list[str] = []
    for sentence in re.split(r"[.?!;:]\s*", text):
        words = re.findall(r"\w+", sentence)
        run: list[str] = []
        for index, word in enumerate(words + [""]):
            if index > 0 and word[:1].isupper() and not word.isupper():
                run.append(word)
                continue
            if len(run) >= 2:
                names.append(" ".join(run))
            run = []
    return names


_ITEM_LINE = re.compile(r"^\s*(?:[-+•–]|\(?\d{1,2}[.)]|[a-zđ]\))\s+")


def list_items(text: str) -> list[str]:
    """The items a passage lists: its marked lines ("- …", "+ …", "a) …", "(1) …"), else the clauses after a colon
    separated by ";" — each without its marker."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    marked = [_ITEM_LINE.sub("", line).strip() for line in lines if _ITEM_LINE.match(line)]
    if len(marked) >= 2:
        return marked
    head, colon, rest = text.partition(":")
    clauses = [c.strip(" .") for c in rest.split(";") if len(c.strip()) > 3] if colon else []
    return clauses if len(clauses) >= 3 else []


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.split("\n"):
        pieces.extend(p.strip() for p in _SENTENCE.split(line) if p.strip())
    return pieces


@dataclass
class _Scored:
    sentence: str
    hit: Hit
    rank: int
    coverage: float
    score: float


class Answerer:
    def __init__(self, retriever: Retriever, settings: Settings | None = None, k: int = 8, gate=None):
        """`gate` (an AnswerabilityGate) decides whether a proposed answer is given; without one every proposal is."""
        self.retriever = retriever
        self.settings = settings
        self.k = k
        self.gate = gate

    # ---- follow-ups -------------------------------------------------------------------------------
    @staticmethod
    def rewrite(question: str, history: list[dict] | None) -> str | None:
        """What the turn was understood as, when it differs from what was typed (a resolved follow-up)."""
        return parse_turns(question, history).rewritten

    # ---- main entry -------------------------------------------------------------------------------
    def ask(
        self, question: str, history: list[dict] | None = None, doc_ids: list[str] | None = None, gated: bool = True
    ) -> Answer:
        """The answer to one turn; `gated=False` returns what the routes propose, before the answerability gate."""
        parsed = parse_turns(question, history)
        query = parsed.text
        folded = fold(query)
        hits = self.retriever.search(query, k=self.k, doc_ids=doc_ids)
        if parsed.followup and "document" in parsed.intents:
            answer = self._which_document(query, hits)
        elif (owned := self._from_registry(query, history, doc_ids)) is not None:
            answer = owned
            answer.closest = hits[:5]
        elif _OWNERSHIP.search(folded):
            answer = self._ownership(query, folded, hits, doc_ids) or self._passages(query, hits)
        else:
            answer = self._passages(query, hits)
        if gated and not answer.abstained and self.gate is not None:
            allowed, _ = self.gate.allows(parsed, answer, self.retriever)
            if not allowed:
                answer = self._abstain(hits)
        answer.rewritten = parsed.rewritten
        return answer

    def propose(self, question: str, history: list[dict] | None = None) -> tuple[Question, Answer]:
        """The answer the routes propose before the gate, with the parsed question: what the gate is trained on."""
        return parse_turns(question, history), self.ask(question, history, gated=False)

    def stream(self, question: str, history: list[dict] | None = None, doc_ids: list[str] | None = None) -> Iterator[tuple[str, dict]]:
        """Server-sent-event pieces: the answer word by word, then the whole response."""
        result = self.ask(question, history, doc_ids)
        words = result.answer.split(" ")
        for index in range(0, len(words), 4):
            yield "token", {"text": " ".join(words[index : index + 4]) + " "}
        yield "done", result.to_dict()

    # ---- routes -----------------------------------------------------------------------------------
    def _coverage(self, wanted: set[str], text: str) -> float:
        if not wanted:
            return 0.0
        have = set(folded_tokens(text))
        total = sum(self.retriever.idf(t) for t in wanted)
        return sum(self.retriever.idf(t) for t in wanted if t in have) / total if total else 0.0

    def _score_sentences(self, query: str, hits: list[Hit]) -> list[_Scored]:
        wanted = self.retriever.wanted_tokens(query)
        asked_place = place_of(query)
        scored: list[_Scored] = []
        for rank, hit in enumerate(hits):
            sentences = [hit.chunk.text] if hit.chunk.kind == "table_row" else split_sentences(hit.chunk.text)
            for sentence in sentences:
                if len(sentence) < 12:
                    continue
                # The heading right above a passage labels it ("I. NHẤT TRÍ CHỦ ĐỀ ĐẠI HỘI ... LÀ:"); those further up
                # are the chapter, shared by hundreds of sentences.
                leaf = leaf_heading(hit.chunk)
                context = f"{leaf} {sentence}"
                coverage = (1 - HEADING_SHARE) * self._coverage(wanted, sentence) + HEADING_SHARE * self._coverage(wanted, context)
                if _INTRODUCES.search(fold(leaf)):
                    # "CHỦ ĐỀ ĐẠI HỘI ... LÀ:" is the first half of the sentence under it.
                    coverage = max(coverage, self._coverage(wanted, context))
                if _is_title(sentence):
                    coverage *= TITLE_FACTOR  # "Phụ lục 4 KỊCH BẢN TĂNG TRƯỞNG ..." names a table, it answers nothing
                score = coverage + RANK_WEIGHT / (rank + 1)
                if about_other_place(hit.chunk, asked_place, sentence):
                    score -= OTHER_PLACE_PENALTY
                scored.append(_Scored(sentence, hit, rank, coverage, score))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _abstain(self, hits: list[Hit]) -> Answer:
        text = (
            f"{ABSTAIN_TEXT} Bạn có thể diễn đạt lại câu hỏi (nêu rõ lĩnh vực, chỉ tiêu hoặc văn kiện); "
            "dưới đây là các đoạn gần nhất tìm được."
        )
        return Answer(answer=text, citations=[], abstained=True, closest=hits[:5])

    def _passages(self, query: str, hits: list[Hit]) -> Answer:
        if not hits:
            return self._abstain(hits)
        scored = self._score_sentences(query, hits)
        counting: list[_Scored] = []
        if scored and (counted := counted_term(query)):
            # "bao nhiêu lượt", "mấy làn xe": a passage that names what is counted answers; the others cannot.
            # Best: the sentence itself gives the count ("445 đại biểu"); next: its passage names the thing counted.
            close = [s for s in scored if s.coverage >= scored[0].coverage - 0.25]
            counting = [s for s in close if _counts(counted, query, s.sentence) or _row_counts(counted, s.hit.chunk)]
            naming = [s for s in close if s not in counting and _names_counted(counted, query, s.hit.chunk)]
            scored = counting + naming + [s for s in scored if s not in counting and s not in naming]
        quantity_asked = asks_quantity(query)
        if scored and quantity_asked and not counting:
            # "… là bao nhiêu?": a nearly as good sentence that states a figure answers before one that states none.
            stating = [s for s in scored if s.coverage >= scored[0].coverage - 0.25 and self._states_figure(s)]
            scored = stating + [s for s in scored if s not in stating]
        if scored and _ASKS_PERSON.search(fold(query)):
            # "Ai là Tổng Bí thư ...": a sentence that names someone answers; one that names no one cannot.
            naming = [s for s in scored if s.coverage >= scored[0].coverage - 0.25 and _names_office_holder(query, s.sentence)]
            scored = naming + [s for s in scored if s not in naming]
        if not scored:
            return self._abstain(hits)
        # The preferences below reorder only sentences as good as the best one on what is counted.
        tier = set(map(id, counting)) if counting and scored[0] in counting else set(map(id, scored))
        mentioned = self.retriever.index.mentioned_docs(query)
        if mentioned:
            # "theo Báo cáo chính trị": the document the user names answers, whatever its authority; and it is
            # that document's passage which must hold what the question asks.
            cited = self.retriever.index.cited_sources(query)
            named = [
                s for s in scored
                if id(s) in tier
                and s.hit.chunk.doc_id in mentioned
                and s.coverage >= scored[0].coverage - (CITED_SOURCE_MARGIN if s.hit.chunk.doc_id in cited else NAMED_MARGIN)
            ]
            if named:
                scored = named + [s for s in scored if s not in named]
        doubts = self._doubts(query, scored[0], hits)
        listed = self._enumerated_items(query, hits, scored[0].coverage) or self._listed_in_passage(query, scored[0])
        if listed is not None:
            listed.doubts = doubts
            return listed
        # "Học phí trường Đại học Hàng hải … là bao nhiêu?" answered by a sentence that states no figure at all.
        doubts["no_figure_for_quantity"] = float(quantity_asked and not self._states_figure(scored[0]))
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
        best = scored[0]
        asks_figure = bool(_ASKS_FIGURE.search(fold(query)))
        authority = self.retriever.index.authority
        if asks_figure and not mentioned:
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
        if asks_figure and asked_years and not self._speaks_of(best, asked_years, periods_asked):
            # A figure for other years is no answer to "năm 2031" (nor to "Kim ngạch xuất khẩu 2025?", which asks
            # for one without saying "bao nhiêu"): a sentence nearly as good that speaks of the years asked takes
            # its place, and with none the corpus does not state the figure.
            fitting = [
                s for s in scored
                if s.coverage >= best.coverage - YEAR_FALLBACK_MARGIN
                and figures(s.sentence)
                and self._speaks_of(s, asked_years, periods_asked)
                and not about_other_place(s.hit.chunk, asked_place, s.sentence)
            ]
            if not fitting:
                return self._abstain(hits)
            # What it covers, not where it was retrieved; among nearly as good sentences on the same target (the
            # rarest words the question and it share), the highest authority leads.
            best = max(fitting, key=lambda s: (s.coverage, s.score))
            _, telling = self._target_words(query, best)
            same_target = [
                s for s in fitting
                if s.coverage >= best.coverage - 0.05 and set(telling) <= content_tokens(s.sentence)
            ]
            best = max(same_target or [best], key=lambda s: (authority.get(s.hit.chunk.doc_id, 0), s.coverage, s.score))
        # Checked again: the preferences above may have chosen another target sentence.
        doubts["narrower_target"] = float(bool(_narrower_target(query, best.hit.chunk, best.sentence)))
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
            if asks_figure and asked_years and not self._speaks_of(candidate, asked_years, periods_asked):
                continue  # "giai đoạn 2021-2025" is not answered by the 2026-2030 target
            if best.hit.chunk.kind == "table_row" == candidate.hit.chunk.kind and _row_label(best.hit.chunk) != _row_label(
                candidate.hit.chunk
            ):
                continue  # a row with another label is another target
            if any(c.hit.chunk.chunk_id == candidate.hit.chunk.chunk_id for c in chosen) and len(chosen) >= 2:
                continue
            chosen.append(candidate)
            if not asks_figure:
                break
        citations: list[Citation] = []
        parts: list[str] = []
        asks_list = bool(_ASKS_LIST.search(fold(query)))
        for item in chosen:
            if any(item.sentence in earlier for earlier in parts):
                continue  # already quoted with the sentences it followed (a list, a quotation split at ";")
            quote = _with_following(item) if asks_list or item.sentence.rstrip().endswith(":") else item.sentence
            n = self._cite(citations, item.hit, quote)
            stated = row_figures_text(item.hit.chunk, asked_years) if asks_figure else None
            parts.append(f"{stated or quote} [{n}]")
        lead_doc = best.hit.chunk.doc_id
        answer = f"Theo {self._title(lead_doc)}: " + " ".join(parts)
        if asks_figure:
            other = self._differing_figure(query, best, scored, asked_place or place_of(best.sentence))
            if other is not None:
                n = self._cite(citations, other.hit, other.sentence)
                other_doc = other.hit.chunk.doc_id
                higher = other_doc if authority.get(other_doc, 0) > authority.get(lead_doc, 0) else lead_doc
                answer += (
                    f"\n\nLưu ý: {self._title(other_doc)} nêu con số khác: {other.sentence} [{n}]. "
                    f"Văn kiện có thẩm quyền cao hơn là {self._title(higher)}."
                )
        return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5], doubts=doubts)

    @staticmethod
    def _states_figure(item: "_Scored") -> bool:
        return bool(figures(item.sentence) or (item.hit.chunk.cells and figures(item.hit.chunk.text)))

    @staticmethod
    def _speaks_of(item: "_Scored", asked_years: set[str], asked_period: tuple[str, str] | None = None) -> bool:
        """A sentence's own years say what it is about ("năm 2030" under "NHIỆM KỲ 2025 - 2030" is not about
        2025); its headings' years only when it states none. A period asked is that period: "2021 - 2030" overlaps
        "2026 - 2030" but is another one."""
        own = spanned_years(item.sentence, set())
        stated_periods = periods(item.sentence) or (set() if own else periods(leaf_heading(item.hit.chunk)))
        if asked_period and stated_periods and asked_period not in stated_periods:
            return False
        return bool(asked_years & (own or spanned_years(item.hit.chunk.section, asked_years)))

    def _enumerated_items(self, query: str, hits: list[Hit], best_coverage: float) -> Answer | None:
        """ "Ba hướng đột phá ... là gì?": when a list's items each sit in their own passage, under a heading that says
        what the question asks, the answer is the items in order, not the one sentence that summarises them."""
        # "Có bao nhiêu đột phá chiến lược?" counts the list: the same items, with how many there are.
        counts = asks_quantity(query)
        if not (_ASKS_LIST.search(fold(query)) or counts):
            return None
        wanted = self.retriever.wanted_tokens(query)
        index = self.retriever.index
        for hit in hits[:3]:
            chunk = hit.chunk
            if chunk.kind != "paragraph" or not _ITEM_START.match(chunk.text):
                continue
            leaf = leaf_heading(chunk)
            heading_coverage = self._coverage(wanted, leaf)
            if heading_coverage < max(LIST_HEADING_COVERAGE, best_coverage - 0.1):
                continue
            items = [
                (c, text)
                for c in index.chunks
                if c.doc_id == chunk.doc_id and c.section == chunk.section and c.kind == "paragraph" and _ITEM_START.match(c.text)
                # a passage may hold more than one item: "(1) ...\n(2) ..." when the items are short
                for text in _ITEM_SPLIT.split(c.text)
                if _ITEM_START.match(text)
            ]
            if len(items) < 2:
                continue
            wanted_item = _ordinal(query)
            if wanted_item is not None and wanted_item > len(items):
                continue
            chosen = [items[wanted_item - 1]] if wanted_item else items[:MAX_LISTED_ITEMS]
            citations: list[Citation] = []
            parts = []
            for item, text in chosen:
                head = split_sentences(text)[0]
                quote = head if len(head) <= 300 else head[:300].rsplit(" ", 1)[0] + "…"
                n = self._cite(citations, Hit(item, 0.0), quote)
                parts.append(f"- {quote} [{n}]")
            lead = f"Theo {self._title(chunk.doc_id)} (mục “{leaf}”"
            if wanted_item:
                lead += f", {len(items)} mục), mục thứ {wanted_item}:"
            else:
                lead += f", {len(items)} mục):" if counts else "):"
            answer = lead + "\n" + "\n".join(parts)
            return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5])
        return None

    def _listed_in_passage(self, query: str, best: "_Scored") -> Answer | None:
        """ "Nêu các nguyên tắc …": a list asked and the best passage holds one, item per line ("- …", "a) …") or
        clause (": …; …; …"): its items in order, numbered, each cited."""
        if "list" not in parse(query).intents:
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
            quote = item if len(item) <= 300 else item[:300].rsplit(" ", 1)[0] + "…"
            lines.append(f"{number}. {quote} [{self._cite(citations, best.hit, quote)}]")
        lead = f"Theo {self._title(chunk.doc_id)} (mục “{leaf_heading(chunk)}”), {len(items)} nội dung:"
        return Answer(answer=lead + "\n" + "\n".join(lines), citations=citations, abstained=False, route="list")

    def _doubts(self, query: str, best: "_Scored", hits: list[Hit]) -> dict[str, float]:
        """What speaks against the best sentence answering: too little of the question covered, a place or body the
        question names that it never mentions, a unit it does not state, a narrower target, words no passage uses."""
        # A passage is also "about" its own document: "Kế hoạch ... của Ban Thường vụ Thành ủy" in the question is
        # satisfied by any passage of that plan.
        info = self.retriever.index.documents.get(best.hit.chunk.doc_id, {}).get("info", {})
        passage = f"{info.get('title', '')} {info.get('issuer', '')} {best.hit.chunk.section} {best.hit.chunk.text}"
        unknown = self._unknown_words(query)
        return {
            "coverage": best.coverage,
            "dense_similarity": max((h.dense_similarity or 0.0) for h in hits),
            "names_missing": float(self._names_missing(query, passage)),
            "counted_missing": float(_counted_missing(query, best.hit.chunk)),
            "office_holder_missing": float(bool(_ASKS_PERSON.search(fold(query))) and not _names_office_holder(query, best.sentence)),
            "narrower_target": float(bool(_narrower_target(query, best.hit.chunk, best.sentence))),
            "unknown_words": float(sum(not w.isupper() for w in unknown)),
            "unknown_acronyms": float(sum(w.isupper() for w in unknown)),
        }

    def _unknown_words(self, query: str) -> list[str]:
        """Ordinary words of the question that no passage of the corpus ever uses (abbreviations aside). A question
        typed with accents is read with them: "tiêm chủng" is not "tiềm" anything, though both fold to "tiem"."""
        lexical = self.retriever.index.lexical
        postings = lexical.folded.postings
        accented = not looks_accentless(query)
        unknown = []
        for word in re.findall(r"\w+", canonical_units(query)):
            if len(word) < 2 or any(ch.isdigit() for ch in word):
                continue
            if word.isupper():
                # An acronym the corpus never uses and that is no known abbreviation (CPI, TEU) is a topic it lacks.
                if word.lower() not in postings and fold(word) not in postings and word not in ABBREVIATIONS:
                    unknown.append(word)
                continue
            if len(word) < 3:
                continue
            folded = fold(word)
            if folded in QUESTION_WORDS or word.lower() in _REQUEST_WORDS:
                continue
            if folded not in postings or (accented and not all(t in lexical.accented.postings for t in lexical_tokens(word))):
                unknown.append(word)
        return unknown

    @staticmethod
    def _names_missing(query: str, passage: str) -> bool:
        """A place or body named in the question (Đà Nẵng, Quảng Ninh) that the best passage never mentions."""
        folded_passage = " ".join(re.findall(r"\w+", fold(passage)))
        for name in proper_names(query):
            folded_name = fold(name)
            if folded_name in _GENERIC_NAMES or any(g in folded_name for g in _GENERIC_NAMES):
                continue
            if folded_name not in folded_passage:
                return True
        return False

    def _differing_figure(self, query: str, best: _Scored, scored: list[_Scored], place: str | None = None) -> _Scored | None:
        """A sentence of another document on the same target, for the same years and locality, stating other figures.

        The best sentence itself is searched for, so that the other documents' version of the target is found
        even when the question's wording favoured one document. The target is what the question and the best
        sentence share ("tỷ lệ tham gia bảo hiểm y tế"), and its rarest syllables must be in the other sentence:
        "bảo hiểm xã hội đạt 70%" is another target, not another figure for this one."""
        topic, telling = self._target_words(query, best)
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
                if asked_years and not self._speaks_of(_Scored(sentence, hit, 0, 0.0, 0.0), asked_years, period_asked(query)):
                    continue  # the plan's 2030 target is no other figure for "năm 2025"
                shared = sum(self.retriever.idf(t) for t in topic & words)
                if shared / weight >= 0.5:
                    return _Scored(sentence, hit, 0, shared / weight, 0.0)
        return None

    def _target_words(self, query: str, item: _Scored) -> tuple[set[str], list[str]]:
        """What a figure sentence (or a row's label) and the question share, and the rarest of it: the words
        that tell this target from its neighbours ("y tế" in "bảo hiểm y tế", not "bảo hiểm xã hội")."""
        chunk = item.hit.chunk
        label = _row_label(chunk) if chunk.kind == "table_row" and chunk.cells else item.sentence
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
            return figure_list(" ".join(_figure_cells(chunk.cells)))
        for clause in _CLAUSE.split(sentence):
            words = content_tokens(clause)
            if all(t in words for t in telling):
                return figure_list(clause)
        return figure_list(sentence)

    def _which_document(self, query: str, hits: list[Hit]) -> Answer:
        answer = self._passages(query, hits)
        if answer.abstained or not answer.citations:
            return answer
        first = answer.citations[0]
        lead = (
            f"Nội dung này nằm trong {first.doc_title}, mục “{first.section or 'phần đầu văn bản'}” [1]."
        )
        answer.answer = lead + "\n\n" + answer.answer
        answer.route = "document"
        return answer

    def _from_registry(self, query: str, history: list[dict] | None, doc_ids: list[str] | None) -> Answer | None:
        """Who leads / supports / by when, read from the registry; None lets the passage routes answer."""
        from assistant.ownership import answer_ownership
        from ingest.registry import Registry

        index = self.retriever.index
        if not index.registry_path.exists():
            return None
        previous = [t["content"] for t in (history or []) if t.get("role") == "user" and t.get("content")]
        registry = Registry(index.registry_path)
        try:
            answer = answer_ownership(query, registry, index, previous[-1] if previous else None)
        finally:
            registry.close()
        if answer is not None and doc_ids and any(c.doc_id not in doc_ids for c in answer.citations):
            return None
        return answer

    def _ownership(self, query: str, folded_question: str, hits: list[Hit], doc_ids: list[str] | None) -> Answer | None:
        """Read lead / supporting agencies and deadline from the best matching task row."""
        rows = [h for h in hits if h.chunk.kind == "table_row" and h.chunk.cells and any("chủ trì" in k.lower() for k in h.chunk.cells)]
        if not rows:
            more = self.retriever.search(query, k=25, doc_ids=doc_ids)
            rows = [h for h in more if h.chunk.kind == "table_row" and h.chunk.cells and any("chủ trì" in k.lower() for k in h.chunk.cells)]
        if not rows:
            return None
        wanted = self.retriever.wanted_tokens(query)
        best = max(rows[:6], key=lambda h: self._coverage(wanted, f"{h.chunk.section} {h.chunk.text}") + 0.1 / (rows.index(h) + 1))
        if self._coverage(wanted, f"{best.chunk.section} {best.chunk.text}") < 0.35:
            return None
        cells = best.chunk.cells or {}

        def cell(*needles: str) -> str:
            for key, value in cells.items():
                if any(n in key.lower() for n in needles):
                    return value
            return ""

        task = cell("nhiệm vụ", "tên dự án", "tên chỉ tiêu", "nội dung")
        lead = cell("chủ trì")
        support = cell("phối hợp")
        deadline = cell("thời gian")
        output = cell("kết quả", "sản phẩm")
        citations: list[Citation] = []
        n = self._cite(citations, best, best.chunk.text)
        fields = [f"**{lead or '(không ghi trong bảng)'}** chủ trì"]
        fields += [f"phối hợp: {support}"] if support else []
        fields += [f"thời hạn: {deadline}"] if deadline else []
        fields += [f"sản phẩm: {output}"] if output and _ASKS_OUTPUT.search(folded_question) else []
        answer = (
            "; ".join(fields) + f" [{n}].\nNhiệm vụ: “{task or best.chunk.text[:200]}” — "
            f"{self._title(best.chunk.doc_id)}, {leaf_heading(best.chunk)}."
        )
        return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5], route="registry")

    # ---- helpers ----------------------------------------------------------------------------------
    def _title(self, doc_id: str) -> str:
        info = self.retriever.index.documents.get(doc_id, {}).get("info", {})
        return info.get("short_title") or info.get("title") or doc_id

    @staticmethod
    def _cite(citations: list[Citation], hit: Hit, quote: str) -> int:
        for citation in citations:
            if citation.chunk_id == hit.chunk.chunk_id and citation.quote == quote:
                return citation.n
        n = len(citations) + 1
        c = hit.chunk
        citations.append(Citation(n=n, chunk_id=c.chunk_id, doc_id=c.doc_id, doc_title=c.doc_title, section=c.section, quote=quote))
        return n
