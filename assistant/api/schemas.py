"""Request and response bodies of the HTTP API; the field names are the public contract."""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
)

from assistant.answer_types import Citation
from ingest.registry import AgencySummary, Project, Target, Task

MAX_QUERY_CHARS = 2000
MAX_HISTORY_TURNS = 20
MAX_DOC_FILTER = 20

Model = TypeVar("Model", bound=BaseModel)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _not_blank(value: str, info: ValidationInfo) -> str:
    if not value.strip():
        raise ValueError(f"{info.field_name} must not be blank")
    return value


UserText = Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS), AfterValidator(_not_blank)]
"""What a user asks or searches for: 1 to MAX_QUERY_CHARS characters, not all of them white space."""
DocFilter = Annotated[list[str] | None, Field(max_length=MAX_DOC_FILTER)]
"""The documents to keep to (None: all of them)."""


class SearchRequest(_Request):
    query: UserText = Field(description="Câu hỏi hoặc từ khoá tìm kiếm.")
    k: int = Field(default=10, ge=1, le=50, description="Số đoạn trả về.")
    doc_ids: DocFilter = Field(default=None, description="Chỉ tìm trong các văn kiện này.")


class Turn(_Request):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class AskRequest(_Request):
    question: UserText = Field(description="Câu hỏi về văn kiện.")
    history: list[Turn] | None = Field(default=None, max_length=MAX_HISTORY_TURNS, description="Các lượt hội thoại trước.")
    doc_ids: DocFilter = Field(default=None, description="Chỉ trả lời từ các văn kiện này.")


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


def _model_of(source: type, name: str) -> type[BaseModel]:
    """A response model with the fields (names, types, order) of the dataclass `source`, under the contract's name."""
    types = typing.get_type_hints(source)
    return create_model(name, **{f.name: types[f.name] for f in dataclasses.fields(source)})


CitationOut = _model_of(Citation, "CitationOut")


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


class DocumentInfo(BaseModel):
    """What the list and the detail of a document both show first."""

    doc_id: str
    title: str
    short_title: str
    kind: str
    issuer: str
    date: str
    authority: int


class DocumentSummary(DocumentInfo):
    sections: int
    chunks: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class DocumentChunk(BaseModel):
    chunk_id: str
    section: str
    kind: str
    text: str


class DocumentDetail(DocumentInfo):
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


def _field(value, name: str):
    return value[name] if isinstance(value, dict) else getattr(value, name)


def copied(model: type[Model], source, **values) -> Model:
    """`model` with `values`; each of its other fields is the key (dict) or attribute of that name on `source`."""
    return model(**{name: _field(source, name) for name in model.model_fields if name not in values}, **values)


def hit_out(hit) -> HitOut:
    """A retrieve.Hit as the API shows it (the chunk's user-facing text, not its embed_text)."""
    return copied(HitOut, hit.chunk, score=float(hit.score))


def _closest_out(hit) -> HitOut:
    if isinstance(hit, dict):
        if "chunk" in hit:
            return copied(HitOut, hit["chunk"], score=hit["score"])
        return HitOut.model_validate(hit, from_attributes=False)
    return hit_out(hit)


def ask_out(answer) -> AskResponse:
    """An answer.Answer (or the dict form the stream ends with) as the /ask response."""
    return AskResponse(
        answer=_field(answer, "answer"),
        citations=[copied(CitationOut, c) for c in _field(answer, "citations")],
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
        """The fields Task has under the same name are copied; the others are read from its text and deadline."""
        deadline = task.deadline
        return copied(
            cls,
            task,
            task=task.text,
            deadline=deadline.text,
            due=deadline.due,
            deadline_parsed={k: v for k, v in vars(deadline).items() if k != "text"},
            doc_title=doc_title,
            section=" > ".join(part for part in (task.appendix, task.group) if part),
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
