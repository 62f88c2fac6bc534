"""The Streamlit app driven through AppTest against a real `vankien serve` on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import free_port, start_server

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
TIMEOUT = 60
NOT_FOUND = "Không tìm thấy"


def launch(monkeypatch, base_url: str, page: str | None = None) -> AppTest:
    monkeypatch.setenv("VANKIEN_API_URL", base_url)
    monkeypatch.delenv("VANKIEN_API_KEY", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    if page:
        app.switch_page(page).run(timeout=TIMEOUT)
        assert not app.exception, app.exception
    return app


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def html_text(app: AppTest) -> str:
    return "\n".join(str(element.proto.body) for element in app.get("html"))


def test_chat_answers_with_a_citation_card_that_opens_the_source(monkeypatch, live_server):
    app = launch(monkeypatch, live_server)
    assert "Các đột phá chiến lược của nhiệm kỳ là gì?" in [button.label for button in app.button]
    app.chat_input[0].set_value("Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    reply = app.session_state["messages"][1]
    assert not reply.get("error") and reply["citations"], reply
    assert any(label.startswith("[1] ") for label in (e.label for e in app.expander))
    assert "thương mại tự do</mark>" in markdown_text(app)

    cited = reply["citations"][0]
    app.button(key="open-1-1").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert app.session_state["source"]["chunk_id"] == cited["chunk_id"]
    assert app.selectbox(key="source_doc").value == cited["doc_id"]
    assert any("Đoạn được trích dẫn" in box.value for box in app.success)
    assert cited["chunk_id"] not in " ".join(box.value for box in app.success), "no passage ids on screen"


OUT_OF_CORPUS = ("Giá vàng hôm nay là bao nhiêu?", "Đội tuyển bóng đá Việt Nam vô địch AFF Cup năm nào?", "Thời tiết hôm nay thế nào?")


def test_abstained_answer_says_not_found_once_and_shows_the_closest_passages(monkeypatch, live_server):
    import httpx

    asked = [q for q in OUT_OF_CORPUS if httpx.post(f"{live_server}/ask", json={"question": q}, timeout=60).json()["abstained"]]
    assert asked, "the API answers every out-of-corpus question"
    app = launch(monkeypatch, live_server)
    app.chat_input[0].set_value(asked[0]).run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    reply = app.session_state["messages"][1]
    assert reply["abstained"] and reply["closest"], reply
    shown = markdown_text(app) + " ".join(box.value for box in app.info)
    assert shown.count(NOT_FOUND) == 1, shown
    assert len(app.expander) >= 1
    app.button[0].click().run(timeout=TIMEOUT)
    assert app.session_state["messages"] == []


def test_tasks_page_lists_an_agencys_tasks_and_keeps_the_filter(monkeypatch, live_server):
    app = launch(monkeypatch, live_server, "views/tasks.py")
    app.text_input(key="task_agency").input("so tai chinh")
    app.button[0].click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    table = html_text(app)
    assert "Sở Tài chính" in table and "PL2-" in table and "cthd-" not in table
    assert any("Tổng hợp theo cơ quan: Sở Tài chính" in e.label for e in app.expander)

    app.switch_page("views/chat.py").run(timeout=TIMEOUT)
    app.switch_page("views/tasks.py").run(timeout=TIMEOUT)
    assert app.text_input(key="task_agency").value == "so tai chinh"
    assert "Sở Tài chính" in html_text(app)


def test_source_viewer_shows_sections_and_their_text(monkeypatch, live_server):
    app = launch(monkeypatch, live_server, "views/source.py")
    app.selectbox(key="source_doc").set_value("chuong-trinh-hanh-dong").run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    sections = app.selectbox(key="source_section").options
    assert "II. MỤC TIÊU, CHỈ TIÊU" in sections and len(sections) > 20
    app.selectbox(key="source_section").set_value("II. MỤC TIÊU, CHỈ TIÊU").run(timeout=TIMEOUT)
    shown = [m.value for m in app.markdown if m.value.startswith("<div class='vk-passage'>")]
    assert shown and len(shown) < 441


def test_study_page_builds_a_pack_and_keeps_it_across_pages(monkeypatch, live_server):
    app = launch(monkeypatch, live_server, "views/study.py")
    assert "quốc phòng - an ninh" in [button.label for button in app.button]
    app.button(key="study-theme-0").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert not app.main.error, [e.value for e in app.main.error]
    questions = [m.value for m in app.markdown if m.value.startswith("**Câu ")]
    assert len(questions) == 10
    pack = app.session_state["study_pack"]["pack"]
    first = pack["outline"][0]["citations"][0]["n"]
    assert any(m.value.startswith("**1.** ") and f"[{first}]" in m.value for m in app.markdown)
    markdown, name = app.session_state["study_pack"]["files"]["md"]
    assert name == "on-tap-chuyen-doi-so.md" and f"1. {pack['outline'][0]['text']}" in markdown.decode("utf-8")

    app.switch_page("views/chat.py").run(timeout=TIMEOUT)
    app.switch_page("views/study.py").run(timeout=TIMEOUT)
    assert len([m for m in app.markdown if m.value.startswith("**Câu ")]) == 10
    assert app.text_input(key="study_topic").value == "chuyển đổi số"


def test_study_page_says_when_a_topic_is_not_covered(monkeypatch, live_server):
    app = launch(monkeypatch, live_server, "views/study.py")
    app.text_input(key="study_topic").input("bóng đá")
    app.button(key="FormSubmitter:study-form-Soạn bài").click().run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    assert any("bóng đá" in w.value for w in app.warning)
    assert [b.label for b in app.button if (b.key or "").startswith("study-suggest-")]
    assert not [m for m in app.markdown if m.value.startswith("**Câu ")]


def test_unreachable_api_names_the_address_and_how_to_start_it(monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    app = launch(monkeypatch, dead)
    assert "vankien serve" in " ".join(e.value for e in app.sidebar.error)
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
    assert "vankien ingest" in " ".join(e.value for e in app.main.error)


def test_api_key_is_sent_and_a_missing_key_is_explained(monkeypatch, built_data_dir):
    process, base = start_server(built_data_dir, env={"VANKIEN_API_KEY": "khoa-bi-mat"})
    try:
        app = launch(monkeypatch, base, "views/source.py")
        assert "VANKIEN_API_KEY" in " ".join(e.value for e in app.main.error)
        monkeypatch.setenv("VANKIEN_API_KEY", "khoa-bi-mat")
        app.run(timeout=TIMEOUT)
        assert not app.main.error, [e.value for e in app.main.error]
        assert len(app.selectbox(key="source_section").options) > 5
    finally:
        process.terminate()
        process.wait(timeout=10)
