"""The registry built from the real parsed corpus: counts, leads, agency queries, deadlines, atomic writes."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from ingest.document import DocumentInfo
from ingest.normalize import fold
from ingest.parse import parse_document
from ingest.deadlines import parse_deadline
from ingest.registry import Registry, UnknownAgencyError
from ingest.registry_build import build_registry
from tests.ingest.corpus_lines import corpus_lines


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    documents = []
    for doc_id in ("chuong-trinh-hanh-dong", "bao-cao-chinh-tri"):
        info = DocumentInfo(doc_id=doc_id, path=f"{doc_id}.txt", title=doc_id, kind="", issuer="", date="", authority=1)
        documents.append(parse_document("\n".join(corpus_lines(doc_id)), info))
    path = tmp_path_factory.mktemp("data") / "registry.sqlite"
    records = build_registry(documents, path)
    registry = Registry(path)
    yield records, registry, path
    registry.close()


def test_counts_match_a_hand_count(built):
    records, _, _ = built
    # Phụ lục 2, counted from the raw file: the "(n)" numbers restart in every group; the last number per group is
    # I 16, 2.1 12, 2.2 29, III 19, IV 8, V 21, VI 16, 7.1 8, 7.2 11 (but "(9)" is missing, so 10 rows),
    # VIII 14, IX 7, X 5, XI 14, 12.1 4, 12.2 3, 12.3 5, 12.4 2, 12.5 5, 12.6 3, 12.7 5 -> 206 numbered tasks;
    # plus the six sub-items i.-vi. under VII (6) and the unnumbered "Vòm phòng không" line under VIII (8) = 213.
    assert len(records.tasks) == 213
    assert sum(1 for t in records.tasks if t.number.startswith("(") and ")." not in t.number) == 206
    # Phụ lục 1: I. 1-7 and II. 1.-24 = 31 numbered, plus 14.1-14.4 and 15.1-15.2 = 37, plus 15 unnumbered
    # sub-rows ("- Giám sát chuyên đề;", the four "Trong đó" GRDP sectors, two under 4., 5.'s and 6.'s "Trong đó",
    # 13.'s new firms, 20.'s plants, four under 24.) = 52.
    assert len(records.targets) == 52
    # Phụ lục 3: A 1-13, B 1-38 (numbering restarts after A) with 21.1 and 21.2, C 39-48 = 13 + 40 + 10 = 63.
    assert len(records.projects) == 63


def test_every_record_has_a_lead_unless_its_cell_is_empty(built):
    records, _, _ = built
    assert [t.number for t in records.tasks if not t.lead] == []
    assert [t.number for t in records.tasks if t.lead_inherited] == ["(8).a"]
    assert [t.number for t in records.targets if not t.lead] == ["14."]
    assert [p.number for p in records.projects if not p.lead] == ["23", "24"]


def test_task_record_fields(built):
    records, _, _ = built
    task = next(t for t in records.tasks if t.text.startswith("Tiếp tục nghiên cứu, bố trí lại đội ngũ cán bộ"))
    assert task.id == "cthd-pl2-001"
    assert task.lead == ["Sở Nội vụ"]
    assert task.support == ["Các sở ngành, UBND cấp xã"]
    assert task.deadline.text == "Năm 2025" and task.deadline.year_to == 2025
    assert task.appendix == "Phụ lục 2" and task.doc_id == "chuong-trinh-hanh-dong"
    assert task.group.startswith("I- Hoàn thiện thể chế")
    two_leads = next(t for t in records.tasks if t.text.startswith("Thực hiện tốt các chế độ chính sách đối với cán bộ"))
    assert two_leads.lead == ["Ban Tổ chức Thành ủy", "Sở Nội vụ"]
    assert two_leads.deadline.recurring and two_leads.deadline.yearly


def test_target_record_fields(built):
    records, _, _ = built
    target = next(t for t in records.targets if t.label.startswith("Sản lượng hàng hoá thông qua các cảng"))
    assert (target.value, target.unit, target.year, target.lead) == ("380", "Triệu tấn", 2030, ["Sở Xây dựng"])
    grdp = next(t for t in records.targets if t.label.startswith("Tốc độ tăng tổng sản phẩm"))
    assert grdp.lead == ["Sở Tài chính", "Thống kê thành phố"]
    assert grdp.values == {"Kế hoạch 5 năm 2026-2030 - Bình quân năm": "≥13, phấn đấu đạt 14%/năm"}


def test_project_record_fields(built):
    records, _, _ = built
    port = next(p for p in records.projects if p.name == "Dự án Cảng Nam Đồ Sơn")
    assert port.lead == ["Ban Quản lý Khu kinh tế Hải Phòng"]
    assert port.funding == "Ngoài ngân sách"
    assert port.group == "C Các dự án, công trình thành phố phối hợp thực hiện"


def test_agency_query_is_accent_insensitive(built):
    _, registry, _ = built
    accented = registry.tasks(agency="Sở Tài chính")
    assert accented and all("Sở Tài chính" in t.lead for t in accented)
    assert [t.id for t in accented] == [t.id for t in registry.tasks(agency="so tai chinh")]
    assert [t.id for t in registry.tasks(agency="Sở VHTTDL")] == [t.id for t in registry.tasks(agency="Sở Văn hoá Thể thao và Du lịch")]
    supported = registry.tasks(agency="Sở Tài chính", role="support")
    assert supported and all("Sở Tài chính" in t.support for t in supported)


def test_unknown_agency_and_bad_arguments_fail_loudly(built):
    _, registry, _ = built
    with pytest.raises(UnknownAgencyError, match="'Sở Du hành vũ trụ'"):
        registry.tasks(agency="Sở Du hành vũ trụ")
    with pytest.raises(ValueError, match="role must be lead, support or any, got 'owner'"):
        registry.tasks(role="owner")
    with pytest.raises(ValueError, match="due_before must be a year or an ISO date, got 'soon'"):
        registry.tasks(due_before="soon")


def test_agencies_never_list_one_entity_twice(built):
    _, registry, _ = built
    agencies = registry.agencies()
    owner: dict[str, str] = {}
    for agency in agencies:
        for spelling in {agency.name, *agency.aliases}:
            key = fold(spelling).replace(",", "").rstrip(".")
            assert owner.setdefault(key, agency.id) == agency.id, f"{spelling!r} under {owner[key]} and {agency.id}"
    by_name = {a.name: a for a in agencies}
    assert by_name["Sở Tài chính"].tasks_led == len(registry.tasks(agency="Sở Tài chính"))
    assert by_name["Sở Nội vụ"].tasks_led >= 20
    culture = by_name["Sở Văn hóa, Thể thao và Du lịch"]
    assert "Sở Văn hóa Thể thao và Du lịch" in culture.aliases  # the comma-less spelling of one row


def test_find_task_for_a_free_text_description(built):
    _, registry, _ = built
    task = registry.find_task("tiep tuc nghien cuu bo tri lai doi ngu can bo cong chuc")
    assert task is not None and task.lead == ["Sở Nội vụ"]
    stadium = registry.find_task("dự án sân vận động")
    assert stadium is not None and stadium.lead == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert registry.find_task("nuôi cá voi trên sao Hỏa") is None


def test_query_words_and_deadlines_filter(built):
    _, registry, _ = built
    tourism = registry.tasks(q="du lich")
    assert tourism and all("du lich" in fold(t.text + t.output + t.group + t.lead_text + t.support_text) for t in tourism)
    early = registry.tasks(due_before=2026)
    assert early and all(t.deadline.due < "2026-01-01" for t in early)
    assert len(registry.tasks(due_before=dt.date(2026, 7, 1))) > len(early)
    assert registry.tasks(q="'; DROP TABLE tasks; --") == []
    assert len(registry.tasks(limit=3)) == 3


def test_parse_deadline_forms():
    assert parse_deadline("Quý II/2026").due == "2026-06-30"
    assert parse_deadline("Quý I, II/2026").quarter == 2
    span = parse_deadline("Quý I/2026 đến quý IV/2027")
    assert (span.year_from, span.year_to, span.quarter, span.due) == (2026, 2027, 4, "2027-12-31")
    assert parse_deadline("Tháng 12/2025 (đã hoàn thành)").done
    assert parse_deadline("Tháng 6/2026 đến quý II/2030").due == "2030-06-30"
    yearly = parse_deadline("Quý IV hàng năm")
    assert (yearly.quarter, yearly.yearly, yearly.due) == (4, True, None)
    assert parse_deadline("2026-2030 (Thường xuyên)").recurring


def test_registry_file_is_replaced_atomically(built, tmp_path):
    records, _, _ = built
    path = tmp_path / "registry.sqlite"
    path.write_text("old")
    build_registry([], path)
    assert [p.name for p in tmp_path.iterdir()] == ["registry.sqlite"]
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM tasks").fetchone() == (0,)


def test_missing_registry_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="registry .*nothing.sqlite does not exist"):
        Registry(tmp_path / "nothing.sqlite")


def test_prose_duties_are_tasks_with_their_source(built):
    records, registry, _ = built
    # IV. TỔ CHỨC THỰC HIỆN of the programme: 3 + 1 + 3 + 2 + 5 (the heading's own bullet and four named bodies) + 1
    # bullets and paragraphs carry a duty; the closing exhortation and the "replaces ..." note do not.
    assert len(records.duties) == 15 and {d.source for d in records.duties} == {"prose"}
    assert len(registry.tasks(source="appendix", limit=1000)) == 213
    office = registry.tasks(agency="van phong thanh uy", source="prose")
    assert [t.lead_text for t in office] == ["Văn phòng Thành ủy"]
    assert office[0].quote.startswith("- Văn phòng Thành ủy chủ trì") or office[0].quote.startswith("Văn phòng Thành ủy chủ trì")
    both = registry.tasks(agency="Văn phòng Thành ủy")
    assert {t.source for t in both} == {"appendix", "prose"}
    party_committee = registry.tasks(agency="Đảng ủy UBND thành phố", source="prose")
    assert len(party_committee) == 3 and all(t.lead_ids == ["dang-uy-uy-ban-nhan-dan"] for t in party_committee)
    with pytest.raises(ValueError, match="source must be appendix or prose, got 'table'"):
        registry.tasks(source="table")
