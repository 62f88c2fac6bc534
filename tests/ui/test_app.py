"""The Streamlit app driven through AppTest against a real `vankien serve` on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import free_port, start_server

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
TIMEOUT = 60


def launch(monkeypatch, base_url: str) -> AppTest:
    monkeypatch.setenv("VANKIEN_API_URL", base_url)
    monkeypatch.delenv("VANKIEN_API_KEY", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    return app


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def test_chat_answers_with_a_citation_card_that_opens_the_source(monkeypatch, live_server):
    app = launch(monkeypatch, live_server)
    labels = [button.label for button in app.button]
    assert "Các đột phá chiến lược của nhiệm kỳ là gì?" in labels

    app.chat_input[0].set_value("Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?").run(timeout=TIMEOUT)
    assert not app.exception, app.exception

    assert [m["role"] for m in app.session_state["messages"]] == ["user", "assistant"]
    reply = app.session_state["messages"][1]
    assert not reply.get("error"), reply["content"]
    assert reply["citations"], reply
    assert "[1]" in reply["content"]
    cards = [expander.label for expander in app.expander]
    assert any(label.startswith("[1] ") for label in cards), cards
    text = markdown_text(app)
    assert "Sở Tài chính" in text
    assert "<mark>" in text and "thương mại tự do</mark>" in text

    cited = reply["citations"][0]
    app.button(key="open-1-1").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert app.session_state["page"] == "Văn bản nguồn"
    assert app.selectbox(key="source_doc").value == cited["doc_id"]
    assert any(cited["chunk_id"] in box.value for box in app.success)


def test_abstained_answer_says_so_and_shows_the_closest_passages(monkeypatch, live_server):
    app = launch(monkeypatch, live_server)
    app.chat_input[0].set_value("Thời tiết hôm nay thế nào?").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    reply = app.session_state["messages"][1]
    assert reply["abstained"] and reply["closest"]
    assert any("không tìm thấy căn cứ" in box.value for box in app.info)
    assert len(app.expander) >= 1

    app.button[0].click().run(timeout=TIMEOUT)
    assert app.button[0].label == "Cuộc trò chuyện mới"
    assert app.session_state["messages"] == []


def test_example_question_is_asked_with_one_click(monkeypatch, live_server):
    app = launch(monkeypatch, live_server)
    app.button(key="example-Đảng viên").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    messages = app.session_state["messages"]
    assert messages[0]["content"] == "Mục tiêu tăng trưởng GRDP giai đoạn 2026-2030 là bao nhiêu?"
    assert "GRDP" in messages[1]["content"] or messages[1]["citations"], messages[1]


def test_tasks_page_lists_an_agencys_tasks(monkeypatch, live_server):
    app = launch(monkeypatch, live_server)
    app.sidebar.radio[0].set_value("Nhiệm vụ & cơ quan").run(timeout=TIMEOUT)
    app.text_input(key="task_agency").set_value("so tai chinh").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    table = app.dataframe[0].value
    assert len(table) > 0
    assert table["Cơ quan chủ trì"].str.contains("Sở Tài chính").all()

    app.text_input(key="task_q").set_value("ngân sách").run(timeout=TIMEOUT)
    narrowed = app.dataframe[0].value
    assert 0 < len(narrowed) < len(table)
    assert narrowed["Nhiệm vụ"].str.contains("ngân sách", case=False).all()

    app.text_input(key="task_q").set_value("zzzz không có từ này").run(timeout=TIMEOUT)
    assert not app.dataframe
    assert any("Không có nhiệm vụ nào khớp" in box.value for box in app.info)


def test_source_viewer_shows_sections_and_their_text(monkeypatch, live_server):
    app = launch(monkeypatch, live_server)
    app.sidebar.radio[0].set_value("Văn bản nguồn").run(timeout=TIMEOUT)
    app.selectbox(key="source_doc").set_value("chuong-trinh-hanh-dong").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    sections = app.selectbox(key="source_section").options
    assert "II. MỤC TIÊU, CHỈ TIÊU" in sections and len(sections) > 20

    app.selectbox(key="source_section").set_value("II. MỤC TIÊU, CHỈ TIÊU").run(timeout=TIMEOUT)
    text = markdown_text(app)
    assert "II. MỤC TIÊU, CHỈ TIÊU" in text
    shown = [m.value for m in app.markdown if m.value.startswith("<div id='chuong-trinh-hanh-dong:")]
    assert shown and len(shown) < 441


def test_unreachable_api_names_the_address_and_how_to_start_it(monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    app = launch(monkeypatch, dead)
    errors = " ".join(e.value for e in app.sidebar.error)
    assert dead in errors and "vankien serve" in errors

    app.chat_input[0].set_value("Các đột phá chiến lược của nhiệm kỳ là gì?").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    shown = " ".join(e.value for e in app.main.error)
    assert dead in shown and "vankien serve" in shown


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    process, base = start_server(tmp_path_factory.mktemp("empty"), ready_status=503)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_server_without_an_index_says_to_run_ingest(monkeypatch, empty_server):
    app = launch(monkeypatch, empty_server)
    assert "vankien ingest" in " ".join(w.value for w in app.sidebar.warning)
    app.chat_input[0].set_value("Các đột phá chiến lược của nhiệm kỳ là gì?").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert "vankien ingest" in " ".join(e.value for e in app.main.error)


def test_api_key_is_sent_and_a_missing_key_is_explained(monkeypatch, built_data_dir):
    process, base = start_server(built_data_dir, env={"VANKIEN_API_KEY": "khoa-bi-mat"})
    try:
        app = launch(monkeypatch, base)
        app.sidebar.radio[0].set_value("Văn bản nguồn").run(timeout=TIMEOUT)
        assert "VANKIEN_API_KEY" in " ".join(e.value for e in app.main.error)

        monkeypatch.setenv("VANKIEN_API_KEY", "khoa-bi-mat")
        app.run(timeout=TIMEOUT)
        assert not app.main.error, [e.value for e in app.main.error]
        assert len(app.selectbox(key="source_section").options) > 5
    finally:
        process.terminate()
        process.wait(timeout=10)


def open_study_page(monkeypatch, base_url: str) -> AppTest:
    app = launch(monkeypatch, base_url)
    app.sidebar.radio[0].set_value("Soạn bài").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    return app


def test_study_page_builds_a_pack_for_a_suggested_theme(monkeypatch, live_server):
    app = open_study_page(monkeypatch, live_server)
    labels = [button.label for button in app.button]
    assert "các chỉ tiêu kinh tế - xã hội đến năm 2030" in labels and "quốc phòng - an ninh" in labels

    app.button(key="study-theme-0").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert not app.main.error, [e.value for e in app.main.error]
    assert app.text_input(key="study_topic").value == "chuyển đổi số"

    points = [m.value for m in app.markdown if m.value.startswith("**1.** ")]
    assert points and "[1]" in points[0], points
    cards = [expander.label for expander in app.expander]
    assert any(label.startswith("[1] ") for label in cards), cards
    questions = [m.value for m in app.markdown if m.value.startswith("**Câu ")]
    assert len(questions) == 10, questions
    assert sum(label.startswith("Đáp án câu ") for label in cards) == 10
    assert len(app.dataframe) == 2
    assert app.dataframe[1].value["Cơ quan"].str.contains("Sở Khoa học và Công nghệ").any()

    downloads = {button.key for button in app.get("download_button")}
    assert downloads == {"study-download-md", "study-download-docx"}
    files = app.session_state["study_pack"]["files"]
    markdown, name = files["md"]
    assert name == "on-tap-chuyen-doi-so.md" and "chuyển đổi số" in markdown.decode("utf-8")
    assert files["docx"][0][:2] == b"PK" and files["docx"][1].endswith(".docx")

    cited = app.session_state["study_pack"]["pack"]["outline"][0]["citations"][0]
    app.button(key="open-study-1-1").click().run(timeout=TIMEOUT)
    assert app.session_state["page"] == "Văn bản nguồn"
    assert any(cited["chunk_id"] in box.value for box in app.success)


def test_study_page_keeps_to_the_documents_chosen_in_the_sidebar(monkeypatch, live_server):
    app = open_study_page(monkeypatch, live_server)
    app.sidebar.multiselect(key="doc_filter").set_value(["chuong-trinh-hanh-dong"]).run(timeout=TIMEOUT)
    app.text_input(key="study_topic").set_value("chuyển đổi số").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    pack = app.session_state["study_pack"]["pack"]
    assert pack["outline"]
    assert {c["doc_id"] for point in pack["outline"] for c in point["citations"]} == {"chuong-trinh-hanh-dong"}
    assert any("1 văn kiện đã chọn" in c.value for c in app.caption)


def test_study_page_conflicting_figures_are_flagged(monkeypatch, live_server):
    app = open_study_page(monkeypatch, live_server)
    app.button(key="study-theme-3").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    figures = app.dataframe[0].value
    flagged = figures[figures["Đối chiếu"].str.startswith("⚠")]
    assert len(flagged) > 0 and "Tăng trưởng GRDP" in set(flagged["Chỉ tiêu"])
    assert any("ghi khác nhau" in w.value for w in app.warning)


def test_study_page_asks_for_a_topic_instead_of_building_an_empty_one(monkeypatch, live_server):
    app = open_study_page(monkeypatch, live_server)
    assert any("chọn một chủ đề gợi ý" in box.value for box in app.info)
    app.button(key="study_build").click().run(timeout=TIMEOUT)
    assert any("Hãy nhập chủ đề ôn tập" in w.value for w in app.warning)
    app.text_input(key="study_topic").set_value("a").run(timeout=TIMEOUT)
    assert any("ít nhất 2 ký tự" in w.value for w in app.warning)
    assert not app.dataframe and "study_pack" not in app.session_state


def test_study_page_says_when_the_api_is_unreachable(monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    app = open_study_page(monkeypatch, dead)
    assert not [b for b in app.button if b.key and b.key.startswith("study-theme-")]  # the themes come from the API
    app.text_input(key="study_topic").input("xây dựng Đảng")
    app.button(key="study_build").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    shown = " ".join(e.value for e in app.main.error)
    assert dead in shown and "vankien serve" in shown
