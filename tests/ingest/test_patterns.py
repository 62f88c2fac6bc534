from __future__ import annotations

import pytest

from ingest.patterns import LIST_MARKER, NUMBER, PERIOD, SENTENCE_BREAK, YEAR


def test_a_year_is_four_digits_of_this_or_the_last_century_standing_alone() -> None:
    assert YEAR.findall("Quý II/2026, giai đoạn 2026-2030, năm 1930") == ["2026", "2026", "2030", "1930"]
    assert YEAR.findall("11.247 USD, 20265 người, số 2100") == []


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("giai đoạn 2026 - 2030", ("2026", "2030")),
        ("giai đoạn 2021–2025", ("2021", "2025")),
        ("từ năm 2026 đến 2030", ("2026", "2030")),
        ("giai doan 2026 den 2030", ("2026", "2030")),
    ],
)
def test_a_period_gives_its_first_and_last_year(text: str, period: tuple[str, str]) -> None:
    found = PERIOD.search(text)
    assert found is not None and found.groups() == period


def test_a_single_year_is_no_period() -> None:
    assert PERIOD.search("đến năm 2030, tầm nhìn 2045") is None


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("(8) Tỷ lệ đô thị hóa", "Tỷ lệ đô thị hóa"),
        ("3.1. Phát triển công nghiệp", "Phát triển công nghiệp"),
        ("- Tăng trưởng GRDP", "Tăng trưởng GRDP"),
        ("11.247 USD năm 2025", "11.247 USD năm 2025"),
    ],
)
def test_a_list_marker_goes_a_figures_thousands_stay(text: str, rest: str) -> None:
    assert LIST_MARKER.sub("", text) == rest


def test_numbers_keep_their_separators() -> None:
    assert NUMBER.findall("đạt 11.247 USD, tăng 8,5%") == ["11.247", "8,5"]


def test_a_sentence_breaks_before_a_capital_not_inside_a_figure() -> None:
    text = "GRDP tăng 13%. Thu nhập đạt 11.247 USD; (2) đô thị hóa 65%."
    assert SENTENCE_BREAK.split(text) == ["GRDP tăng 13%.", "Thu nhập đạt 11.247 USD;", "(2) đô thị hóa 65%."]
