"""POST /study: a study pack (outline, figures, quiz, agencies) on a topic; /study/export: the same as Markdown or DOCX."""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.api.deps import check_doc_ids, get_services
from assistant.api.schemas import MAX_DOC_FILTER, DocFilter, ErrorResponse
from assistant.services import Services
from assistant.study import (
    MAX_TOPIC_CHARS,
    MIN_TOPIC_CHARS,
    SUGGESTED_THEMES,
    StudyPack,
    build_study_pack,
    to_docx,
    to_markdown,
)
from ingest.normalize import fold

router = APIRouter(tags=["study"])

ERRORS = {404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Format = Literal["md", "docx"]
CACHED_PACKS = 32


class StudyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str = Field(min_length=MIN_TOPIC_CHARS, max_length=MAX_TOPIC_CHARS, description="Chủ đề ôn tập, ví dụ “chuyển đổi số”.")
    doc_ids: DocFilter = Field(default=None, description="Chỉ dùng các văn kiện này.")

    @field_validator("topic")
    @classmethod
    def _topic_not_blank(cls, value: str) -> str:
        if len(value.strip()) < MIN_TOPIC_CHARS:
            raise ValueError(f"topic must have at least {MIN_TOPIC_CHARS} non-blank characters")
        return value


class _PackCache:
    """Recent packs per index build: a trainer views a pack, then downloads it, and should not wait twice."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._packs: OrderedDict[tuple, StudyPack] = OrderedDict()

    def get(self, services: Services, topic: str, doc_ids: list[str] | None) -> StudyPack:
        index = services.index()
        check_doc_ids(index, doc_ids)
        key = (index.meta.build_id, " ".join(topic.split()).lower(), tuple(sorted(doc_ids or [])))
        with self._lock:
            if key in self._packs:
                self._packs.move_to_end(key)
                return self._packs[key].model_copy(deep=True)
        pack = build_study_pack(services, topic, doc_ids)
        with self._lock:
            self._packs[key] = pack
            while len(self._packs) > self.size:
                self._packs.popitem(last=False)
        return pack.model_copy(deep=True)


_cache = _PackCache(CACHED_PACKS)


def _pack(services: Services, topic: str, doc_ids: list[str] | None) -> StudyPack:
    return _cache.get(services, topic, doc_ids)


def _download(pack: StudyPack, format: Format) -> Response:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(pack.topic).lower()).strip("-")[:60] or "chu-de"
    if format == "md":
        body, media_type = to_markdown(pack).encode("utf-8"), "text/markdown; charset=utf-8"
    else:
        buffer = io.BytesIO()
        to_docx(pack, buffer)
        body, media_type = buffer.getvalue(), DOCX_TYPE
    headers = {"Content-Disposition": f'attachment; filename="on-tap-{slug}.{format}"'}
    return Response(content=body, media_type=media_type, headers=headers)


class StudyThemes(BaseModel):
    themes: list[str] = Field(description="Chủ đề ôn tập gợi ý, đo trong bench/study.py.")


@router.get("/study/themes", response_model=StudyThemes)
def themes() -> StudyThemes:
    """The suggested themes, so the UI offers the same ones the benchmark and tests measure."""
    return StudyThemes(themes=list(SUGGESTED_THEMES))


@router.post("/study", response_model=StudyPack, responses=ERRORS)
def study(body: StudyRequest, services: Services = Depends(get_services)) -> StudyPack:
    return _pack(services, body.topic, body.doc_ids)


@router.post("/study/export", responses=ERRORS | {200: {"content": {"text/markdown": {}, DOCX_TYPE: {}}}})
def export_post(
    body: StudyRequest,
    format: Format = Query(default="md", description="md (Markdown) hoặc docx (Word)."),
    services: Services = Depends(get_services),
) -> Response:
    return _download(_pack(services, body.topic, body.doc_ids), format)


@router.get("/study/export", responses=ERRORS | {200: {"content": {"text/markdown": {}, DOCX_TYPE: {}}}})
def export_get(
    topic: str = Query(min_length=MIN_TOPIC_CHARS, max_length=MAX_TOPIC_CHARS),
    format: Format = Query(default="md"),
    doc_ids: list[str] | None = Query(default=None, max_length=MAX_DOC_FILTER),
    services: Services = Depends(get_services),
) -> Response:
    return _download(_pack(services, topic, doc_ids), format)
