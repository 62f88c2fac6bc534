"""The Chroma collection a build writes: configured so that its nearest passages are the exact ones."""

from __future__ import annotations

import numpy as np

from ingest.store import HNSW


def test_collection_uses_the_configured_index(services):
    configuration = services.holder.get().collection.configuration_json["hnsw"]
    assert {key: configuration[key] for key in HNSW} == HNSW


def test_nearest_passages_match_an_exhaustive_search(services):
    """With the default ef of 100 a rebuild of the same corpus could rank a few passages differently."""
    retriever = services.retriever()
    collection = retriever.index.collection
    stored = collection.get(include=["embeddings"])
    matrix = np.asarray(stored["embeddings"])
    for question in ("tỷ lệ đô thị hóa đến năm 2030", "Sở Xây dựng chủ trì nhiệm vụ nào", "chuyen doi so toan dien"):
        forms = retriever.query_forms(question)
        vector = retriever.embedder.embed_query(forms.dense)
        exact = [stored["ids"][i] for i in np.argsort(-(matrix @ vector))[:20]]
        found = [chunk_id for chunk_id, _ in retriever.dense_scored(forms, None, 20)]
        assert set(found) == set(exact) and found[0] == exact[0]
