"""Named priors: what, besides fusion and coverage, tells which passage answers. Each is a small scorer returning
a multiplicative factor for one passage, 1.0 when it has nothing to say; its weight is a field of RankingConfig.

The document priors (authority, mention) also weigh the fused list before its head is chosen; all of them weigh
the head once coverage has been added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.figures import figures
from assistant.retrieval.passage_features import assigns_lead
from assistant.retrieval.places import one_place, places_named_in_folded, years
from assistant.retrieval.query_forms import QueryForms
from assistant.retrieval.ranking_config import RankingConfig
from ingest.document import Chunk
from ingest.normalize import canonical_number

# "Ai chủ trì ...", "cơ quan nào chịu trách nhiệm ...": the answer is a passage that assigns a lead agency.
_ASKS_LEAD = re.compile(r"\b(chu tri|chiu trach nhiem|phu trach|co quan nao|don vi nao|so nao|ban nao)\b")


@dataclass
class Asked:
    """What a question asks for, read once per search for every prior."""

    mentioned: set[str]
    asks_lead: bool = False
    agencies: set[str] | frozenset = frozenset()
    figures: set[str] | frozenset = frozenset()
    place: str | None = None
    years: set[str] | frozenset = frozenset()

    @classmethod
    def read(cls, forms: QueryForms, mentioned: set[str], index) -> Asked:
        """From the question's forms (`forms.original` is the question as asked, courtesy stripped)."""
        return cls(
            mentioned=mentioned,
            asks_lead=bool(_ASKS_LEAD.search(forms.folded)),
            agencies=index.features.agencies_named(forms.dense),
            figures={canonical_number(n) for n in figures(forms.original)},
            place=one_place(*places_named_in_folded(forms.folded)),
            years=years(forms.original),
        )


class Prior:
    """One prior: `factor` for a passage, given what the question asks. `document` priors also weigh the fused list
    before the head is chosen."""

    name = ""
    document = False

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        raise NotImplementedError


class AuthorityPrior(Prior):
    """Authority settles which document's figure leads; who leads a task is no figure, and the programme that
    assigns it would give way to the resolution that merely states the target."""

    name, document = "authority", True

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        boost = 0.0 if asked.asks_lead else config.authority_boost
        authority = index.authority.get(chunk.doc_id, 50)
        return 1 + boost * max(0, authority - 50) / 50


class MentionPrior(Prior):
    """A passage of a document the question names ("theo Kế hoạch ...")."""

    name, document = "mention", True

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        return config.mention_boost if chunk.doc_id in asked.mentioned else 1.0


class LeadPrior(Prior):
    """ "Ai chủ trì ...": a passage that assigns a lead agency."""

    name = "lead"

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        return config.lead_boost if asked.asks_lead and assigns_lead(chunk) else 1.0


class AgencyPrior(Prior):
    """ "Sở Y tế được giao ...": a task row whose lead or supporting agency is the one the question names."""

    name = "agency"

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        return config.agency_boost if asked.agencies and index.features.assigns(chunk, asked.agencies) else 1.0


class StatedFigurePrior(Prior):
    """ "mục tiêu 100% số xã ... ở văn kiện nào?": a passage stating the very figure the question states."""

    name = "stated_figure"

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        return config.stated_figure_boost if asked.figures and asked.figures & index.features.figures_of(chunk) else 1.0


class OtherPlacePrior(Prior):
    """A passage about the merged locality the question did not ask about (Hải Dương when Hải Phòng is asked)."""

    name = "other_place"

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        other = bool(asked.place) and index.features.place_of(chunk) not in (None, asked.place)
        return config.other_place_factor if other else 1.0


class PeriodPrior(Prior):
    """ "năm 2025" is answered by a passage about 2025, not by the 2026-2030 plan beside it."""

    name = "period"

    def factor(self, chunk: Chunk, asked: Asked, config: RankingConfig, index) -> float:
        if not asked.years:
            return 1.0
        stated = index.features.years_of(chunk)
        if asked.years <= stated:
            return config.same_period_factor
        return config.other_period_factor if stated and not asked.years & stated else 1.0


# In the order they multiply (the order does not change a product's value, but it does its last bits).
DEFAULT_PRIORS: tuple[Prior, ...] = (
    AuthorityPrior(), MentionPrior(), LeadPrior(), AgencyPrior(), StatedFigurePrior(), OtherPlacePrior(), PeriodPrior(),
)


def weigh(score: float, chunk: Chunk, priors: tuple[Prior, ...], asked: Asked, config: RankingConfig, index) -> float:
    """`score` times each prior's factor, left to right."""
    for prior in priors:
        score *= prior.factor(chunk, asked, config, index)
    return score
