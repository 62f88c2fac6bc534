"""A real `vankien serve` when the index is missing, damaged, or replaced under it by a concurrent ingest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ingest import store
from tests.conftest import CORPUS, ROOT, start_server, stop_server
from tests.ingest.scratch import clone_data_dir

QUERIES = ["cảng biển", "chuyen doi so", "Sở Tài chính chủ trì", "tăng trưởng GRDP", "nhà ở xã hội"]


def _current_build(data_dir: Path) -> Path:
    return data_dir / store.BUILDS_DIR / (data_dir / store.CURRENT_FILE).read_text(encoding="utf-8").strip()


def test_start_without_index_says_how_to_build_one(tmp_path):
    process, base = start_server(tmp_path / "empty", ready_status=503)
    try:
        health = httpx.get(f"{base}/health").json()
    finally:
        output = stop_server(process)
    assert "no index in" in output and "vankien ingest" in output
    assert health["status"] == "no_index" and "vankien ingest" in health["message"]


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda build: (build / store.META_FILE).write_text("\x00garbage{", encoding="utf-8"), "meta.json is unreadable"),
        (lambda build: (build / store.CHUNKS_FILE).unlink(), "lacks chunks.jsonl"),
        (lambda build: (build / store.LEXICAL_FILE).unlink(), "lacks lexical.pkl"),
        (lambda build: (build / store.CHUNKS_FILE).write_text('{"chunk_id": 1}\n', encoding="utf-8"), "chunks.jsonl is unreadable"),
    ],
    ids=["garbage meta", "no chunks", "no lexical index", "garbage chunks"],
)
def test_damaged_index_is_reported_at_start_with_what_to_do(tmp_path, built_data_dir, damage, named):
    data_dir = clone_data_dir(built_data_dir, tmp_path / "data")
    damage(_current_build(data_dir))
    process, base = start_server(data_dir, ready_status=503)
    try:
        health = httpx.get(f"{base}/health")
        search = httpx.post(f"{base}/search", json={"query": "cảng biển"})
    finally:
        output = stop_server(process)
    assert named in output and "vankien ingest --rebuild" in output and "index_error" in output
    assert health.status_code == 503 and health.json()["status"] == "index_error"
    assert named in health.json()["message"]
    assert search.status_code == 503 and "vankien ingest --rebuild" in search.json()["message"]


def test_garbage_lexical_index_is_503_not_a_500(tmp_path, built_data_dir):
    data_dir = clone_data_dir(built_data_dir, tmp_path / "data")
    (_current_build(data_dir) / store.LEXICAL_FILE).write_bytes(b"not a pickle")
    process, base = start_server(data_dir)
    try:
        search = httpx.post(f"{base}/search", json={"query": "cảng biển"}, timeout=60)
    finally:
        stop_server(process)
    assert search.status_code == 503
    assert "lexical.pkl" in search.json()["message"] and "vankien ingest --rebuild" in search.json()["message"]


def test_requests_during_a_reingest_are_served_by_the_previous_index(tmp_path, built_data_dir):
    data_dir = clone_data_dir(built_data_dir, tmp_path / "data")
    process, base = start_server(data_dir)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            old_build = client.get("/health").json()["build_id"]
            env = os.environ | {"VANKIEN_DATA_DIR": str(data_dir), "VANKIEN_CORPUS_DIR": str(CORPUS)}
            ingest = subprocess.Popen(
                [sys.executable, "-m", "assistant.cli", "ingest", "--rebuild"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
            statuses, builds_seen, sent = [], set(), 0
            while ingest.poll() is None:
                response = client.post("/search", json={"query": QUERIES[sent % len(QUERIES)], "k": 3})
                statuses.append(response.status_code)
                sent += 1
                if sent % 10 == 0:
                    builds_seen.add(client.get("/health").json()["build_id"])
            ingest_output = ingest.stdout.read()
            assert ingest.returncode == 0, ingest_output
            for query in QUERIES:
                statuses.append(client.post("/search", json={"query": query, "k": 3}).status_code)
            health = client.get("/health").json()
    finally:
        stop_server(process)
    new_build = (data_dir / store.CURRENT_FILE).read_text(encoding="utf-8").strip()
    assert sent >= 10, f"only {sent} requests overlapped the ingest; the test proved little"
    assert statuses == [200] * len(statuses), [s for s in statuses if s != 200]
    assert new_build != old_build and health["build_id"] == new_build and health["status"] == "ok"
    assert builds_seen <= {old_build, new_build}


def test_a_broken_new_build_leaves_the_previous_one_serving_until_a_good_one_is_published(tmp_path, built_data_dir):
    from assistant.retrieval.index import IndexHolder
    from ingest.settings import Settings

    data_dir = clone_data_dir(built_data_dir, tmp_path / "data")
    settings = Settings(data_dir=data_dir)
    holder = IndexHolder(settings)
    good = _current_build(data_dir)
    assert holder.get().build_dir == good
    broken = good.with_name("20990101-000000-1-00001")
    shutil.copytree(good, broken)
    (broken / store.CHUNKS_FILE).unlink()
    store.publish(settings, broken.name)
    assert holder.get().build_dir == good, "a build without chunks must not replace a working one"
    assert holder.get().build_dir == good
    fixed = good.with_name("20990101-000000-1-00002")
    shutil.copytree(good, fixed)
    store.publish(settings, fixed.name)
    assert holder.get().build_dir == fixed
