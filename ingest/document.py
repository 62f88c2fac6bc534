"""The typed results that flow between ingest stages (parse -> chunk -> embed -> store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "table_row", "footnote"]


@dataclass(frozen=True)
class DocumentInfo:
    """A manifest entry: what a corpus file is and how much its figures count."""

    doc_id: str
    path: str
    title: str
    kind: str
    issuer: str
    date: str
    authority: int
    short_title: str = ""


@dataclass
class TableRow:
    """One row of a tab-separated table, keyed by its (merged) column headers."""

    number: str
    cells: dict[str, str]
    groups: list[str]
    line_start: int
    line_end: int


@dataclass
class Block:
    """A structural unit of a parsed document: a paragraph, a table row or a footnote."""

    kind: BlockKind
    text: str
    section: list[str]
    line_start: int
    line_end: int
    table: str | None = None
    row: TableRow | None = None
    footnote_refs: list[str] = field(default_factory=list)


@dataclass
class ParsedDocument:
    info: DocumentInfo
    blocks: list[Block]
    sections: list[list[str]]
    footnotes: dict[str, str]
    content_hash: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """What gets embedded and indexed. `text` is what users see; `embed_text` adds context."""

    chunk_id: str
    doc_id: str
    doc_title: str
    section: str
    kind: BlockKind
    order: int
    text: str
    embed_text: str
    line_start: int
    line_end: int
    table: str | None = None
    cells: dict[str, str] | None = None
