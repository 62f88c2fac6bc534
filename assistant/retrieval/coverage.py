"""How much of a question's topic a passage holds: what orders the fused head.

The topic is the question's content tokens (framing such as "bao nhiêu", "ở mức nào", "trong khoảng thời gian
nào" left out, and the names of documents it mentions too), each weighted by its IDF over the build.
"""

from __future__ import annotations

from assistant.retrieval.document_names import DocumentNames
from assistant.retrieval.passage_features import PassageFeatures
from assistant.retrieval.query_forms import (
    ANSWER_KIND_FRAMING,
    QUESTION_WORDS,
    content_tokens,
    without_answer_kind_framing,
)
from assistant.retrieval.ranking_config import RankingConfig
from ingest.document import Chunk
from ingest.normalize import fold


def wanted_tokens(
    text: str, names: DocumentNames, features: PassageFeatures, mentions: tuple[set[str], str] | None = None
) -> set[str]:
    """The question's content tokens that some passage could hold: a bigram the corpus never uses ("tăng bao",
    "héc ta") says nothing about which passage answers, and at its maximal IDF it would drown the real topic.
    The names of documents the question mentions are left out too: they pick the document (the mention prior),
    and counted as topic they would make every question about "Kế hoạch thực hiện NQ 30" match its title page.
    `mentions`: names.mentions(text), when already read."""
    mentioned, rest = mentions if mentions is not None else names.mentions_in_folded(fold(text))
    tokens = content_tokens(ANSWER_KIND_FRAMING.sub(" ", rest)) if mentioned else set()
    tokens = tokens or content_tokens(without_answer_kind_framing(text))
    unseen = features.unseen_idf
    return {t for t in tokens if "_" not in t or (features.idf(t) < unseen and not _chance_pair(t, features))}


# A pair the corpus writes in fewer passages than this is no term of it when one of its words only frames the
# question: "hóa theo" of "đô thị hóa theo Nghị quyết", "2030 là".
TERM_PASSAGES = 3


def _chance_pair(token: str, features: PassageFeatures) -> bool:
    return any(p in QUESTION_WORDS for p in token.split("_")) and features.document_frequency(token) < TERM_PASSAGES


class Coverage:
    """The coverage of one question's wanted tokens, their IDF read once for all the passages it is asked about."""

    def __init__(self, wanted: set[str], features: PassageFeatures, config: RankingConfig):
        self.features = features
        self.config = config
        # In the set's own order, so every sum below adds the same floats in the same order as summing over `wanted`.
        self.weighted = [(t, features.idf(t)) for t in wanted]
        self.total = sum(weight for _, weight in self.weighted)

    def __call__(self, chunk: Chunk) -> float:
        """IDF-weighted share of the question's content tokens that the passage holds; tokens only its headings hold
        count less, the heading right above it ("I. NHẤT TRÍ CHỦ ĐỀ ĐẠI HỘI ... LÀ:") more than those further up."""
        if not self.total:
            return 0.0
        body, leaf, upper = self.features.tokens_of(chunk)
        in_body = sum(w for t, w in self.weighted if t in body)
        in_leaf = sum(w for t, w in self.weighted if t in leaf and t not in body)
        in_upper = sum(w for t, w in self.weighted if t in upper and t not in body and t not in leaf)
        leaf_weight = 1.0 if self.features.bare_list(chunk) else self.config.leaf_heading_weight
        return (in_body + leaf_weight * in_leaf + self.config.section_coverage_weight * in_upper) / self.total
