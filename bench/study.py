"""Study-pack build time: median and max seconds per pack for five themes, in-process, against a real index.

Uses VANKIEN_DATA_DIR (default ./data, which must hold an index: run `vankien ingest` first). The embedder and
index are warmed up first (as `vankien serve` does at start-up), so the numbers are what a user waits for.

    python bench/study.py                # each theme once
    python bench/study.py --rounds 3     # each theme three times
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.services import Services  # noqa: E402
from ingest.settings import get_settings  # noqa: E402
from assistant.study import SUGGESTED_THEMES, build_study_pack  # noqa: E402

GOAL_S = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="times to build each theme (default 1)")
    args = parser.parse_args(argv)
    if args.rounds <= 0:
        parser.error(f"--rounds must be positive, got {args.rounds}")
    services = Services(get_settings())
    started = time.perf_counter()
    retriever = services.retriever()
    retriever.search("khởi động", k=1)
    print(f"warm-up (index + embedder): {time.perf_counter() - started:.2f} s")
    timings: list[float] = []
    for _ in range(args.rounds):
        for theme in SUGGESTED_THEMES:
            start = time.perf_counter()
            pack = build_study_pack(services, theme, None)
            seconds = time.perf_counter() - start
            timings.append(seconds)
            print(
                f"  {seconds:6.2f} s  {theme:<45} outline {len(pack.outline):>2}  figures {len(pack.figures):>2}  "
                f"quiz {len(pack.quiz):>2}  agencies {len(pack.agencies):>2}"
            )
    median, worst = statistics.median(timings), max(timings)
    verdict = "ok" if worst <= GOAL_S else f"over the {GOAL_S:.0f} s goal"
    print(f"packs: {len(timings)}  median: {median:.2f} s  max: {worst:.2f} s  ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
