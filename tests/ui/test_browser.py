"""The app in a real Chromium: ask, watch the streamed answer, open a citation card, read the quoted passage."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def streamlit_url(live_server):
    port = free_port()
    env = os.environ | {"VANKIEN_API_URL": live_server, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("VANKIEN_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.headless", "true", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
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


@pytest.mark.browser
def test_chat_in_a_real_browser(streamlit_url, live_server):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import expect, sync_playwright

    question = "Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?"
    expected = httpx.post(f"{live_server}/ask", json={"question": question}, timeout=60).json()
    assert expected["citations"], expected
    quote_start = expected["citations"][0]["quote"][:30]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            page.goto(streamlit_url, wait_until="domcontentloaded")
            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Văn kiện: 5")).to_be_visible(timeout=30_000)

            chat.fill(question)
            chat.press("Enter")

            card = page.get_by_test_id("stExpander").filter(has_text="[1]").first
            expect(card).to_be_visible(timeout=60_000)
            expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Sở Tài chính")
            expect(page.get_by_test_id("stDownloadButton")).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)
            card.locator("summary").click()
            quote = card.locator("blockquote")
            expect(quote).to_be_visible(timeout=10_000)
            expect(quote).to_contain_text(quote_start)
            expect(quote.locator("mark").first).to_be_visible()
            expect(card.get_by_role("button", name="Mở trong văn bản nguồn")).to_be_in_viewport(timeout=10_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "ui_chat.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "ui_chat.png").stat().st_size > 10_000


@pytest.mark.browser
def test_study_page_in_a_real_browser(streamlit_url):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            page.goto(streamlit_url, wait_until="domcontentloaded")
            expect(page.get_by_text("Văn kiện: 5")).to_be_visible(timeout=60_000)
            page.get_by_test_id("stSidebar").get_by_text("Soạn bài", exact=True).click()
            page.get_by_role("button", name="chuyển đổi số", exact=True).click()

            expect(page.get_by_text("Câu hỏi ôn tập (10 câu)")).to_be_visible(timeout=60_000)
            expect(page.get_by_test_id("stDownloadButton")).to_have_count(2, timeout=30_000)
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)
            card = page.get_by_test_id("stExpander").filter(has_text="[1]").first
            card.locator("summary").click()
            expect(card.locator("blockquote")).to_be_visible(timeout=10_000)
            answer = page.get_by_test_id("stExpander").filter(has_text="Đáp án câu 1").first
            answer.locator("summary").click()
            expect(answer.locator("blockquote")).to_be_visible(timeout=10_000)
            page.set_viewport_size({"width": 1400, "height": 2400})
            page.get_by_test_id("stMain").evaluate("main => main.scrollTo(0, 0)")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "ui_study.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "ui_study.png").stat().st_size > 10_000
