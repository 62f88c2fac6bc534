"""The whole pipeline on the real index: the spellings users type reach the same passages, and only the topic of a
question (not its framing) decides which passage covers it."""

from __future__ import annotations

import pytest

from assistant.retrieval.evidence import evidence_in
from assistant.retrieval.places import passage_place


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("co quan nao chu tri xay dung de an phan loai don vi hanh chinh cap xa", "Cơ quan nào chủ trì xây dựng Đề án phân loại đơn vị hành chính cấp xã"),
        ("Tỷ lệ che phủ rừng hằng năm duy trì ở mức nào?", "Tỉ lệ che phủ rừng hằng năm duy trì ở mức nào?"),
        ("Thành uỷ giao Ban Tổ chức Thành uỷ chủ trì chỉ tiêu kết nạp đảng viên", "Thành ủy giao Ban Tổ chức Thành ủy chủ trì chỉ tiêu kết nạp đảng viên"),
        ("UBND TP chỉ đạo xây dựng và bố trí nguồn lực thực hiện các chương trình", "Ủy ban nhân dân thành phố chỉ đạo xây dựng và bố trí nguồn lực thực hiện các chương trình"),
    ],
)
def test_other_spellings_reach_the_same_first_passage(retriever, typed: str, canonical: str) -> None:
    assert retriever.search(typed, k=1)[0].chunk.chunk_id == retriever.search(canonical, k=1)[0].chunk.chunk_id


def test_a_question_in_its_own_words_finds_the_passage(retriever) -> None:
    (top,) = retriever.search("Độ che phủ rừng của thành phố được đặt ở mức nào?", k=1)
    assert evidence_in(top.chunk.text, "Tỷ lệ che phủ rừng hằng năm duy trì mức 6,4%")


def test_document_filter_keeps_to_the_named_documents(retriever) -> None:
    hits = retriever.search("tỷ lệ đô thị hóa", k=10, doc_ids=["ke-hoach-nq30"])
    assert hits and {h.chunk.doc_id for h in hits} == {"ke-hoach-nq30"}


def test_unknown_document_is_an_error_naming_it(retriever) -> None:
    with pytest.raises(KeyError, match="unknown doc_id.*khong-co"):
        retriever.search("tỷ lệ đô thị hóa", doc_ids=["khong-co"])


def test_empty_query_is_an_error(retriever) -> None:
    with pytest.raises(ValueError, match="query is empty"):
        retriever.search("   ")


def test_results_are_ranked_and_distinct(retriever) -> None:
    hits = retriever.search("Tốc độ tăng trưởng kinh tế bình quân giai đoạn 2026 - 2030", k=10)
    assert len(hits) == 10
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.chunk.chunk_id for h in hits}) == 10


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("Theo Nghị quyết Đại hội I, thành phố cần làm gì để phát triển văn hóa?", "nghi-quyet-dai-hoi"),
        ("Trong Kế hoạch thực hiện Nghị quyết 30, quan điểm về liên kết vùng là gì?", "ke-hoach-nq30"),
    ],
)
def test_a_cited_document_is_searched_on_its_own(retriever, question: str, doc_id: str) -> None:
    """Passages are embedded without their document's title, so the document a question cites is searched by
    itself too; corpus-wide, other documents' passages on the topic crowd its own out of the first places."""
    assert [h.chunk.doc_id for h in retriever.search(question, k=2)] == [doc_id, doc_id]


@pytest.mark.parametrize(
    "question",
    ["Tỉnh Hải Dương có bao nhiêu sản phẩm OCOP?", "Tỷ lệ đô thị hóa của tỉnh Hải Dương đạt bao nhiêu?"],
)
def test_passages_about_the_other_locality_give_way(retriever, question: str) -> None:
    hits = retriever.search(question, k=3)
    assert all(passage_place(h.chunk) != "hai phong" for h in hits), [h.chunk.text[:80] for h in hits]


