"""`vankien eval`: retrieval and answer quality on the evaluation questions, split into train, dev and test.

The hand-built set (`questions.jsonl`) is split by a fixed seed; `fresh_dev.jsonl` and `fresh_test.jsonl` hold
questions written later, as users type them, and belong to dev and test whole. Features, weights and thresholds are
chosen on train and dev; test is only reported.
"""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.retrieval.evidence import evidence_in

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
FRESH_FILES = {"dev": EVAL_DIR / "fresh_dev.jsonl", "test": EVAL_DIR / "fresh_test.jsonl"}
SPLIT_SEED = "vankien-2026"
SPLITS = ("train", "dev", "test")
# Share of the hand-built set in train and dev (the rest is test).
TRAIN_SHARE, DEV_SHARE = 0.6, 0.2
# Staff read the lead agency first: an ownership answer counts as "lead first" when the lead is in this many characters.
LEAD_WINDOW = 120
# Categories whose answer accuracy the acceptance reads on its own.
WATCHED = ("informal", "followup", "list")


def split_of(question_id: str) -> str:
    """Train, dev or test for a question of the hand-built set: a hash of its id with a fixed seed, so a question
    never changes split when others are added."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{question_id}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    return "train" if share < TRAIN_SHARE else "dev" if share < TRAIN_SHARE + DEV_SHARE else "test"


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_split(split: str) -> list[dict]:
    """One split's questions: its share of the hand-built set, then the fresh questions written for it."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    rows = [q for q in load_questions(DEFAULT_QUESTIONS) if split_of(q["id"]) == split]
    fresh = FRESH_FILES.get(split)
    if fresh is not None and fresh.exists():
        rows += load_questions(fresh)
    return rows


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("**", "").replace("*", "").split()).lower()


def answers(doc_id: str, passage: str, question: dict) -> bool:
    """Whether a retrieved passage (its text with the heading it sits under) is one the question is answered by: its
    document and evidence phrase, or one of the `also` pairs, where another passage states the same fact."""
    accepted = [{"doc_id": question["doc_id"], "evidence": question["evidence"]}, *question.get("also", [])]
    return any(doc_id == a["doc_id"] and evidence_in(passage, a["evidence"]) for a in accepted)


def answer_correct(question: dict, answer: str, abstained: bool) -> bool:
    """Right for its kind: an unanswerable question refused; an answerable one answered with its figure or term, every
    listed item, and nothing an injected instruction asked to be said."""
    if any(_plain(word) in _plain(answer) for word in question.get("forbid", [])):
        return False
    if question.get("abstain"):
        return abstained
    if abstained or not question.get("answer"):
        return False
    return evidence_in(answer, question["answer"]) and all(evidence_in(answer, item) for item in question.get("items", []))


def lead_first(question: dict, answer: str) -> bool:
    return bool(question.get("lead")) and _plain(question["lead"]) in _plain(answer)[:LEAD_WINDOW]


@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)

    @staticmethod
    def _retrieval(rows: list[dict]) -> dict[str, float]:
        ranks = [r["rank"] for r in rows]
        n = len(ranks) or 1
        return {
            "n": len(ranks),
            "recall@1": sum(1 for x in ranks if x == 0) / n,
            "recall@5": sum(1 for x in ranks if x is not None and x < 5) / n,
            "recall@10": sum(1 for x in ranks if x is not None and x < 10) / n,
            "mrr@10": sum(1 / (x + 1) for x in ranks if x is not None and x < 10) / n,
        }

    def summary(self) -> dict:
        answerable = [r for r in self.rows if not r["abstain_expected"]]
        unanswerable = [r for r in self.rows if r["abstain_expected"]]
        ownership = [r for r in answerable if r.get("lead")]
        latencies = sorted(r["seconds"] for r in self.rows)

        def share(rows: list[dict], key: str) -> float:
            return sum(bool(r[key]) for r in rows) / max(len(rows), 1)

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

        by_category: dict[str, list[dict]] = defaultdict(list)
        for row in self.rows:
            by_category[row["category"]].append(row)
        return {
            "questions": len(self.rows),
            "retrieval": self._retrieval(answerable),
            "answer_accuracy": share(answerable, "answer_ok"),
            "unanswerable": len(unanswerable),
            "unanswerable_refused": share(unanswerable, "abstained"),
            "answerable_abstained": share(answerable, "abstained"),
            "lead_accuracy": share(ownership, "lead_ok"),
            "lead_first": share(ownership, "lead_first"),
            "ownership_questions": len(ownership),
            "latency_ms_p50": pct(0.5),
            "latency_ms_p95": pct(0.95),
            "by_category": {
                category: {"n": len(rows), "accuracy": share(rows, "answer_ok")} for category, rows in sorted(by_category.items())
            },
        }


