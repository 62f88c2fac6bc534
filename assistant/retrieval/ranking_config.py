"""Every weight of the ranking in one place. Swap a field with `dataclasses.replace(config, lead_boost=1.0)` (a
multiplicative prior at 1.0 changes nothing) and hand it to `Retriever(..., config=...)`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankingConfig:
    # --- candidates and fusion ---
    # Nearest passages each retriever proposes.
    candidates: int = 60
    # Reciprocal-rank fusion: a list's item at rank r (0-based) adds weight / (rrf_k + r + 1).
    rrf_k: int = 40
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    # --- the head: what coverage and the priors reorder ---
    # The fused first few...
    rerank_depth: int = 20
    # ...and each retriever's own top few, whatever their fused rank.
    own_best: int = 5
    # Coverage (IDF-weighted share of the question's topic the passage holds) added to the normalised fused score.
    coverage_weight: float = 2.5
    # Topic tokens only the headings further up hold count this much...
    section_coverage_weight: float = 0.3
    # ...those of the heading right above (of prose; a bare list's own heading counts fully) this much.
    leaf_heading_weight: float = 0.8
    # --- priors (assistant/retrieval/priors.py), multiplicative ---
    # A document's authority (0-100) above 50 lifts its passages by up to this share; not when who leads is asked.
    authority_boost: float = 0.2
    # A passage of a document the question names.
    mention_boost: float = 1.3
    # "Ai chủ trì ...": a passage that assigns a lead agency.
    lead_boost: float = 1.2
    # "Sở Y tế được giao ...": a task row whose lead or supporting agency is the one the question names.
    agency_boost: float = 1.15
    # "mục tiêu 100% số xã ... con số đó ở văn kiện nào?": a passage stating the very figure the question states.
    stated_figure_boost: float = 1.2
    # A passage about the other merged locality (Hải Dương when Hải Phòng is asked, and the reverse).
    other_place_factor: float = 0.8
    # A passage stating the years a question asks about, or only other years.
    same_period_factor: float = 1.1
    other_period_factor: float = 0.9


DEFAULT_RANKING = RankingConfig()
