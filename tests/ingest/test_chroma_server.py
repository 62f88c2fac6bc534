"""Scale-out mode end to end: a real `chroma run` server, an ingest into it, queries in process and through a real
`vankien serve`, then the Chroma server dies (503 with a message) and comes back (200 again, no API restart)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.services import Services
from ingest.settings import Settings
from ingest import store
from ingest.manifest import MANIFEST_NAME
from ingest.pipeline import run_ingest
from tests.conftest import free_port, start_server
from tests.ingest.scratch import CORPUS, manifest_entries, seed_data_dir

pytestmark = pytest.mark.slow

DOC_IDS = ("ke-hoach-nq30", "nghi-quyet-dai-hoi")
CHROMA = Path(sys.executable).parent / "chroma"
QUERY = "phát triển kinh tế biển, cảng biển"


def _small_corpus(target: Path) -> Path:
    """Two short real documents with their own manifest entries."""
    target.mkdir(parents=True)
    entries = [e for e in manifest_entries() if e["doc_id"] in DOC_IDS]
    lines = []
    for entry in entries:
        shutil.copy(CORPUS / entry["path"], target / entry["path"])
        lines.append("[[documents]]")
        lines.extend(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items())
        lines.append("")
    (target / MANIFEST_NAME).write_text("\n".join(lines), encoding="utf-8")
    return target


class ChromaServer:
    """`chroma run` on a fixed port and path, so it can be killed and brought back as the same server."""

    def __init__(self, path: Path, port: int):
        self.path, self.port = path, port
        self.process: subprocess.Popen | None = None
        self.log = path.parent / "chroma.log"

    def start(self, timeout: float = 60.0) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.path)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma exited early: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("chroma did not come up in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"no chroma CLI next to {sys.executable}")
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "db", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory, chroma, built_data_dir) -> Settings:
    """A two-document index whose vectors live on the Chroma server (embeddings come from the session's cache)."""
    root = tmp_path_factory.mktemp("scale-out")
    corpus = _small_corpus(root / "corpus")
    data_dir = seed_data_dir(root / "data", warm_from=built_data_dir)
    settings = Settings(data_dir=data_dir, corpus_dir=corpus, chroma_host="127.0.0.1", chroma_port=chroma.port)
    report = run_ingest(settings, corpus)
    assert report.published and not report.errors, report.errors
    assert report.texts_embedded == 0, "the two documents' chunks were expected in the session's embedding cache"
    return settings


def test_ingest_writes_vectors_to_the_server_not_the_build(server_settings):
    build_dir = store.current_build_dir(server_settings)
    meta = store.read_meta(build_dir)
    assert meta.chroma_mode == "server" and meta.collection == f"vankien-{meta.build_id}"
    assert not (build_dir / "chroma").exists()
    client = store.chroma_client(server_settings, build_dir)
    assert client.get_collection(meta.collection).count() == meta.chunk_count > 20


def test_retriever_and_services_query_the_server(server_settings):
    services = Services(server_settings)
    hits = services.retriever().search(QUERY, k=5)
    assert len(hits) == 5 and {h.chunk.doc_id for h in hits} <= set(DOC_IDS)
    assert any(h.dense_rank is not None for h in hits), "no hit came from the Chroma server"
    only = services.retriever().search(QUERY, k=3, doc_ids=["ke-hoach-nq30"])
    assert only and all(h.chunk.doc_id == "ke-hoach-nq30" for h in only)
    answer = services.answerer().ask("Kế hoạch thực hiện Nghị quyết 30 đặt mục tiêu gì về cảng biển?")
    assert answer.answer and (answer.abstained or answer.citations)
    assert {c.doc_id for c in answer.citations} <= set(DOC_IDS)


def test_api_survives_the_chroma_server_going_down_and_coming_back(server_settings, chroma):
    env = {"VANKIEN_CHROMA_HOST": "127.0.0.1", "VANKIEN_CHROMA_PORT": str(chroma.port),
           "VANKIEN_CORPUS_DIR": str(server_settings.corpus_dir)}
    process, base = start_server(server_settings.data_dir, env=env)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            up = client.post("/search", json={"query": QUERY, "k": 5})
            assert up.status_code == 200, up.text
            top = [h["chunk_id"] for h in up.json()["hits"]]
            assert {h["doc_id"] for h in up.json()["hits"]} <= set(DOC_IDS)
            assert client.post("/ask", json={"question": "Mục tiêu phát triển cảng biển là gì?"}).status_code == 200

            chroma.stop()
            down = client.post("/search", json={"query": QUERY, "k": 5})
            assert down.status_code == 503, down.text
            assert "Chroma server" in down.json()["message"] and "unreachable" in down.json()["message"]
            assert int(down.headers["Retry-After"]) >= 1
            ask_down = client.post("/ask", json={"question": "Mục tiêu phát triển cảng biển là gì?"})
            assert ask_down.status_code == 503 and "Chroma" in ask_down.json()["message"]
            assert client.get("/documents").status_code == 200, "what does not need vectors keeps working"

            chroma.start()
            back = client.post("/search", json={"query": QUERY, "k": 5})
            assert back.status_code == 200, back.text
            assert [h["chunk_id"] for h in back.json()["hits"]] == top
            assert process.poll() is None
    finally:
        if chroma.process.poll() is not None:
            chroma.start()
        process.terminate()
        process.wait(timeout=10)


def test_ingest_with_the_server_down_fails_clearly_and_keeps_the_index(server_settings, chroma):
    served = (server_settings.data_dir / store.CURRENT_FILE).read_text()
    chroma.stop()
    try:
        with pytest.raises(store.VectorStoreUnavailable, match=rf"Chroma server 127\.0\.0\.1:{chroma.port} is unreachable"):
            run_ingest(server_settings, server_settings.corpus_dir, rebuild=True)
    finally:
        chroma.start()
    assert (server_settings.data_dir / store.CURRENT_FILE).read_text() == served
    assert len(list(store.builds_root(server_settings).iterdir())) == 1
    assert Services(server_settings).retriever().search(QUERY, k=1)
