"""Index-time and query-time text must meet: every spelling variant found in the corpus reaches the same tokens."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest

from ingest.normalize import (
    ABBREVIATIONS,
    canonical_number,
    canonical_units,
    expand_abbreviations,
    fold,
    fold_tokens,
    folded_tokens,
    lexical_tokens,
    looks_accentless,
    normalize,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

# Real lines from the corpus (file 001 line 601, 001:3372, 000:250, 001:648, 002:849, 001:726).
THANH_UY_LINE = "Đại hội XV, XVI Đảng bộ thành phố, qua thực tiễn, Thành uỷ đã bổ sung thành tố"
ETH_LINE = "Nghị quyết Ðại hội Ðảng và Nghị quyết Ðại hội Ðảng bộ thành phố."
TI_LE_LINE = "Hải Dương: tính đến tháng 4/2025 có 687/779 trường được công nhận đạt chuẩn quốc gia đạt tỉ lệ 88,2%."
KHOE_LINE = "hoá và mức độ hưởng thụ, chăm sóc sức khoẻ của Nhân dân thành phố(16)."
BQLDA_CELL = "BQLDA ĐTXD theo phân công của UBND thành phố"
NUMBER_LINE = "543.600,86 tỷ đồng, bình quân tăng 7,06%/năm; thu nội địa tăng 9,27%/năm. Tổng"


def corpus_text() -> str:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip(f"no corpus files in {CORPUS}")
    return "\n\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("uỷ", "ủy"),
        ("khoẻ", "khỏe"),
        ("thuỷ", "thủy"),
        ("Thành uỷ", "Thành ủy"),
        ("hoá", "hóa"),
        ("UỶ BAN", "ỦY BAN"),
        ("HOÁ", "HÓA"),
        ("Uỷ ban", "Ủy ban"),
        ("thoả thuận", "thỏa thuận"),
        ("tuý", "túy"),
    ],
)
def test_old_tone_placement_becomes_the_corpus_majority(old: str, new: str) -> None:
    assert normalize(old) == new
    assert normalize(new) == new


@pytest.mark.parametrize("word", ["quý", "Quý", "QUÝ", "quỳnh", "quỹ", "hoàng", "toàn", "khuyến", "khuya", "khuỷu"])
def test_qu_syllables_and_closed_syllables_are_untouched(word: str) -> None:
    assert normalize(word) == word


def test_old_and_new_tone_style_give_identical_tokens() -> None:
    assert lexical_tokens(THANH_UY_LINE) == lexical_tokens(THANH_UY_LINE.replace("uỷ", "ủy"))
    assert lexical_tokens("hoà bình") == lexical_tokens("hòa bình")
    new_style = "hóa và mức độ hưởng thụ, chăm sóc sức khỏe của Nhân dân thành phố(16)."
    assert lexical_tokens(KHOE_LINE) == lexical_tokens(new_style)
    assert "thành_ủy" in lexical_tokens(THANH_UY_LINE)


def test_decomposed_input_equals_composed() -> None:
    for text in (THANH_UY_LINE, KHOE_LINE, "Cơ quan chủ trì", "kinh tế"):
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text
        assert normalize(decomposed) == normalize(text)
        assert lexical_tokens(decomposed) == lexical_tokens(text)


def test_latin_eth_becomes_d_with_stroke() -> None:
    assert normalize(ETH_LINE) == "Nghị quyết Đại hội Đảng và Nghị quyết Đại hội Đảng bộ thành phố."
    assert "\u00d0" not in normalize(ETH_LINE)
    assert lexical_tokens("Ðảng bộ") == lexical_tokens("Đảng bộ")


def test_ti_becomes_ty_only_as_a_word() -> None:
    assert lexical_tokens(TI_LE_LINE) == lexical_tokens(TI_LE_LINE.replace("tỉ lệ", "tỷ lệ"))
    assert normalize("tỉ đồng") == "tỷ đồng"
    assert normalize("Tỉ lệ") == "Tỷ lệ"
    assert normalize("tỉnh Hải Dương") == "tỉnh Hải Dương"
    assert normalize("tỉ mỉ") == "tỉ mỉ"
    assert normalize("thạc sỹ") == "thạc sĩ"


def test_punctuation_spaces_and_invisible_characters() -> None:
    assert normalize("“Hải Phòng” – cảng — biển") == '"Hải Phòng" - cảng - biển'
    assert normalize("Hải\u00a0Phòng\u200b thành\u200d phố  \n  mới") == "Hải Phòng thành phố\nmới"
    assert normalize("a\r\nb\n\n\n\nc\t \tđ") == "a\nb\n\nc\tđ"


def test_case_is_preserved() -> None:
    assert normalize("Ban Thường vụ Thành ủy") == "Ban Thường vụ Thành ủy"


def test_fold_strips_all_diacritics() -> None:
    assert fold("Cơ quan chủ trì") == "co quan chu tri"
    assert fold("ĐẢNG bộ Ðảng") == "dang bo dang"
    assert fold("Thành uỷ") == fold("thành ủy") == "thanh uy"


def test_accentless_query_meets_accented_text() -> None:
    assert folded_tokens("co quan chu tri") == folded_tokens("Cơ quan chủ trì")
    assert "co_quan" in folded_tokens("Cơ quan chủ trì")
    assert set(folded_tokens("thanh uy da bo sung thanh to")) <= set(folded_tokens(THANH_UY_LINE))
    assert fold_tokens(lexical_tokens(KHOE_LINE)) == folded_tokens(KHOE_LINE)


@pytest.mark.parametrize(
    ("short", "long_tokens"),
    [
        ("UBND", ["ủy_ban", "ban_nhân", "nhân_dân"]),
        ("HĐND", ["hội_đồng", "đồng_nhân"]),
        ("HÐND", ["hội_đồng"]),
        ("BQL", ["ban_quản", "quản_lý"]),
        ("Tp. Hải Phòng", ["thành_phố"]),
        ("KT-XH", ["kinh_tế", "xã_hội"]),
        ("KH&CN", ["khoa_học", "công_nghệ"]),
        ("BTV TU", ["ban_thường", "thường_vụ", "thành_ủy"]),
        ("NOXH", ["nhà_ở", "ở_xã"]),
    ],
)
def test_abbreviations_add_their_long_form(short: str, long_tokens: list[str]) -> None:
    tokens = lexical_tokens(short)
    assert set(long_tokens) <= set(tokens)
    assert tokens[0] == re.split(r"\W", normalize(short).lower())[0]  # the short form stays searchable


def test_expansion_is_appended_not_replacing() -> None:
    expanded = expand_abbreviations(BQLDA_CELL)
    assert expanded.startswith(BQLDA_CELL)
    assert "Ban Quản lý dự án" in expanded and "đầu tư xây dựng" in expanded and "Ủy ban nhân dân" in expanded
    assert expand_abbreviations("Cơ quan chủ trì") == "Cơ quan chủ trì"


def test_accentless_abbreviations_users_type() -> None:
    for typed, accented in [("hdnd", "HĐND"), ("dtxd", "ĐTXD"), ("bql", "BQL"), ("ubnd", "UBND"), ("noxh", "NOXH")]:
        assert set(folded_tokens(accented)) <= set(folded_tokens(typed)) | {fold(accented)}
        assert ABBREVIATIONS[accented] in expand_abbreviations(typed)


def test_syllable_shaped_abbreviations_only_match_in_capitals() -> None:
    assert expand_abbreviations("tu dưỡng") == "tu dưỡng"
    assert "Thành ủy" in expand_abbreviations("Đảng ủy trực thuộc TU")


def test_document_numbers_are_not_expanded() -> None:
    assert expand_abbreviations("Nghị quyết số 07-NQ/TU, ngày 01/8/2022") == "Nghị quyết số 07-NQ/TU, ngày 01/8/2022"
    assert expand_abbreviations("Kế hoạch thực hiện số 3258/KH-UBND") == "Kế hoạch thực hiện số 3258/KH-UBND"


def test_long_forms_are_already_normalized() -> None:
    assert {v: normalize(v) for v in ABBREVIATIONS.values()} == {v: v for v in ABBREVIATIONS.values()}


def test_bigrams_do_not_cross_punctuation() -> None:
    tokens = lexical_tokens("Cơ quan chủ trì: Sở Tài chính")
    assert {"cơ_quan", "quan_chủ", "chủ_trì", "sở_tài", "tài_chính"} <= set(tokens)
    assert "trì_sở" not in tokens
    assert "tế_xã" not in lexical_tokens("kinh tế - xã hội")
    assert "trì_cơ" not in lexical_tokens("Cơ quan chủ trì\tCơ quan phối hợp")
    assert "ban_thường" in lexical_tokens("giữa Ban\nThường vụ")  # a PDF line wrap is not a break
    assert "ban_thường" not in lexical_tokens("giữa Ban\n\nThường vụ")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("245.500", "245500"),
        ("245500", "245500"),
        ("2,4", "2,4"),
        ("2.4", "2,4"),
        ("2,40", "2,4"),
        ("543.600,86", "543600,86"),
        ("543,600.86", "543600,86"),
        ("1.000.000", "1000000"),
        ("05", "5"),
        ("0,5", "0,5"),
        ("1.1.3", "1.1.3"),
        ("394b", "394b"),
    ],
)
def test_canonical_number(written: str, canonical: str) -> None:
    assert canonical_number(written) == canonical


def test_numbers_match_however_written() -> None:
    tokens = lexical_tokens(NUMBER_LINE)
    assert {"543600,86", "7,06", "9,27"} <= set(tokens)
    assert "543600,86" in lexical_tokens("543,600.86")
    assert "245500" in lexical_tokens("đạt 245500 tỷ") and "245500" in lexical_tokens("đạt 245.500 tỷ")
    assert "14" in lexical_tokens("tăng 14%")
    assert {"1", "8", "2022"} <= set(lexical_tokens("ngày 01/8/2022"))


def test_markup_and_footnote_markers_are_not_tokens() -> None:
    tokens = lexical_tokens("<li>- Sắp xếp đủ biên chế</li> tạo² nguồn")
    assert "li" not in tokens and "tạo" in tokens and "tạo_nguồn" not in tokens


def test_drop_stopwords_keeps_bigrams_and_folded_dang() -> None:
    assert "của" not in lexical_tokens("sức khỏe của Nhân dân", drop_stopwords=True)
    assert "khỏe_của" in lexical_tokens("sức khỏe của Nhân dân", drop_stopwords=True)
    assert "dang" in folded_tokens("Đảng bộ", drop_stopwords=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("co quan chu tri", True),
        ("ke hoach thuc hien nghi quyet 30", True),
        ("Cơ quan chủ trì", False),
        ("co quan chủ trì", False),
        ("GRDP 2025", False),
        ("what is the action plan", False),
        ("", False),
        ("2025", False),
    ],
)
def test_looks_accentless(query: str, expected: bool) -> None:
    assert looks_accentless(query) is expected


def test_empty_and_whitespace_input() -> None:
    for text in ("", "   \n\t  ", "\u200b"):
        assert normalize(text) == ""
        assert lexical_tokens(text) == []
        assert folded_tokens(text) == []
    assert fold("") == ""


def test_control_characters_and_binary_junk_do_not_crash() -> None:
    junk = "Thành uỷ\x00\x01\x7f\x9f\ud800\ufffd\x1b[31m" + bytes(range(256)).decode("latin-1") + " hoà"
    normalized = normalize(junk)
    assert "\x00" not in normalized and "\ud800" not in normalized
    assert normalized.startswith("Thành ủy")
    tokens = lexical_tokens(junk)
    assert "hòa" in tokens
    assert len(folded_tokens(junk)) == len(tokens)


def test_very_long_input() -> None:
    text = (THANH_UY_LINE + " ") * 20_000
    tokens = lexical_tokens(text)
    assert tokens.count("thành_ủy") == 20_000


def test_whole_corpus_tokenizes_fast() -> None:
    text = corpus_text()
    start = time.perf_counter()
    tokens = lexical_tokens(text)
    folded = fold_tokens(tokens)
    elapsed = time.perf_counter() - start
    assert len(tokens) > 100_000 and len(folded) == len(tokens)
    assert elapsed < 1.5, f"tokenising {len(text)} chars took {elapsed:.2f}s"


def test_corpus_has_no_old_style_tones_left() -> None:
    words = set(re.findall(r"\w+", normalize(corpus_text())))
    assert not words & {"uỷ", "Uỷ", "hoá", "HOÁ", "khoẻ", "hoà", "Ðảng", "tỉ"}
    assert {"Quý", "quý", "quỹ", "hòa", "hoàn", "khoáng", "tỉnh"} <= words


@pytest.mark.parametrize(
    ("spoken", "symbol"),
    [
        ("trên một héc-ta đất", "trên một ha đất"),
        ("bao nhiêu hecta", "bao nhiêu ha"),
        ("tăng bao nhiêu phần trăm", "tăng bao nhiêu %"),
        ("tang bao nhieu phan tram", "tang bao nhieu %"),
        ("bao nhiêu đô la Mỹ", "bao nhiêu USD"),
    ],
)
def test_spelled_out_units_become_the_documents_symbols(spoken: str, symbol: str) -> None:
    assert canonical_units(spoken) == symbol
    assert lexical_tokens(spoken) == lexical_tokens(symbol)


def test_unit_words_inside_other_words_are_left_alone() -> None:
    assert canonical_units("phân tách bảng, Đô Lương, tháp") == "phân tách bảng, Đô Lương, tháp"
