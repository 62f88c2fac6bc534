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
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
TARGET_P50_MS = {"/search": 60.0, "/ask": 150.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def start_server(data_dir: Path, port: int, timeout: float) -> subprocess.Popen:
    env = os.environ | {"VANKIEN_DATA_DIR": str(data_dir), "VANKIEN_RATE_LIMIT_PER_MINUTE": "100000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early:\n{process.stderr.read()}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            if response.status_code == 200:
                return process
            if response.json().get("status") == "no_index":
                process.terminate()
                raise SystemExit(f"no index in {data_dir}: run `vankien ingest` first (or pass --data-dir)")
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit(f"server did not answer /health within {timeout:.0f} s")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


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
    port = free_port()
    process = start_server(args.data_dir.resolve(), port, args.timeout)
    results: dict[str, list[float]] = {"/search": [], "/ask": []}
    failures: dict[str, int] = {"/search": 0, "/ask": 0}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
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
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

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
