"""The question as each stage should see it: courtesy stripped, the dense text re-accented and expanded, lexical
tokens in both fields, the folded form computed once; and which of its words are topic rather than framing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexicon import lexicon
from ingest.normalize import (
    expand_abbreviations,
    fold,
    fold_tokens,
    folded_tokens,
    lexical_tokens,
    looks_accentless,
    normalize,
)

# Words that say what kind of answer is wanted, not what it is about: they must not count as evidence.
_FRAMING_WORDS = (
    "bao nhiêu gì nào nào? ai đâu khi nào bao giờ mấy là được có không những các của theo trong về cho với và "
    "thì sao còn hãy cho biết nêu đã sẽ phải đến năm mục tiêu chỉ tiêu đặt ra xác định yêu cầu văn kiện "
    "thành phố hải phòng tp như thế nào ra sao bằng mức đạt ở chót gồm"
)
QUESTION_WORDS = {fold(w) for w in _FRAMING_WORDS.split()}

# What kind of answer is asked, no topic: a time ("trong khoảng thời gian nào", "bao lâu": "thời gian" heads every
# task row of the programme), or the source of the figure just given ("con số đó ở văn kiện nào?").
ANSWER_KIND_FRAMING = re.compile(
    r"\b(?:(?:trong|vao) )?(?:khoang )?(?:thoi gian|thoi diem)(?= nao\b| la bao lau\b)|\bbao lau\b|\bkhi nao\b|\bbao gio\b|\bluc nao\b"
    r"|\b(?:con so|so lieu|chi tieu|noi dung) (?:do|nay|tren|ay)\b"
    r"|\b(?:(?:nam )?o|thuoc|trong|cua) (?:van kien|van ban|tai lieu) nao\b"
)


def without_answer_kind_framing(text: str) -> str:
    """The question without the words that ask for a time or a source, its accents and capitals kept (abbreviations
    expand on "UBND")."""
    text = normalize(text)
    folded = fold(text)
    if len(folded) != len(text):
        return text
    kept, last = [], 0
    for match in ANSWER_KIND_FRAMING.finditer(folded):
        kept.append(text[last:match.start()])
        last = match.end()
    return " ".join([*kept, text[last:]])


def plain_question(text: str) -> str:
    """The question without courtesy around it ("Cho tôi biết", "xin hỏi", "ạ", "nhé"), as the lexicon lists it:
    words the documents never use, which would otherwise read as a topic the corpus lacks. Unchanged if nothing is
    left."""
    return lexicon().strip_courtesy(text)


# Compounds made only of syllables that also frame questions ("tiêu chí" of "chỉ tiêu", "bảo vệ" of "bao nhiêu ...
# về"): they are topic, though each syllable alone is not.
_CONTENT_COMPOUNDS = {
    "_".join(fold(w).split()) for w in ("tiêu chí", "bảo vệ", "cơ cấu", "nhu cầu", "văn phòng", "chỉ thị", "thành thị")
}


def content_tokens(text: str) -> set[str]:
    """The folded syllables and bigrams that carry the topic of a question."""
    tokens = folded_tokens(text)
    kept = set()
    for token in tokens:
        parts = token.split("_")
        if token not in _CONTENT_COMPOUNDS and all(p in QUESTION_WORDS for p in parts):
            continue
        kept.add(token)
    return kept


@dataclass
class QueryForms:
    """The query as each retriever should see it."""

    original: str
    dense: str
    accented_tokens: list[str]
    folded_tokens: list[str]
    accentless: bool
    # fold(original), for every stage that matches folded patterns against the question.
    folded: str = ""


def query_forms(query: str, reaccenter) -> QueryForms:
    """The forms of `query`; `reaccenter` (the index's) restores the diacritics of a question typed without them."""
    text = normalize(query)
    accentless = looks_accentless(text)
    dense = text
    if accentless:
        dense = reaccenter.restore(text)
    dense = expand_abbreviations(dense)
    accented = lexical_tokens(dense if accentless else text)
    return QueryForms(
        original=query,
        dense=dense,
        accented_tokens=accented,
        # folded_tokens(text) is the folded lexical_tokens(text), already computed unless the text was re-accented.
        folded_tokens=folded_tokens(text) if accentless else fold_tokens(accented),
        accentless=accentless,
        folded=fold(query),
    )
