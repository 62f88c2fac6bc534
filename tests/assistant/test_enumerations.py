"""Lists inside a passage, read with what announces them: passages written as the corpus writes them."""

from __future__ import annotations

from assistant.enumerations import enumerations

TWO_LISTS = (
    "Xây dựng mô hình “Thành phố văn minh, xã, phường hạnh phúc” với 17 nhóm tiêu chí cấp thành phố gồm: trật tự, "
    "an toàn xã hội; chăm sóc sức khỏe; giáo dục và tri thức; mức độ hài lòng đối với cuộc sống và 6 nhóm tiêu chí "
    "“Xã, phường hạnh phúc” gồm: đạt công nhận địa bàn không ma túy; thực hiện dân chủ cơ sở; đạt tiêu chuẩn phù hợp "
    "với trẻ em."
)


def test_a_second_list_announced_inside_the_first_is_its_own_list():
    first, second = enumerations(TWO_LISTS)
    assert first.announced == 17 and first.items[-1] == "mức độ hài lòng đối với cuộc sống"
    assert second.intro == "6 nhóm tiêu chí “Xã, phường hạnh phúc” gồm"
    assert second.announced == 6
    assert second.items == ("đạt công nhận địa bàn không ma túy", "thực hiện dân chủ cơ sở", "đạt tiêu chuẩn phù hợp với trẻ em")


def test_a_numbered_list_runs_on_into_the_next_passage_up_to_the_count_it_announces():
    text = (
        "Xây dựng mô hình “Chi đoàn xã hội chủ nghĩa” với 3 nhóm tiêu chí: (1) Tổ chức hoạt động giáo dục: Hằng năm, "
        "tối thiểu 70% đoàn viên được cung cấp thông tin. (2) Triển khai các phong trào, chương trình: Chi đoàn không có "
        "đoàn viên vi phạm pháp luật."
    )
    continuation = "Hằng năm có ít nhất 01 công trình thanh niên. (3) Xây dựng tổ chức Đoàn: Chi đoàn đoàn kết. (4) Khác."
    (listed,) = enumerations(text, continuation=continuation)
    assert listed.announced == 3
    assert [item.split(":")[0] for item in listed.items] == [
        "Tổ chức hoạt động giáo dục", "Triển khai các phong trào, chương trình", "Xây dựng tổ chức Đoàn",
    ]


def test_a_series_after_nhu_ends_with_its_clause():
    (listed,) = enumerations(
        "Ưu tiên phát triển các công nghệ mũi nhọn như AI, bán dẫn, sinh học, năng lượng tái tạo; bố trí quỹ đất."
    )
    assert listed.intro == "Ưu tiên phát triển các công nghệ mũi nhọn"
    assert listed.items == ("AI", "bán dẫn", "sinh học", "năng lượng tái tạo")


def test_an_open_series_closes_at_the_ellipsis_and_prose_is_no_item():
    (listed,) = enumerations(
        "Đa dạng hóa các mô hình hoạt động của Mặt trận: “Câu lạc bộ dưỡng sinh”, “Câu lạc bộ dân vũ”, “mô hình 5+1”… "
        "thu hút các tầng lớp Nhân dân tham gia sâu vào các hoạt động xã hội, đóng góp ý kiến vào việc hoạch định chính sách."
    )
    assert listed.items == ("“Câu lạc bộ dưỡng sinh”", "“Câu lạc bộ dân vũ”", "“mô hình 5+1”")


def test_marked_lines_are_announced_by_the_line_before_them_and_run_on():
    text = "Bộ tiêu chí mô hình gồm có:\n- Cơ sở vật chất bảo đảm;\n- Đội ngũ nhà giáo đủ về số lượng;"
    (listed,) = enumerations(text, heading="2.1. Nội dung", continuation="- Môi trường giáo dục an toàn.\nĐoạn khác.")
    assert listed.intro == "Bộ tiêu chí mô hình gồm có"
    assert listed.items[-1] == "Môi trường giáo dục an toàn."
    assert len(listed.items) == 3


def test_a_colon_inside_a_quoted_name_announces_nothing_and_prose_has_no_list():
    assert enumerations("Xây dựng mô hình “Nhà ở xã hội chủ nghĩa: Công bằng, nhân văn, đoàn kết” cho người dân.") == []
    assert enumerations("Kinh tế tăng trưởng khá, đời sống Nhân dân được cải thiện rõ rệt.") == []
