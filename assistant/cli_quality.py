"""`vankien train` and `vankien eval`: teaching the published index when to answer, and measuring it on the splits."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ingest.settings import get_settings


def train_if_missing(settings, force: bool = False) -> int:
    """A new index learns when to answer from its own corpus (and, for this corpus, the train and dev splits)."""
    from assistant.answerability import MODEL_FILE
    from assistant.services import Services

    services = Services(settings)
    if not force and (services.index().build_dir / MODEL_FILE).exists():
        return 0
    return cmd_train(argparse.Namespace(), services)


def cmd_train(args: argparse.Namespace, services=None) -> int:
    from assistant.evaluate import load_split
    from assistant.services import Services
    from assistant.train_answerability import train_and_store
    from ingest.store import IndexProblem

    services = services or Services(get_settings())
    try:
        index = services.index()
        eval_docs = {q["doc_id"] for q in load_split("train") if q.get("doc_id")}
        with_eval = eval_docs <= set(index.doc_ids())
        started = time.perf_counter()
        report = train_and_store(services, with_eval=with_eval)
    except (IndexProblem, OSError) as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"warning: answerability model not trained: {error}; answers are not gated", file=sys.stderr)
        return 0
    print(
        f"answerability: {report.examples} questions asked ({report.positives} answered right), "
        f"threshold {report.threshold:.2f} chosen on dev, {time.perf_counter() - started:.1f} s"
    )
    if report.dev:
        d = report.dev
        print(
            f"  dev at that threshold: answerable right {d['accuracy_answerable']:.3f}, answerable refused "
            f"{d['refused_answerable']:.3f}, unanswerable refused {d['refused_unanswerable']:.3f}"
        )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluate import SPLITS, format_splits, load_questions, load_split, run_eval
    from assistant.services import Services
    from ingest.store import IndexProblem

    settings = get_settings()
    try:
        answerer = Services(settings).answerer()
        if args.questions:
            sets = {Path(args.questions).stem: load_questions(Path(args.questions))}
        else:
            sets = {split: load_split(split) for split in (args.split or SPLITS)}
        reports = {name: run_eval(answerer, questions) for name, questions in sets.items()}
    except (IndexProblem, OSError, ValueError) as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    summaries = {name: report.summary() for name, report in reports.items()}
    print(json.dumps(summaries, ensure_ascii=False, indent=1) if args.json else format_splits(summaries))
    if args.failures:
        for name, report in reports.items():
            for row in report.rows:
                if not row["answer_ok"]:
                    print(f"\n[{name} {row['id']} {row['category']}] abstained={row['abstained']}\n  {row['answer'][:300]}")
    return 0
