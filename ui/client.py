"""The UI's only way to the index: HTTP and server-sent events against the Vankien API.

Every failure becomes an ApiError worded for the person at the screen, so pages show it as it is.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 90.0
FILENAME = re.compile(r'filename="?([^";]+)"?')


class ApiError(Exception):
    """A failure worded for the person at the screen, not for a developer."""


def api_url() -> str:
    return os.environ.get("VANKIEN_API_URL", DEFAULT_API_URL).rstrip("/")


def _headers() -> dict[str, str]:
    key = os.environ.get("VANKIEN_API_KEY", "").strip()
    return {"X-API-Key": key} if key else {}


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)


def unreachable(base: str) -> ApiError:
    return ApiError(
        f"Không kết nối được máy chủ API tại {base}. Hãy khởi động máy chủ bằng lệnh `vankien serve` "
        "(hoặc đặt biến môi trường VANKIEN_API_URL trỏ tới máy chủ đang chạy) rồi tải lại trang."
    )


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("message") or body.get("detail") or body)
    return str(body)


def error_for(response: httpx.Response) -> ApiError:
    message = _message(response)
    status = response.status_code
    if status == 503:
        return ApiError(f"Máy chủ chưa có chỉ mục văn kiện: hãy chạy `vankien ingest` rồi thử lại. ({message})")
    if status in (401, 403):
        return ApiError(f"Máy chủ từ chối truy cập: kiểm tra khoá API (biến VANKIEN_API_KEY). ({message})")
    if status == 429:
        return ApiError("Máy chủ đang nhận quá nhiều yêu cầu, vui lòng chờ một lát rồi thử lại.")
    if status >= 500:
        return ApiError(f"Máy chủ gặp lỗi khi xử lý yêu cầu ({status}): {message}")
    return ApiError(message)


def route_missing(response: httpx.Response) -> bool:
    """An API build without this route answers a bare 404/405 'Not Found', unlike a 404 for an unknown id."""
    return response.status_code == 405 or (response.status_code == 404 and _message(response) == "Not Found")


def request(method: str, path: str, **kwargs) -> httpx.Response:
    base = api_url()
    try:
        return httpx.request(method, f"{base}{path}", headers=_headers(), timeout=_timeout(), **kwargs)
    except httpx.TimeoutException as error:
        raise ApiError(f"Máy chủ API tại {base} không trả lời kịp thời ({type(error).__name__}). Vui lòng thử lại.") from error
    except httpx.TransportError as error:
        raise unreachable(base) from error


def get(path: str, params: dict | None = None) -> dict:
    response = request("GET", path, params=params)
    if response.status_code >= 400:
        raise error_for(response)
    return response.json()


def post(path: str, body: dict) -> dict:
    response = request("POST", path, json=body)
    if response.status_code >= 400:
        raise error_for(response)
    return response.json()


def download(path: str, body: dict, params: dict) -> tuple[bytes, str]:
    """A file the API sends as an attachment: its bytes and the file name the server chose."""
    response = request("POST", path, json=body, params=params)
    if response.status_code >= 400:
        raise error_for(response)
    found = FILENAME.search(response.headers.get("content-disposition", ""))
    return response.content, found.group(1) if found else f"vankien-on-tap.{params.get('format', 'md')}"


def health() -> dict:
    """/health answers 503 with a readable body when there is no index; that is a status, not a failure."""
    response = request("GET", "/health")
    if response.status_code in (200, 503):
        return response.json()
    raise error_for(response)


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    event, data = "message", []
    for line in lines:
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield event, json.loads("\n".join(data))


class AnswerStream:
    """Token texts from /ask/stream as they come; `result` holds the full /ask response once the stream is done.

    Falls back to one /ask call when the server has no streaming route.
    """

    def __init__(self, body: dict):
        self.body = body
        self.result: dict | None = None

    def __iter__(self) -> Iterator[str]:
        base = api_url()
        try:
            with httpx.stream("POST", f"{base}/ask/stream", json=self.body, headers=_headers(), timeout=_timeout()) as response:
                if response.status_code >= 400:
                    response.read()
                    if route_missing(response):
                        yield from self._whole()
                        return
                    raise error_for(response)
                yield from self._tokens(response)
        except httpx.TimeoutException as error:
            raise ApiError(f"Máy chủ API tại {base} không trả lời kịp thời. Vui lòng thử lại.") from error
        except httpx.TransportError as error:
            raise unreachable(base) from error
        if self.result is None:
            raise ApiError("Câu trả lời bị ngắt giữa chừng. Vui lòng hỏi lại.")

    def _tokens(self, response: httpx.Response) -> Iterator[str]:
        for event, data in sse_events(response.iter_lines()):
            if event == "token":
                yield data.get("text", "")
            elif event == "done":
                self.result = data
                return
            elif event == "error":
                raise ApiError(f"Không tạo được câu trả lời: {data.get('message', data)}")

    def _whole(self) -> Iterator[str]:
        self.result = post("/ask", self.body)
        yield self.result["answer"]
