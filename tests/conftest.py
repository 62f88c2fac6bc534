"""Shared fixtures: one real index over the real corpus per test session, and a real API server on loopback.

Embedding the corpus from scratch takes a few minutes on 2 cores, so the session reuses an embedding
cache at VANKIEN_TEST_CACHE (default: data/embed_cache.sqlite in the repo) when one exists, and leaves
the cache there for the next run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from assistant.launch import ServerNotUp, free_port, start_api, stop, wait_until_up
from tests.helpers.embed_cache import copy_embed_cache, merge_embed_cache

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _shared_cache() -> Path:
    return Path(os.environ.get("VANKIEN_TEST_CACHE", ROOT / "data" / "embed_cache.sqlite"))


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory) -> Path:
    """A data dir holding a published index of the five real documents."""
    from ingest.settings import Settings
    from ingest.pipeline import run_ingest

    data_dir = tmp_path_factory.mktemp("data")
    cache = _shared_cache()
    if cache.exists():
        copy_embed_cache(cache, data_dir / "embed_cache.sqlite")
    report = run_ingest(Settings(data_dir=data_dir, corpus_dir=CORPUS))
    assert report.published and not report.errors, report.errors
    cache.parent.mkdir(parents=True, exist_ok=True)
    merge_embed_cache(data_dir / "embed_cache.sqlite", cache)
    _train_answerability(data_dir)
    return data_dir


def _train_answerability(data_dir: Path) -> None:
    """The index answers as served: gated by the answerability model trained on it (`vankien train`)."""
    from assistant.services import Services
    from assistant.train_answerability import train_and_store
    from ingest.settings import Settings

    train_and_store(Services(Settings(data_dir=data_dir, corpus_dir=CORPUS)))


@pytest.fixture(scope="session")
def services(built_data_dir):
    from assistant.services import Services
    from ingest.settings import Settings

    return Services(Settings(data_dir=built_data_dir, corpus_dir=CORPUS))


def start_server(
    data_dir: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    ready_status: int | None = None,
    verbose: bool = False,
    workers: int = 1,
):
    """`vankien serve` as a real process on a free loopback port; returns (process, base_url).

    Up means /health answers below 500, or exactly `ready_status` (503 for a server without an index).
    `verbose` turns on uvicorn's access log (what a key-leak test must read).
    """
    port = free_port()
    environment = os.environ | {"VANKIEN_DATA_DIR": str(data_dir), "VANKIEN_CORPUS_DIR": str(CORPUS)} | (env or {})
    process = start_api(
        "127.0.0.1", port, env=environment, workers=workers, verbose=verbose,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(
            process, base, timeout,
            lambda r: r.status_code == ready_status if ready_status is not None else r.status_code < 500,
        )
    except ServerNotUp:
        process.kill()
        raise
    return process, base


def stop_server(process: subprocess.Popen) -> str:
    """Stop a server started by start_server and return what it printed."""
    return stop(process, timeout=10)


@pytest.fixture(scope="session")
def live_server(built_data_dir):
    process, base = start_server(built_data_dir)
    yield base
    stop_server(process)
