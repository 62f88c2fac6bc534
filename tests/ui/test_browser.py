"""The app in a real Chromium, as trainers and staff use it: against `streamlit run ui/app.py` and a real API."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from ui.tables import task_code

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
ENGLISH = ("Press Enter", "Choose an option", "No results")
WAIT = 90_000
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def streamlit_url(live_server):
    port = free_port()
    env = os.environ | {"VANKIEN_API_URL": live_server, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("VANKIEN_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.headless", "true", "--server.port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early: {process.stdout.read()}")
        try:
            if httpx.get(f"{base}/_stcore/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError("streamlit did not come up in time")
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def browser_page(url: str, width: int = 1366, height: int = 768):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="vi-VN", accept_downloads=True)
            page.goto(url, wait_until="domcontentloaded")
            yield page
        finally:
            browser.close()


def settled(page) -> None:
    """Wait until the script run is over (Streamlit shows its running widget meanwhile)."""
    from playwright.sync_api import expect

    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=WAIT)


def nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    settled(page)


def test_chat_answers_and_shows_how_a_follow_up_was_understood(streamlit_url, live_server):
    from playwright.sync_api import expect

    question = "Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?"
    follow_up = "Còn Sở Tài chính thì sao?"
    first = httpx.post(f"{live_server}/ask", json={"question": question}, timeout=60).json()
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first["answer"]}]
    second = httpx.post(f"{live_server}/ask", json={"question": follow_up, "history": history}, timeout=60).json()
    assert second["rewritten"] and second["rewritten"] != follow_up, second
    with browser_page(streamlit_url) as page:
        chat = page.get_by_test_id("stChatInputTextArea")
        expect(chat).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("Văn kiện: 5")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text(live_server)).to_be_hidden()
        chat.fill(question)
        chat.press("Enter")
        card = page.get_by_test_id("stExpander").filter(has_text="[1]").first
        expect(card).to_be_visible(timeout=WAIT)
        expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Sở Tài chính")
        settled(page)
        card.locator("summary").click()
        expect(card.locator("blockquote")).to_contain_text(first["citations"][0]["quote"][:30])
        expect(card.locator("blockquote mark").first).to_be_visible()

        chat.fill(follow_up)
        chat.press("Enter")
        expect(page.get_by_text(f"Hiểu câu hỏi là: {second['rewritten']}")).to_be_visible(timeout=WAIT)
        settled(page)
        page.screenshot(path=str(ARTIFACTS / "ui_chat.png"), full_page=True)
        page.get_by_role("button", name="Hỏi lại như câu hỏi mới").click()
        expect(page.get_by_test_id("stChatMessage")).to_have_count(6, timeout=WAIT)
        expect(page.get_by_test_id("stChatMessage").nth(4)).to_contain_text(second["rewritten"])


def test_trainer_opens_a_source_from_the_pack_and_comes_back_to_it(streamlit_url):
    from playwright.sync_api import expect

    with browser_page(streamlit_url) as page:
        expect(page.get_by_text("Văn kiện: 5")).to_be_visible(timeout=WAIT)
        nav(page, "Soạn bài")
        page.get_by_role("button", name="chuyển đổi số", exact=True).click()
        expect(page.get_by_text("Câu hỏi ôn tập (10 câu)")).to_be_visible(timeout=WAIT)
        expect(page.get_by_test_id("stDownloadButton")).to_have_count(2, timeout=WAIT)
        settled(page)
        first_point = page.locator("[data-testid=stMarkdown] p", has_text="[1]").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "ui_study.png"))
        card = page.get_by_test_id("stExpander").filter(has_text="[1]").first
        card.locator("summary").click()
        card.get_by_role("button", name="Mở trong văn bản nguồn").click()
        expect(page.get_by_text("Đoạn được trích dẫn")).to_be_visible(timeout=WAIT)
        expect(page.locator("mark").first).to_be_visible()
        settled(page)
        page.screenshot(path=str(ARTIFACTS / "ui_source.png"))

        page.get_by_role("button", name="← Quay lại Soạn bài").click()
        expect(page.get_by_text("Câu hỏi ôn tập (10 câu)")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("textbox", name="Chủ đề")).to_have_value("chuyển đổi số")
        assert page.locator("[data-testid=stMarkdown] p", has_text="[1]").first.inner_text() == first_point

        nav(page, "Hỏi đáp")
        nav(page, "Soạn bài")
        expect(page.get_by_text("Câu hỏi ôn tập (10 câu)")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("textbox", name="Chủ đề")).to_have_value("chuyển đổi số")


def test_staff_filter_read_the_deadline_column_and_download_what_is_shown(streamlit_url, live_server, tmp_path):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    api = httpx.get(f"{live_server}/tasks", params={"agency": "so tai chinh", "role": "lead", "limit": 500}, timeout=60).json()["tasks"]
    assert api
    with browser_page(streamlit_url) as page:
        expect(page.get_by_text("Văn kiện: 5")).to_be_visible(timeout=WAIT)
        nav(page, "Nhiệm vụ & cơ quan")
        page.get_by_role("textbox", name="Cơ quan").fill("so tai chinh")
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.get_by_text(f"{len(api)} nhiệm vụ", exact=True)).to_be_visible(timeout=WAIT)
        settled(page)
        table = page.locator("[data-vk=tasks]")
        expect(table).to_be_visible()
        for header in ("Mã", "Nhiệm vụ", "Thời hạn", "Sản phẩm"):
            box = table.locator("th", has_text=header).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1366, (header, box)
        widths = table.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert widths[0] <= widths[1] + 1, widths
        main = page.get_by_test_id("stMain").evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert main[0] <= main[1] + 1, main
        page.screenshot(path=str(ARTIFACTS / "ui_tasks.png"))

        with page.expect_download() as info:
            page.get_by_role("button", name="Tải bảng (Excel .xlsx)").click()
        path = tmp_path / "tasks.xlsx"
        info.value.save_as(path)
        sheet = load_workbook(path).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Mã", "Nhiệm vụ", "Chủ trì")
        assert [r[0] for r in rows[1:]] == [task_code(t["id"]) for t in api]
        assert [r[1] for r in rows[1:]] == [t["task"] for t in api]
        assert [r[4] or "" for r in rows[1:]] == [t["deadline"] for t in api]

        with page.expect_download() as info:
            page.get_by_role("button", name="Tải bảng (CSV)").click()
        csv_bytes = Path(info.value.path()).read_bytes()
        assert csv_bytes.startswith(b"\xef\xbb\xbf") and len(csv_bytes.decode("utf-8-sig").splitlines()) >= len(api) + 1

        nav(page, "Hỏi đáp")
        nav(page, "Nhiệm vụ & cơ quan")
        expect(page.get_by_role("textbox", name="Cơ quan")).to_have_value("so tai chinh")
        expect(page.get_by_text(f"{len(api)} nhiệm vụ", exact=True)).to_be_visible(timeout=WAIT)


def _english_on(page) -> list[str]:
    text = page.evaluate("() => document.body.innerText + '\\n' + document.body.textContent")
    return [phrase for phrase in ENGLISH if phrase in text]


def _type_everywhere(page) -> list[str]:
    """Focus and type in every box and open every drop-down, reading the page's text after each."""
    found: set[str] = set()
    boxes = page.locator("[data-testid=stMain] input[type=text], [data-testid=stMain] textarea, [data-testid=stChatInputTextArea]")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if box.is_visible() and box.is_editable():
            box.click()
            box.press_sequentially("zzqq", delay=20)
            page.wait_for_timeout(400)
            found.update(_english_on(page))
            box.fill("")
    selects = page.get_by_test_id("stSelectbox")
    for i in range(selects.count()):
        if selects.nth(i).is_visible():
            selects.nth(i).click()
            page.keyboard.type("zzqq")
            page.wait_for_timeout(400)
            found.update(_english_on(page))
            page.keyboard.press("Escape")
    return sorted(found | set(_english_on(page)))


def test_no_page_shows_english_even_while_typing(streamlit_url):
    from playwright.sync_api import expect

    with browser_page(streamlit_url) as page:
        expect(page.get_by_text("Văn kiện: 5")).to_be_visible(timeout=WAIT)
        settled(page)
        shown = {"Hỏi đáp": _type_everywhere(page)}
        for title in ("Nhiệm vụ & cơ quan", "Soạn bài", "Văn bản nguồn"):
            nav(page, title)
            shown[title] = _type_everywhere(page)
        nav(page, "Nhiệm vụ & cơ quan")
        page.get_by_role("textbox", name="Cơ quan").fill("so tai chinh")
        page.get_by_role("button", name="Tra cứu").click()
        settled(page)
        shown["Nhiệm vụ (kết quả)"] = _type_everywhere(page)
    assert not any(shown.values()), shown
