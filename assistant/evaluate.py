"""`vankien eval`: retrieval and answer quality on tests/eval/questions.jsonl, plus latency."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.retrieve import evidence_in

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "eval" / "questions.jsonl"


@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)

    def _retrieval(self, rows: list[dict]) -> dict[str, float]:
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
        out_of_corpus = [r for r in self.rows if r["abstain_expected"]]
        abstained = [r for r in self.rows if r["abstained"]]
        correct_abstentions = [r for r in abstained if r["abstain_expected"]]
        ownership = [r for r in answerable if r.get("lead")]
        latencies = sorted(r["seconds"] for r in self.rows)

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

        summary = {
            "retrieval": self._retrieval(answerable),
            "answer_accuracy": sum(r["answer_ok"] for r in answerable) / max(len(answerable), 1),
            "abstention_precision": len(correct_abstentions) / max(len(abstained), 1),
            "abstention_recall": len(correct_abstentions) / max(len(out_of_corpus), 1),
            "answerable_abstained": sum(r["abstained"] for r in answerable) / max(len(answerable), 1),
            "lead_accuracy": sum(r["lead_ok"] for r in ownership) / max(len(ownership), 1),
            "ownership_questions": len(ownership),
            "latency_ms_p50": pct(0.5),
            "latency_ms_p95": pct(0.95),
            "by_category": {},
        }
        by_category: dict[str, list[dict]] = defaultdict(list)
        for row in answerable:
            by_category[row["category"]].append(row)
        for category, rows in sorted(by_category.items()):
            summary["by_category"][category] = self._retrieval(rows) | {
                "answer_accuracy": sum(r["answer_ok"] for r in rows) / len(rows)
            }
        return summary


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def answers(doc_id: str, passage: str, question: dict) -> bool:
    """Whether a retrieved passage (its text with the heading it sits under) is one the question is answered by: its
    document and evidence phrase, or one of the `also` pairs, where another passage states the same fact."""
    accepted = [{"doc_id": question["doc_id"], "evidence": question["evidence"]}, *question.get("also", [])]
    return any(doc_id == a["doc_id"] and evidence_in(passage, a["evidence"]) for a in accepted)


def run_eval(answerer, questions: list[dict]) -> Report:
    """Ask every question once through the answerer (retrieval is measured on the same call's hits)."""
    report = Report()
    retriever = answerer.retriever
    for q in questions:
        started = time.perf_counter()
        result = answerer.ask(q["question"], q.get("history"))
        seconds = time.perf_counter() - started
        query = result.rewritten or q["question"]
        hits = retriever.search(query, k=10)
        rank = None
        if not q.get("abstain"):
            rank = next(
                (i for i, h in enumerate(hits) if answers(h.chunk.doc_id, f"{h.chunk.section}\n{h.chunk.text}", q)), None
            )
        answer_ok = (not result.abstained) and bool(q.get("answer")) and evidence_in(result.answer, q["answer"])
        lead_ok = bool(q.get("lead")) and not result.abstained and evidence_in(result.answer, q["lead"])
        report.rows.append(
            {
                "id": q["id"],
                "category": q.get("category", ""),
                "rank": rank,
                "abstained": result.abstained,
                "abstain_expected": bool(q.get("abstain")),
                "answer_ok": answer_ok,
                "lead": q.get("lead"),
                "lead_ok": lead_ok,
                "seconds": seconds,
            }
        )
    return report


def format_summary(summary: dict) -> str:
    r = summary["retrieval"]
    lines = [
        f"questions (answerable): {r['n']}",
        f"Recall@1 {r['recall@1']:.3f}  Recall@5 {r['recall@5']:.3f}  Recall@10 {r['recall@10']:.3f}  MRR@10 {r['mrr@10']:.3f}",
        f"answer accuracy {summary['answer_accuracy']:.3f}",
        f"abstention precision {summary['abstention_precision']:.3f}  recall {summary['abstention_recall']:.3f}  "
        f"answerable abstained {summary['answerable_abstained']:.3f}",
        f"lead-agency accuracy {summary['lead_accuracy']:.3f} over {summary['ownership_questions']} ownership questions",
        f"latency p50 {summary['latency_ms_p50']:.0f} ms  p95 {summary['latency_ms_p95']:.0f} ms",
        "by category:",
    ]
    for category, m in summary["by_category"].items():
        lines.append(
            f"  {category:<14} n={m['n']:<3} R@1 {m['recall@1']:.2f} R@5 {m['recall@5']:.2f} MRR {m['mrr@10']:.2f} "
            f"answer {m['answer_accuracy']:.2f}"
        )
    return "\n".join(lines)
