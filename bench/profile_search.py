"""Where one /search spends its time: cProfile over the questions bench/api_latency.py times, in-process.

The retriever is warmed as `vankien serve` warms it (assistant/api/app.py) and as the latency bench does (its first
five questions), then each question is searched once, under cProfile unless --no-profile.

    python bench/profile_search.py                 # 50 questions, top 30 by cumulative time
    python bench/profile_search.py --n 20 --top 50 --sort tottime
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api_latency import QUESTIONS, varied_questions

from assistant.api.app import _warm_up
from assistant.services import Services
from ingest.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--no-profile", action="store_true", help="only time the searches")
    args = parser.parse_args()

    questions = [q["question"] for q in varied_questions(QUESTIONS, args.n)]
    services = Services(Settings())
    _warm_up(services)
    retriever = services.retriever()
    for question in questions[:5]:
        retriever.search(question, k=10)

    profile = cProfile.Profile()
    times = []
    for question in questions:
        started = time.perf_counter()
        if args.no_profile:
            retriever.search(question, k=10)
        else:
            profile.runcall(retriever.search, question, k=10)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{len(times)} searches: p50 {times[len(times) // 2]:.1f} ms, mean {sum(times) / len(times):.1f} ms"
          f"{'' if args.no_profile else ' (under cProfile)'}")
    if not args.no_profile:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
