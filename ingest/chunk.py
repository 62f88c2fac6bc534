"""Cut parsed blocks into retrieval units that respect structure and fit the embedder.

Paragraphs of one section are packed together up to a target size (short list items alone make poor
passages); a paragraph over the limit is split at sentence ends; a table row or a footnote is always its
own unit. Nothing crosses a section boundary and nothing is cut off: every source word lands in a chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.document import Block, Chunk, ParsedDocument, TableRow
from ingest.parse import is_uppercase

TokenCounter = Callable[[str], int]
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"“(\-–+A-ZĐÀ-Ỹ0-9])")


def approximate_tokens(text: str) -> int:
    """A tokenizer-free estimate for XLM-R-style tokenizers on Vietnamese (about 1.3 pieces per syllable)."""
    return int(len(text.split()) * 1.35) + 2


PREAMBLE_SECTION = "Phần đầu văn bản"
"""Label of the text before a document's first heading (title block, preamble), so a citation never shows an empty section."""


def section_label(path: list[str]) -> str:
    return " > ".join(path) or PREAMBLE_SECTION


_HEADING_NUMBER = re.compile(
    r"^\s*(?:(?:PHẦN THỨ \S+|[IVXLC]+|[A-Z]|\d+(?:\.\d+)*|[a-zđ])\s*[.)\-–:]+\s*|\d+(?:\.\d+)+\s+)"
)
_CONTEXT_CHARS = 50
_NOTES_COLUMN = "ghi chú"
"""A table's notes column says where a task came from ("Theo Chương trình hành động số 05-CTr/TU"), not what it is."""


def heading_label(heading: str) -> str:
    """A heading as a reader says it: without its number ("2.1.", "II.", "b)") and, when set in capitals, in
    sentence case; capitals cost the embedder's tokenizer two to three times the pieces and number nothing."""
    label = _HEADING_NUMBER.sub("", heading).strip() or heading.strip()
    if any(c.isalpha() for c in label) and is_uppercase(label):
        label = label[0] + label[1:].lower()
    return label


def _clipped(text: str, limit: int = _CONTEXT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def repeated_headings(doc: ParsedDocument) -> set[str]:
    """Heading labels used under more than one parent ("Nội dung, phương pháp"): alone they say nothing."""
    parents: dict[str, set[tuple[str, ...]]] = {}
    for path in doc.sections:
        if path:
            parents.setdefault(heading_label(path[-1]), set()).add(tuple(path[:-1]))
    return {label for label, seen in parents.items() if len(seen) > 1}


_LIST_ITEM = re.compile(r"^\s*(?:\(\d{1,3}\)|\d{1,3}\.|[a-zđ]\)|[-+•])\s")


def is_bare_list(text: str) -> bool:
    """A passage that is nothing but short list items ("2. Trung thực, thẳng thắn, nghĩa tình"): its heading right
    above ("III. Bộ tiêu chí con người ...") is what it is about, as much as its own words."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 2 and all(_LIST_ITEM.match(line) and len(line) < 200 for line in lines)


def embedding_context(section: list[str], repeated: set[str], whole: bool = False) -> str:
    """The heading a passage sits under, short: the passage's own words carry the meaning, the heading says
    what they are about (`whole`: all of it, for a bare list). A heading that recurs under several parents is
    read with its parent."""
    if not section:
        return ""
    label = heading_label(section[-1])
    context = label if whole else _clipped(label)
    if label in repeated and len(section) > 1:
        context = f"{_clipped(heading_label(section[-2]))} > {context}"
    return context


def embedding_text(text: str, kind: str, row: TableRow | None, context: str) -> str:
    """What the embedder reads for a chunk (`row`: the table row the chunk holds whole, if it does). The document's title and the column names are left out: shared by
    hundreds of passages, they move every vector alike and tell none apart (the lexical index keeps them, and
    a question that names a document searches that document on its own). A footnote opens with the words it
    annotates, which say more than the heading of the passage citing it."""
    if kind == "table_row" and row is not None:
        text = "; ".join(v for k, v in row.cells.items() if k.casefold() != _NOTES_COLUMN and v)
    if kind == "footnote" or not context:
        return text
    return f"{context}\n{text}"


def _split_long(text: str, limit: int, count: TokenCounter) -> list[str]:
    """Split at sentence ends, then at commas or words, so that each piece fits `limit` tokens."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if count(sentence) > limit:
            words = sentence.split()
            part: list[str] = []
            for word in words:
                if part and count(" ".join(part + [word])) > limit:
                    pieces.append(" ".join(part))
                    part = []
                part.append(word)
            sentence = " ".join(part)
            if current:
                pieces.append(current)
                current = ""
        candidate = f"{current} {sentence}".strip()
        if current and count(candidate) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _row_parts(block: Block, limit: int, count: TokenCounter) -> list[str]:
    """An oversized table row, cut between cells so every part keeps the column header of what it holds
    (a part reading "(02) quy định ..." alone would not say it is the expected result, nor of which task)."""
    row = block.row
    head = f"(STT {row.number}, tiếp) " if row.number else "(tiếp) "
    room = limit - count(head) - 2
    pieces: list[str] = []
    for key, value in row.cells.items():
        if count(f"{key}: {value}") <= room:
            pieces.append(f"{key}: {value}")
            continue
        label_room = room - count(f"{key} (tiếp): ")
        for index, part in enumerate(_split_long(value, label_room, count)):
            pieces.append(f"{key}{' (tiếp)' if index else ''}: {part}")
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}; {piece}" if current else piece
        if current and count(candidate) > room:
            parts.append(current)
            current = piece
        else:
            current = candidate
    parts.append(current)
    return [part if index == 0 else head + part for index, part in enumerate(parts)]


