"""What the serving benchmarks share: a `vankien serve` process on a free port, its memory, percentiles."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.launch import ServerNotUp, free_port, start_api, stop, wait_until_up  # noqa: E402


def start_server(data_dir: Path, workers: int = 1, env: dict[str, str] | None = None, timeout: float = 180.0):
    """`vankien serve` with the rate limit out of the way; returns (process, base_url) once /health is 200."""
    port = free_port()
    environment = os.environ | {"VANKIEN_DATA_DIR": str(data_dir), "VANKIEN_RATE_LIMIT_PER_MINUTE": "10000000"} | (env or {})
    process = start_api("127.0.0.1", port, env=environment, workers=workers, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"

    def ready(response: httpx.Response) -> bool:
        if response.status_code != 200 and response.json().get("status") in ("no_index", "index_error"):
            stop(process)
            raise SystemExit(f"no usable index in {data_dir}: {response.json().get('message')}")
        return response.status_code == 200

    try:
        wait_until_up(process, base, timeout, ready)
    except ServerNotUp as error:
        process.kill()
        raise SystemExit(str(error)) from None
    return process, base


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (uvicorn workers are children), from /proc."""
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
        todo += _children(current)
    return total_kb / 1024


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]
