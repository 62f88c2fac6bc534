"""The topic of a question and how much of it a passage holds."""

from __future__ import annotations

from assistant.retrieval.coverage import Coverage


def test_bigram_no_passage_holds_is_not_wanted(retriever) -> None:
    """ "tăng bao" (from "tăng bao nhiêu") is in no passage; at its maximal IDF it would outweigh the topic."""
    wanted = retriever.wanted_tokens("GRDP tăng bao nhiêu mỗi năm?")
    assert "tang_bao" not in wanted and {"grdp", "tang"} <= wanted


def test_a_pair_a_framing_word_made_by_chance_is_not_wanted(retriever, index) -> None:
    """ "hóa theo" of "đô thị hóa theo Nghị quyết" is in a passage or two; it says nothing of the topic, whose own
    pairs ("đô thị", "tỷ lệ") stay wanted."""
    wanted = retriever.wanted_tokens("tỷ lệ đô thị hóa theo Nghị quyết Đại hội I năm 2030 là bao nhiêu?")
    assert {"ty_le", "do_thi", "thi_hoa"} <= wanted
    assert not {"hoa_theo", "2030_la"} & wanted
    assert all(index.features.document_frequency(t) >= 3 for t in wanted if "_" in t and "nam" in t.split("_"))


def test_asking_for_a_time_is_no_topic(retriever) -> None:
    wanted = retriever.wanted_tokens("Đề án được xây dựng trong khoảng thời gian nào?")
    assert "xay_dung" in wanted
    assert not {"thoi_gian", "khoang", "dung_trong"} & wanted
    assert "lau" not in retriever.wanted_tokens("Thời gian thực hiện Đề án là bao lâu?")


def test_coverage_is_the_idf_weighted_share_the_passage_holds(retriever, index) -> None:
    wanted = retriever.wanted_tokens("Độ che phủ rừng của thành phố được đặt ở mức nào?")
    coverage = Coverage(wanted, index.features, retriever.config)
    holding = next(c for c in index.chunks if "che phủ rừng" in c.text.lower())
    unrelated = next(c for c in index.chunks if not set().union(*index.features.tokens_of(c)) & wanted)
    assert 0.0 < coverage(holding) <= 1.0
    assert coverage(unrelated) == 0.0
    assert Coverage(set(), index.features, retriever.config)(holding) == 0.0


def test_idf_is_read_once_per_build(retriever, index) -> None:
    assert retriever.idf("che_phu") == index.features.idf("che_phu") > retriever.idf("thanh_pho")

