"""`vankien up`, the README's run command: API and UI both answer, and a stop takes both children down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from assistant.launch import free_port
from tests.conftest import CORPUS, ROOT


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.update(int(child) for child in handle.read().split())
        except FileNotFoundError:
            continue
    return found


def _wait_for(url: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2).status_code
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s")


@pytest.mark.slow
def test_up_serves_api_and_ui_and_a_stop_ends_both(built_data_dir) -> None:
    api_port, ui_port = free_port(), free_port()
    env = os.environ | {"VANKIEN_DATA_DIR": str(built_data_dir), "VANKIEN_CORPUS_DIR": str(CORPUS)}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "up", "--api-port", str(api_port), "--ui-port", str(ui_port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{api_port}/health", 120) == 200
        assert httpx.get(f"http://127.0.0.1:{api_port}/health", timeout=5).json()["chunks"] > 1000
        assert _wait_for(f"http://127.0.0.1:{ui_port}/", 120) == 200
        children = _children(process.pid)
        assert len(children) == 2, children
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        for child in children:
            assert not os.path.exists(f"/proc/{child}") or open(f"/proc/{child}/stat").read().split()[2] == "Z", child
    finally:
        if process.poll() is None:
            process.kill()
