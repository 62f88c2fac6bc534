"""Vankien's Vietnamese web front end: chat with citations, the task registry, study packs and the source viewer.

Run as `streamlit run ui/app.py`. It talks to the HTTP API only (VANKIEN_API_URL, VANKIEN_API_KEY), so it can run
on another machine than the index. Each page is a module under ui/views/, wired with st.navigation; what a page holds
lives in st.session_state, so leaving a page (even for the source viewer) and coming back finds it as it was.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui import client  # noqa: E402
from ui.common import SOURCE_PAGE, documents  # noqa: E402

PAGES = [
    ("views/chat.py", "Hỏi đáp", "hoi-dap"),
    ("views/tasks.py", "Nhiệm vụ & cơ quan", "nhiem-vu"),
    ("views/study.py", "Soạn bài", "soan-bai"),
    (SOURCE_PAGE, "Văn bản nguồn", "van-ban-nguon"),
]
HIDE_ENGLISH_CHROME = """
<style>
[data-testid="stMainMenu"], [data-testid="stToolbarActions"], [data-testid="stAppDeployButton"] { display: none; }
</style>
"""


def document_filter() -> list[str] | None:
    """The documents every page keeps to, chosen by short name; none chosen means all."""
    try:
        docs = documents()
    except client.ApiError:
        return None
    names = {d["doc_id"]: d.get("short_title") or d["title"] for d in docs}
    chosen = st.pills(
        "Chỉ dùng các văn kiện",
        options=list(names),
        format_func=lambda doc_id: names.get(doc_id, doc_id),
        selection_mode="multi",
        key="doc_filter",
        help="Không chọn văn kiện nào nghĩa là dùng tất cả.",
    )
    return [d for d in chosen if d in names] or None


def index_status() -> None:
    """Counts for everyone; the build id and the API address only in a collapsed technical box."""
    status: dict = {}
    try:
        status = client.health()
        if status.get("status") == "ok":
            st.markdown(f"Văn kiện: **{status.get('documents', 0)}** · Đoạn: **{status.get('chunks', 0)}**")
        else:
            st.warning(status.get("message") or "Máy chủ chưa có chỉ mục: hãy chạy `vankien ingest`.")
    except client.ApiError as error:
        st.error(str(error))
    with st.expander("Thông tin kỹ thuật", expanded=False):
        st.caption(f"Máy chủ API: `{client.api_url()}`")
        if status.get("build_id"):
            st.caption(f"Bản dựng chỉ mục: `{status['build_id']}`")
        if status.get("embedder"):
            st.caption(f"Mô hình nhúng: `{status['embedder']}`")


def main() -> None:
    st.set_page_config(page_title="Trợ lý văn kiện Hải Phòng", page_icon="📜", layout="wide")
    st.html(HIDE_ENGLISH_CHROME)
    pages = [st.Page(path, title=title, url_path=url, default=i == 0) for i, (path, title, url) in enumerate(PAGES)]
    navigation = st.navigation(pages, position="sidebar")
    with st.sidebar:
        st.title("Văn kiện Hải Phòng")
        st.session_state["doc_ids"] = document_filter()
        st.divider()
        index_status()
    goto = st.session_state.pop("goto", None)
    if goto:
        st.switch_page(goto)
    navigation.run()


main()
