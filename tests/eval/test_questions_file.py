"""Checks the hand-built evaluation set against the real corpus.

Every answerable question must point at a phrase that really is in its document, with the
expected answer close by, so a retrieval miss is the system's fault and never the set's.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import fields
from pathlib import Path

import pytest

from ingest.document import DocumentInfo

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent.parent
CORPUS_DIR = ROOT / "corpus"
QUESTIONS = EVAL_DIR / "questions.jsonl"
CONFLICTS = EVAL_DIR / "conflicts.toml"
MANIFEST = CORPUS_DIR / "manifest.toml"

DOC_IDS = {"bao-cao-chinh-tri", "de-an-cnxh", "chuong-trinh-hanh-dong", "ke-hoach-nq30", "nghi-quyet-dai-hoi"}
CATEGORIES = {
    "figure", "definition", "ownership", "accentless", "oldtone",
    "abbrev", "followup", "conflict", "out_of_corpus",
}
KINDS = {"báo cáo chính trị", "đề án", "chương trình hành động", "kế hoạch", "nghị quyết"}
AUTHORITY = {"nghị quyết": 100, "chương trình hành động": 80, "kế hoạch": 70, "đề án": 60, "báo cáo chính trị": 50}
WINDOW = 400

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The matching rule the set was built with: NFC, no markup, one space, lower case."""
    text = unicodedata.normalize("NFC", text)
    text = _TAG.sub("", text)
    text = text.replace("**", "").replace("*", "")
    return _SPACE.sub(" ", text).strip().lower()


def near(haystack: str, anchor: str, needle: str, window: int = WINDOW) -> bool:
    """True if `needle` occurs within `window` characters of some occurrence of `anchor`."""
    start = haystack.find(anchor)
    while start != -1:
        lo, hi = max(0, start - window), start + len(anchor) + window
        if needle in haystack[lo:hi]:
            return True
        start = haystack.find(anchor, start + 1)
    return False


@pytest.fixture(scope="module")
def manifest() -> list[dict]:
    return tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="module")
