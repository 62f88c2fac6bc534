"""GET /documents, /documents/{doc_id}, /chunks/{chunk_id}: the source viewer's data.

Ids from the URL are only looked up in the loaded index, never joined into a filesystem path.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from assistant.api.deps import get_services
from assistant.api.schemas import (
    ChunkContext,
    ChunkOut,
    DocumentChunk,
    DocumentDetail,
    DocumentInfo,
    DocumentList,
    DocumentSummary,
    ErrorResponse,
    copied,
)
from assistant.services import Services

router = APIRouter(tags=["documents"])

NOT_FOUND = {404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
INFO_FIELDS = tuple(name for name in DocumentInfo.model_fields if name != "doc_id")


def _info(doc_id: str, entry: dict) -> dict:
    info = entry["info"]
    return {"doc_id": doc_id} | {name: info.get(name, "" if name != "authority" else 0) for name in INFO_FIELDS}


@router.get("/documents", response_model=DocumentList, responses=NOT_FOUND)
def list_documents(services: Services = Depends(get_services)) -> DocumentList:
    index = services.index()
    documents = index.documents
    return DocumentList(
        documents=[
            DocumentSummary(**_info(doc_id, documents[doc_id]), sections=len(documents[doc_id]["sections"]), chunks=len(documents[doc_id]["chunks"]))
            for doc_id in index.doc_ids()
            if doc_id in documents
        ]
    )


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=NOT_FOUND)
def get_document(doc_id: str, services: Services = Depends(get_services)) -> DocumentDetail:
    index = services.index()
    entry = index.documents.get(doc_id) if doc_id in index.doc_ids() else None
    if entry is None:
        raise HTTPException(404, f"Không có văn kiện {doc_id!r} / unknown doc_id; có: {', '.join(index.doc_ids())}")
    return DocumentDetail(
        **_info(doc_id, entry),
        sections=entry["sections"],
        chunks=[copied(DocumentChunk, c) for c in entry["chunks"]],
    )


def _chunk_out(chunk) -> ChunkOut:
    return copied(ChunkOut, chunk)


@router.get("/chunks/{chunk_id}", response_model=ChunkContext, responses=NOT_FOUND)
def get_chunk(
    chunk_id: str,
    context: int = Query(default=1, ge=0, le=10, description="Số đoạn lân cận mỗi phía."),
    services: Services = Depends(get_services),
) -> ChunkContext:
    index = services.index()
    if chunk_id not in index.by_id:
        raise HTTPException(404, f"Không có đoạn {chunk_id!r} / unknown chunk_id")
    window = index.neighbours(chunk_id, before=context, after=context)
    at = next(i for i, c in enumerate(window) if c.chunk_id == chunk_id)
    return ChunkContext(
        chunk=_chunk_out(window[at]),
        before=[_chunk_out(c) for c in window[:at]],
        after=[_chunk_out(c) for c in window[at + 1 :]],
    )
