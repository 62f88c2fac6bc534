"""Candidate passages, each retriever on its own: dense (Chroma nearest neighbours of the query's embedding) and
lexical (BM25 over the accented and folded fields). Neither filters the other; fusion.py merges them."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.query_forms import QueryForms
from ingest import store


class DenseCandidates:
    """Nearest passages to the query's embedding, with their cosine similarity."""

    def __init__(self, index, embedder):
        self.index = index
        self.embedder = embedder

    def embed(self, forms: QueryForms) -> np.ndarray:
        return self.embedder.embed_query(forms.dense)

    def search(
        self, forms: QueryForms, doc_ids: list[str] | None, n: int, vector: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks with their cosine similarity to the query (`vector`: the query's, when already embedded)."""
        if vector is None:
            vector = self.embed(forms)
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        with store.reaching_chroma(self.index.settings, self.index.meta.collection):
            result = self.index.collection.query(
                query_embeddings=[vector.tolist()],
                n_results=min(n, len(self.index.chunks)),
                where=where,
                include=["distances"],
            )
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]

    def in_cited(
        self, forms: QueryForms, cited: set[str], doc_ids: list[str] | None, n: int, vector: np.ndarray
    ) -> list[tuple[str, float]]:
        """A document the question cites as its source ("theo Kế hoạch ...") searched on its own: its passages do
        not carry its name, so the corpus-wide nearest list may hold none of them. Nothing when the search is
        already confined to chosen documents."""
        return self.search(forms, sorted(cited), n, vector=vector) if cited and not doc_ids else []


class LexicalCandidates:
    """BM25 over both token fields; the folded field weighs fully when the question was typed without accents."""

    def __init__(self, index):
        self.index = index

    def _allowed(self, doc_ids: list[str] | None) -> np.ndarray | None:
        if not doc_ids:
            return None
        wanted = set(doc_ids)
        return np.array([c.doc_id in wanted for c in self.index.chunks], dtype=bool)

    def search(self, forms: QueryForms, doc_ids: list[str] | None, n: int) -> list[str]:
        folded_weight = 1.0 if forms.accentless else 0.5
        scores = self.index.lexical.scores(forms.accented_tokens, forms.folded_tokens, folded_weight)
        allowed = self._allowed(doc_ids)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        top = np.argsort(-scores)[:n]
        return [self.index.lexical.ids[i] for i in top if scores[i] > 0]
