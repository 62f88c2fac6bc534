"""Load test: N concurrent clients mixing /search, /ask and /tasks against a real `vankien serve`.

Each client sends its next request as soon as the previous one is answered (plus `--think` seconds), so with
no think time this is a saturation test: latency is mostly queueing once the cores are busy. Questions come
from tests/eval/questions.jsonl (follow-ups with their history), /tasks filters from the live /agencies list.

    python bench/load.py                          # 50 clients, 60 s, 2 workers over ./data
    python bench/load.py --workers 1,2 --seconds 20   # compare worker counts
    python bench/load.py --url http://10.0.0.5:8000   # an already running server
Goal: no errors, /ask p95 <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

from serving import ROOT, percentile, start_server, stop, tree_rss_mb

QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
ASK_P95_GOAL_MS = 1000.0
TASK_WORDS = ["chuyển đổi số", "cảng biển", "nhà ở xã hội", "du lịch", "giáo dục", "khoa học công nghệ", "y tế"]


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


class Workload:
    """The next request a client sends, drawn from a fixed mix."""

    def __init__(self, questions: list[dict], agencies: list[str], mix: dict[str, int], seed: int):
        self.questions, self.agencies = questions, agencies
        self.endpoints = list(mix)
        self.weights = [mix[e] for e in self.endpoints]
        self.random = random.Random(seed)

    def next(self) -> tuple[str, str, dict]:
        endpoint = self.random.choices(self.endpoints, self.weights)[0]
        item = self.random.choice(self.questions)
        if endpoint == "/search":
            return endpoint, "POST", {"json": {"query": item["question"], "k": 10}}
        if endpoint == "/ask":
            return endpoint, "POST", {"json": {"question": item["question"], "history": item.get("history")}}
        params = {"limit": 50}
        if self.agencies and self.random.random() < 0.6:
            params["agency"] = self.random.choice(self.agencies)
        else:
            params["q"] = self.random.choice(TASK_WORDS)
        return endpoint, "GET", {"params": params}


async def client_loop(client: httpx.AsyncClient, workload: Workload, until: float, think: float, results: dict) -> None:
    while time.monotonic() < until:
        endpoint, method, kwargs = workload.next()
        start = time.perf_counter()
        try:
            response = await client.request(method, endpoint, **kwargs)
            outcome = response.status_code
        except httpx.HTTPError as error:
            outcome = type(error).__name__
        results[endpoint].append(((time.perf_counter() - start) * 1000, outcome))
        if think:
            await asyncio.sleep(think)


async def run_load(base: str, clients: int, seconds: float, think: float, mix: dict[str, int], warmup: float) -> tuple[dict, float]:
    questions = load_questions()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        agencies = [a["name"] for a in (await client.get("/agencies")).json().get("agencies", [])][:40]
        if warmup:
            scratch: dict = defaultdict(list)
            until = time.monotonic() + warmup
            await asyncio.gather(*(client_loop(client, Workload(questions, agencies, mix, 10_000 + i), until, think, scratch)
                                   for i in range(min(clients, 8))))
        results: dict = defaultdict(list)
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(client_loop(client, Workload(questions, agencies, mix, i), until, think, results) for i in range(clients)))
        return results, time.monotonic() - started


def report(results: dict, elapsed: float, label: str) -> bool:
    total = sum(len(v) for v in results.values())
    print(f"\n{label}: {total} requests in {elapsed:.1f} s = {total / elapsed:.1f} req/s")
    print(f"{'endpoint':<9} {'n':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    ok = True
    for endpoint in sorted(results):
        samples = results[endpoint]
        ms = [m for m, _ in samples]
        errors = [o for _, o in samples if o != 200]
        print(f"{endpoint:<9} {len(ms):>6} {len(ms) / elapsed:>7.1f} {percentile(ms, 50):>8.0f} {percentile(ms, 95):>8.0f} "
              f"{percentile(ms, 99):>8.0f} {max(ms):>8.0f} {len(errors):>7}")
        if errors:
            kinds: dict = defaultdict(int)
            for outcome in errors:
                kinds[outcome] += 1
            print(f"          errors: {dict(kinds)}")
        ok &= not errors
    ask = [m for m, _ in results.get("/ask", [])]
    ask_ok = bool(ask) and percentile(ask, 95) <= ASK_P95_GOAL_MS
    print(f"goal (0 errors, /ask p95 <= {ASK_P95_GOAL_MS:.0f} ms): {'met' if ok and ask_ok else 'MISSED'}")
    return ok and ask_ok


def parse_mix(text: str) -> dict[str, int]:
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        endpoint = "/" + name.strip().lstrip("/")
        if endpoint not in ("/search", "/ask", "/tasks") or not weight.strip().isdigit():
            raise SystemExit(f"--mix wants e.g. search=4,ask=4,tasks=2; got {part!r}")
        mix[endpoint] = int(weight)
    return mix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one over --data-dir)")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("VANKIEN_DATA_DIR", ROOT / "data")))
    parser.add_argument("--workers", default="2", help="uvicorn workers; a comma list runs one load per value (default 2)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=0.0, help="pause of each client between requests (default 0)")
    parser.add_argument("--warmup", type=float, default=5.0, help="untimed seconds of load first (default 5)")
    parser.add_argument("--mix", default="search=4,ask=4,tasks=2")
    args = parser.parse_args()
    mix = parse_mix(args.mix)

    print(f"{args.clients} clients, {args.seconds:.0f} s, think {args.think} s, mix {args.mix}, {os.cpu_count()} cores")
    if args.url:
        results, elapsed = asyncio.run(run_load(args.url, args.clients, args.seconds, args.think, mix, args.warmup))
        return 0 if report(results, elapsed, args.url) else 1
    all_ok = True
    for workers in [int(w) for w in args.workers.split(",")]:
        process, base = start_server(args.data_dir.resolve(), workers=workers)
        try:
            if workers > 1:
                time.sleep(5)  # let every worker load the index before timing starts
            results, elapsed = asyncio.run(run_load(base, args.clients, args.seconds, args.think, mix, args.warmup))
            rss = tree_rss_mb(process.pid)
        finally:
            stop(process)
        all_ok &= report(results, elapsed, f"{workers} worker(s), server RSS {rss:.0f} MB")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
