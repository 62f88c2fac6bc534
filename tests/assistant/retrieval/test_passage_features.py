"""What ranking reads of each passage belongs to the loaded build, read once."""

from __future__ import annotations

from assistant.retrieval.retriever import Retriever


def test_passage_caches_belong_to_the_index_not_the_retriever(services, index) -> None:
    """Another retriever over the same build (the reranking bench builds one) reuses what was read of each passage."""
    other = Retriever(index, services.embedder)
    assert other.index.features is index.features
    chunk = index.chunks[0]
    assert index.features.tokens_of(chunk) is index.features.tokens_of(chunk)


def test_warming_reads_every_passage_once(index) -> None:
    features = index.features
    assert features.warm(limit=len(index.chunks) - 1) == 0  # a build too large to warm fills as it is searched
    assert features.warm() == len(index.chunks)
    chunk = index.chunks[-1]
    tokens = features.tokens_of(chunk)
    features.warm()
    assert features.tokens_of(chunk) is tokens


def test_passages_under_one_heading_share_its_tokens(index) -> None:
    first, second = next(
        (a, b) for a, b in zip(index.chunks, index.chunks[1:]) if a.section and a.section == b.section
    )
    assert index.features.tokens_of(first)[1] is index.features.tokens_of(second)[1]
