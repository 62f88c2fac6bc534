"""Vietnamese text normalisation and tokenisation, applied IDENTICALLY to chunks at index time and to queries.

The corpus mixes spellings of the same word ("Thành uỷ"/"Thành ủy", "hoá"/"hóa", "tỉ lệ"/"tỷ lệ", "Ðảng"/"Đảng",
a few NFD characters), uses many abbreviations ("UBND", "ĐTXD", "BQLDA") and users type queries without accents.
Everything that decides whether a query term matches a chunk term lives here, so both sides cannot drift apart.

Number tokens (decision): Vietnamese writes "." for thousands and "," for decimals, users often write either.
A number becomes ONE canonical token:
- thousands grouping ("245.500", "245,500", "1.000.000") -> digits only: "245500", "1000000";
  so "2,500" is read as 2500, not 2.5 (rare in this corpus, which writes "2,5");
- one decimal separator ("2,4", "2.4", "7,06") -> "2,4", "7,06" (trailing decimal zeros dropped: "2,40" -> "2,4");
- both separators ("543.600,86", "543,600.86") -> "543600,86";
- anything else with separators ("1.1.3" section numbers) -> kept with "." ("1.1.3");
- plain integers lose leading zeros ("05" -> "5", "01/8/2022" -> "1", "8", "2022") so dates and document numbers
  match however they are padded. "%" is dropped ("14%" -> "14").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ABBREVIATIONS",
    "STOPWORDS",
    "canonical_number",
    "canonical_units",
    "expand_abbreviations",
    "fold",
    "fold_tokens",
    "folded_tokens",
    "lexical_tokens",
    "looks_accentless",
    "normalize",
]

# --- character-level cleanup -------------------------------------------------------------------------------------

_ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _char_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x20):
        if chr(code) not in "\t\n":
            table[code] = " "
    for code in range(0x7F, 0xA0):
        table[code] = " "
    for code in range(0xD800, 0xE000):  # lone surrogates from broken decoding
        table[code] = " "
    table.update({ord(c): None for c in _ZERO_WIDTH})
    table.update({ord(c): " " for c in _SPACES})
    table.update({ord(c): "\n" for c in _LINE_BREAKS})
    table[ord("\r")] = "\n"
    table.update({ord(c): '"' for c in "“”„‟«»〝〞＂"})
    table.update({ord(c): "'" for c in "‘’‚‛′`"})
    table.update({ord(c): "-" for c in "‐‑‒–—―−﹘﹣－"})
    table[ord("…")] = "..."
    table[0x00D0] = "Đ"  # Latin capital ETH, visually identical to Đ in "Ðảng"
    table[0x00F0] = "đ"
    table[0x0189] = "Đ"  # African D
    return table


_CHAR_TABLE = _char_table()

# --- tone placement: "hoà" -> "hòa", "uỷ" -> "ủy", "khoẻ" -> "khỏe" ------------------------------------------------
# Target is the placement most common in this corpus (hóa 416x vs hoá 126x, ủy 396x vs uỷ 53x): in an OPEN syllable
# ending in oa/oe/uy the tone sits on o/u. Syllables with a final consonant (hoàng, toàn, khuyến) and "qu" syllables
# (quý, quỳnh, quỹ, where u is part of the onset) are already written the same way in both styles and stay untouched.

_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


def _tone_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for first, seconds in (("o", "ae"), ("u", "y")):
        for second in seconds:
            for mark in _TONE_MARKS:
                for f in (first, first.upper()):
                    for s in (second, second.upper()):
                        old = f + unicodedata.normalize("NFC", s + mark)
                        mapping[old] = unicodedata.normalize("NFC", f + mark) + s
    return mapping


_TONE_MAP = _tone_map()
_LETTER_AFTER = r"(?![^\W\d_])"
_TONE_RE = re.compile(r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])" + _LETTER_AFTER)


def _retone(match: re.Match[str]) -> str:
    start = match.start()
    if start and match.string[start - 1] in "qQ":  # "quý", "quỳnh": u belongs to the onset "qu"
        return match.group()
    return _TONE_MAP[match.group()]


# --- i/y spelling variants of whole words ("tỉ lệ" -> "tỷ lệ"), never inside longer words ("tỉnh") ------------------

_IY_WORDS = {"tỉ": "tỷ", "kĩ": "kỹ", "lí": "lý", "mĩ": "mỹ", "kí": "ký", "quí": "quý", "sỹ": "sĩ"}
_IY_MAP = {}
for _old, _new in _IY_WORDS.items():
    _IY_MAP[_old] = _new
    _IY_MAP[_old.capitalize()] = _new.capitalize()
    _IY_MAP[_old.upper()] = _new.upper()
_IY_RE = re.compile(
    r"\b(?:" + "|".join(sorted(_IY_MAP, key=len, reverse=True)) + r")\b"
    + r"(?!\s+(?:mỉ|tê)\b)",  # "tỉ mỉ", "tỉ tê" are different words
)

_MULTI_SPACE_RE = re.compile(r" {2,}")
_TAB_RUN_RE = re.compile(r" *\t[ \t]*")
_NEWLINE_RUN_RE = re.compile(r"[ \t]*\n[ \t]*")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")


def normalize(text: str) -> str:
    """Canonical display-safe form: NFC, one tone placement, one spelling of i/y words, plain quotes and dashes.

    Case and layout survive (a tab stays a cell break, a blank line a paragraph break), runs of spaces collapse.
    """
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    text = unicodedata.normalize("NFC", text.translate(_CHAR_TABLE))
    text = _TONE_RE.sub(_retone, text)
    text = _IY_RE.sub(lambda m: _IY_MAP[m.group()], text)
    if "  " in text:
        text = _MULTI_SPACE_RE.sub(" ", text)
    if "\t" in text:
        text = _TAB_RUN_RE.sub("\t", text)
    if "\n" in text:
        text = _NEWLINE_RUN_RE.sub("\n", text)
        text = _MANY_NEWLINES_RE.sub("\n\n", text)
    return text.strip()


# --- folding: "Cơ quan chủ trì" -> "co quan chu tri" ------------------------------------------------------------


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base.lower()
    for code in range(0x300, 0x370):
        table[code] = None
    table.update({ord("đ"): "d", ord("Đ"): "d"})
    return table


_FOLD_TABLE = _fold_table()


def _fold_lower(lowered: str) -> str:
    return lowered.translate(_FOLD_TABLE)


def fold(text: str) -> str:
    """Lowercase, accentless form ("đ" -> "d"): what users type when they skip diacritics."""
    return _fold_lower(normalize(text).lower())


# --- syllable shape, used to tell Vietnamese words from abbreviations and English ---------------------------------

_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?",
)


def _is_syllable(folded_word: str) -> bool:
    return _SYLLABLE_RE.fullmatch(folded_word) is not None


# --- abbreviations ----------------------------------------------------------------------------------------------

ABBREVIATIONS: dict[str, str] = {
    # administration and Party bodies
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "UBKT": "Ủy ban Kiểm tra",
    "BTV": "Ban Thường vụ",
    "BTVTU": "Ban Thường vụ Thành ủy",
    "BCH": "Ban Chấp hành",
    "BCĐ": "Ban Chỉ đạo",
    "TU": "Thành ủy",
    "VPTU": "Văn phòng Thành ủy",
    "TW": "Trung ương",
    "ĐU": "Đảng ủy",
    "BQL": "Ban Quản lý",
    "BQLDA": "Ban Quản lý dự án",
    "QLDA": "quản lý dự án",
    "TP": "thành phố",
    "HP": "Hải Phòng",
    "TPHP": "thành phố Hải Phòng",
    "ĐVHC": "đơn vị hành chính",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "CHQS": "Chỉ huy quân sự",
    "LLVT": "lực lượng vũ trang",
    "DQTV": "dân quân tự vệ",
    "KVPT": "khu vực phòng thủ",
    # documents
    "NQ": "Nghị quyết",
    "ĐH": "Đại hội",
    "KH": "Kế hoạch",
    "BCCT": "Báo cáo chính trị",
    "KL": "Kết luận",
    "CTr": "Chương trình",
    "CTHĐ": "Chương trình hành động",
    "QPPL": "quy phạm pháp luật",
    "TTHC": "thủ tục hành chính",
    # policy themes
    "CNXH": "chủ nghĩa xã hội",
    "XHCN": "xã hội chủ nghĩa",
    "KT-XH": "kinh tế - xã hội",
    "QP-AN": "quốc phòng - an ninh",
    "CT-XH": "chính trị - xã hội",
    "KH&CN": "khoa học và công nghệ",
    "KHCN": "khoa học và công nghệ",
    "ĐMST": "đổi mới sáng tạo",
    "CĐS": "chuyển đổi số",
    "R&D": "nghiên cứu và phát triển",
    "AI": "trí tuệ nhân tạo",
    "CNTT": "công nghệ thông tin",
    "CSDL": "cơ sở dữ liệu",
    "NTM": "nông thôn mới",
    "MTQG": "mục tiêu quốc gia",
    "OCOP": "Mỗi xã một sản phẩm",
    # economy, investment, finance
    "ĐTXD": "đầu tư xây dựng",
    "KKT": "Khu kinh tế",
    "KCN": "Khu công nghiệp",
    "CCN": "Cụm công nghiệp",
    "NOXH": "nhà ở xã hội",
    "FDI": "đầu tư trực tiếp nước ngoài",
    "DDI": "đầu tư trực tiếp trong nước",
    "ODA": "hỗ trợ phát triển chính thức",
    "PPP": "đối tác công tư",
    "FTA": "hiệp định thương mại tự do",
    "GRDP": "tổng sản phẩm trên địa bàn",
    "GDP": "tổng sản phẩm trong nước",
    "NSNN": "ngân sách nhà nước",
    "NSĐP": "ngân sách địa phương",
    "DN": "doanh nghiệp",
    "DNNN": "doanh nghiệp nhà nước",
    "HTX": "hợp tác xã",
    "TNHH": "trách nhiệm hữu hạn",
    "LNG": "khí thiên nhiên hóa lỏng",
    "IIP": "chỉ số sản xuất công nghiệp",
    "TOD": "phát triển đô thị theo định hướng giao thông công cộng",
    "QL": "quốc lộ",
    # indices and services
    "PCI": "năng lực cạnh tranh cấp tỉnh",
    "PAPI": "hiệu quả quản trị và hành chính công cấp tỉnh",
    "DTI": "chỉ số chuyển đổi số",
    "PII": "chỉ số đổi mới sáng tạo",
    "IOC": "trung tâm điều hành thông minh",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "THPT": "trung học phổ thông",
    "THCS": "trung học cơ sở",
}
"""Abbreviation -> long form, keyed by the spelling used in the corpus (upper case, with Đ).

