"""parse_document on the five real documents (headings, footnotes) and on small texts that pin one behaviour each."""

from __future__ import annotations

import re

import pytest

from ingest.document import DocumentInfo
from ingest.parse import parse_document
from tests.ingest.scratch import REAL_DOC_IDS

# Heading paths as prefixes of each level ("PHỤ LỤC 2" matches "PHỤ LỤC 2. DANH MỤC ...", not "PHỤ LỤC 20").
KNOWN_HEADINGS = [
    ("de-an-cnxh", ["PHẦN THỨ TƯ", "III. PHÂN CÔNG NHIỆM VỤ"]),
    ("de-an-cnxh", ["PHẦN THỨ HAI"]),
    ("de-an-cnxh", ["PHẦN THỨ HAI", "C. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM"]),
    ("de-an-cnxh", ["MỞ ĐẦU", "B. NHỮNG CƠ SỞ XÂY DỰNG ĐỀ ÁN", "II. CƠ SỞ CHÍNH TRỊ, PHÁP LÝ", "1. Cơ sở chính trị"]),
    ("chuong-trinh-hanh-dong", ["IV. TỔ CHỨC THỰC HIỆN"]),
    ("chuong-trinh-hanh-dong", ["IV. TỔ CHỨC THỰC HIỆN", "3. Đảng ủy UBND thành phố"]),
    ("chuong-trinh-hanh-dong", ["PHỤ LỤC 1"]),
    ("chuong-trinh-hanh-dong", ["PHỤ LỤC 2"]),
    ("chuong-trinh-hanh-dong", ["PHỤ LỤC 3"]),
    ("chuong-trinh-hanh-dong", ["III. NHIỆM VỤ CHỦ YẾU", "12. Tiếp tục đẩy mạnh", "12.6. Phòng, chống tham nhũng"]),
    ("ke-hoach-nq30", ["IV. TỔ CHỨC THỰC HIỆN"]),
    ("ke-hoach-nq30", ["II. QUAN ĐIỂM, MỤC TIÊU", "3. Một số chỉ tiêu cụ thể đến năm 2030"]),
    ("bao-cao-chinh-tri", ["PHẦN THỨ HAI"]),
    ("bao-cao-chinh-tri", ["PHẦN THỨ NHẤT", "I. KẾT QUẢ ĐẠT ĐƯỢC", "A. VỀ THỰC HIỆN CÁC CHỈ TIÊU ĐẠI HỘI"]),
    ("bao-cao-chinh-tri", ["PHỤ LỤC 2"]),
    ("nghi-quyet-dai-hoi", ["VIII. TỔ CHỨC THỰC HIỆN"]),
    ("nghi-quyet-dai-hoi", ["III. NHẤT TRÍ QUAN ĐIỂM", "5. Các nhiệm vụ và giải pháp chủ yếu", "5.11. Tăng cường quốc phòng"]),
]


def _level_matches(level: str, prefix: str) -> bool:
    return level == prefix or bool(re.match(re.escape(prefix) + r"(?![\dIVX])", level))


def _has_path(sections: list[list[str]], wanted: list[str]) -> bool:
    return any(
        len(path) == len(wanted) and all(_level_matches(level, p) for level, p in zip(path, wanted)) for path in sections
    )


@pytest.mark.parametrize(("doc_id", "path"), KNOWN_HEADINGS, ids=lambda v: v if isinstance(v, str) else " > ".join(v))
def test_known_heading_is_found(parsed_corpus, doc_id, path):
    sections = parsed_corpus[doc_id].sections
    assert _has_path(sections, path), f"{path} not among {len(sections)} sections of {doc_id}"


def test_heading_prefix_does_not_match_a_longer_number():
    assert _level_matches("PHỤ LỤC 2. DANH MỤC", "PHỤ LỤC 2")
    assert not _level_matches("PHỤ LỤC 20", "PHỤ LỤC 2")
    assert not _level_matches("VIII. TỔ CHỨC", "VII")


@pytest.mark.parametrize("doc_id", REAL_DOC_IDS)
def test_real_document_parses_cleanly(parsed_corpus, doc_id):
    doc = parsed_corpus[doc_id]
    assert doc.warnings == []
    assert len(doc.sections) >= 15
    for path in doc.sections:
        for level in path:
            assert "**" not in level and "<" not in level and level == level.strip(), level
            assert len(level) <= 400, f"a body paragraph taken for a heading: {level[:80]}..."