def chunk_document(
    doc: ParsedDocument,
    count_tokens: TokenCounter = approximate_tokens,
    max_tokens: int = 350,
    target_tokens: int = 200,
) -> list[Chunk]:
    """Chunks for one document, in reading order; `count_tokens` should be the embedder's own."""
    if target_tokens > max_tokens:
        raise ValueError(f"target_tokens ({target_tokens}) must not exceed max_tokens ({max_tokens})")
    chunks: list[Chunk] = []
    pending: list[Block] = []
    repeated = repeated_headings(doc)

    def emit(text: str, blocks: list[Block], kind: str) -> None:
        first = blocks[0]
        order = len(chunks)
        chunks.append(
            Chunk(
                chunk_id=f"{doc.info.doc_id}:{order:04d}",
                doc_id=doc.info.doc_id,
                doc_title=doc.info.title,
                section=section_label(first.section),
                kind=kind,  # type: ignore[arg-type]
                order=order,
                text=text,
                embed_text=embedding_text(
                    text,
                    kind,
                    first.row if text == first.text else None,  # a part of an oversized row keeps its column names
                    embedding_context(first.section, repeated, is_bare_list(text)),
                ),
                line_start=min(b.line_start for b in blocks),
                line_end=max(b.line_end for b in blocks),
                table=first.table,
                cells=dict(first.row.cells) if first.row is not None else None,
            )
        )

    def body_limit(section: list[str]) -> int:
        # the whole heading, as a bare list embeds it: the passage fits whichever way it turns out
        return max(64, max_tokens - count(embedding_context(section, repeated, whole=True)) - 4)

    def flush() -> None:
        if not pending:
            return
        emit("\n".join(b.text for b in pending), list(pending), "paragraph")
        pending.clear()

    count = count_tokens
    for block in doc.blocks:
        limit = body_limit(block.section)
        if block.kind != "paragraph":
            flush()
            text = block.text
            if count(text) <= limit:
                emit(text, [block], block.kind)
                continue
            if block.row is not None and block.row.cells:
                parts = _row_parts(block, limit, count)
            else:
                parts = _split_long(text, limit, count)
            for part in parts:
                emit(part, [block], block.kind)
            continue
        if pending and pending[0].section != block.section:
            flush()
        size = count(block.text)
        if size > limit:
            flush()
            for part in _split_long(block.text, limit, count):
                emit(part, [block], "paragraph")
            continue
        if pending and count("\n".join([*(b.text for b in pending), block.text])) > min(target_tokens, limit):
            flush()
        pending.append(block)
    flush()
    return chunks
