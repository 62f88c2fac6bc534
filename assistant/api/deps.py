"""What routes depend on: the shared Services (tests override `get_services`) and doc-id checks."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assistant.services import Services

NO_INDEX_HINT = "Chưa có chỉ mục văn kiện: hãy chạy `vankien ingest` để xây dựng"


def get_services(request: Request) -> Services:
    return request.app.state.services


def check_doc_ids(index, doc_ids: list[str] | None) -> None:
    """Reject unknown doc ids with 404 before any work; ids are only ever looked up, never used in paths."""
    known = index.doc_ids()
    unknown = [d for d in doc_ids or [] if d not in known]
    if unknown:
        raise HTTPException(
            status_code=404,
            detail=f"Không có văn kiện {', '.join(repr(d) for d in unknown)} / unknown doc_id; có: {', '.join(known)}",
        )
