"""Turns read against the conversation: a follow-up changes one slot of the previous turn and keeps the others."""

from __future__ import annotations

import pytest

from assistant.conversation import parse_turns, readings
from assistant.question import parse

GRDP = "Mục tiêu tăng trưởng GRDP bình quân giai đoạn 2026 - 2030 của thành phố Hải Phòng là bao nhiêu?"


@pytest.mark.parametrize(
    ("turn", "understood"),
    [
        ("Còn năm 2028 thì sao?", "Mục tiêu tăng trưởng GRDP bình quân năm 2028 của thành phố Hải Phòng là bao nhiêu?"),
        ("Thế còn Hải Dương?", "Mục tiêu tăng trưởng GRDP bình quân giai đoạn 2026 - 2030 của tỉnh Hải Dương là bao nhiêu?"),
        ("con hai duong thi sao", "Mục tiêu tăng trưởng GRDP bình quân giai đoạn 2026 - 2030 của tỉnh Hải Dương là bao nhiêu?"),
        ("Còn thu nhập bình quân đầu người thì sao?", "thu nhập bình quân đầu người giai đoạn 2026 - 2030 là bao nhiêu?"),
    ],
)
def test_a_follow_up_changes_one_slot_and_keeps_the_others(turn: str, understood: str) -> None:
    resolved = parse_turns(turn, [{"role": "user", "content": GRDP}, {"role": "assistant", "content": "13%/năm"}])
    assert resolved.text == understood and resolved.rewritten == understood and resolved.followup


def test_a_follow_up_asking_another_role_keeps_the_task() -> None:
    history = [{"role": "user", "content": "Ai chủ trì xây dựng Đề án phân loại đơn vị hành chính cấp xã?"}]
    resolved = parse_turns("Vậy cơ quan nào phối hợp?", history)
    assert "phân loại đơn vị hành chính cấp xã" in resolved.text and resolved.intent == "support"


def test_a_back_reference_carries_the_previous_question() -> None:
    history = [{"role": "user", "content": "Theo kịch bản tăng trưởng, tốc độ tăng GRDP năm 2027 dự kiến bao nhiêu?"}]
    assert "2027" in parse_turns("riêng ngành xây dựng năm đó thì tăng bao nhiêu?", history).text


def test_a_question_that_stands_alone_is_not_rewritten() -> None:
    history = [{"role": "user", "content": GRDP}]
    resolved = parse_turns("Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?", history)
    assert not resolved.followup and resolved.rewritten is None


def test_an_agency_follow_up_after_a_question_naming_none_asks_the_same_of_it() -> None:
    history = [{"role": "user", "content": "Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?"}]
    resolved = parse_turns("Còn Sở Tài chính thì sao?", history)
    assert resolved.text.startswith("Sở Tài chính") and "Khu thương mại tự do" in resolved.text


def test_a_turn_leaning_on_the_last_one_is_read_several_ways_the_resolved_one_first() -> None:
    history = [
        {"role": "user", "content": "Theo kịch bản tăng trưởng, tốc độ tăng GRDP năm 2027 dự kiến bao nhiêu?"},
        {"role": "assistant", "content": "Phụ lục 4 dự kiến GRDP năm 2027 tăng 13,0%."},
    ]
    found = [r.text for r in readings("riêng ngành xây dựng năm đó thì tăng bao nhiêu?", history)]
    assert found[0] == parse_turns("riêng ngành xây dựng năm đó thì tăng bao nhiêu?", history).text
    assert "riêng ngành xây dựng năm 2027 thì tăng bao nhiêu?" in found
    assert len(found) == len(set(found))


def test_a_turn_without_history_has_one_reading() -> None:
    assert [r.text for r in readings(GRDP)] == [parse(GRDP).text]