def test_a_passage_about_the_asked_year_leads(retriever) -> None:
    """The 2025 result, not the 2026-2030 plan row that shares every other word."""
    (top,) = retriever.search("Năm 2025 Hải Phòng thu hút bao nhiêu triệu lượt khách du lịch?", k=1)
    assert "2025" in f"{top.chunk.section} {top.chunk.text}"


@pytest.mark.xfail(
    strict=True,
    reason="known regression since passages are embedded without their title: the list is the dense side's first "
    "hit but ends third, behind a resolution passage whose coverage gains from 'tại Hải …' while neither holds the "
    "question's rarest tokens 'xhcn'/'người_xhcn' (the list's heading writes 'Xã hội chủ nghĩa' out)",
)
def test_a_bare_list_is_found_by_the_heading_it_sits_under(retriever) -> None:
    """The criteria are bare items ("2. Trung thực, thẳng thắn, nghĩa tình") under "III. Bộ tiêu chí con người Xã hội
    chủ nghĩa tại thành phố Hải Phòng"; prose that repeats "con người xã hội chủ nghĩa" must not bury them."""
    hits = retriever.search("Các tiêu chí của con người XHCN tại Hải Phòng là gì?", k=2)
    assert any("Trung thực, thẳng thắn, nghĩa tình" in h.chunk.text for h in hits), [h.chunk.text[:60] for h in hits]


def test_a_task_row_assigning_the_named_agency_leads(retriever) -> None:
    """The resolution also names the health-system Đề án, but the programme's row assigns it to Sở Y tế."""
    hits = retriever.search("Đề án nào về năng lực của hệ thống y tế được giao cho Sở Y tế triển khai?", k=3)
    assert hits[0].chunk.cells and "Sở Y tế" in hits[0].chunk.cells.get("Cơ quan chủ trì", "")


def test_who_leads_is_answered_by_the_row_that_assigns_it_not_by_authority(retriever) -> None:
    """The resolution states the party-admission target with the highest authority, but assigns it to no one."""
    hits = retriever.search("Cơ quan nào chủ trì thực hiện chỉ tiêu kết nạp đảng viên mới?", k=3)
    assert hits[0].chunk.doc_id == "chuong-trinh-hanh-dong"
    assert any("chủ trì" in key.lower() for key in hits[0].chunk.cells)


def test_a_passage_only_bm25_finds_is_still_weighed(retriever) -> None:
    """The report's export row is BM25's first hit but no dense neighbour; fused, it ranked 25th and was never
    reranked on what it covers. Each retriever's own best few now join the reranked head."""
    hits = retriever.search("Kim ngạch xuất khẩu 2025 của Hải Phòng?", k=5)
    assert any(h.chunk.doc_id == "bao-cao-chinh-tri" and "Ước 2025: 37" in h.chunk.text for h in hits[:3])


def test_a_passage_stating_the_figure_the_question_states_leads(retriever) -> None:
    """Only the plan sets 100% of communes as model new-rural by 2030 (the resolution says 50%)."""
    hits = retriever.search(
        "Có văn kiện nào đặt mục tiêu 100% số xã đạt chuẩn nông thôn mới kiểu mẫu vào năm 2030 không?", k=3
    )
    assert hits[0].chunk.doc_id == "ke-hoach-nq30" and "Có 100% số xã đạt chuẩn nông thôn mới kiểu mẫu" in hits[0].chunk.text


def test_concurrent_searches_rank_as_one_at_a_time(retriever) -> None:
    """Each search embeds its query in a worker thread; requests served side by side must not mix their vectors."""
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "Độ che phủ rừng của thành phố được đặt ở mức nào?",
        "Kim ngạch xuất khẩu 2025 của Hải Phòng?",
        "ty le do thi hoa nam 2030",
        "Cơ quan nào chủ trì thực hiện chỉ tiêu kết nạp đảng viên mới?",
    ] * 2

    def ranking(question: str) -> list[tuple[str, float]]:
        return [(h.chunk.chunk_id, h.score) for h in retriever.search(question, k=5)]

    alone = [ranking(q) for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(ranking, questions))
    assert together == alone