Matching: the exact key always matches; its accentless spelling ("HDND", "DTXD") too; and keys that cannot be read
as a Vietnamese syllable also match in any case ("ubnd", "Tp", "bql"). Keys that ARE syllables ("TU", "AI") only
match in the listed case, so the word "tu" is never taken for "Thành ủy".
"""

# Document numbers such as "07-NQ/TU", "3258/KH-UBND", "226/2025/QH15": their letters name the issuer and the document
# type, not the subject, so abbreviations inside them are not expanded.
_DOC_CODE_RE = re.compile(
    r"\d+[a-zA-Z]?(?:/\d{4})?[-/][A-ZĐ][A-Za-zĐđ]*\d*(?:[-/][A-ZĐ][A-Za-zĐđ]*\d*)*",
)


def _abbreviation_lookups() -> tuple[dict[str, str], dict[str, str]]:
    """(exact spelling -> long form, folded lowercase spelling -> long form for keys matched in any case)."""
    exact: dict[str, str] = {}
    any_case: dict[str, str] = {}
    for key, long_form in ABBREVIATIONS.items():
        for spelling in (key, key.replace("Đ", "D")):
            exact[spelling] = long_form
            folded = _fold_lower(spelling.lower())
            if not _is_syllable(re.sub(r"[^a-z]", "", folded)):
                any_case[folded] = long_form
    return exact, any_case


_ABBR_EXACT, _ABBR_ANY_CASE = _abbreviation_lookups()


_LONG_FORM_ORDER = {long_form: i for i, long_form in enumerate(dict.fromkeys(ABBREVIATIONS.values()))}
_WORD_EDGE_PUNCTUATION = "()[]{}<>.,;:!?\"'*+=%$#…⁰¹²³⁴⁵⁶⁷⁸⁹"
_CODE_PART_SPLIT_RE = re.compile(r"[-/]")


def long_form(word: str) -> str | None:
    """The long form of an abbreviation, in any of the spellings users type ("UBND", "Ubnd", "HDND"), else None."""
    return _ABBR_EXACT.get(word) or _ABBR_ANY_CASE.get(_fold_lower(word.lower()))


# Spoken or spelled-out units that the documents always write as symbols: "héc-ta" is "ha", "phần trăm" is "%".
_UNIT_SPELLINGS_RE = re.compile(
    r"\b(?:héc[- ]?ta|hec[- ]?ta|hécta|hecta)\b|\bph[aầ]n tr[aă]m\b|\b(?:đô[- ]?la|do[- ]?la)(?: mỹ| my)?\b", re.IGNORECASE
)


def _unit_symbol(match: re.Match) -> str:
    found = match.group().lower()
    return "%" if found.startswith("ph") else "ha" if found.startswith("h") else "USD"


def canonical_units(text: str) -> str:
    """The documents' unit symbols for spelled-out units, so a question about "một héc-ta" meets "01 ha"."""
    return _UNIT_SPELLINGS_RE.sub(_unit_symbol, text)


