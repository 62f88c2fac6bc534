"""POST /ask (one JSON answer) and POST /ask/stream (the same answer as server-sent events)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from assistant.api.deps import check_doc_ids, get_services
from assistant.api.schemas import AskRequest, AskResponse, ErrorResponse, ask_out
from assistant.services import Services
from ingest.store import IndexProblem

log = logging.getLogger(__name__)
router = APIRouter(tags=["ask"])

ERRORS = {404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}


def _history(body: AskRequest) -> list[dict] | None:
    return [turn.model_dump() for turn in body.history] if body.history else None


@router.post("/ask", response_model=AskResponse, responses=ERRORS)
def ask(body: AskRequest, services: Services = Depends(get_services)) -> AskResponse:
    check_doc_ids(services.index(), body.doc_ids)
    answerer = services.answerer()
    return ask_out(answerer.ask(body.question, _history(body), body.doc_ids))


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _events(pieces: Iterator[tuple[str, dict]]) -> Iterator[str]:
    """Token events, then one done event shaped like /ask; a failure mid-answer becomes an error event."""
    try:
        for event, data in pieces:
            if event == "done":
                yield sse("done", ask_out(data).model_dump())
                return
            yield sse(event, data)
        yield sse("error", {"message": "Câu trả lời kết thúc bất thường / the answer ended without a result"})
    except (ValueError, KeyError, IndexProblem) as error:
        yield sse("error", {"message": str(error.args[0] if isinstance(error, KeyError) and error.args else error)})
    except Exception:
        log.exception("stream failed")
        yield sse("error", {"message": "Lỗi máy chủ nội bộ / internal server error"})


@router.post(
    "/ask/stream",
    response_class=StreamingResponse,
    responses=ERRORS | {200: {"content": {"text/event-stream": {}}, "description": "event: token ... event: done"}},
)
def ask_stream(body: AskRequest, services: Services = Depends(get_services)) -> StreamingResponse:
    check_doc_ids(services.index(), body.doc_ids)
    answerer = services.answerer()
    pieces = answerer.stream(body.question, _history(body), body.doc_ids)
    return StreamingResponse(
        _events(pieces),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