def test_another_locality_for_the_same_years_is_the_previous_question_there() -> None:
    history = [
        {"role": "user", "content": "Tốc độ đổi mới công nghệ của Hải Phòng giai đoạn 2021 - 2025 đạt bao nhiêu?"},
        {"role": "assistant", "content": "15,02%"},
    ]
    question = parse_turns("thế còn tỉnh Hải Dương giai đoạn đó đạt bao nhiêu?", history)
    assert question.text == "Tốc độ đổi mới công nghệ của tỉnh Hải Dương giai đoạn 2021 - 2025 đạt bao nhiêu?"
    assert question.locality == "Hải Dương" and question.period == ("2021", "2025")


@pytest.mark.parametrize(
    ("turn", "understood"),
    [
        ("Hải Dương năm 2024 đạt bao nhiêu?", "Tỷ lệ hộ đạt gia đình văn hóa của tỉnh Hải Dương năm 2024 là bao nhiêu?"),
        ("Còn Hải Dương năm 2023 thì sao?", "Tỷ lệ hộ đạt gia đình văn hóa của tỉnh Hải Dương năm 2023 là bao nhiêu?"),
    ],
)
def test_another_locality_without_an_opener_is_the_previous_question_there(turn: str, understood: str) -> None:
    history = [{"role": "user", "content": "Tỷ lệ hộ đạt gia đình văn hóa của Hải Phòng năm 2024 là bao nhiêu?"}]
    assert parse_turns(turn, history).text == understood


def test_another_document_named_asks_the_previous_question_of_it() -> None:
    history = [{"role": "user", "content": "Nghị quyết Đại hội I đặt tỷ lệ đô thị hóa năm 2030 là bao nhiêu?"}]
    resolved = parse_turns("thế báo cáo chính trị thì đặt bao nhiêu?", history)
    assert resolved.text == "Theo báo cáo chính trị, đặt tỷ lệ đô thị hóa năm 2030 là bao nhiêu?"


def test_the_year_pointed_back_to_is_written_out_not_dropped_as_a_particle() -> None:
    history = [{"role": "user", "content": "Thu ngân sách nhà nước trên địa bàn năm 2026 là bao nhiêu?"}]
    resolved = parse_turns("Thế còn riêng thu nội địa năm đó?", history)
    assert "thu nội địa năm 2026" in resolved.text and resolved.years == {"2026"}


def test_another_field_of_the_same_task_without_an_opener_keeps_the_task() -> None:
    history = [{"role": "user", "content": "Ai chủ trì xây dựng căn cứ hậu phương số 2 khu vực phòng thủ thành phố?"}]
    resolved = parse_turns("Kết quả cụ thể phải làm được gì?", history)
    assert "căn cứ hậu phương số 2" in resolved.text and resolved.intent == "output"


def test_a_change_of_year_in_time_words_changes_only_the_year() -> None:
    history = [{"role": "user", "content": "Tổng vốn đầu tư trên địa bàn năm 2027 là bao nhiêu?"}]
    assert parse_turns("thế năm cuối nhiệm kỳ 2030 thì sao?", history).text == "Tổng vốn đầu tư trên địa bàn năm 2030 là bao nhiêu?"


def test_a_question_of_its_own_about_the_other_locality_is_not_the_previous_one_there() -> None:
    history = [{"role": "user", "content": "GRDP của Hải Phòng năm 2025 là bao nhiêu?"}]
    assert parse_turns("Hải Dương có bao nhiêu xã?", history).text == "Hải Dương có bao nhiêu xã?"
    assert parse_turns("Hải Dương năm 2025 đạt bao nhiêu?", history).text == "GRDP của tỉnh Hải Dương năm 2025 là bao nhiêu?"


def test_a_document_swap_keeps_no_preposition_of_the_alias() -> None:
    history = [{"role": "user", "content": "Theo Đề án, tỷ lệ đô thị hóa năm 2030 là bao nhiêu?"}]
    assert parse_turns("thế báo cáo chính trị thì đặt bao nhiêu?", history).text == (
        "Theo báo cáo chính trị, tỷ lệ đô thị hóa năm 2030 là bao nhiêu?"
    )


def test_a_turn_of_punctuation_only_is_not_a_follow_up() -> None:
    assert not parse_turns("???", [{"role": "user", "content": "GRDP năm 2025 là bao nhiêu?"}]).followup