def test_appendix_3_heading_glued_to_its_title_is_a_heading(parsed_corpus):
    """`**PHỤ LỤC 3****Danh mục ...**` (two bold runs with no space) once left Phụ lục 3's rows under Phụ lục 2."""
    doc = parsed_corpus["chuong-trinh-hanh-dong"]
    rows = [b for b in doc.blocks if b.kind == "table_row" and "Nguồn vốn" in b.row.cells]
    assert len(rows) > 50
    assert {b.section[0] for b in rows} == {
        "PHỤ LỤC 3 Danh mục đề án, dự án, công trình trọng điểm giai đoạn 2025-2030"
        " (giữ nguyên theo Chương trình hành động số 05-CTr/TU, ngày 06 tháng 11 năm 2025 của Thành ủy)"
    }


def test_superscript_footnote_73_is_separated_and_attached_to_the_row_citing_it(parsed_corpus):
    doc = parsed_corpus["bao-cao-chinh-tri"]
    assert doc.footnotes["73"].startswith("Tăng trưởng tổng sản phẩm trên địa bàn giai đoạn 2021 - 2025")
    (citing,) = [b for b in doc.blocks if b.kind != "footnote" and "73" in b.footnote_refs]
    assert citing.kind == "table_row" and "Tốc độ tăng trưởng GRDP" in citing.text
    assert "⁷³" not in citing.text
    (note,) = [b for b in doc.blocks if b.kind == "footnote" and b.footnote_refs == ["73"]]
    assert note.section == citing.section
    assert note.text.startswith("Chú thích (73): Tăng trưởng tổng sản phẩm")
    assert not any("ước đạt bình quân 11,8%/năm" in b.text for b in doc.blocks if b.kind != "footnote")


@pytest.mark.parametrize(
    ("doc_id", "number", "anchor", "note"),
    [
        # superscript marker: "Thu nhập bình quân đầu người tăng dần qua các năm⁶⁰."
        ("bao-cao-chinh-tri", "60", "Thu nhập bình quân đầu người tăng dần qua các năm", "Dự kiến năm 2025 ước đạt 7,32"),
        # inline "(27)" marker in the Đề án
        ("de-an-cnxh", "27", "Đến hết năm 2024, có 84 xã, 10 phường và 04 thị trấn có sản phẩm OCOP", "Có 242 sản phẩm OCOP"),
    ],
)
def test_a_footnote_carries_the_words_it_is_attached_to(parsed_corpus, doc_id, number, anchor, note):
    """A note alone ("Dự kiến năm 2025 ước đạt 7,32 triệu đồng/tháng") does not say what it counts."""
    (block,) = [b for b in parsed_corpus[doc_id].blocks if b.kind == "footnote" and b.footnote_refs == [number]]
    assert block.text.startswith(f"Chú thích ({number}): (cho “{anchor}”) {note}")


def test_a_footnote_cited_from_a_table_row_keeps_its_plain_form(parsed_corpus):
    (block,) = [b for b in parsed_corpus["bao-cao-chinh-tri"].blocks if b.kind == "footnote" and b.footnote_refs == ["73"]]
    assert "(cho “" not in block.text


def test_page_bottom_footnote_1_is_separated_and_attached_to_the_paragraph_citing_it(parsed_corpus):
    doc = parsed_corpus["de-an-cnxh"]
    assert doc.footnotes["1"] == (
        "Nguyễn Phú Trọng: Một số vấn đề lý luận và thực tiễn về chủ nghĩa xã hội và con đường đi lên "
        "chủ nghĩa xã hội ở Việt Nam, Nxb. Chính trị quốc gia Sự thật, Hà Nội, 2022, tr. 22."
    )
    (citing,) = [b for b in doc.blocks if b.kind == "paragraph" and "1" in b.footnote_refs]
    assert "cho tất cả mọi người, cho các dân tộc”. Do đó, trong suốt quá trình" in citing.text
    (note,) = [b for b in doc.blocks if b.kind == "footnote" and b.footnote_refs == ["1"]]
    assert note.section == citing.section == ["MỞ ĐẦU SỰ CẦN THIẾT VÀ NHỮNG CƠ SỞ XÂY DỰNG ĐỀ ÁN", "A. SỰ CẦN THIẾT XÂY DỰNG ĐỀ ÁN"]
    assert not any("Sự thật, Hà Nội, 2022, tr. 22" in b.text for b in doc.blocks if b.kind == "paragraph")


