"""What a question asks, read from its words. Shared by the answer routes and the registry answers, so that
neither has to import the other."""

from __future__ import annotations

import re

from ingest.lexicon import PhraseSet
from ingest.normalize import STOPWORDS, canonical_units, fold, long_form, looks_accentless, normalize


def folded_phrases(*phrases: str) -> re.Pattern:
    """Whole-word phrases to find in folded text ("chu tri" in "ai chu tri?"), built by the lexicon's phrase sets."""
    return PhraseSet.of(list(phrases)).folded


def says(text: str, accented: re.Pattern, accentless: re.Pattern) -> bool:
    """Whether a question uses one of some words, read on its accents when it has any: folding makes "Đồ Sơn" and
    "đó", "nhà máy" and "mấy", "căn" and "cần" the same word."""
    if looks_accentless(text):
        return bool(accentless.search(fold(text)))
    return bool(accented.search(normalize(text).lower()))


_POINTERS = PhraseSet.of(["này", "đó", "trên", "ấy", "kia"])


def refers_back(question: str) -> bool:
    """"nhiệm vụ đó", "chỉ tiêu này": the question points at an earlier turn."""
    return _POINTERS.search(question) is not None


# "bao nhiêu", "mấy": the answer is a quantity (not "mức nào", which a level like "toàn dân" may answer). Typed
# without accents, "may" after "nhà" is a plant.
_ASKS_QUANTITY = PhraseSet.of(["bao nhiêu", "mấy"]).accented
_ASKS_QUANTITY_ACCENTLESS = re.compile(r"\b(?:bao nhieu|(?<!nha )may)\b")


def asks_quantity(question: str) -> bool:
    """ "bao nhiêu", "mấy": on accented text "mấy" is not "máy", and typed without accents "nha may" is a plant."""
    return says(question, _ASKS_QUANTITY, _ASKS_QUANTITY_ACCENTLESS)


# On folded text: the question asks for a list's content, for a figure.
ASKS_LIST = re.compile(r"\b(la gi|gom|bao gom|nhung gi|the nao|ra sao|tieu chi|noi dung|nhung .{1,40} nao|may .{1,30} nao)\b")
ASKS_FIGURE = folded_phrases("bao nhieu", "muc nao", "may", "ty le", "chi tieu", "dat muc", "con so")

_ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_ORDINAL_ACCENTED = re.compile(r"(?<!\w)(?:thứ (" + "|".join(_ORDINALS) + r"|\d{1,2})|(đầu tiên))(?!\w)")
# Typed without accents "thu tu" is as likely "thứ tự" (order) as "thứ tư": four is left to the accented form.
_ORDINALS_FOLDED = {fold(word): n for word, n in _ORDINALS.items() if word != "tư"}
_ORDINAL_FOLDED = re.compile(r"\b(?:thu (" + "|".join(_ORDINALS_FOLDED) + r"|\d{1,2})|(dau tien))\b")


def ordinal(question: str) -> int | None:
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


_COUNTED = re.compile(r"\b(?:bao nhiêu|mấy)\s+(%|[^\W\d]+(?:\s+[^\W\d]+)?)", re.IGNORECASE)
# Words after "bao nhiêu" that do not name what is counted ("bao nhiêu mỗi năm", "bao nhiêu so với").
_NOT_COUNTED = set(
    "mỗi hằng so với trong của là và thì được có đến vào khi nào nữa một gì không đạt phải cần sẽ đã".split()
) | set(STOPWORDS)
_NOT_COUNTED_FOLDED = {fold(w) for w in _NOT_COUNTED}
SCALE_WORDS = {"trieu", "ty", "ti", "nghin", "ngan"}


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
        if fold(word) not in SCALE_WORDS:
            # One word names the thing ("vốn", "căn", "đại biểu" by its first syllable); "tỷ" needs its unit.
            break
    return " ".join(words).lower() or None


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


def asks_person(query: str) -> bool:
    """"Ai là Tổng Bí thư …", "Chủ tịch UBND … là ai": a person in an office is asked."""
    return bool(_ASKS_PERSON.search(fold(query)))


def _long_folded(text: str) -> str:
    """Folded words with each abbreviation in its long form, so "Chủ tịch UBND" reads as "chu tich uy ban nhan dan"."""
    return " ".join(fold(long_form(word) or word) for word in re.findall(r"\w+", text))


def names_office_holder(query: str, sentence: str) -> bool:
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
