"""figure_list: the quantities a text states, not the numbers that name things."""

from __future__ import annotations

import pytest

from assistant.figures import figure_list


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Theo kịch bản tăng trưởng ở Phụ lục 4, GRDP năm 2027", []),
        ("Chú thích (60): (cho “tăng 1,41 lần”) Dự kiến năm 2025 ước đạt 7,32 triệu đồng/tháng", ["7,32"]),
        ("(18) Hoàn thành khoảng 32.900 căn nhà ở xã hội trong giai đoạn 2026 - 2030.", ["32.900"]),
        ("11.247 7.944,5", ["11.247", "7.944,5"]),
        ("- Triển khai Nghị quyết số 01-NQ/TU, ngày 08/11/2025, phấn đấu 100% xã không ma túy", ["100"]),
        ("Thực hiện Nghị quyết số 226/2025/QH15 với 12 cơ chế", ["12"]),
        ("Chú thích (31): Giai đoạn 2012-2025, có khoảng 3.384 doanh nghiệp", ["3.384"]),
        ("Tỉnh Hải Dương có 17/19 chỉ tiêu", ["17", "19"]),
    ],
)
def test_figure_list_keeps_quantities_not_names_dates_or_markers(sentence: str, expected: list[str]) -> None:
    assert figure_list(sentence) == expected
