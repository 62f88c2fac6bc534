"""POST /search: hybrid retrieval without answer generation."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from assistant.api.deps import check_doc_ids, get_services
from assistant.api.schemas import ErrorResponse, SearchRequest, SearchResponse, hit_out
from assistant.services import Services

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchResponse, responses={404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def search(body: SearchRequest, services: Services = Depends(get_services)) -> SearchResponse:
    retriever = services.retriever()
    check_doc_ids(retriever.index, body.doc_ids)
    hits = retriever.search(body.query, k=body.k, doc_ids=body.doc_ids)
    return SearchResponse(hits=[hit_out(h) for h in hits])
