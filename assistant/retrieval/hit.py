"""One retrieved passage with its score and where each retriever ranked it."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Chunk


@dataclass
class Hit:
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_similarity: float | None = None
