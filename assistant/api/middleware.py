"""Request guards that run before routing: body size limit, optional API key, per-client rate limit.

Plain ASGI middlewares (not BaseHTTPMiddleware) so streamed /ask responses pass through untouched.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_PATHS = frozenset({"/health"})


def error_body(message: str, detail=None) -> dict:
    """Every error the API returns carries a readable `message`; `detail` keeps FastAPI's shape."""
    return {"detail": message if detail is None else detail, "message": message}


class BodySizeLimit:
    """Buffers request bodies up to `max_bytes` and answers 413 past that, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> JSONResponse:
        message = f"Nội dung yêu cầu quá lớn / request body too large (giới hạn {self.max_bytes} bytes)"
        return JSONResponse(error_body(message), status_code=413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._too_large()(scope, receive, send)
                    return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def presented_key(headers: dict[bytes, bytes]) -> bytes | None:
    if b"x-api-key" in headers:
        return headers[b"x-api-key"].strip()
    scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
    if scheme.lower() == b"bearer" and token.strip():
        return token.strip()
    return None


class ApiKeyGuard:
    """When an API key is configured, every path but /health needs it (X-API-Key or Authorization: Bearer)."""

    def __init__(self, app: ASGIApp, api_key: str):
        self.app = app
        self.key_digest = hashlib.sha256(api_key.encode("utf-8")).digest()

    def accepts(self, given: bytes) -> bool:
        """Constant-time over equal-length digests, so neither the key's bytes nor its length leak through timing."""
        return hmac.compare_digest(hashlib.sha256(given).digest(), self.key_digest)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        given = presented_key(dict(scope["headers"]))
        if given is None or not self.accepts(given):
            message = (
                "Thiếu khoá API / missing API key: gửi header X-API-Key hoặc Authorization: Bearer"
                if given is None
                else "Khoá API không đúng / invalid API key"
            )
            response = JSONResponse(error_body(message), status_code=401, headers={"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class TokenBuckets:
    """One bucket per client: holds up to `per_minute` tokens, refilled at per_minute/60 tokens a second."""

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until a token is available."""
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self.buckets[client] = (tokens - 1.0, now)
            if len(self.buckets) > self.MAX_CLIENTS:
                self._forget_idle(now)
            return 0.0
        self.buckets[client] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full_after = self.capacity / self.rate
        self.buckets = {c: (t, last) for c, (t, last) in self.buckets.items() if now - last < full_after}


class RateLimit:
    """Per-client-IP token bucket; over the limit answers 429 with Retry-After. /health is not counted."""

    def __init__(self, app: ASGIApp, per_minute: int):
        self.app = app
        self.buckets = TokenBuckets(per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "unknown")
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            message = f"Quá nhiều yêu cầu / too many requests: thử lại sau {retry_after} giây"
            response = JSONResponse(error_body(message), status_code=429, headers={"Retry-After": str(retry_after)})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
