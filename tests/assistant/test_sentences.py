from __future__ import annotations

import pytest

from assistant.sentences import proper_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Định hướng phát triển Cát Bà, Đồ Sơn, Côn Sơn - Kiếp Bạc thành gì?", ["Cát Bà", "Đồ Sơn", "Côn Sơn", "Kiếp Bạc"]),
        ("Ở Đà Nẵng và Quảng Ninh có khu kinh tế nào?", ["Đà Nẵng", "Quảng Ninh"]),
        ("Tỉnh Bà Rịa - Vũng Tàu", ["Bà Rịa", "Vũng Tàu"]),
        ("Thành phố Hải Phòng có bao nhiêu xã?", ["Hải Phòng"]),
    ],
)
def test_names_in_a_list_are_several_names(text: str, names: list[str]) -> None:
    assert proper_names(text) == names


def test_the_capital_that_opens_a_sentence_starts_no_name() -> None:
    assert proper_names("Tỷ lệ đô thị hóa. Kim ngạch xuất khẩu đạt bao nhiêu?") == []


def test_ordinal_items_are_items_even_when_they_run_on_one_line() -> None:
    from assistant.sentences import ITEM_SPLIT, ITEM_START

    text = "Một là, coi trọng xây dựng Đảng. Tranh thủ sự giúp đỡ của các địa phương Hai là, luôn đổi mới tư duy.\n(3). Về kinh tế: tăng trưởng."
    pieces = ITEM_SPLIT.split(text)
    assert [bool(ITEM_START.match(p)) for p in pieces] == [True, True, True]
    assert pieces[1].startswith("Hai là,") and not ITEM_START.match("Năm 2025, thành phố đạt")
