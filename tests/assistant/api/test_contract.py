"""Every endpoint of a real `vankien serve` on loopback over the real index: field names, content, filters."""

from __future__ import annotations

import httpx
import pytest

from tests.assistant.api.sse import parse_sse

DOC_IDS = {"bao-cao-chinh-tri", "de-an-cnxh", "chuong-trinh-hanh-dong", "ke-hoach-nq30", "nghi-quyet-dai-hoi"}
HIT_FIELDS = {"chunk_id", "doc_id", "doc_title", "section", "text", "score", "kind"}
CITATION_FIELDS = {"n", "chunk_id", "doc_id", "doc_title", "section", "quote"}
ASK_FIELDS = {"answer", "citations", "abstained", "closest", "route"}


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server, timeout=120) as client:
        yield client


def test_health_reports_the_index(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["documents"] == 5
    assert body["chunks"] > 500
    assert body["embedder"] and body["build_id"] and body["built_at"].startswith("20")


def test_search_contract_and_known_passage(client):
    response = client.post("/search", json={"query": "sản lượng hàng hóa thông qua cảng năm 2030", "k": 5})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert 1 <= len(hits) <= 5
    assert all(set(hit) == HIT_FIELDS for hit in hits)
    assert any("380" in hit["text"] for hit in hits), [h["text"][:80] for h in hits]
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_default_k_is_ten(client):
    hits = client.post("/search", json={"query": "chuyển đổi số"}).json()["hits"]
    assert len(hits) == 10


def test_search_doc_filter_keeps_only_those_documents(client):
    wanted = ["ke-hoach-nq30", "de-an-cnxh"]
    hits = client.post("/search", json={"query": "phát triển kinh tế biển", "k": 20, "doc_ids": wanted}).json()["hits"]
    assert hits and {hit["doc_id"] for hit in hits} <= set(wanted)


def test_search_unknown_doc_id_is_404_naming_it(client):
    response = client.post("/search", json={"query": "cảng biển", "doc_ids": ["khong-co-that"]})
    assert response.status_code == 404
    assert "khong-co-that" in response.json()["message"]


def test_documents_list(client):
    response = client.get("/documents")
    assert response.status_code == 200
    documents = response.json()["documents"]
    assert {d["doc_id"] for d in documents} == DOC_IDS
    for document in documents:
        assert set(document) == {"doc_id", "title", "short_title", "kind", "issuer", "date", "authority", "sections", "chunks"}
        assert document["title"] and document["chunks"] > 0 and document["sections"] > 0


def test_document_detail(client):
    response = client.get("/documents/chuong-trinh-hanh-dong")
    assert response.status_code == 200
    body = response.json()
    assert body["doc_id"] == "chuong-trinh-hanh-dong"
    assert {"title", "short_title", "kind", "issuer", "date", "authority", "sections", "chunks"} <= set(body)
    assert all(isinstance(s, str) for s in body["sections"])
    assert body["chunks"] and set(body["chunks"][0]) == {"chunk_id", "section", "kind", "text"}
    assert any("380 triệu tấn" in c["text"] for c in body["chunks"])


@pytest.mark.parametrize("doc_id", ["khong-co", "..%2F..%2Fetc%2Fpasswd", "%2E%2E", "meta.json", "__fingerprint__"])
def test_unknown_or_hostile_document_id_is_404(client, doc_id):
    response = client.get(f"/documents/{doc_id}")
    assert response.status_code == 404
    assert response.json()["message"]


def test_chunk_with_neighbours(client):
    chunks = client.get("/documents/nghi-quyet-dai-hoi").json()["chunks"]
    middle = chunks[len(chunks) // 2]["chunk_id"]
    body = client.get(f"/chunks/{middle}", params={"context": 2}).json()
    assert body["chunk"]["chunk_id"] == middle
    assert body["chunk"]["doc_id"] == "nghi-quyet-dai-hoi"
    ids = [c["chunk_id"] for c in body["before"]] + [middle] + [c["chunk_id"] for c in body["after"]]
    position = [c["chunk_id"] for c in chunks].index(middle)
    assert ids == [c["chunk_id"] for c in chunks[position - 2 : position + 3]]


def test_first_chunk_has_no_before(client):
    first = client.get("/documents/de-an-cnxh").json()["chunks"][0]["chunk_id"]
    body = client.get(f"/chunks/{first}").json()
    assert body["before"] == [] and len(body["after"]) == 1


def test_unknown_chunk_is_404(client):
    response = client.get("/chunks/no-such-chunk")
    assert response.status_code == 404
    assert "no-such-chunk" in response.json()["message"]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Vankien API"
    assert {"/health", "/search", "/ask", "/ask/stream", "/documents", "/documents/{doc_id}", "/chunks/{chunk_id}"} <= set(spec["paths"])


def _check_ask_shape(body: dict) -> None:
    assert ASK_FIELDS <= set(body)
    assert isinstance(body["answer"], str) and body["answer"]
    assert isinstance(body["abstained"], bool) and isinstance(body["route"], str)
    assert all(set(c) == CITATION_FIELDS for c in body["citations"])
    assert all(set(h) == HIT_FIELDS for h in body["closest"])


def test_ask_answers_with_citations(client):
    response = client.post("/ask", json={"question": "Sản lượng hàng hóa thông qua các cảng năm 2030 đạt bao nhiêu?"})
    assert response.status_code == 200, response.text
    body = response.json()
    _check_ask_shape(body)
    assert not body["abstained"]
    assert "380" in body["answer"]
    assert body["citations"] and [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))


def test_ask_with_history_and_doc_filter(client):
    response = client.post(
        "/ask",
        json={
            "question": "Còn mục tiêu về chuyển đổi số thì sao?",
            "history": [
                {"role": "user", "content": "Nghị quyết đặt mục tiêu gì cho kinh tế biển?"},
                {"role": "assistant", "content": "Phát triển kinh tế biển gắn với cảng biển hiện đại."},
            ],
            "doc_ids": ["nghi-quyet-dai-hoi"],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    _check_ask_shape(body)
    assert {c["doc_id"] for c in body["citations"]} <= {"nghi-quyet-dai-hoi"}


def test_ask_unknown_doc_id_is_404(client):
    response = client.post("/ask", json={"question": "Mục tiêu là gì?", "doc_ids": ["khong-co-that"]})
    assert response.status_code == 404
    assert "khong-co-that" in response.json()["message"]


def test_ask_stream_ends_with_done_shaped_like_ask(client):
    question = {"question": "Sản lượng hàng hóa thông qua các cảng năm 2030 đạt bao nhiêu?"}
    with client.stream("POST", "/ask/stream", json=question) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = parse_sse(text)
    names = [name for name, _ in events]
    assert names[-1] == "done" and names.count("done") == 1 and "error" not in names
    assert all(name == "token" for name in names[:-1]) and names[:-1]
    done = events[-1][1]
    plain = client.post("/ask", json=question).json()
    assert set(done) == set(plain)
    _check_ask_shape(done)
    assert "".join(data["text"] for name, data in events[:-1]).strip() == done["answer"].strip()


def test_registry_endpoints(client):
    agencies = client.get("/agencies")
    assert agencies.status_code == 200
    assert agencies.json()["agencies"]
    tasks = client.get("/tasks", params={"doc_id": "chuong-trinh-hanh-dong", "limit": 5})
    assert tasks.status_code == 200
    assert 1 <= len(tasks.json()["tasks"]) <= 5
    assert client.get("/tasks", params={"agency": "Bộ không tồn tại xyz"}).status_code == 404
    assert client.get("/tasks", params={"due_before": "soon"}).status_code == 422
