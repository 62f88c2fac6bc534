"""What /ask says, through a real server: conflicting figures, follow-ups, abstention."""

import httpx
import pytest


def ask(base: str, question: str, history: list[dict] | None = None) -> dict:
    response = httpx.post(f"{base}/ask", json={"question": question, "history": history}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("question", "adopted", "reported"),
    [
        ("Sản lượng hàng hóa thông qua cảng năm 2030 đặt mục tiêu bao nhiêu?", "380 triệu tấn", "374 triệu tấn"),
        ("Giai đoạn 2026-2030 phải hoàn thành bao nhiêu căn nhà ở xã hội?", "32.900", "32.800"),
        ("Mục tiêu tăng trưởng GRDP bình quân giai đoạn 2026-2030 là bao nhiêu?", "13%/năm", "14-14,5%/năm"),
    ],
)
def test_differing_figures_lead_with_the_resolution_and_name_the_report(live_server, question, adopted, reported):
    body = ask(live_server, question)
    answer = body["answer"]
    assert not body["abstained"]
    assert answer.startswith("Theo Nghị quyết Đại hội I")
    assert "Báo cáo chính trị" in answer
    assert adopted in answer and reported in answer
    assert answer.index(adopted) < answer.index(reported)
    cited = {c["doc_id"] for c in body["citations"]}
    assert {"nghi-quyet-dai-hoi", "bao-cao-chinh-tri"} <= cited
    for citation in body["citations"]:
        assert citation["quote"] and citation["section"] and citation["doc_title"]


def test_a_deadline_follow_up_is_read_from_the_earlier_task(live_server):
    history = [
        {"role": "user", "content": "Ai chủ trì Đề án “Hải Phòng - Thành phố âm nhạc”?"},
        {"role": "assistant", "content": "Sở Văn hoá, Thể thao và Du lịch chủ trì."},
    ]
    body = ask(live_server, "hạn chót là khi nào?", history)
    assert "Quý II/2026" in body["answer"]
    assert body["citations"]


def test_another_agency_follow_up_swaps_the_agency(live_server):
    history = [{"role": "user", "content": "Sở Công Thương chủ trì những nhiệm vụ nào về logistics?"}]
    body = ask(live_server, "còn Sở Xây dựng thì sao?", history)
    assert body["rewritten"] and "Sở Xây dựng" in body["rewritten"] and "Sở Công Thương" not in body["rewritten"]
    assert "Sở Xây dựng" in body["answer"]


def test_which_document_follow_up_names_the_document(live_server):
    history = [{"role": "user", "content": "Mục tiêu sản lượng hàng hóa thông qua cảng năm 2030 là bao nhiêu?"}]
    body = ask(live_server, "con số đó ở văn kiện nào?", history)
    assert "Nghị quyết Đại hội Đảng bộ thành phố Hải Phòng lần thứ I" in body["answer"]
    assert "380" in body["answer"]


@pytest.mark.parametrize(
    "question",
    [
        "Dự báo thời tiết Hải Phòng ngày mai có mưa không?",
        "Đội tuyển bóng đá Việt Nam vô địch AFF Cup lần gần nhất vào năm nào?",
        "Thành phố Đà Nẵng đặt mục tiêu GRDP bình quân đầu người năm 2030 là bao nhiêu?",
    ],
)
def test_out_of_corpus_questions_abstain_with_the_closest_passages(live_server, question):
    body = ask(live_server, question)
    assert body["abstained"] is True
    assert body["answer"].startswith("Không tìm thấy nội dung này")
    assert body["citations"] == []
    assert body["closest"]