def docs(manifest) -> dict[str, str]:
    return {d["doc_id"]: normalise((CORPUS_DIR / d["path"]).read_text(encoding="utf-8")) for d in manifest}


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    rows = []
    for number, line in enumerate(QUESTIONS.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {number} in {QUESTIONS.name}"
        rows.append(json.loads(line))
    return rows


def test_normalise_strips_markup_and_joins_broken_lines():
    assert normalise("**Sở  Xây\ndựng**<br>") == "sở xây dựng"
    assert normalise("Thuy\u0309 Nguye\u0302\u0300n") == "thuỷ nguyền"


def test_near_rejects_an_answer_outside_the_window():
    text = "mốc " + "x" * 500 + " đáp án"
    assert not near(text, "mốc", "đáp án")
    assert near(text, "mốc", "đáp án", window=600)


def test_manifest_lists_every_corpus_file_once(manifest):
    assert {d["doc_id"] for d in manifest} == DOC_IDS
    assert sorted(d["path"] for d in manifest) == sorted(p.name for p in CORPUS_DIR.glob("*.txt"))


def test_manifest_entries_build_document_info(manifest):
    known = {f.name for f in fields(DocumentInfo)}
    for entry in manifest:
        assert set(entry) <= known, f"{entry['doc_id']}: keys unknown to DocumentInfo {set(entry) - known}"
        info = DocumentInfo(**entry)
        assert info.kind in KINDS, info.kind
        assert info.authority == AUTHORITY[info.kind], info.doc_id
        assert re.fullmatch(r"(\d{1,2}/)?\d{1,2}/\d{4}", info.date), f"{info.doc_id}: date {info.date!r}"
        assert info.title and info.short_title and info.issuer


def test_ids_unique_and_sequential(questions):
    ids = [q["id"] for q in questions]
    assert ids == [f"q{n:03d}" for n in range(1, len(ids) + 1)]


def test_no_duplicate_questions(questions):
    texts = Counter(normalise(q["question"]) + json.dumps(q.get("history", []), ensure_ascii=False) for q in questions)
    assert [t for t, n in texts.items() if n > 1] == []


def test_fields_and_categories(questions):
    for q in questions:
        assert q["category"] in CATEGORIES, q["id"]
        assert q["question"].strip(), q["id"]
        if q["category"] == "out_of_corpus":
            assert q["abstain"] is True and q["doc_id"] is None, q["id"]
            continue
        assert q.get("abstain", False) is False, q["id"]
        assert q["doc_id"] in DOC_IDS, q["id"]
        assert 3 <= len(q["evidence"].split()) <= 12, f"{q['id']}: evidence must be 3-12 words"
        assert q["answer"].strip(), q["id"]
        for turn in q.get("history", []):
            assert set(turn) == {"role", "content"} and turn["role"] in {"user", "assistant"}, q["id"]
    assert all(q.get("history") for q in questions if q["category"] == "followup")
    assert all("other" in q for q in questions if q["category"] == "conflict")


def test_evidence_and_answer_are_in_the_document(questions, docs):
    bad = []
    for q in questions:
        if q["category"] == "out_of_corpus":
            continue
        text, evidence = docs[q["doc_id"]], normalise(q["evidence"])
        if evidence not in text:
            bad.append(f"{q['id']}: evidence not in {q['doc_id']}: {q['evidence']!r}")
        elif not near(text, evidence, normalise(q["answer"])):
            bad.append(f"{q['id']}: answer {q['answer']!r} not within {WINDOW} chars of evidence")
        elif q.get("lead") and not near(text, evidence, normalise(q["lead"])):
            bad.append(f"{q['id']}: lead {q['lead']!r} not within {WINDOW} chars of evidence")
    assert bad == []


def test_alternative_passages_state_the_same_answer(questions, docs):
    """`also` lists other passages accepted as answering: each must hold the expected answer next to its evidence,
    so an alternative is the same fact stated elsewhere, never a looser match."""
    with_alternatives = [q for q in questions if q.get("also")]
    assert with_alternatives
    bad = []
    for q in with_alternatives:
        for alternative in q["also"]:
            text, evidence = docs[alternative["doc_id"]], normalise(alternative["evidence"])
            if (alternative["doc_id"], evidence) == (q["doc_id"], normalise(q["evidence"])):
                bad.append(f"{q['id']}: alternative repeats the main evidence")
            elif evidence not in text:
                bad.append(f"{q['id']}: evidence not in {alternative['doc_id']}: {alternative['evidence']!r}")
            elif not near(text, evidence, normalise(q["answer"])):
                bad.append(f"{q['id']}: answer {q['answer']!r} not within {WINDOW} chars of {alternative['evidence']!r}")
    assert bad == []


def test_evidence_is_not_copied_from_the_question(questions):
    copied = [q["id"] for q in questions
              if q["category"] != "out_of_corpus" and normalise(q["evidence"]) in normalise(q["question"])]
    assert copied == []


OLD_TONE = re.compile(r"(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])(?![a-zđ])")
ABBREVIATION = re.compile(r"\b[A-ZĐ][A-ZĐ&]+\b")


def test_category_specific_spelling(questions):
    """Accentless, old-tone and abbreviation questions must really be typed that way."""
    for q in questions:
        text = unicodedata.normalize("NFC", q["question"])
        if q["category"] == "accentless":
            assert text.isascii(), q["id"]
        elif q["category"] == "oldtone":
            assert OLD_TONE.search(text.lower()), q["id"]
        elif q["category"] == "abbrev":
            assert ABBREVIATION.search(text), q["id"]


def test_old_tone_pattern_tells_old_from_new_spelling():
    assert OLD_TONE.search("thuỷ sản") and OLD_TONE.search("hoà bình") and OLD_TONE.search("sức khoẻ")
    assert not OLD_TONE.search("thủy sản hòa bình khỏe toàn")


def test_conflict_questions_name_a_figure_from_another_document(questions, docs):
    for q in questions:
        if q["category"] != "conflict":
            continue
        other = normalise(q["other"])
        assert other != normalise(q["answer"]), q["id"]
        assert any(other in text for doc_id, text in docs.items() if doc_id != q["doc_id"]), q["id"]


def test_counts(questions):
    answerable = [q for q in questions if q["category"] != "out_of_corpus"]
    per_doc = Counter(q["doc_id"] for q in answerable)
    per_category = Counter(q["category"] for q in questions)
    assert len(answerable) >= 130
    assert set(per_doc) == DOC_IDS and min(per_doc.values()) >= 12, per_doc
    assert per_category["out_of_corpus"] >= 18
    assert sum(1 for q in answerable if q.get("lead")) >= 45
    assert per_category["ownership"] >= 45
    assert set(per_category) == CATEGORIES, per_category


def test_conflicts_file(docs):
    conflicts = tomllib.loads(CONFLICTS.read_text(encoding="utf-8"))["conflicts"]
    assert len(conflicts) >= 10
    for conflict in conflicts:
        values = conflict["values"]
        assert len({normalise(v["value"]) for v in values}) >= 2, conflict["topic"]
        assert conflict["preferred_doc_id"] in {v["doc_id"] for v in values}, conflict["topic"]
        for v in values:
            evidence = normalise(v["evidence"])
            assert evidence in docs[v["doc_id"]], f"{conflict['topic']}: {v['doc_id']} {v['evidence']!r}"
            assert normalise(v["value"]) in evidence, f"{conflict['topic']}: {v['value']!r}"
