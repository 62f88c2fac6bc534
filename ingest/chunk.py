"""Cut parsed blocks into retrieval units that respect structure and fit the embedder.

Paragraphs of one section are packed together up to a target size (short list items alone make poor
passages); a paragraph over the limit is split at sentence ends; a table row or a footnote is always its
own unit. Nothing crosses a section boundary and nothing is cut off: every source word lands in a chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.document import Block, Chunk, ParsedDocument

TokenCounter = Callable[[str], int]
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"“(\-–+A-ZĐÀ-Ỹ0-9])")
_CONTEXT_LEVEL_CHARS = 140


def approximate_tokens(text: str) -> int:
    """A tokenizer-free estimate for XLM-R-style tokenizers on Vietnamese (about 1.3 pieces per syllable)."""
    return int(len(text.split()) * 1.35) + 2


PREAMBLE_SECTION = "Phần đầu văn bản"
"""Label of the text before a document's first heading (title block, preamble), so a citation never shows an empty section."""


def section_label(path: list[str]) -> str:
    return " > ".join(path) or PREAMBLE_SECTION


def _context(doc: ParsedDocument, section: list[str]) -> str:
    levels = [level if len(level) <= _CONTEXT_LEVEL_CHARS else level[:_CONTEXT_LEVEL_CHARS] + "…" for level in section[-2:]]
    title = doc.info.short_title or doc.info.title
    return f"{title}. {' > '.join(levels)}".strip()


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

    def emit(text: str, blocks: list[Block], kind: str) -> None:
        first = blocks[0]
        context = _context(doc, first.section)
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
                embed_text=f"{context}\n{text}",
                line_start=min(b.line_start for b in blocks),
                line_end=max(b.line_end for b in blocks),
                table=first.table,
                cells=dict(first.row.cells) if first.row is not None else None,
            )
        )

    def body_limit(section: list[str]) -> int:
        return max(64, max_tokens - count(_context(doc, section)) - 4)

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
