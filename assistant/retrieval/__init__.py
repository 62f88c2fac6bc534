"""Hybrid retrieval as a pipeline of small stages, each in its own module:

    query_forms   the question as each retriever should see it (courtesy stripped, folded once, re-accented)
    candidates    dense (Chroma), lexical (BM25), and the dense search within a document the question cites
    fusion        weighted reciprocal-rank fusion of those lists; the lexical side never filters dense candidates
    coverage      the share of the question's topic a passage holds, which orders the fused head
    priors        named multiplicative priors (authority, mention, lead, agency, stated figure, place, period),
                  each weighted in one RankingConfig (ranking_config.py)
    rerank        optional cross-encoder over the head (assistant/rerank.py)
    dedup         near-duplicate passages dropped

retriever.py wires them (`Retriever.search`); index.py loads a published build, and per-index caches live in
passage_features.py. Import from the module that defines a name: this package re-exports nothing.
"""
