"""parse_table on the real corpus tables (chuong-trinh-hanh-dong Phụ lục 1-3, bao-cao-chinh-tri Phụ lục 1)."""

from __future__ import annotations

import re

import pytest

from ingest.tables import clean_cell, parse_table
from tests.ingest.corpus_lines import appendix_lines, line_of, tab_lines

LEAD = "Cơ quan chủ trì"
SUPPORT = "Cơ quan phối hợp"
TASK = "Nhiệm vụ cụ thể"


@pytest.fixture(scope="module")
def tasks():
    return parse_table(appendix_lines(2))


@pytest.fixture(scope="module")
def targets():
    return parse_table(appendix_lines(1))


@pytest.fixture(scope="module")
def projects():
    return parse_table(appendix_lines(3))


@pytest.fixture(scope="module")
def results():
    doc = "bao-cao-chinh-tri"
    start = line_of(doc, r"^PHỤ LỤC 1")
    return parse_table(tab_lines(doc, start, line_of(doc, r"^PHỤ LỤC 2", start)))


def _row(rows, key, prefix):
    found = [r for r in rows if r.cells.get(key, "").startswith(prefix)]
    assert len(found) == 1, f"{len(found)} rows start with {prefix!r}"
    return found[0]


def test_task_row_has_merged_header_columns(tasks):
    row = _row(tasks, TASK, "Tiếp tục nghiên cứu, bố trí lại đội ngũ cán bộ")
    assert row.number == "(1)"
    assert row.cells[LEAD] == "Sở Nội vụ"
    assert row.cells[SUPPORT] == "Các sở ngành, UBND cấp xã"
    assert row.cells["Thời gian thực hiện/hoàn thành"] == "Năm 2025"
    assert row.groups[0].startswith("I- Hoàn thiện thể chế")


def test_row_continued_over_two_page_breaks_is_one_row(tasks):
    row = _row(tasks, TASK, "Triển khai thực hiện các văn bản thuộc thẩm quyền của HĐND")
    output = row.cells["Kết quả/Sản phẩm"]
    assert "thực hiện hoạt động khoa học và công nghệ" in output
    assert "trách nhiệm kiểm tra, giám sát" in output
    assert row.line_end - row.line_start >= 8
    assert not any(r.line_start in range(row.line_start + 1, row.line_end + 1) for r in tasks)


def test_continuation_mid_sentence_joins_each_cell(tasks):
    row = _row(tasks, TASK, "Xây dựng và áp dụng cơ chế Một cửa liên thông")
    assert row.cells[TASK].endswith("trong giải quyết thủ tục hành chính đối với dự án đầu tư thực hiện ngoài khu công nghiệp, khu kinh tế")
    assert row.cells[SUPPORT].startswith("- Các sở, ban, ngành có liên quan: Khoa học và Công nghệ")
    assert row.cells["Ghi chú"] == "Theo Chương trình hành động số 05-CTr/TU"


def test_repeated_headers_never_become_rows(tasks, targets, projects, results):
    for rows in (tasks, targets, projects, results):
        header_cells = {"TT", "STT", LEAD, SUPPORT, "Phân công thực hiện", "Tên Dự án", "Nguồn vốn", "Bình quân năm"}
        for row in rows:
            assert row.number not in {"TT", "STT"}
            assert not set(row.cells.values()) & header_cells, row
            assert all(key != value for key, value in row.cells.items()), row
    sub_header = {"Đến năm 2030", "Bình quân năm"}
    assert not any(set(r.cells.values()) >= sub_header for r in targets)


def test_every_numbered_task_appears_once(tasks):
    numbered = [r for r in tasks if re.fullmatch(r"\(\d+\)", r.number)]
    raw = [line for _, line in appendix_lines(2) if re.match(r"^\(\d+\)\t", line)]
    assert len(numbered) == len(raw) == 206


def test_groups_nest_and_replace(tasks):
    first_in_2_2 = _row(tasks, TASK, "Phối hợp trong công tác lập điều chỉnh Quy hoạch vùng đồng bằng sông Hồng")
    assert first_in_2_2.groups[0].startswith("II- Tăng cường huy động nguồn lực")
    assert first_in_2_2.groups[1].startswith("2.2. Xác lập mô hình tăng trưởng mới")
    first_in_3 = _row(tasks, TASK, "Tiếp tục xây dựng hồ sơ khoa học đề nghị UNESCO vinh danh Trạng Trình")
    assert len(first_in_3.groups) == 1 and first_in_3.groups[0].startswith("III- Phát triển văn hóa")


def test_sub_items_with_own_markers_keep_parent(tasks):
    subs = [r for r in tasks if r.number.startswith("(6).")]
    assert [r.number for r in subs] == ["(6).i", "(6).ii", "(6).iii", "(6).iv", "(6).v", "(6).vi"]
    assert subs[1].cells[TASK] == "Cảng Nam Đồ Sơn"
    assert subs[1].cells[LEAD] == "Ban Quản lý Khu kinh tế Hải Phòng"
    assert subs[1].groups[-1].startswith("(6) Phát triển dịch vụ logistics hiện đại")
    assert subs[4].cells["Thời gian thực hiện/hoàn thành"] == "- Phần đầu khởi công quý II/2026; - Hoàn thành quý II/2028"


