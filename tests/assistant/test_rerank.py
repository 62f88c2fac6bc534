"""The cross-encoder reranker stage, run for real on a tiny cross-encoder the test builds and saves (no model hub):
alone, inside the retriever over the real index, and behind `vankien serve` with VANKIEN_RERANKER_MODEL set."""

from __future__ import annotations

import httpx
import pytest

from assistant.launch import ServerNotUp
from assistant.rerank import CrossEncoderReranker, model_dir
from assistant.retrieval.hit import Hit
from assistant.retrieval.retriever import Retriever
from assistant.services import Services
from ingest.document import Chunk
from ingest.settings import Settings
from tests.conftest import CORPUS, start_server, stop_server
from tests.helpers.tiny_models import build_tiny_cross_encoder


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory):
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("reranker"))


@pytest.fixture(scope="module")
def reranker(tiny_cross_encoder):
    return CrossEncoderReranker(tiny_cross_encoder)


def _hit(chunk_id: str, text: str, score: float) -> Hit:
    chunk = Chunk(chunk_id=chunk_id, doc_id="d", doc_title="D", section="Kinh tế", kind="paragraph", order=0, text=text,
                  embed_text=text, line_start=1, line_end=1)
    return Hit(chunk, score)


def test_rerank_keeps_every_hit_ordered_by_the_models_score(reranker):
    hits = [_hit(f"c{i}", text, 1.0 - i / 10) for i, text in enumerate(
        ["kinh tế tăng trưởng", "văn hóa con người", "nghị quyết đại hội", "chỉ tiêu thành phố"]
    )]
    expected = sorted(reranker.scores("tăng trưởng kinh tế", hits), reverse=True)
    reranked = reranker.rerank("tăng trưởng kinh tế", list(hits))
    assert {h.chunk.chunk_id for h in reranked} == {h.chunk.chunk_id for h in hits}
    assert [h.score for h in reranked] == pytest.approx(expected)
    assert reranker.rerank("tăng trưởng", []) == []


def test_missing_model_folder_fails_fast_naming_it(tmp_path):
    missing = tmp_path / "no-such-reranker"
    with pytest.raises(FileNotFoundError, match="no-such-reranker"):
        model_dir(missing)
    with pytest.raises(FileNotFoundError, match="no-such-reranker"):
        CrossEncoderReranker(missing)
    with pytest.raises(FileNotFoundError, match="no-such-reranker"):
        Services(Settings(data_dir=tmp_path, corpus_dir=CORPUS, reranker_model=str(missing)))
    with pytest.raises(ValueError, match="batch_size must be positive, got 0"):
        CrossEncoderReranker(tmp_path, batch_size=0)


def test_retriever_hands_its_head_to_the_reranker(services, reranker):
    retriever = Retriever(services.index(), services.embedder, reranker=reranker)
    hits = retriever.search("Tốc độ tăng trưởng kinh tế bình quân giai đoạn 2026 - 2030", k=5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores), scores


def test_serve_with_a_reranker_answers_ask(built_data_dir, tiny_cross_encoder):
    process, base = start_server(built_data_dir, env={"VANKIEN_RERANKER_MODEL": str(tiny_cross_encoder)})
    try:
        response = httpx.post(f"{base}/ask", json={"question": "Tốc độ tăng trưởng kinh tế bình quân đến năm 2030?"}, timeout=120)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["citations"], body
        assert all(c["quote"] and c["doc_id"] for c in body["citations"])
        search = httpx.post(f"{base}/search", json={"query": "cảng biển", "k": 3}, timeout=60)
        assert search.status_code == 200 and len(search.json()["hits"]) == 3
    finally:
        stop_server(process)


def test_serve_with_a_missing_reranker_stops_at_start(built_data_dir, tmp_path):
    with pytest.raises(ServerNotUp, match="no-such-reranker"):
        start_server(built_data_dir, env={"VANKIEN_RERANKER_MODEL": str(tmp_path / "no-such-reranker")})
