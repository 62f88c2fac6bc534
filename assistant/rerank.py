"""The optional reranker stage: a sentence-transformers CrossEncoder reads (question, passage) together.

Fusion and priors find and order the candidates cheaply; a cross-encoder reads each candidate with the question and
reorders the head the retriever hands it (`Retriever(..., reranker=...)` calls `rerank(query, hits)`). The model comes
from a local folder only (VANKIEN_RERANKER_MODEL): this assistant runs offline, so a missing folder is an error at
once rather than a download attempt.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.retrieval.hit import Hit

BATCH_SIZE = 16


def model_dir(path: str | Path) -> Path:
    """The reranker's folder, or an error naming the path: no model hub is ever asked for it."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"reranker model folder {str(path)!r} does not exist (VANKIEN_RERANKER_MODEL must be a local folder "
            "holding a sentence-transformers CrossEncoder; no model hub is contacted)"
        )
    return folder


def passage_text(hit: Hit) -> str:
    """What the cross-encoder reads for a passage: its heading path, then the passage, as the lexical index does."""
    return f"{hit.chunk.section}\n{hit.chunk.text}" if hit.chunk.section else hit.chunk.text


class CrossEncoderReranker:
    """Loaded once per process (Services keeps one); reorders hits by the cross-encoder's relevance score."""

    def __init__(self, path: str | Path, device: str = "cpu", batch_size: int = BATCH_SIZE):
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        from sentence_transformers import CrossEncoder

        self.path = model_dir(path)
        self.batch_size = batch_size
        self.model = CrossEncoder(str(self.path), device=device, local_files_only=True)

    def scores(self, query: str, hits: list[Hit]) -> list[float]:
        if not hits:
            return []
        pairs = [(query, passage_text(hit)) for hit in hits]
        values = self.model.predict(pairs, batch_size=self.batch_size, show_progress_bar=False)
        return [float(v) for v in values]

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """The same hits, best first by the model; each hit's score becomes the model's, so the order reads off it.
        Ties keep the retriever's order (a stable sort)."""
        scored = self.scores(query, hits)
        for hit, score in zip(hits, scored):
            hit.score = score
        return [hit for _, hit in sorted(zip(scored, hits), key=lambda pair: -pair[0])]
