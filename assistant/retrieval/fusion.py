"""Weighted reciprocal-rank fusion of the candidate lists into one set of hits.

Every candidate of every list is kept: a passage the dense side finds scores even when it shares no syllable with
the query, and one only BM25 finds scores too. A passage in both the corpus-wide and the cited-document dense lists
counts once, at its better rank.
"""

from __future__ import annotations

from assistant.retrieval.hit import Hit
from assistant.retrieval.ranking_config import RankingConfig
from ingest.document import Chunk


def fuse(
    dense: list[tuple[str, float]],
    in_cited: list[tuple[str, float]],
    lexical: list[str],
    by_id: dict[str, Chunk],
    config: RankingConfig,
) -> dict[str, Hit]:
    """Hits by chunk id, scored dense_weight / (rrf_k + rank + 1) for the best dense rank plus lexical_weight /
    (rrf_k + rank + 1) for the lexical rank; `dense_rank` is the corpus-wide dense rank only."""
    fused: dict[str, Hit] = {}
    dense_rank: dict[str, int] = {}
    for ranking in (dense, in_cited):
        for rank, (chunk_id, similarity) in enumerate(ranking):
            hit = fused.setdefault(chunk_id, Hit(by_id[chunk_id], 0.0))
            hit.dense_similarity = similarity
            dense_rank[chunk_id] = min(rank, dense_rank.get(chunk_id, rank))
    for chunk_id, rank in dense_rank.items():
        fused[chunk_id].score += config.dense_weight / (config.rrf_k + rank + 1)
    for rank, (chunk_id, _) in enumerate(dense):
        fused[chunk_id].dense_rank = rank
    for rank, chunk_id in enumerate(lexical):
        hit = fused.setdefault(chunk_id, Hit(by_id[chunk_id], 0.0))
        hit.lexical_rank = rank
        hit.score += config.lexical_weight / (config.rrf_k + rank + 1)
    return fused
