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
