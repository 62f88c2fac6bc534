"""The named priors, each weighted in RankingConfig."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.retrieval.priors import DEFAULT_PRIORS, Asked, PeriodPrior
from assistant.retrieval.retriever import Retriever

WHO_LEADS = "Đơn vị nào chủ trì chỉ tiêu kết nạp đảng viên mới hằng năm?"


def _ranking(retriever: Retriever, question: str) -> list[tuple[str, float]]:
    return [(h.chunk.chunk_id, h.score) for h in retriever.search(question, k=10)]


@pytest.mark.parametrize(
    ("prior", "weight", "question"),
    [
        ("lead", "lead_boost", WHO_LEADS),
        ("mention", "mention_boost", "Theo Kế hoạch thực hiện Nghị quyết 30, quan điểm về liên kết vùng là gì?"),
        ("stated_figure", "stated_figure_boost", "Có văn kiện nào đặt mục tiêu 100% số xã đạt chuẩn nông thôn mới kiểu mẫu vào năm 2030 không?"),
        ("agency", "agency_boost", "Đề án nào về năng lực của hệ thống y tế được giao cho Sở Y tế triển khai?"),
    ],
)
def test_a_prior_weighted_one_changes_nothing(services, retriever, prior: str, weight: str, question: str) -> None:
    """At weight 1.0 a multiplicative prior is the same as no prior at all; at its weight it does change the ranking."""
    index, embedder = services.index(), services.embedder
    neutral = Retriever(index, embedder, config=replace(retriever.config, **{weight: 1.0}))
    without = Retriever(index, embedder, priors=tuple(p for p in DEFAULT_PRIORS if p.name != prior))
    assert _ranking(neutral, question) == _ranking(without, question)
    assert _ranking(retriever, question) != _ranking(without, question)


def test_the_period_prior_favours_the_years_asked(retriever, index) -> None:
    (top,) = retriever.search("Năm 2025 Hải Phòng thu hút bao nhiêu triệu lượt khách du lịch?", k=1)
    config, period = retriever.config, PeriodPrior()
    assert period.factor(top.chunk, Asked(set(), years={"2025"}), config, index) == config.same_period_factor
    assert period.factor(top.chunk, Asked(set(), years={"2019"}), config, index) == config.other_period_factor
    assert period.factor(top.chunk, Asked(set()), config, index) == 1.0


def test_the_agencies_a_question_spells_out_are_read_from_the_task_rows(index) -> None:
    assert index.features.agencies_named("Sở Y tế được giao việc gì?") == {"so y te"}


def test_what_a_question_asks_is_read_once(retriever, index) -> None:
    forms = retriever.query_forms("Ai chủ trì thu hút 20 tỷ USD FDI của tỉnh Hải Dương năm 2030?")
    asked = Asked.read(forms, set(), index)
    assert asked.asks_lead and asked.place == "hai duong" and asked.years == {"2030"}
    assert "20" in asked.figures
