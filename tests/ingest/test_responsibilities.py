"""Prose duties from the real organisational sections of all five documents."""

from __future__ import annotations

import pytest

from ingest.responsibilities import body_before_verb, extract_responsibilities


@pytest.fixture(scope="module")
def duties(parsed_corpus):
    return {doc_id: extract_responsibilities(doc) for doc_id, doc in parsed_corpus.items()}


def _one(records, start: str):
    found = [r for r in records if r.text.startswith(start)]
    assert len(found) == 1, [r.text[:60] for r in records]
    return found[0]


def test_inline_lead_with_colon_and_its_supporting_bodies(duties):
    duty = _one(duties["de-an-cnxh"], "Ban Tuyên giáo và Dân vận Thành ủy: Chủ trì")
    assert duty.body_text == "Ban Tuyên giáo và Dân vận Thành ủy"
    assert duty.support_text == (
        "Đảng ủy Ủy ban nhân dân thành phố, Đảng ủy Mặt trận Tổ quốc Việt Nam thành phố và các cơ quan, đơn vị liên quan"
    )
    assert duty.section[-2] == "III. PHÂN CÔNG NHIỆM VỤ"


def test_numbered_heading_names_the_body_of_its_paragraphs(duties):
    duty = _one(duties["de-an-cnxh"], "Chủ trì, phối hợp với Đảng ủy Mặt trận Tổ quốc")
    assert duty.heading_body and duty.body_text == "Đảng ủy Ủy ban nhân dân thành phố"
    assert duty.support_text == "Đảng ủy Mặt trận Tổ quốc Việt Nam thành phố"
    assert duty.quote.startswith("3. Đảng ủy Ủy ban nhân dân thành phố: Chủ trì")
    directing = _one(duties["de-an-cnxh"], "Lãnh đạo, chỉ đạo rà soát, hoàn thiện các cơ chế")
    assert directing.body_text == "Đảng ủy Các cơ quan đảng thành phố"


def test_bullets_run_together_are_separate_duties_and_names_are_not_cut_at_verbs(duties):
    programme = duties["chuong-trinh-hanh-dong"]
    assert _one(programme, "Ủy ban Kiểm tra Thành ủy tham mưu").line_start == _one(programme, "Ban Tuyên giáo và Dân vận").line_start
    assert _one(programme, "Ban Tổ chức Thành ủy căn cứ").body_text == "Ban Tổ chức Thành ủy"
    office = _one(programme, "Văn phòng Thành ủy chủ trì theo dõi")
    assert office.body_text == "Văn phòng Thành ủy" and office.section == ["IV. TỔ CHỨC THỰC HIỆN", "5. Các cơ quan chuyên trách tham mưu, giúp việc Thành ủy"]
    front = _one(programme, "Xây dựng kế hoạch triển khai thực hiện Chương trình phù hợp")
    assert front.body_text.endswith("Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội thành phố")
    assert not any("Toàn Đảng bộ" in r.text or "thay thế" in r.text for r in programme)


def test_plan_items_and_the_resolution_assignments(duties):
    plan = duties["ke-hoach-nq30"]
    assert [r.body_text for r in plan] == [
        "Đảng đoàn Hội đồng nhân dân thành phố",
        "Ban Cán sự Đảng Ủy ban nhân dân thành phố",
        "Các Ban của Thành ủy, các tổ chức chính trị - xã hội thành phố",
        "Các cấp ủy, chính quyền, các ban, ngành, địa phương, đơn vị",
        "Văn phòng Thành ủy",
    ]
    assert plan[-1].support_text == "Văn phòng Ủy ban nhân dân thành phố, các Ban của Thành ủy"
    resolution = duties["nghi-quyet-dai-hoi"]
    assert len(resolution) == 4
    assert {r.body_text for r in resolution} == {"Ban Chấp hành Đảng bộ thành phố nhiệm kỳ 2025 - 2030"}


def test_subject_paragraphs_serve_the_solution_heading_above_them(duties):
    defence = _one(duties["de-an-cnxh"], "Tăng cường quốc phòng, an ninh")
    assert defence.body_text.startswith("Đảng ủy Ban Chỉ huy Quân sự thành phố, Đảng ủy Công an thành phố")
    assert defence.quote.startswith("1.2. Chủ thể tham mưu, thực hiện:")
    assert sum(1 for r in duties["de-an-cnxh"] if r.quote.split(" ", 1)[1].startswith("Chủ thể")) == 14


def test_a_report_assigns_nothing_and_schedules_are_not_bodies(duties):
    assert duties["bao-cao-chinh-tri"] == []
    assert not any(r.text.startswith("Ban hành Nghị quyết chuyên đề") for r in duties["de-an-cnxh"])
    assert body_before_verb("Ban hành Nghị quyết chuyên đề của Ban Chấp hành") is None
    assert body_before_verb("Văn phòng Thành ủy chủ trì theo dõi") == "Văn phòng Thành ủy"
