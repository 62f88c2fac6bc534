"""A snapshot of the served rankings: `Retriever.search(q, k=10)` for every eval question, to prove a refactor of
retrieval changes no ranking and no score.

Every "question" of tests/eval/questions.jsonl, fresh_dev.jsonl and fresh_test.jsonl, and the user turns of their
"history", searched corpus-wide; the questions that name their document searched again within it (the doc_ids
path). Written as JSON [[question, [[chunk_id, round(score, 9)], ...]], ...]; diff two snapshots to compare.
`--answers PATH` also writes what the answerer gives each question (text, route, citations, abstained).

Chroma's approximate search is not quite deterministic from one process to the next (a few of the ~1,200 searches
see a neighbour at rank ~19 swap in or out), so two snapshots of the same code may differ there. `--dense-log PATH`
records every Chroma answer on the first run and replays it on the next for the same query (same vector, same
n_results, same filter); a query the log lacks (a changed query vector) is asked live and counted.

    python bench/ranking_snapshot.py --out /tmp/before.json --dense-log /tmp/dense.json
    ... change retrieval ...
    python bench/ranking_snapshot.py --out /tmp/after.json --dense-log /tmp/dense.json
    diff /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.services import Services
from ingest.settings import Settings

EVAL_FILES = ("questions.jsonl", "fresh_dev.jsonl", "fresh_test.jsonl")


def eval_rows() -> list[dict]:
    rows = []
    for name in EVAL_FILES:
        for line in (ROOT / "tests" / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def queries(rows: list[dict]) -> list[tuple[str, list[str] | None]]:
    """(question, doc_ids) in file order, each once."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    found: list[tuple[str, list[str] | None]] = []

    def add(question: str, doc_ids: list[str] | None) -> None:
        key = (question, tuple(doc_ids or ()))
        if question.strip() and key not in seen:
            seen.add(key)
            found.append((question, doc_ids))

    for row in rows:
        for turn in row.get("history") or []:
            if turn.get("role") == "user":
                add(turn["content"], None)
        add(row["question"], None)
    for row in rows:
        if row.get("doc_id"):
            add(row["question"], [row["doc_id"]])
    return found


class ReplayedCollection:
    """A Chroma collection whose query answers come from a log when it holds them, and are logged otherwise."""

    def __init__(self, collection, log: dict):
        self.collection, self.log, self.replayed, self.asked = collection, log, 0, 0

    def __getattr__(self, name):
        return getattr(self.collection, name)

    def query(self, **kwargs):
        key = hashlib.sha256(json.dumps(kwargs, sort_keys=True).encode()).hexdigest()
        if key in self.log:
            self.replayed += 1
            return self.log[key]
        self.asked += 1
        result = self.collection.query(**kwargs)
        self.log[key] = {"ids": result["ids"], "distances": result["distances"]}
        return self.log[key]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--answers", type=Path, help="also write the answerer's answers here")
    parser.add_argument("--dense-log", type=Path, help="record Chroma's answers here, or replay them if it exists")
    args = parser.parse_args()

    services = Services(Settings())
    retriever = services.retriever()
    replayed = None
    if args.dense_log:
        log = json.loads(args.dense_log.read_text(encoding="utf-8")) if args.dense_log.exists() else {}
        index = retriever.index
        replayed = index.__dict__["collection"] = ReplayedCollection(index.collection, log)
    rows = eval_rows()
    snapshot = []
    started = time.perf_counter()
    for question, doc_ids in queries(rows):
        hits = retriever.search(question, k=10, doc_ids=doc_ids)
        label = question if doc_ids is None else f"{question} | doc_ids={','.join(doc_ids)}"
        snapshot.append([label, [[h.chunk.chunk_id, round(float(h.score), 9)] for h in hits]])
    seconds = time.perf_counter() - started
    args.out.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(snapshot)} searches in {seconds:.1f}s -> {args.out}")
    if replayed is not None:
        print(f"Chroma queries: {replayed.replayed} replayed from {args.dense_log}, {replayed.asked} asked live")

    if args.answers:
        answerer = services.answerer()
        answers = []
        for row in rows:
            result = answerer.ask(row["question"], row.get("history"))
            answers.append([
                row["question"],
                {
                    "answer": result.answer,
                    "route": result.route,
                    "abstained": result.abstained,
                    "rewritten": result.rewritten,
                    "citations": [c.chunk_id for c in result.citations],
                    "wanted": sorted(retriever.wanted_tokens(row["question"])),
                },
            ])
        args.answers.write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(answers)} answers -> {args.answers}")
    if replayed is not None:
        args.dense_log.write_text(json.dumps(replayed.log), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
