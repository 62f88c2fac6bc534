"""Agency names: splitting cells, one key per body however it is spelled, resolving user spellings."""

from __future__ import annotations

import pytest

from ingest.agencies import AgencyIndex, agency_key, split_agencies, strip_titles
from ingest.normalize import fold


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ban Tổ chức Thành uỷ", "Ban Tổ chức Thành ủy"),
        ("Sở Văn hoá Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở Khoa học và Công nghe", "Sở Khoa học và Công nghệ"),
        ("BQL Khu kinh tế Hải Phòng", "Ban Quản lý Khu kinh tế"),
        ("UBND thành phố", "Ủy ban nhân dân thành phố"),
        ("Công an TP", "Công an thành phố"),
        ("Đ/c Giám đốc Sở Tài chính", "Sở Tài chính"),
        ("Đ/c Trưởng Ban Quản lý Khu kinh tế Hải Phòng", "BQL Khu kinh tế"),
        ("so tai chinh", "Sở Tài chính"),
        ("Đảng ủy MTTQ Việt nam TP", "Đảng ủy Mặt trận Tổ quốc VN thành phố"),
    ],
)
def test_spellings_of_one_body_share_a_key(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("UBND thành phố", "UBND cấp xã"),
        ("Công an thành phố", "Đảng ủy Công an thành phố"),
        ("Ban Quản lý dự án đầu tư xây dựng công trình giao thông", "BQLDA ĐTXD theo phân công của UBND thành phố"),
        ("Sở Tài chính", "Sở Tư pháp"),
    ],
)
def test_different_bodies_keep_different_keys(a, b):
    assert agency_key(a) != agency_key(b)


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("- Sở Tài chính; - Thống kê thành phố.", ["Sở Tài chính", "Thống kê thành phố"]),
        ("Sở Tài chính, Sở Khoa học và Công nghệ", ["Sở Tài chính", "Sở Khoa học và Công nghệ"]),
        ("Ban Tổ chức Thành uỷ Sở Nội vụ", ["Ban Tổ chức Thành ủy", "Sở Nội vụ"]),
        ("- Ủy ban Kiểm tra Thành uỷ, - Ban Nội chính Thành uỷ", ["Ủy ban Kiểm tra Thành ủy", "Ban Nội chính Thành ủy"]),
        ("Các sở, ngành, UBND cấp xã", ["Các sở, ngành, UBND cấp xã"]),
        ("Sở Văn hoá, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        (
            "Sở Tài chính, sở Xây dựng; các Sở, ngành, đơn vị liên quan",
            ["Sở Tài chính", "Sở Xây dựng", "Các Sở, ngành, đơn vị liên quan"],
        ),
        (
            "Sở Nông nghiệp và Môi trường và các sở, ban, ngành, đơn vị liên quan",
            ["Sở Nông nghiệp và Môi trường", "Các sở, ban, ngành, đơn vị liên quan"],
        ),
        (
            "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội",
            ["Mặt trận Tổ quốc", "Các tổ chức chính trị - xã hội"],
        ),
        (
            "Thanh tra, Công an, Viện Kiểm sát, Tòa án, Ban Nội chính Thành ủy.",
            ["Thanh tra", "Công an", "Viện Kiểm sát", "Tòa án", "Ban Nội chính Thành ủy"],
        ),
        (
            "- Các sở: Nông nghiệp và Môi trường, Xây dựng, Công Thương, Khoa học và Công nghệ;",
            ["Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Công Thương", "Sở Khoa học và Công nghệ"],
        ),
        ("Cơ quan chủ trì: Thành đoàn Hải Phòng", ["Thành đoàn Hải Phòng"]),
    ],
)
def test_split_agencies(cell, names):
    assert split_agencies(cell) == names


def test_strip_titles_keeps_names_that_start_like_titles():
    assert strip_titles("Đ/c Giám đốc Sở Tài chính") == "Sở Tài chính"
    assert strip_titles("Trường Chính trị Tô Hiệu") == "Trường Chính trị Tô Hiệu"


def test_index_resolves_abbreviations_accentless_and_titles():
    index = AgencyIndex()
    for name in ["Sở Tài chính", "Sở Xây dựng", "BQLDA ĐTXD theo phân công của UBND thành phố", "Sở Văn hoá, Thể thao và Du lịch"]:
        index.add(name)
    assert index.resolve("so tai chinh").name == "Sở Tài chính"
    assert index.resolve("so xay dung").name == "Sở Xây dựng"
    assert index.resolve("Sở VHTTDL").name == "Sở Văn hóa, Thể thao và Du lịch"
    assert index.resolve("BQLDA ĐTXD").id == index.resolve("Ban Quản lý dự án đầu tư xây dựng theo phân công của UBND thành phố").id
    assert index.resolve("UBND").name == "Ủy ban nhân dân thành phố"
    assert index.resolve("Sở Tài nguyên và Môi trường") is None


def test_new_names_become_entities_with_aliases():
    index = AgencyIndex()
    first = index.add("Chi cục Hải quan khu vực III")
    assert index.add("Chi cục Hải quan khu vực III.") is first
    assert first.kind == "agency"
    assert index.add("Các sở, ban, ngành, địa phương liên quan").kind == "collective"


def test_empty_name_is_refused():
    with pytest.raises(ValueError, match="agency name '  ' has no letters"):
        AgencyIndex().add("  ")


def test_curated_names_are_not_spelled_twice():
    folded = [fold(a.name) for a in AgencyIndex().all()]
    assert len(folded) == len(set(folded))
