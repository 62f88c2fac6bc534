"""What speaks against a proposed sentence answering the question: the features the answerability gate weighs."""

from __future__ import annotations

import re

from assistant.asking import asks_person, names_office_holder
from assistant.retrieval.hit import Hit
from assistant.retrieval.query_forms import QUESTION_WORDS
from assistant.retrieval.retriever import Retriever
from assistant.routes.base import Scored
from assistant.sentences import proper_names
from assistant.targets import counted_missing, narrower_target
from ingest.normalize import ABBREVIATIONS, canonical_units, fold, lexical_tokens

_GENERIC_NAMES = {fold(n) for n in ("Hải Phòng", "Thành phố", "Nghị quyết", "Đại hội", "Đảng bộ", "Ban Chấp hành", "Chương trình", "Kế hoạch", "Đề án", "Báo cáo", "Việt Nam", "Hải Dương", "Nhân dân", "Thành ủy", "Thành uỷ")}
# What a user asks the assistant to do ("tóm tắt", "liệt kê", "giải thích"): no topic of the documents.
_REQUEST_WORDS = set("tóm tắt liệt kê trình bày giải thích giúp tôi mình bạn ạ nhé ơi".split())


def doubts(retriever: Retriever, query: str, best: Scored, hits: list[Hit]) -> dict[str, float]:
    """What speaks against the best sentence answering: too little of the question covered, a place or body the
    question names that it never mentions, a unit it does not state, a narrower target, words no passage uses."""
    # A passage is also "about" its own document: "Kế hoạch ... của Ban Thường vụ Thành ủy" in the question is
    # satisfied by any passage of that plan.
    info = retriever.index.documents.get(best.hit.chunk.doc_id, {}).get("info", {})
    passage = f"{info.get('title', '')} {info.get('issuer', '')} {best.hit.chunk.section} {best.hit.chunk.text}"
    unknown = unknown_words(retriever, query)
    return {
        "coverage": best.coverage,
        "dense_similarity": max((h.dense_similarity or 0.0) for h in hits),
        "names_missing": float(names_missing(query, passage)),
        "counted_missing": float(counted_missing(query, best.hit.chunk)),
        "office_holder_missing": float(asks_person(query) and not names_office_holder(query, best.sentence)),
        "narrower_target": float(bool(narrower_target(query, best.hit.chunk, best.sentence))),
        "unknown_words": float(sum(not w.isupper() for w in unknown)),
        "unknown_acronyms": float(sum(w.isupper() for w in unknown)),
    }


def unknown_words(retriever: Retriever, query: str) -> list[str]:
    """Ordinary words of the question that no passage of the corpus ever uses (abbreviations aside). A question
    typed with accents is read with them: "tiêm chủng" is not "tiềm" anything, though both fold to "tiem"; a word
    typed without them is read folded, as users mix the two ("GRDP HP chiem bn % GDP")."""
    lexical = retriever.index.lexical
    postings = lexical.folded.postings
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
        accented = folded != word.lower()
        if folded not in postings or (accented and not all(t in lexical.accented.postings for t in lexical_tokens(word))):
            unknown.append(word)
    return unknown


def names_missing(query: str, passage: str) -> bool:
    """A place or body named in the question (Đà Nẵng, Quảng Ninh) that the best passage never mentions."""
    folded_passage = " ".join(re.findall(r"\w+", fold(passage)))
    for name in proper_names(query):
        folded_name = fold(name)
        if folded_name in _GENERIC_NAMES or any(g in folded_name for g in _GENERIC_NAMES):
            continue
        if folded_name not in folded_passage:
            return True
    return False
