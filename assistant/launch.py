"""Start `vankien serve` as a child process and wait until it answers: shared by `vankien up`, the serving
benchmarks and the tests, so that all three start the API the same way."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


class ServerNotUp(RuntimeError):
    """The API process exited, or did not answer /health as wanted in time."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def start_api(
    host: str,
    port: int,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    verbose: bool = False,
    stdout=None,
    stderr=None,
) -> subprocess.Popen:
    command = [sys.executable, "-m", "assistant.cli", *(["-v"] if verbose else []), "serve", "--host", host,
               "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, env=dict(env) if env is not None else None, stdout=stdout,
                            stderr=stderr, text=True)


def wait_until_up(
    process: subprocess.Popen,
    base_url: str,
    timeout: float,
    ready: Callable[[httpx.Response], bool] = lambda response: response.status_code == 200,
) -> httpx.Response:
    """Poll /health until `ready` holds; the response that satisfied it. Raises ServerNotUp with what the process
    printed when it exits first, and after `timeout` seconds (the process is then left running for the caller)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            printed = process.stdout.read() if process.stdout else ""
            printed += process.stderr.read() if process.stderr else ""
            raise ServerNotUp(f"the API exited early (code {process.returncode}): {printed.strip()}")
        try:
            response = httpx.get(f"{base_url}/health", timeout=2)
            if ready(response):
                return response
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise ServerNotUp(f"the API did not answer {base_url}/health as expected within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 15) -> str:
    """Terminate, then kill if it lingers; what the process printed on a pipe, if any."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""
