"""Request and response bodies of the HTTP API; the field names are the public contract."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ingest.registry import AgencySummary, Project, Target, Task

MAX_QUERY_CHARS = 2000
MAX_HISTORY_TURNS = 20
MAX_DOC_FILTER = 20


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _not_blank(value: str, name: str) -> str:
    if not value.strip():
        raise ValueError(f"{name} must not be blank")
    return value


class SearchRequest(_Request):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="Câu hỏi hoặc từ khoá tìm kiếm.")
    k: int = Field(default=10, ge=1, le=50, description="Số đoạn trả về.")
    doc_ids: list[str] | None = Field(default=None, max_length=MAX_DOC_FILTER, description="Chỉ tìm trong các văn kiện này.")

    @field_validator("query")
    @classmethod
    def _query_not_blank(cls, value: str) -> str:
        return _not_blank(value, "query")


class Turn(_Request):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class AskRequest(_Request):
    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="Câu hỏi về văn kiện.")
    history: list[Turn] | None = Field(default=None, max_length=MAX_HISTORY_TURNS, description="Các lượt hội thoại trước.")
    doc_ids: list[str] | None = Field(default=None, max_length=MAX_DOC_FILTER, description="Chỉ trả lời từ các văn kiện này.")

    @field_validator("question")
    @classmethod
    def _question_not_blank(cls, value: str) -> str:
        return _not_blank(value, "question")


class HitOut(BaseModel):
    chunk_id: str
    doc_id: str
    doc_title: str
    section: str
    text: str
    score: float
    kind: str


class SearchResponse(BaseModel):
    hits: list[HitOut]


class CitationOut(BaseModel):
    n: int
    chunk_id: str
    doc_id: str
    doc_title: str
    section: str
    quote: str


class AskResponse(BaseModel):
    answer: str
    citations: list[CitationOut]
    abstained: bool
    closest: list[HitOut]
    route: str
    rewritten: str | None = None
    generation: str = "extractive"


class HealthResponse(BaseModel):
    status: Literal["ok", "no_index", "index_error"]
    documents: int = 0
    chunks: int = 0
    embedder: str | None = None
    build_id: str | None = None
    built_at: str | None = None
    message: str | None = None


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    short_title: str
    kind: str
    issuer: str
    date: str
    authority: int
    sections: int
    chunks: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class DocumentChunk(BaseModel):
    chunk_id: str
    section: str
    kind: str
    text: str


class DocumentDetail(BaseModel):
    doc_id: str
    title: str
    short_title: str
    kind: str
    issuer: str
    date: str
    authority: int
    sections: list[str]
    chunks: list[DocumentChunk]


class ChunkOut(BaseModel):
    chunk_id: str
    doc_id: str
    doc_title: str
    section: str
    kind: str
    text: str
    line_start: int
    line_end: int


class ChunkContext(BaseModel):
    chunk: ChunkOut
    before: list[ChunkOut]
    after: list[ChunkOut]


class ErrorResponse(BaseModel):
    detail: str | list
    message: str


def hit_out(hit) -> HitOut:
    """A retrieval Hit as the API shows it (the chunk's user-facing text, not its embed_text)."""
    chunk = hit.chunk
    return HitOut(
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        doc_title=chunk.doc_title,
        section=chunk.section,
        text=chunk.text,
        score=float(hit.score),
        kind=chunk.kind,
    )


def _field(value, name: str):
    return value[name] if isinstance(value, dict) else getattr(value, name)


def _closest_out(hit) -> HitOut:
    if isinstance(hit, dict):
        if "chunk" in hit:
            chunk = hit["chunk"]
            return HitOut(**{key: chunk[key] for key in ("chunk_id", "doc_id", "doc_title", "section", "text", "kind")}, score=hit["score"])
        return HitOut.model_validate(hit, from_attributes=False)
    return hit_out(hit)


def ask_out(answer) -> AskResponse:
    """An answer.Answer (or the dict form the stream ends with) as the /ask response."""
    return AskResponse(
        answer=_field(answer, "answer"),
        citations=[
            CitationOut(**{key: _field(c, key) for key in ("n", "chunk_id", "doc_id", "doc_title", "section", "quote")})
            for c in _field(answer, "citations")
        ],
        abstained=bool(_field(answer, "abstained")),
        closest=[_closest_out(h) for h in _field(answer, "closest")],
        route=_field(answer, "route"),
        rewritten=answer.get("rewritten") if isinstance(answer, dict) else getattr(answer, "rewritten", None),
        generation=(answer.get("generation") if isinstance(answer, dict) else getattr(answer, "generation", None))
        or "extractive",
    )


class TaskOut(BaseModel):
    """A registry task in the contract's shape: `task` is the text, `deadline` as written, `due` parsed."""

    id: str
    task: str
    lead: list[str]
    support: list[str]
    deadline: str
    due: str | None = None
    deadline_parsed: dict | None = None
    output: str
    note: str
    group: str
    doc_id: str
    doc_title: str
    section: str
    source: str = "appendix"
    quote: str = ""
    number: str = ""
    line_start: int = 0
    line_end: int = 0

    @classmethod
    def from_task(cls, task: Task, doc_title: str) -> "TaskOut":
        deadline = task.deadline
        section = " > ".join(part for part in (task.appendix, task.group) if part)
        return cls(
            id=task.id,
            task=task.text,
            lead=task.lead,
            support=task.support,
            deadline=deadline.text,
            due=deadline.due,
            deadline_parsed={k: v for k, v in vars(deadline).items() if k != "text"},
            output=task.output,
            note=task.note,
            group=task.group,
            doc_id=task.doc_id,
            doc_title=doc_title,
            section=section,
            source=task.source,
            quote=task.quote,
            number=task.number,
            line_start=task.line_start,
            line_end=task.line_end,
        )


class TaskList(BaseModel):
    tasks: list[TaskOut]


class TargetList(BaseModel):
    targets: list[Target]


class ProjectList(BaseModel):
    projects: list[Project]


class AgencyList(BaseModel):
    agencies: list[AgencySummary]


class AgencyCount(BaseModel):
    """Tasks an agency leads and supports within one year or one group."""

    key: str
    led: int
    supported: int


class AgencyTaskSummary(BaseModel):
    """An agency's load in the registry: how many tasks it leads or supports, by deadline year and by group."""

    agency: str
    led: int
    supported: int
    by_year: list[AgencyCount]
    by_group: list[AgencyCount]