def run_eval(answerer, questions: list[dict]) -> Report:
    """Ask every question once through the answerer (retrieval is measured on the same call's understanding)."""
    report = Report()
    retriever = answerer.retriever
    for q in questions:
        started = time.perf_counter()
        result = answerer.ask(q["question"], q.get("history"))
        seconds = time.perf_counter() - started
        rank = None
        if not q.get("abstain"):
            hits = retriever.search(result.rewritten or q["question"], k=10)
            rank = next(
                (i for i, h in enumerate(hits) if answers(h.chunk.doc_id, f"{h.chunk.section}\n{h.chunk.text}", q)), None
            )
        report.rows.append(
            {
                "id": q["id"],
                "category": q.get("category", ""),
                "rank": rank,
                "abstained": result.abstained,
                "abstain_expected": bool(q.get("abstain")),
                "answer_ok": answer_correct(q, result.answer, result.abstained),
                "lead": q.get("lead"),
                "lead_ok": bool(q.get("lead")) and not result.abstained and evidence_in(result.answer, q["lead"]),
                "lead_first": lead_first(q, result.answer),
                "seconds": seconds,
                "answer": result.answer,
            }
        )
    return report


def format_splits(summaries: dict[str, dict]) -> str:
    """The splits side by side: one column per split, then accuracy by category."""
    names = list(summaries)
    metrics = [
        ("questions", lambda s: f"{s['questions']}"),
        ("Recall@1", lambda s: f"{s['retrieval']['recall@1']:.3f}"),
        ("Recall@5", lambda s: f"{s['retrieval']['recall@5']:.3f}"),
        ("MRR@10", lambda s: f"{s['retrieval']['mrr@10']:.3f}"),
        ("answer accuracy", lambda s: f"{s['answer_accuracy']:.3f}"),
        ("unanswerable refused", lambda s: f"{s['unanswerable_refused']:.3f} of {s['unanswerable']}"),
        ("answerable refused", lambda s: f"{s['answerable_abstained']:.3f}"),
        ("lead agency right", lambda s: f"{s['lead_accuracy']:.3f}"),
        (f"lead in first {LEAD_WINDOW} chars", lambda s: f"{s['lead_first']:.3f} of {s['ownership_questions']}"),
        ("latency p50 ms", lambda s: f"{s['latency_ms_p50']:.0f}"),
        ("latency p95 ms", lambda s: f"{s['latency_ms_p95']:.0f}"),
    ]
    width = 16
    lines = [f"{'':<26}" + "".join(f"{name:>{width}}" for name in names)]
    for label, read in metrics:
        lines.append(f"{label:<26}" + "".join(f"{read(summaries[n]):>{width}}" for n in names))
    categories = sorted({c for s in summaries.values() for c in s["by_category"]})
    lines.append("accuracy by category:")
    for category in categories:
        cells = []
        for n in names:
            m = summaries[n]["by_category"].get(category)
            cells.append(f"{m['accuracy']:.2f} ({m['n']})" if m else "-")
        lines.append(f"  {category:<24}" + "".join(f"{c:>{width}}" for c in cells))
    return "\n".join(lines)
