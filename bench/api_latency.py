"""API latency: p50/p95 of /search and /ask against a real `vankien serve`, one request at a time.

Starts the server on a free loopback port over VANKIEN_DATA_DIR (default ./data, which must hold an index:
run `vankien ingest` first), warms it up, then sends 50 varied questions from tests/eval/questions.jsonl
(every category, follow-ups with their history) to each endpoint sequentially.

    python bench/api_latency.py                 # 50 questions
    python bench/api_latency.py --n 20 --data-dir /tmp/data
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

import httpx
from serving import ROOT, percentile, start_server, stop

QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
TARGET_P50_MS = {"/search": 40.0, "/ask": 80.0}


def varied_questions(path: Path, n: int) -> list[dict]:
    """Round-robin over categories so every kind of question (figures, owners, accentless, follow-ups...) is timed."""
    by_category: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            by_category.setdefault(item["category"], []).append(item)
    mixed = [q for group in itertools.zip_longest(*by_category.values()) for q in group if q is not None]
    if len(mixed) < n:
        raise SystemExit(f"{path} holds {len(mixed)} questions, fewer than --n {n}")
    return mixed[:n]


def timed(client: httpx.Client, path: str, body: dict) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.post(path, json=body)
    return (time.perf_counter() - start) * 1000, response.status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("VANKIEN_DATA_DIR", ROOT / "data")))
    parser.add_argument("--n", type=int, default=50, help="questions per endpoint (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per endpoint first (default 5)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the server")
    args = parser.parse_args()

    questions = varied_questions(QUESTIONS, args.n)
    process, base = start_server(args.data_dir.resolve(), timeout=args.timeout)
    results: dict[str, list[float]] = {"/search": [], "/ask": []}
    failures: dict[str, int] = {"/search": 0, "/ask": 0}
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for item in questions[: args.warmup]:
                timed(client, "/search", {"query": item["question"]})
                timed(client, "/ask", {"question": item["question"]})
            for item in questions:
                ms, status = timed(client, "/search", {"query": item["question"], "k": 10})
                results["/search"].append(ms)
                failures["/search"] += status != 200
            for item in questions:
                body = {"question": item["question"], "history": item.get("history")}
                ms, status = timed(client, "/ask", body)
                results["/ask"].append(ms)
                failures["/ask"] += status != 200
    finally:
        stop(process)

    print(f"\n{args.n} sequential requests per endpoint over {args.data_dir}  ({os.cpu_count()} cores)\n")
    print(f"{'endpoint':<10} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'target p50':>11} {'non-200':>8}  verdict")
    worst = 0
    for path, values in results.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        ok = p50 <= TARGET_P50_MS[path] and failures[path] == 0
        worst |= not ok
        print(
            f"{path:<10} {p50:>9.1f} {p95:>9.1f} {max(values):>9.1f} {TARGET_P50_MS[path]:>9.0f} ms {failures[path]:>8}  "
            f"{'ok' if ok else 'MISSED'}"
        )
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
