"""The question as the stages see it: courtesy stripped, framing words apart from topic, folded once."""

from __future__ import annotations

import pytest

from assistant.retrieval.query_forms import content_tokens, plain_question
from ingest.normalize import fold


def test_question_framing_is_not_topic() -> None:
    """ "được đặt ở mức nào" says what kind of answer is wanted; a passage need not repeat it to answer."""
    tokens = content_tokens("Độ che phủ rừng của thành phố được đặt ở mức nào?")
    assert {"che", "phu", "rung", "che_phu", "phu_rung"} <= tokens
    assert not tokens & {"o", "dat_o", "o_muc", "muc_nao", "duoc_dat", "thanh_pho"}


def test_a_compound_of_framing_syllables_is_still_topic() -> None:
    """ "chỉ tiêu" frames a figure question; "tiêu chí" (criteria) and "bảo vệ" are what a question is about."""
    assert {"tieu_chi", "bao_ve"} <= content_tokens("Bộ tiêu chí về bảo vệ môi trường gồm những gì?")
    assert "chi_tieu" not in content_tokens("Chỉ tiêu này là bao nhiêu?")


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Cho tôi biết mục tiêu tăng trưởng GRDP giai đoạn 2026-2030?", "mục tiêu tăng trưởng GRDP giai đoạn 2026-2030?"),
        ("Xin hỏi tỷ lệ đô thị hóa năm 2030 là bao nhiêu ạ?", "tỷ lệ đô thị hóa năm 2030 là bao nhiêu?"),
        ("Bạn ơi, ai chủ trì Đề án này nhé", "ai chủ trì Đề án này"),
        ("cho toi biet ai chu tri de an", "ai chu tri de an"),
        ("ban chap hanh dang bo co nhiem vu gi", "ban chap hanh dang bo co nhiem vu gi"),
        ("Cần Thơ có bao nhiêu xã?", "Cần Thơ có bao nhiêu xã?"),
        ("Xin chào", "Xin chào"),
    ],
)
def test_courtesy_around_a_question_is_not_its_topic(typed: str, plain: str) -> None:
    assert plain_question(typed) == plain


def test_an_accentless_question_is_reaccented_for_the_dense_side_only(retriever) -> None:
    forms = retriever.query_forms("ty le che phu rung")
    assert forms.accentless and forms.dense == "tỷ lệ che phủ rừng"
    assert forms.folded == "ty le che phu rung"
    assert "che_phu" in forms.folded_tokens


def test_the_folded_form_is_computed_once_and_matches_fold(retriever) -> None:
    question = "Tỷ lệ đô thị hóa của Hải Phòng năm 2030 là bao nhiêu?"
    forms = retriever.query_forms(question)
    assert not forms.accentless
    assert forms.folded == fold(question)
    # the folded lexical tokens are the accented ones folded, position for position
    assert [fold(t) for t in forms.accented_tokens] == forms.folded_tokens
