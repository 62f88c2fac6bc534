"""What a hostile or careless client can try: guessing the key, reading it from the logs, huge bodies, foreign
origins, escaping the index with path ids, SQL in registry filters. The API-key, rate-limit and basic CORS
cases live in test_guards.py; this file adds what they do not cover.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import httpx
import pytest

from assistant.api.middleware import ApiKeyGuard
from tests.conftest import start_server, stop_server

KEY = "vk-" + "7f3a9c1e5b2d8046" * 3
FOREIGN = "http://evil.example"
FILE_CONTENT_MARKERS = ("root:x:0:0", "root:*:0:0", "/bin/bash", '"embedder_id"', '"chunk_count"', "[[documents]]")


def raw_get(base: str, path: str) -> tuple[int, str]:
    """GET with the path sent byte for byte: httpx would resolve `..` segments before they reach the server."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server, timeout=60) as client:
        yield client


# --- API key ---------------------------------------------------------------------------------------------------


def test_key_check_accepts_only_the_exact_key():
    guard = ApiKeyGuard(app=None, api_key=KEY)
    assert guard.accepts(KEY.encode())
    for wrong in (b"", KEY[:-1].encode(), (KEY + "x").encode(), KEY.upper().encode(), b"\xff" * 64):
        assert not guard.accepts(wrong)


def test_key_check_never_compares_the_raw_key():
    """Review guard: the comparison goes through equal-length digests, so no early exit on length or prefix."""
    guard = ApiKeyGuard(app=None, api_key=KEY)
    assert not hasattr(guard, "api_key")
    assert len(guard.key_digest) == 32 and KEY.encode() not in guard.key_digest


def test_key_never_logged_even_with_the_access_log_on(built_data_dir):
    process, base = start_server(built_data_dir, env={"VANKIEN_API_KEY": KEY}, verbose=True)
    try:
        statuses = [
            httpx.get(f"{base}/documents", headers={"X-API-Key": KEY[:-1] + "0"}).status_code,
            httpx.get(f"{base}/documents", headers={"X-API-Key": KEY}).status_code,
            httpx.get(f"{base}/documents", headers={"Authorization": f"Bearer {KEY}"}).status_code,
            httpx.get(f"{base}/documents", headers={"Authorization": f"Bearer {KEY}x"}).status_code,
            httpx.post(f"{base}/search", json={"query": KEY}, headers={"X-API-Key": "nope"}).status_code,
        ]
    finally:
        log = stop_server(process)
    assert statuses == [401, 200, 200, 401, 401]
    assert "GET /documents" in log, "the access log was expected on, so the check below means something"
    assert KEY not in log and KEY[:-1] not in log


# --- body size -------------------------------------------------------------------------------------------------


def test_declared_oversized_body_is_413_before_reading_it(client):
    body = json.dumps({"query": "cảng " * 20_000}).encode()
    response = client.post("/search", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "64000 bytes" in response.json()["message"]


def test_body_just_under_the_limit_reaches_validation(client):
    body = json.dumps({"query": "c" * 60_000}).encode()
    response = client.post("/search", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "query" in response.json()["message"]


# --- CORS ------------------------------------------------------------------------------------------------------


def test_cors_preflight_from_a_foreign_origin_gets_no_allow_header_by_default(client):
    preflight = {"Origin": FOREIGN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    response = client.options("/search", headers=preflight)
    assert "access-control-allow-origin" not in response.headers
    simple = client.post("/search", json={"query": "cảng biển", "k": 1}, headers={"Origin": FOREIGN})
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


def test_cors_open_for_the_configured_origin_only(built_data_dir):
    origin = "https://vankien.example.vn"
    process, base = start_server(built_data_dir, env={"VANKIEN_CORS_ORIGINS": json.dumps([origin])})
    try:
        allowed = httpx.post(f"{base}/search", json={"query": "cảng biển", "k": 1}, headers={"Origin": origin}, timeout=60)
        foreign = httpx.post(f"{base}/search", json={"query": "cảng biển", "k": 1}, headers={"Origin": FOREIGN}, timeout=60)
    finally:
        stop_server(process)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == origin
    assert foreign.status_code == 200 and "access-control-allow-origin" not in foreign.headers


# --- path traversal --------------------------------------------------------------------------------------------

HOSTILE_IDS = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "..%252F..%252Fetc%252Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\etc\\passwd",
    "..%5C..%5Cetc%5Cpasswd",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "%2F%2Fetc%2Fpasswd",
    "....//....//etc/passwd",
    "..",
    "%2e%2e",
    "meta.json",
    "..%2Fmeta.json",
    "..%2F..%2FCURRENT",
    "..%2F..%2F..%2Fcorpus%2Fmanifest.toml",
    "nghi-quyet-dai-hoi%00.json",
    "nghi-quyet-dai-hoi%2F..%2F..%2F..%2Fetc%2Fpasswd",
]


@pytest.mark.parametrize("prefix", ["/documents/", "/chunks/"])
@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_path_ids_never_reach_the_filesystem(live_server, prefix, hostile):
    status, text = raw_get(live_server, prefix + hostile)
    assert status == 404, text
    assert json.loads(text)["message"]
    assert not any(marker in text for marker in FILE_CONTENT_MARKERS), text[:300]


def test_absolute_url_paths_do_not_escape_either(live_server):
    for path in ("/documents//etc/passwd", "//etc/passwd", "/documents/../../../../etc/passwd", "/chunks/./../meta.json"):
        status, text = raw_get(live_server, path)
        assert status in (404, 400), (path, status)
        assert not any(marker in text for marker in FILE_CONTENT_MARKERS), (path, text[:300])


# --- SQL-ish text in registry filters --------------------------------------------------------------------------

SQLISH = [
    "'; DROP TABLE tasks; --",
    "\" OR 1=1 --",
    "x' UNION SELECT record FROM tasks --",
    "%",
    "_",
    "\\",
    "'); DELETE FROM agency_keys; --",
]


@pytest.fixture(scope="module")
def registry_before(client) -> dict[str, list]:
    before = {path: client.get(path, params={"limit": 1000} if path == "/tasks" else None).json()[path[1:]]
              for path in ("/tasks", "/targets", "/projects")}
    assert all(before.values())
    return before


@pytest.mark.parametrize("text", SQLISH)
def test_sql_text_is_only_ever_a_search_word(client, registry_before, text):
    for path, everything in registry_before.items():
        by_words = client.get(path, params={"q": text} | ({"limit": 1000} if path == "/tasks" else {}))
        assert by_words.status_code == 200, by_words.text
        assert all(record in everything for record in by_words.json()[path[1:]])
        by_agency = client.get(path, params={"agency": text})
        assert by_agency.status_code in (200, 404), by_agency.text
        assert by_agency.json().get("message") or by_agency.json()[path[1:]] == []
    assert client.get("/tasks", params={"due_before": text}).status_code == 422
    assert client.get("/tasks", params={"doc_id": text}).status_code == 404


def test_drop_table_words_match_nothing_and_the_registry_is_intact(client, registry_before):
    assert client.get("/tasks", params={"q": "'; DROP TABLE tasks; --"}).json() == {"tasks": []}
    for path, everything in registry_before.items():
        after = client.get(path, params={"limit": 1000} if path == "/tasks" else None)
        assert after.status_code == 200 and after.json()[path[1:]] == everything
    assert client.get("/agencies").json()["agencies"]