def _expand_normalized(text: str) -> str:
    text = canonical_units(text)
    # Looks up each distinct whitespace-separated word (not every position): a 600 KB text has ~15k of them.
    scan = _DOC_CODE_RE.sub(" ", text) if "/" in text or "-" in text else text
    found: set[str] = set()
    for word in set(scan.split()):
        word = word.strip(_WORD_EDGE_PUNCTUATION)
        expanded = long_form(word)
        if expanded:
            found.add(expanded)
        elif "-" in word or "/" in word:
            found.update(filter(None, map(long_form, _CODE_PART_SPLIT_RE.split(word))))
    if not found:
        return text
    return text + "\n\n" + "; ".join(sorted(found, key=_LONG_FORM_ORDER.__getitem__))


def expand_abbreviations(text: str) -> str:
    """Normalised text with the long form of each abbreviation it uses appended once (after a paragraph break,
    so no bigram spans the seam): "UBND" then matches "ủy ban nhân dân" and vice versa, both forms stay."""
    return _expand_normalized(normalize(text))


# --- tokens -------------------------------------------------------------------------------------------------------

STOPWORDS: frozenset[str] = frozenset(
    "và của các có được là cho với trong những này đã để theo từ một về tại đến như thì mà cũng sẽ đang".split()
)
"""Very frequent function words. Not dropped by default: BM25's IDF already discounts them; pass
drop_stopwords=True to measure the difference on the eval set."""

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉ⁱⁿ"
_TOKEN_TABLE = {ord(c): "\t" for c in _SUPERSCRIPTS + "_"}  # footnote markers and "_" split tokens and bigrams
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
_NUMBER_SEPARATOR_RE = re.compile(r"[.,]")
_SEPARATED_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)+")


