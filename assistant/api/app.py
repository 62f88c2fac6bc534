"""The FastAPI application: routers, guards and the error mapping that keeps user input from ever causing a 500."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.api.deps import NO_INDEX_HINT, get_services
from assistant.api.middleware import ApiKeyGuard, BodySizeLimit, RateLimit, error_body
from assistant.api.schemas import ErrorResponse
from assistant.services import Services
from ingest.settings import get_settings
from ingest.store import IndexProblem, NoIndexError, VectorStoreUnavailable

__all__ = ["create_app", "get_services"]

log = logging.getLogger(__name__)

DESCRIPTION = """Trợ lý văn kiện Đảng bộ thành phố Hải Phòng: tìm kiếm và hỏi đáp có trích dẫn trên các văn kiện
Đại hội Đảng bộ thành phố lần thứ I (nhiệm kỳ 2025-2030), cùng danh mục nhiệm vụ, chỉ tiêu và cơ quan chủ trì.

Khi máy chủ đặt `VANKIEN_API_KEY`, mọi đường dẫn trừ `/health` cần header `X-API-Key` hoặc `Authorization: Bearer`.
Mọi lỗi trả về JSON có trường `message` dễ đọc."""

MAX_ECHOED_INPUT = 200
VECTOR_STORE_RETRY_S = 5

# What the guards in front of every route may answer, documented so clients (and schema fuzzers) expect them.
GUARD_RESPONSES = {
    400: {"model": ErrorResponse, "description": "JSON không hợp lệ / malformed JSON body"},
    401: {"model": ErrorResponse, "description": "Thiếu hoặc sai khoá API (khi máy chủ đặt VANKIEN_API_KEY)"},
    413: {"model": ErrorResponse, "description": "Nội dung yêu cầu quá lớn (VANKIEN_MAX_BODY_BYTES)"},
    429: {"model": ErrorResponse, "description": "Quá nhiều yêu cầu; xem header Retry-After"},
}


def _location(loc) -> str:
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)]
    return ".".join(parts) or "body"


def _readable(errors: list[dict]) -> str:
    return "; ".join(f"{_location(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors)


def _trimmed(errors: list[dict]) -> list[dict]:
    """Validation errors without echoing back huge inputs."""
    out = []
    for error in errors:
        error = dict(error)
        value = error.get("input")
        if isinstance(value, (str, bytes)) and len(value) > MAX_ECHOED_INPUT:
            error["input"] = value[:MAX_ECHOED_INPUT] + "…"
        elif isinstance(value, (dict, list)) and len(repr(value)) > MAX_ECHOED_INPUT:
            error.pop("input")
        out.append(error)
    return out


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _trimmed(list(exc.errors()))
        if errors and all(e.get("type") == "json_invalid" for e in errors):
            message = "JSON không hợp lệ / malformed JSON body: " + "; ".join(
                f"{e.get('ctx', {}).get('error', e.get('msg'))} (vị trí {e.get('loc', ('', '?'))[-1]})" for e in errors
            )
            return JSONResponse(error_body(message, jsonable_encoder(errors)), status_code=400)
        message = "Yêu cầu không hợp lệ / invalid request: " + _readable(errors)
        return JSONResponse(error_body(message, jsonable_encoder(errors)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(error_body(message, exc.detail), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(NoIndexError)
    async def no_index(request: Request, exc: NoIndexError) -> JSONResponse:
        return JSONResponse(error_body(f"{NO_INDEX_HINT}. ({exc})"), status_code=503)

    @app.exception_handler(VectorStoreUnavailable)
    async def vector_store_down(request: Request, exc: VectorStoreUnavailable) -> JSONResponse:
        message = f"Kho vector tạm thời không truy cập được / vector store unavailable: {exc}"
        return JSONResponse(error_body(message), status_code=503, headers={"Retry-After": str(VECTOR_STORE_RETRY_S)})

    @app.exception_handler(IndexProblem)
    async def index_problem(request: Request, exc: IndexProblem) -> JSONResponse:
        return JSONResponse(error_body(f"Chỉ mục văn kiện không dùng được / index unusable: {exc}"), status_code=503)

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> JSONResponse:
        if isinstance(exc, ValidationError):
            return await internal_error(request, exc)
        return JSONResponse(error_body(f"Giá trị không hợp lệ / invalid value: {exc}"), status_code=422)

    @app.exception_handler(KeyError)
    async def not_found(request: Request, exc: KeyError) -> JSONResponse:
        what = exc.args[0] if exc.args else "?"
        return JSONResponse(error_body(f"Không tìm thấy / not found: {what}"), status_code=404)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("Lỗi máy chủ nội bộ / internal server error"), status_code=500)


def _warm_up(services: Services) -> None:
    """Load the index, embedder and re-accenter, and read what ranking needs of every passage, before the first user
    waits for them; a missing index is fine here."""
    try:
        retriever = services.retriever()
        retriever.search("khởi động", k=1)
        retriever.search("khoi dong", k=1)
        retriever.index.features.warm()
    except IndexProblem as error:
        log.warning("no usable index yet: %s", error)
    except Exception:
        log.exception("warm-up failed; requests will retry loading")


def create_app(services: Services | None = None, warm_up: bool = True) -> FastAPI:
    services = services or Services(get_settings())
    settings = services.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm_up:
            threading.Thread(target=_warm_up, args=(services,), name="vankien-warm-up", daemon=True).start()
        yield

    app = FastAPI(
        title="Vankien API", description=DESCRIPTION, version="0.1.0", lifespan=lifespan, responses=GUARD_RESPONSES
    )
    app.state.services = services
    _install_error_handlers(app)

    from assistant.api import ask, documents, health, registry, search

    for module in (health, search, ask, documents, registry):
        app.include_router(module.router)
    from assistant.api import study

    app.include_router(study.router)

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.api_key is not None and settings.api_key.get_secret_value():
        app.add_middleware(ApiKeyGuard, api_key=settings.api_key.get_secret_value())
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        )
    return app
