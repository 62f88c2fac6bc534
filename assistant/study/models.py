"""The study pack as the API returns it; every quote is text of the chunk it names."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Coverage = Literal["good", "low", "none"]


class StudyCitation(BaseModel):
    n: int = Field(default=0, description="Số trích dẫn, giống nhau trên màn hình, trong Markdown và DOCX.")
    doc_id: str
    doc_title: str
    section: str
    quote: str = Field(description="Text that occurs verbatim in the chunk `chunk_id`.")
    chunk_id: str


class OutlinePoint(BaseModel):
    text: str
    citations: list[StudyCitation]


class FigureValue(BaseModel):
    value: str
    unit: str
    year: int | None
    doc_id: str
    citations: list[StudyCitation]


class StudyFigure(BaseModel):
    label: str
    value: str = Field(description="A number (or range, or ≥ number) whenever `unit` is set.")
    unit: str
    year: int | None
    doc_id: str
    source: str = Field(description="'text' for a sentence of a document, 'registry' for a Phụ lục 1 target row.")
    citations: list[StudyCitation]
    other_values: list[FigureValue] = Field(default_factory=list, description="The same label with a different value elsewhere.")
    conflict: bool = False


class QuizItem(BaseModel):
    question: str
    options: list[str] | None = Field(description="Four options for a multiple-choice question, null for fill-in-the-blank.")
    answer: str = Field(description="Occurs verbatim in the first citation's quote.")
    kind: str
    citations: list[StudyCitation]


class AgencyLoad(BaseModel):
    agency_id: str
    name: str
    lead: int
    support: int
    examples: list[str]


class SourceDocument(BaseModel):
    doc_id: str
    title: str
    short_title: str
    issuer: str
    date: str
    authority: int


class StudyPack(BaseModel):
    topic: str
    doc_ids: list[str] | None
    coverage: Coverage = Field(default="good", description="How well the documents cover the topic.")
    message: str | None = Field(default=None, description="Lời nhắn bằng tiếng Việt khi coverage là low hoặc none.")
    suggestions: list[str] = Field(default_factory=list, description="Chủ đề gợi ý gần nhất khi coverage là low hoặc none.")
    outline: list[OutlinePoint]
    figures: list[StudyFigure]
    quiz: list[QuizItem]
    agencies: list[AgencyLoad]
    sources: list[SourceDocument]
