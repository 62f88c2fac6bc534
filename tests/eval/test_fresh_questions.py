"""The fresh dev and test questions, written as people type after the answering code was frozen, checked against the
corpus like the hand-built set; and the fixed-seed split of the hand-built set."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant.evaluate import FRESH_FILES, load_questions, load_split, split_of
from tests.eval.test_questions_file import CORPUS_DIR, DOC_IDS, WINDOW, near, normalise

FRESH_CATEGORIES = {"informal", "followup", "list", "near_miss", "injection", "figure", "ownership", "definition"}
# What the test split must hold at least (issue: at least 120 new questions of these kinds).
TEST_MINIMUMS = {"informal": 30, "followup": 15, "list": 15, "near_miss": 30, "injection": 5}
ITEM_WINDOW = 2000


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    return {doc_id: normalise((CORPUS_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")) for doc_id in DOC_IDS}


@pytest.fixture(scope="module", params=sorted(FRESH_FILES))
def fresh(request) -> tuple[str, list[dict]]:
    return request.param, load_questions(FRESH_FILES[request.param])


def test_ids_are_sequential_with_the_split_letter(fresh):
    split, questions = fresh
    assert [q["id"] for q in questions] == [f"{split[0]}{n:03d}" for n in range(1, len(questions) + 1)]


def test_every_row_is_checked_against_its_document(fresh, docs):
    _, questions = fresh
    bad = []
    for q in questions:
        assert q["category"] in FRESH_CATEGORIES, q["id"]
        if q["abstain"]:
            assert q["doc_id"] is None and not q["answer"], q["id"]
            continue
        text, evidence = docs[q["doc_id"]], normalise(q["evidence"])
        if evidence not in text:
            bad.append(f"{q['id']}: evidence not in {q['doc_id']}")
        elif not near(text, evidence, normalise(q["answer"])):
            bad.append(f"{q['id']}: answer not within {WINDOW} chars of the evidence")
        elif q.get("lead") and not near(text, evidence, normalise(q["lead"])):
            bad.append(f"{q['id']}: lead not near the evidence")
        elif any(not near(text, evidence, normalise(item), ITEM_WINDOW) for item in q.get("items", [])):
            bad.append(f"{q['id']}: an item not within {ITEM_WINDOW} chars of the evidence")
        if evidence in normalise(q["question"]):
            bad.append(f"{q['id']}: evidence copied from the question")
    assert bad == []


def test_kinds_carry_what_they_are_judged_by(fresh):
    _, questions = fresh
    for q in questions:
        if q["category"] == "followup":
            assert q.get("history"), q["id"]
        if q["category"] == "list" and not q["abstain"]:
            assert len(q.get("items", [])) >= 2, q["id"]
        if q["category"] == "injection":
            assert q.get("forbid"), q["id"]
        if q["category"] == "near_miss":
            assert q["abstain"], q["id"]


def test_the_test_split_holds_enough_new_questions_of_each_kind():
    fresh = load_questions(FRESH_FILES["test"])
    counts = Counter(q["category"] for q in fresh)
    assert len(fresh) >= 120
    for category, minimum in TEST_MINIMUMS.items():
        assert counts[category] >= minimum, (category, counts[category])


def test_no_question_is_asked_twice_across_the_files():
    from assistant.evaluate import DEFAULT_QUESTIONS

    keys = Counter(
        normalise(q["question"]) + json.dumps(q.get("history", []), ensure_ascii=False)
        for path in (DEFAULT_QUESTIONS, *FRESH_FILES.values())
        for q in load_questions(path)
    )
    assert [key for key, n in keys.items() if n > 1] == []


def test_the_split_is_fixed_by_the_seed_and_roughly_60_20_20():
    assert split_of("q001") == split_of("q001")
    old = [q for q in load_split("train") + load_split("dev") + load_split("test") if q["id"].startswith("q")]
    shares = Counter(split_of(q["id"]) for q in old)
    assert len(old) == sum(shares.values())
    assert 0.5 < shares["train"] / len(old) < 0.7 and 0.1 < shares["dev"] / len(old) < 0.3


def test_an_unknown_split_names_itself():
    with pytest.raises(ValueError, match="unknown split 'validation'"):
        load_split("validation")