@pytest.mark.parametrize("doc_id", ["bao-cao-chinh-tri", "de-an-cnxh"])
def test_every_footnote_is_attached_to_a_section(parsed_corpus, doc_id):
    doc = parsed_corpus[doc_id]
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert len(notes) >= 80
    assert [b.footnote_refs[0] for b in notes if not b.section] == []


INFO = DocumentInfo(doc_id="mau", path="mau.txt", title="Văn bản mẫu", kind="kế hoạch", issuer="", date="", authority=1)


def test_hard_wrapped_sentence_is_joined_across_a_page_footer_and_page_number():
    text = "\n".join(
        [
            "I. MỤC ĐÍCH, YÊU CẦU",
            "",
            "1. Mục đích",
            "Quán triệt đầy đủ nội dung Nghị quyết, tạo sự thống nhất",
            "trong nhận thức và hành động của",
            "Tài liệu này thuộc sở hữu của các cơ quan Đảng. Việc phát tán, sử dụng trái phép bị nghiêm cấm",
            "",
            "12 ",
            "các cấp ủy, tổ chức đảng.",
        ]
    )
    doc = parse_document(text, INFO)
    assert doc.sections == [["I. MỤC ĐÍCH, YÊU CẦU"], ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"]]
    (block,) = doc.blocks
    assert block.text == (
        "Quán triệt đầy đủ nội dung Nghị quyết, tạo sự thống nhất trong nhận thức và hành động của "
        "các cấp ủy, tổ chức đảng."
    )
    assert (block.line_start, block.line_end) == (4, 9)
    assert block.section == ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"]


def test_markup_is_stripped_from_headings_and_text():
    text = "**II. NHIỆM VỤ**\n<b>Tăng cường</b> kiểm tra, <i>giám sát</i> với tỷ lệ $\\geq 80$%.\n"
    doc = parse_document(text, INFO)
    assert doc.sections == [["II. NHIỆM VỤ"]]
    assert doc.blocks[0].text == "Tăng cường kiểm tra, giám sát với tỷ lệ ≥ 80%."


def test_a_document_without_headings_is_flagged():
    doc = parse_document("Một đoạn văn không có tiêu đề nào cả, chỉ có nội dung.\n", INFO)
    assert doc.warnings == ["mau: no headings recognised"]
    assert [b.text for b in doc.blocks] == ["Một đoạn văn không có tiêu đề nào cả, chỉ có nội dung."]


def test_short_numbered_items_with_nothing_under_them_stay_text():
    """Items like "2. Nhân dân làm chủ, đồng hành, thụ hưởng" look like headings; with no text under them they are a
    list, and their words must land in a block (else no search could ever find them)."""
    text = "\n".join(
        [
            "II. Bộ tiêu chí Chủ nghĩa xã hội",
            "1. Dân giàu, thành phố vững mạnh",
            "2. Nhân dân làm chủ, đồng hành, thụ hưởng",
            "III. Bộ tiêu chí con người",
            "1. Trung thực, thẳng thắn, nghĩa tình",
        ]
    )
    doc = parse_document(text, INFO)
    assert doc.sections == [["II. Bộ tiêu chí Chủ nghĩa xã hội"], ["III. Bộ tiêu chí con người"]]
    assert [(b.text, b.section) for b in doc.blocks] == [
        ("1. Dân giàu, thành phố vững mạnh", ["II. Bộ tiêu chí Chủ nghĩa xã hội"]),
        ("2. Nhân dân làm chủ, đồng hành, thụ hưởng", ["II. Bộ tiêu chí Chủ nghĩa xã hội"]),
        ("1. Trung thực, thẳng thắn, nghĩa tình", ["III. Bộ tiêu chí con người"]),
    ]
    assert [b.line_start for b in doc.blocks] == [2, 3, 5]


def test_a_list_item_wrapped_before_a_quotation_stays_an_item():
    """ "1. Yêu nước, …, trung thành với Tổ quốc và mục tiêu" wraps before "“Độc lập dân tộc …”": the quotation runs
    on like a lowercase word, so the item is no heading with the quotation under it but the list's first item."""
    text = "\n".join(
        [
            "III. Bộ tiêu chí con người Xã hội chủ nghĩa",
            "",
            "1. Yêu nước, trung thành với Tổ quốc và mục tiêu",
            "“Độc lập dân tộc gắn liền với Chủ nghĩa xã hội”",
            "",
            "2. Trung thực, thẳng thắn, nghĩa tình",
        ]
    )
    doc = parse_document(text, INFO)
    assert doc.sections == [["III. Bộ tiêu chí con người Xã hội chủ nghĩa"]]
    assert [b.text for b in doc.blocks] == [
        "1. Yêu nước, trung thành với Tổ quốc và mục tiêu “Độc lập dân tộc gắn liền với Chủ nghĩa xã hội”",
        "2. Trung thực, thẳng thắn, nghĩa tình",
    ]


def test_a_range_broken_before_its_dash_is_one_sentence_not_a_bullet():
    """ "giai đoạn 2025" / "-  2030 (giai đoạn thí điểm …)": a line that opens with a dash and a number after a line
    ending in a number goes on the range; a dash before a capital still opens an item."""
    text = "\n".join(
        [
            "1. Giáo dục",
            "Xây dựng mô hình “Trường học xã hội chủ nghĩa”. Theo đó, giai đoạn 2025 ",
            "-  2030 sẽ xây dựng mẫu tại 6 trường; số bằng sáng chế tăng trung bình 16 ",
            "- 18%/năm.",
            "- Tăng cường huy động các nguồn lực xã hội.",
        ]
    )
    doc = parse_document(text, INFO)
    assert [b.text for b in doc.blocks] == [
        "Xây dựng mô hình “Trường học xã hội chủ nghĩa”. Theo đó, giai đoạn 2025 - 2030 sẽ xây dựng mẫu tại 6 trường; "
        "số bằng sáng chế tăng trung bình 16 - 18%/năm.",
        "- Tăng cường huy động các nguồn lực xã hội.",
    ]


def test_list_items_of_the_real_scheme_are_searchable_text(parsed_corpus, doc_id="de-an-cnxh"):
    doc = parsed_corpus[doc_id]
    text = " ".join(b.text for b in doc.blocks)
    for item in ("Nhân dân làm chủ, đồng hành, thụ hưởng", "Trung thực, thẳng thắn, nghĩa tình", "Thành phố VĂN MINH, HẠNH PHÚC"):
        assert item in text


def test_numbered_line_that_runs_on_into_a_new_sentence_is_a_list_paragraph():
    """ "5.11. Chính sách ... quốc tế. Theo đó, dự kiến kinh phí ..." is an item whose title sentence is followed by
    its content; taking the whole wrapped run for a heading would hide the figure from every passage."""
    text = "\n".join(
        [
            "5. Củng cố, phát huy phẩm chất, năng lực con người",
            "5.11. Chính sách khen thưởng đối với vận động viên, huấn luyện viên thể",
            "thao thành phố đạt thành tích tại các giải thể thao quốc gia, khu vực và",
            "quốc tế. Theo đó, dự kiến kinh phí 1 năm khoảng 12,7 tỷ đồng (những năm tổ chức",
            "Đại hội Thể thao toàn quốc) và khoảng 9,9 tỷ đồng.",
        ]
    )
    doc = parse_document(text, INFO)
    assert doc.sections == [["5. Củng cố, phát huy phẩm chất, năng lực con người"]]
    (block,) = doc.blocks
    assert block.text.startswith("5.11. Chính sách khen thưởng")
    assert "dự kiến kinh phí 1 năm khoảng 12,7 tỷ đồng (những năm tổ chức Đại hội Thể thao toàn quốc)" in block.text
    assert block.section == ["5. Củng cố, phát huy phẩm chất, năng lực con người"]


def test_a_numbered_item_broken_after_a_word_no_phrase_ends_with_is_a_paragraph(parsed_corpus):
    """ "3. Phát huy … đường lối, chủ trương của" / "Đảng, với thực tiễn …": the line broke inside the phrase, so the
    item is no heading over the rest of the principles."""
    doc = parsed_corpus["de-an-cnxh"]
    assert not [path for path in doc.sections if path[-1].endswith("chủ trương của")]
    principles = [b.text for b in doc.blocks if b.section and b.section[-1] == "II. Nguyên tắc"]
    assert any(text.startswith("3. ") and "thực tiễn đất nước và thành phố" in text for text in principles)
