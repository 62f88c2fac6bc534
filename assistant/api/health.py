"""GET /health: is there an index to serve, and which one. Open even when an API key is set."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from assistant.api.deps import NO_INDEX_HINT, get_services
from assistant.api.schemas import HealthResponse
from assistant.services import Services
from ingest.store import IndexProblem, NoIndexError

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(services: Services = Depends(get_services)):
    try:
        index = services.index()
    except NoIndexError as error:
        body = HealthResponse(status="no_index", message=f"{NO_INDEX_HINT}. ({error})")
        return JSONResponse(body.model_dump(), status_code=503)
    except IndexProblem as error:
        body = HealthResponse(status="index_error", message=str(error))
        return JSONResponse(body.model_dump(), status_code=503)
    return HealthResponse(
        status="ok",
        documents=len(index.doc_ids()),
        chunks=len(index.chunks),
        embedder=index.meta.embedder_id,
        build_id=index.meta.build_id,
        built_at=dt.datetime.fromtimestamp(index.meta.created, dt.timezone.utc).isoformat(timespec="seconds"),
    )