def canonical_number(number: str) -> str:
    """One spelling per number, so "245.500" == "245500" and "2,4" == "2.4" (rules in the module docstring)."""
    if number.isdigit():
        return number.lstrip("0") or "0"
    if not _SEPARATED_NUMBER_RE.fullmatch(number):  # "394b", "5g", "2025-2030": not one quantity
        return number
    parts = _NUMBER_SEPARATOR_RE.split(number)
    separators = _NUMBER_SEPARATOR_RE.findall(number)
    head, groups = parts[0], parts[1:]
    if len(head) <= 3 and all(len(g) == 3 for g in groups) and len(set(separators)) == 1 and len(groups) > 1:
        return (head + "".join(groups)).lstrip("0") or "0"
    if len(groups) == 1:
        if len(groups[0]) == 3 and len(head) <= 3 and head.strip("0"):
            return head + groups[0]
        return _decimal(head, groups[0])
    integer_groups, decimal = groups[:-1], groups[-1]
    if (
        len(set(separators[:-1])) == 1
        and separators[-1] != separators[0]
        and len(head) <= 3
        and all(len(g) == 3 for g in integer_groups)
    ):
        return _decimal(head + "".join(integer_groups), decimal)
    return ".".join(parts)


def _decimal(integer: str, fraction: str) -> str:
    integer = integer.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{integer},{fraction}" if fraction else integer


