"""Study-pack build time, p50 and p95 seconds per pack, beside its baseline: the one hybrid search every pack makes.

Topics: the five suggested themes, five more, and one the documents do not cover ("bóng đá"). In-process, against a
real index (VANKIEN_DATA_DIR, default ./data: run `vankien ingest` first). The embedder and index are warmed up first
(as `vankien serve` does at start-up), so the numbers are what a user waits for; the goal is a pack in ≤ 2 s p95.

    python bench/study.py                # each topic three times
    python bench/study.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.services import Services  # noqa: E402
from assistant.study import SUGGESTED_THEMES, build_study_pack  # noqa: E402
from ingest.settings import get_settings  # noqa: E402

GOAL_S = 2.0
OTHER_TOPICS = ("du lịch", "giáo dục đào tạo", "kinh tế biển", "y tế", "cải cách hành chính", "bóng đá")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times to build each topic (default 3)")
    args = parser.parse_args(argv)
    if args.rounds <= 0:
        parser.error(f"--rounds must be positive, got {args.rounds}")
    services = Services(get_settings())
    started = time.perf_counter()
    retriever = services.retriever()
    retriever.search("khởi động", k=1)
    print(f"warm-up (index + embedder): {time.perf_counter() - started:.2f} s   cores: {os.cpu_count()}   load: {os.getloadavg()[0]:.1f}")
    packs: list[float] = []
    searches: list[float] = []
    print(f"  {'search':>7}  {'pack':>6}  topic")
    for _ in range(args.rounds):
        for topic in (*SUGGESTED_THEMES, *OTHER_TOPICS):
            start = time.perf_counter()
            retriever.search(topic, k=28)
            searches.append(time.perf_counter() - start)
            start = time.perf_counter()
            pack = build_study_pack(services, topic, None)
            packs.append(time.perf_counter() - start)
            print(
                f"  {searches[-1]:6.2f}s  {packs[-1]:5.2f}s  {topic:<44} {pack.coverage:<4} outline {len(pack.outline):>2}  "
                f"figures {len(pack.figures):>2}  quiz {len(pack.quiz):>2}"
            )
    verdict = "ok" if p95(packs) <= GOAL_S else f"over the {GOAL_S:.0f} s goal"
    print(f"baseline (one hybrid search): p50 {statistics.median(searches):.2f} s  p95 {p95(searches):.2f} s")
    print(f"study pack ({len(packs)} builds):      p50 {statistics.median(packs):.2f} s  p95 {p95(packs):.2f} s  ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
