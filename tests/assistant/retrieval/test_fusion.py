"""Weighted reciprocal-rank fusion over the real dense and lexical candidates."""

from __future__ import annotations

from assistant.retrieval.fusion import fuse

QUESTION = "Độ che phủ rừng của thành phố được đặt ở mức nào?"


def _candidates(retriever, question: str):
    forms = retriever.query_forms(question)
    return retriever.dense_scored(forms, None), retriever.lexical_ranking(forms, None)


def test_fusion_keeps_a_dense_candidate_the_lexical_side_never_found(retriever, index) -> None:
    dense, lexical = _candidates(retriever, QUESTION)
    dense_only = [(rank, chunk_id) for rank, (chunk_id, _) in enumerate(dense) if chunk_id not in lexical]
    assert dense_only, "the test needs a passage only the dense side finds"
    fused = fuse(dense, [], lexical, index.by_id, retriever.config)
    assert set(fused) == {chunk_id for chunk_id, _ in dense} | set(lexical)
    rank, chunk_id = dense_only[0]
    hit = fused[chunk_id]
    assert hit.lexical_rank is None and hit.dense_rank == rank
    assert hit.score == retriever.config.dense_weight / (retriever.config.rrf_k + rank + 1)


def test_a_question_no_passage_shares_a_word_with_still_gets_dense_hits(retriever) -> None:
    """The lexical side finds nothing at all; it must not filter the dense candidates away."""
    question = "Zyxwq plorb?"
    forms = retriever.query_forms(question)
    assert retriever.lexical_ranking(forms, None) == []
    hits = retriever.search(question, k=5)
    assert len(hits) == 5 and all(h.lexical_rank is None and h.dense_rank is not None for h in hits)


def test_a_passage_both_sides_find_scores_from_both(retriever, index) -> None:
    dense, lexical = _candidates(retriever, QUESTION)
    dense_ids = [chunk_id for chunk_id, _ in dense]
    both = next(chunk_id for chunk_id in lexical if chunk_id in dense_ids)
    config = retriever.config
    hit = fuse(dense, [], lexical, index.by_id, config)[both]
    expected = config.dense_weight / (config.rrf_k + dense_ids.index(both) + 1)
    expected += config.lexical_weight / (config.rrf_k + lexical.index(both) + 1)
    assert hit.score == expected


def test_the_cited_document_list_counts_a_passage_once_at_its_better_rank(retriever, index) -> None:
    dense, _ = _candidates(retriever, QUESTION)
    config = retriever.config
    first, _ = dense[0]
    late = dense[1:] + [dense[0]]
    fused = fuse(late, dense, [], index.by_id, config)
    assert fused[first].score == config.dense_weight / (config.rrf_k + 1)
    assert fused[first].dense_rank == len(dense) - 1  # the corpus-wide rank is kept as it was
