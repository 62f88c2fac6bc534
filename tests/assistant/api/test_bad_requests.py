"""Whatever a client sends, the answer is a 4xx with a readable message, never a 500."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server, timeout=60) as client:
        yield client


BAD_JSON_BODIES = [
    ("/ask", {"question": ""}),
    ("/ask", {"question": "   \n\t "}),
    ("/ask", {"question": 42}),
    ("/ask", {"question": ["a", "b"]}),
    ("/ask", {}),
    ("/ask", {"question": "Mục tiêu?", "history": [{"role": "system", "content": "x"}]}),
    ("/ask", {"question": "Mục tiêu?", "history": [{"role": "user", "content": "x"}] * 21}),
    ("/ask", {"question": "Mục tiêu?", "doc_ids": "nghi-quyet-dai-hoi"}),
    ("/ask", {"question": "x" * 2001}),
    ("/ask", {"question": "Mục tiêu?", "extra": 1}),
    ("/ask/stream", {"question": ""}),
    ("/search", {"query": ""}),
    ("/search", {"query": "cảng", "k": 0}),
    ("/search", {"query": "cảng", "k": 1000}),
    ("/search", {"query": "cảng", "k": "many"}),
    ("/search", {"query": None}),
    ("/search", ["not", "an", "object"]),
]


@pytest.mark.parametrize("path,body", BAD_JSON_BODIES)
def test_invalid_bodies_are_422_with_message(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert isinstance(payload["message"], str) and payload["message"]
    assert isinstance(payload["detail"], list) and payload["detail"]


def test_message_names_the_bad_field(client):
    message = client.post("/search", json={"query": "cảng", "k": 0}).json()["message"]
    assert "k" in message and "greater than or equal to 1" in message


def test_hundred_kilobyte_question_is_refused(client):
    response = client.post("/ask", json={"question": "cảng " * 25_000})
    assert response.status_code in (413, 422)
    assert "message" in response.json()


def test_oversized_chunked_body_is_413(client):
    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    response = client.post("/search", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "bytes" in response.json()["message"]


@pytest.mark.parametrize("raw", [b'{"query": "cang"', b"not json at all", b'{"query": "a",}', b"\xff\xfe"])
def test_malformed_json_is_400_with_message(client, raw):
    response = client.post("/search", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.json()["message"]


def test_wrong_method_and_path_carry_messages(client):
    assert client.get("/search").status_code == 405
    missing = client.get("/no-such-endpoint")
    assert missing.status_code == 404 and missing.json()["message"]


@pytest.mark.parametrize("params", [{"context": -1}, {"context": 99}, {"context": "two"}])
def test_bad_chunk_context_is_422(client, params):
    chunk_id = client.get("/documents/ke-hoach-nq30").json()["chunks"][0]["chunk_id"]
    response = client.get(f"/chunks/{chunk_id}", params=params)
    assert response.status_code == 422 and response.json()["message"]
