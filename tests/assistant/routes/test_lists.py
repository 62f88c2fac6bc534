"""The list route's reading of the question alone (no index): how many items it says its list has."""

from __future__ import annotations

import pytest

from assistant.routes.lists import _stated_count


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("Phát triển nhà ở xã hội phải đạt 3 tiêu chí gì?", 3),
        ("phat trien nha o xa hoi phai dat 3 tieu chi gi", 3),  # typed without accents
        ("Đề án có 6 nhóm tiêu chí nào?", 6),
        ("Nhiệm vụ trọng tâm thứ 4 là những gì?", None),  # an ordinal
        ("Nghị quyết 30 nêu những gì?", None),  # a document's number
        ("Điều 5 quy định những gì?", None),
        ("Bộ tiêu chí gồm mấy tiêu chí, cụ thể là gì?", None),
    ],
)
def test_the_count_a_question_states_for_its_list(typed: str, count: int | None) -> None:
    assert _stated_count(typed) == count
