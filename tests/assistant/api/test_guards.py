"""API key, rate limit and a server without an index, each a separate real `vankien serve` process."""

from __future__ import annotations


import httpx
import pytest

from tests.conftest import start_server, stop_server

KEY = "s3cret-test-key-ẞ".encode("utf-8").hex()
UI_ORIGIN = "http://ui.example:8501"


@pytest.fixture(scope="module")
def keyed_server(built_data_dir):
    env = {"VANKIEN_API_KEY": KEY, "VANKIEN_CORS_ORIGINS": f'["{UI_ORIGIN}"]'}
    process, base = start_server(built_data_dir, env=env)
    holder = {"base": base}
    yield holder
    holder["log"] = stop_server(process)


def test_api_key_required_except_health(keyed_server):
    base = keyed_server["base"]
    assert httpx.get(f"{base}/health").status_code == 200
    for response in (
        httpx.get(f"{base}/documents"),
        httpx.post(f"{base}/search", json={"query": "cảng biển"}),
        httpx.get(f"{base}/documents", headers={"X-API-Key": "wrong"}),
        httpx.get(f"{base}/documents", headers={"Authorization": f"Bearer {KEY}x"}),
        httpx.get(f"{base}/openapi.json"),
    ):
        assert response.status_code == 401
        assert response.json()["message"]
        assert KEY not in response.text


def test_api_key_accepted_in_either_header(keyed_server):
    base = keyed_server["base"]
    assert httpx.get(f"{base}/documents", headers={"X-API-Key": KEY}).status_code == 200
    response = httpx.post(f"{base}/search", json={"query": "cảng biển", "k": 3}, headers={"Authorization": f"Bearer {KEY}"}, timeout=60)
    assert response.status_code == 200 and len(response.json()["hits"]) == 3


def test_cors_allows_only_configured_origins(keyed_server):
    base = keyed_server["base"]
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key,content-type"}
    allowed = httpx.options(f"{base}/search", headers={"Origin": UI_ORIGIN} | preflight)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == UI_ORIGIN
    refused = httpx.options(f"{base}/search", headers={"Origin": "http://evil.example"} | preflight)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_cors_closed_by_default(live_server):
    response = httpx.get(f"{live_server}/documents", headers={"Origin": UI_ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_api_key_never_logged(built_data_dir):
    process, base = start_server(built_data_dir, env={"VANKIEN_API_KEY": KEY})
    httpx.get(f"{base}/documents", headers={"X-API-Key": "guess"})
    httpx.get(f"{base}/documents", headers={"X-API-Key": KEY})
    assert KEY not in stop_server(process)


def test_rate_limit_answers_429_with_retry_after(built_data_dir):
    process, base = start_server(built_data_dir, env={"VANKIEN_RATE_LIMIT_PER_MINUTE": "3"})
    try:
        statuses = [httpx.get(f"{base}/documents").status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200]
        limited = httpx.get(f"{base}/documents")
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 20
        assert limited.json()["message"]
        assert httpx.get(f"{base}/health").status_code == 200
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    process, base = start_server(tmp_path_factory.mktemp("empty-data"), ready_status=503)
    yield base
    stop_server(process)


def test_no_index_health_says_how_to_build_it(empty_server):
    response = httpx.get(f"{empty_server}/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "no_index"
    assert "vankien ingest" in body["message"]


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/search", {"query": "cảng biển"}),
        ("POST", "/ask", {"question": "Mục tiêu năm 2030 là gì?"}),
        ("GET", "/documents", None),
        ("GET", "/documents/nghi-quyet-dai-hoi", None),
        ("GET", "/tasks", None),
    ],
)
def test_no_index_endpoints_are_503_with_message(empty_server, method, path, body):
    response = httpx.request(method, f"{empty_server}{path}", json=body)
    assert response.status_code == 503
    assert "vankien ingest" in response.json()["message"]


def test_no_index_still_validates_input(empty_server):
    assert httpx.post(f"{empty_server}/search", json={"query": ""}).status_code == 422