def _joins(gap: str) -> bool:
    """Whether two neighbouring tokens form a bigram: only spaces and at most one (PDF line-wrap) newline between."""
    return gap == " " or gap == "\n" or (gap.count("\n") <= 1 and not gap.strip(" \n"))


def _tokens(prepared: str, drop_stopwords: bool) -> list[str]:
    if "<" in prepared:
        prepared = _HTML_TAG_RE.sub("\t", prepared)
    prepared = prepared.translate(_TOKEN_TABLE)
    tokens = [canonical_number(t) if t[0].isdigit() else t for t in _TOKEN_RE.findall(prepared)]
    gaps = _TOKEN_RE.split(prepared)[1:-1]  # gaps[i] separates tokens[i] and tokens[i + 1]
    bigrams = [a + "_" + b for a, b, gap in zip(tokens, tokens[1:], gaps) if gap == " " or _joins(gap)]
    if drop_stopwords:
        tokens = [t for t in tokens if t not in STOPWORDS]
    return tokens + bigrams


def lexical_tokens(text: str, drop_stopwords: bool = False) -> list[str]:
    """Accented BM25 tokens: lowercase syllables and canonical numbers, then syllable bigrams ("cơ_quan")."""
    return _tokens(_expand_normalized(normalize(text)).lower(), drop_stopwords)


def folded_tokens(text: str, drop_stopwords: bool = False) -> list[str]:
    """lexical_tokens without diacritics, position for position, so "co quan chu tri" meets "cơ quan chủ trì".

    Folding the accented tokens (rather than tokenising folded text) keeps stopword decisions on the accented word:
    "đang" is a stopword, its folded form "dang" is also "Đảng".
    """
    return fold_tokens(lexical_tokens(text, drop_stopwords))


def fold_tokens(tokens: list[str]) -> list[str]:
    """Fold already computed lexical tokens: index both fields from one tokenisation pass."""
    if not tokens:
        return []
    return _fold_lower("\x00".join(tokens)).split("\x00")


_ASCII_WORD_RE = re.compile(r"[a-z]+")


def looks_accentless(text: str) -> bool:
    """True for a Vietnamese-looking query typed without any diacritic ("ke hoach thuc hien nghi quyet 30").

    Vietnamese-looking: at least half of its words have the shape of a Vietnamese syllable, so "GRDP 2025" or an
    English question is not taken for accentless Vietnamese.
    """
    lowered = normalize(text).lower()
    if _fold_lower(lowered) != lowered:
        return False
    words = _ASCII_WORD_RE.findall(lowered)
    if not words:
        return False
    syllables = sum(1 for w in words if _is_syllable(w))
    return syllables > 0 and syllables * 2 >= len(words)