def test_unnumbered_row_with_own_content_is_a_sub_row(tasks):
    row = _row(tasks, TASK, "Tham gia xây dựng “Vòm phòng không bền vững”")
    assert row.number == "(8).a"
    assert LEAD not in row.cells
    assert row.groups[-1].startswith("(8) Chỉ đạo lực lượng vũ trang")


def test_target_value_unit_and_lead(targets):
    row = _row(targets, "Tên chỉ tiêu", "Sản lượng hàng hoá thông qua các cảng")
    assert row.number == "9."
    assert row.cells["Kế hoạch 5 năm 2026-2030 - Đến năm 2030"] == "380"
    assert row.cells["Đơn vị tính"] == "Triệu tấn"
    assert row.cells["Đơn vị chủ trì"] == "Sở Xây dựng"
    assert row.groups == ["II. Lĩnh vực kinh tế - xã hội, quốc phòng - an ninh"]


def test_target_sub_rows_name_their_parent(targets):
    row = _row(targets, "Tên chỉ tiêu", "- Công nghiệp - Xây dựng")
    assert row.number == "1.a"
    assert row.cells["Kế hoạch 5 năm 2026-2030 - Bình quân năm"] == "15,2"
    assert row.groups[-2] == "1. Tốc độ tăng tổng sản phẩm trên địa bàn (GRDP)"
    assert row.groups[-1] == "Trong đó:"
    dotted = _row(targets, "Tên chỉ tiêu", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)")
    assert dotted.number == "14.2" and dotted.groups[-1] == "14. Các chỉ số"


def test_target_cell_continued_after_page_break(targets):
    row = _row(targets, "Tên chỉ tiêu", "Mô hình “Dân vận khéo”")
    assert row.cells["Kế hoạch 5 năm 2026-2030 - Đến năm 2030"].endswith(
        "gắn với việc thực hiện nhiệm vụ chuyên môn, lĩnh vực hoạt động, công tác của ngành, địa phương, đơn vị."
    )


def test_latex_threshold_becomes_symbol(targets):
    row = _row(targets, "Tên chỉ tiêu", "Tỷ lệ nước thải đô thị được xử lý")
    assert row.cells["Kế hoạch 5 năm 2026-2030 - Đến năm 2030"] == "≥ 40"


def test_no_markup_left_in_cells(tasks, targets, projects, results):
    for rows in (tasks, targets, projects, results):
        for row in rows:
            for text in [row.number, *row.cells.values(), *row.groups]:
                assert not re.search(r"</?[a-z]+[^>]*>|\*\*|\$|\\geq|\s{2}", text), text
                assert text == text.strip() and text


def test_project_groups_letters_above_roman(projects):
    first_road = _row(projects, "Tên Dự án", "Dự án đầu tư xây dựng tuyến đường nối Quốc lộ 5")
    assert first_road.groups == ["B Các dự án do thành phố chủ trì triển khai, thực hiện", "I Các dự án thuộc lĩnh vực giao thông"]
    railway = _row(projects, "Tên Dự án", "Dự án đầu tư xây dựng tuyến đường sắt Lào Cai")
    assert railway.number == "39" and railway.groups == ["C Các dự án, công trình thành phố phối hợp thực hiện"]
    assert [r.number for r in projects if "." in r.number] == ["21.1", "21.2"]


def test_results_table_two_line_headers_stay_distinct(results):
    row = _row(results, "Nội dung", "GRDP bình quân đầu người (theo giá hiện hành)")
    assert row.cells["Mục tiêu giai đoạn 2021-2025 - Đến 2025"] == "11.800"
    assert row.cells["Thực hiện - Ước 2025"] == "9.486"
    assert row.groups == ["A Chỉ tiêu kinh tế"]


def test_results_unit_continued_after_page_break(results):
    row = _row(results, "Nội dung", "Trong đó: thu nội địa")
    assert row.number == "4.a"
    assert row.cells["Đơn vị"] == "Tỷ đồng"


def test_results_second_table_restarts_groups_and_joins_label(results):
    row = _row(results, "Nội dung", "Tốc độ tăng Tổng sản phẩm trên địa bàn")
    assert row.cells["Nội dung"] == "Tốc độ tăng Tổng sản phẩm trên địa bàn (GRDP)"
    assert row.groups == []
    assert row.cells["Mục tiêu 2021-2025 - Bình quân 5 năm"] == "9,0"


def test_row_missing_its_number_cell_is_realigned(results):
    rows = [r for r in results if r.cells.get("Nội dung") == "- Dịch vụ" and r.groups[-1] == "Cơ cấu lao động"]
    assert len(rows) == 1
    assert rows[0].cells["Đơn vị tính"] == "%"
    assert rows[0].cells["Mục tiêu đến 2030"] == "32,5"


def test_region_without_header_is_refused():
    with pytest.raises(ValueError, match="no header row before line 7"):
        parse_table([(7, "(1)\tMột nhiệm vụ\tQuý I/2026")])


def test_clean_cell_strips_html_markdown_latex():
    assert clean_cell("<p>a</p> <p>b</p>") == "a b"
    assert clean_cell("<b><i>Xác lập</i></b>") == "Xác lập"
    assert clean_cell('<ul style="list-style-type: none"> <li>- Một</li> <li>- Hai</li></ul>') == "- Một - Hai"
    assert clean_cell("$\\leq 5$ và **đậm**") == "≤ 5 và đậm"
