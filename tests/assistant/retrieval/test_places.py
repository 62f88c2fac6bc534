"""Which of the two merged localities a text is about."""

from __future__ import annotations

import pytest

from assistant.retrieval.places import passage_place, place_of, spanned_years


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Tỉnh Hải Dương có 17/19 chỉ tiêu dự kiến đạt", "hai duong"),
        ("tổng sản phẩm trên địa bàn tỉnh (GRDP) tăng 9,8%", "hai duong"),
        ("Thành phố Hải Phòng có 11/18 chỉ tiêu", "hai phong"),
        ("thành phố Hải Phòng và tỉnh Hải Dương đã phát huy", None),
        ("Tỷ lệ che phủ rừng duy trì mức 6,4%", None),
        ("thu hút đầu tư nước ngoài (FDI) trên địa bàn thành phố ước đạt 20,2 tỷ USD", "hai phong"),
    ],
)
def test_place_of_tells_the_two_merged_localities_apart(text: str, place: str | None) -> None:
    assert place_of(text) == place


def test_the_nearest_heading_naming_a_locality_places_a_table_row(index) -> None:
    """Hải Dương's targets sit under "2.1. Các chỉ tiêu kinh tế - xã hội", itself under a heading naming the
    province: the row is about Hải Dương though neither it nor the heading right above names it."""
    row = next(
        c for c in index.chunks
        if c.kind == "table_row" and "Thu nhập bình quân đầu người" in c.text and "Đại hội XVII Đảng bộ tỉnh Hải Dương" in c.section
    )
    assert place_of(f"{row.section.rsplit(' > ', 1)[-1]} {row.text}") is None
    assert passage_place(row) == "hai duong"
    assert index.features.place_of(row) == "hai duong"


def test_a_period_stands_for_each_of_its_years() -> None:
    assert spanned_years("giai đoạn 2026 - 2030", set()) == {"2026", "2027", "2028", "2029", "2030"}
    assert spanned_years("hằng năm", {"2027"}) == {"2027"}


def test_a_sentence_naming_one_locality_is_about_it_whatever_its_heading_names(index) -> None:
    passage = next(c for c in index.chunks if "Hải Dương năm 2023 đạt 68,68 điểm" in c.text)
    assert "Hải Phòng và tỉnh Hải Dương" in passage.section
    assert passage_place(passage, "Hải Dương năm 2024 đạt 69,48 điểm tăng 0,8 điểm.") == "hai duong"
    assert passage_place(passage, "Chỉ số PCI: Hải Phòng năm 2024 đạt 78,84 điểm;") == "hai phong"
