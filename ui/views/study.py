"""Soạn bài: a study pack on a topic, kept in the session so a trip to the source viewer and back finds it whole.

Citation numbers, point numbers and question numbers are the pack's own, so they match the Markdown and Word files.
"""

from __future__ import annotations

import html

import streamlit as st

from ui import client
from ui.common import as_plain_markdown, highlight, html_table, render_citation, section_tail, short_name

PAGE = "views/study.py"
MIN_TOPIC_CHARS = 2
MAX_TOPIC_CHARS = 200
OPTION_LETTERS = "ABCD"
EXPORTS = [
    ("md", "Tải bài (Markdown)", "text/markdown"),
    ("docx", "Tải bài (Word .docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]


@st.cache_data(ttl=300, show_spinner=False)
def _themes(base: str) -> list[str]:
    return client.get("/study/themes")["themes"]


def choose_theme(theme: str) -> None:
    """Button callback: runs before the topic box is drawn, so it may set the box's value and ask for the pack."""
    st.session_state["study_topic"] = theme
    st.session_state["study_asked"] = theme


def study_pack(topic: str, doc_ids: list[str] | None) -> dict:
    """The pack and both downloads for this topic and filter, fetched once and kept for the session."""
    key = [" ".join(topic.split()).lower(), sorted(doc_ids or [])]
    kept = st.session_state.get("study_pack")
    if kept and kept["key"] == key:
        return kept
    body = {"topic": topic, "doc_ids": doc_ids}
    with st.spinner(f"Đang soạn bài ôn tập về “{topic}”…"):
        pack = client.post("/study", body)
        files = {fmt: client.download("/study/export", body, {"format": fmt}) for fmt, _, _ in EXPORTS}
    kept = {"key": key, "pack": pack, "files": files}
    st.session_state["study_pack"] = kept
    return kept


def marks(citations: list[dict]) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(c["n"] for c in citations))


def render_outline(outline: list[dict], topic: str) -> None:
    st.subheader(f"Dàn ý ({len(outline)} ý)")
    shown: set[int] = set()
    for i, point in enumerate(outline, start=1):
        st.markdown(f"**{i}.** {as_plain_markdown(point['text'])} {marks(point['citations'])}")
        for citation in point["citations"]:
            if citation["n"] not in shown:
                shown.add(citation["n"])
                render_citation(citation, topic, f"study-{i}", PAGE)


def figure_rows(figures: list[dict]) -> list[dict]:
    rows = []
    for figure in figures:
        others = "; ".join(
            f"{o['value']} {o['unit']}".strip() + f" ({short_name(o['doc_id'])}) {marks(o['citations'])}" for o in figure.get("other_values", [])
        )
        rows.append({
            "Chỉ tiêu": figure["label"],
            "Giá trị": f"{figure['value']} {figure['unit']}".strip(),
            "Năm": str(figure["year"] or ""),
            "Văn kiện": short_name(figure["doc_id"]),
            "Trích dẫn": marks(figure["citations"]),
            "Văn kiện khác ghi": ("⚠ " + others) if figure.get("conflict") else others,
        })
    return rows


FIGURE_WIDTHS = {"Chỉ tiêu": 34, "Giá trị": 14, "Năm": 7, "Văn kiện": 17, "Trích dẫn": 8, "Văn kiện khác ghi": 20}


def render_figures(figures: list[dict]) -> None:
    st.subheader(f"Số liệu chính ({len(figures)})")
    if not figures:
        st.caption("Không tìm thấy số liệu gắn với chủ đề này.")
        return
    conflicts = sum(1 for f in figures if f.get("conflict"))
    if conflicts:
        st.warning(
            f"{conflicts} chỉ tiêu được các văn kiện ghi khác nhau (đánh dấu ⚠): khi giảng, hãy nói rõ số liệu lấy theo văn kiện nào."
        )
    st.html(html_table(figure_rows(figures), FIGURE_WIDTHS, key="figures"))
    with st.expander("Căn cứ của các số liệu"):
        for figure in figures:
            citation = figure["citations"][0]
            st.markdown(f"**[{citation['n']}] {as_plain_markdown(figure['label'])}** — {short_name(citation['doc_id'])}, {section_tail(citation['section'])}")
            st.markdown(f"<blockquote>{html.escape(citation['quote'])}</blockquote>", unsafe_allow_html=True)


def render_quiz(quiz: list[dict]) -> None:
    st.subheader(f"Câu hỏi ôn tập ({len(quiz)} câu)")
    for i, item in enumerate(quiz, start=1):
        st.markdown(f"**Câu {i}.** {as_plain_markdown(item['question'])}")
        options = item.get("options") or []
        if options:
            st.markdown("  \n".join(f"{OPTION_LETTERS[j]}. {as_plain_markdown(o)}" for j, o in enumerate(options)))
        else:
            st.caption("Điền vào chỗ trống.")
        with st.expander(f"Đáp án câu {i}"):
            letter = next((OPTION_LETTERS[j] for j, o in enumerate(options) if o == item["answer"]), "")
            st.markdown(f"**{letter + '. ' if letter else ''}{as_plain_markdown(item['answer'])}** {marks(item['citations'])}")
            citation = item["citations"][0]
            st.caption(f"{short_name(citation['doc_id'])} — {citation['section'] or 'Phần mở đầu'}")
            st.markdown(f"<blockquote>{highlight(citation['quote'], item['answer'])}</blockquote>", unsafe_allow_html=True)


def render_agencies(agencies: list[dict]) -> None:
    st.subheader("Cơ quan chịu trách nhiệm")
    if not agencies:
        st.caption("Danh mục nhiệm vụ không giao việc nào về chủ đề này cho một cơ quan cụ thể.")
        return
    st.caption("Số nhiệm vụ về chủ đề này mà mỗi cơ quan chủ trì hoặc phối hợp, theo các phụ lục nhiệm vụ.")
    rows = [
        {"Cơ quan": a["name"], "Chủ trì": a["lead"], "Phối hợp": a["support"], "Nhiệm vụ tiêu biểu": a["examples"][0] if a["examples"] else ""}
        for a in agencies
    ]
    st.html(html_table(rows, {"Cơ quan": 25, "Chủ trì": 9, "Phối hợp": 9, "Nhiệm vụ tiêu biểu": 57}, key="agencies"))


def topic_form(suggested: list[str]) -> str:
    themes = st.container(horizontal=True)
    for i, theme in enumerate(suggested):
        themes.button(theme, key=f"study-theme-{i}", on_click=choose_theme, args=(theme,))
    with st.form("study-form", enter_to_submit=False, border=False):
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        left.text_input(
            "Chủ đề", key="study_topic", max_chars=MAX_TOPIC_CHARS, persist_state="session",
            placeholder="VD: chuyển đổi số, phát triển kinh tế biển…",
        )
        if right.form_submit_button("Soạn bài", type="primary", width="stretch"):
            st.session_state["study_asked"] = (st.session_state.get("study_topic") or "").strip()
    return (st.session_state.get("study_asked") or "").strip()


def render_pack(kept: dict) -> None:
    pack = kept["pack"]
    st.divider()
    st.markdown(f"### Chủ đề: {as_plain_markdown(pack['topic'])}")
    if pack.get("message"):
        (st.warning if pack.get("coverage") == "none" else st.info)(pack["message"])
        suggestions = st.container(horizontal=True)
        for i, theme in enumerate(pack.get("suggestions", [])):
            suggestions.button(f"Thử: {theme}", key=f"study-suggest-{i}", on_click=choose_theme, args=(theme,))
    if pack.get("coverage") == "none":
        return
    if pack["sources"]:
        st.caption("Nguồn: " + "; ".join(s["short_title"] for s in pack["sources"]))
    downloads = st.container(horizontal=True)
    for fmt, label, mime in EXPORTS:
        data, file_name = kept["files"][fmt]
        downloads.download_button(label, data=data, file_name=file_name, mime=mime, key=f"study-download-{fmt}", on_click="ignore")
    render_outline(pack["outline"], pack["topic"])
    render_figures(pack["figures"])
    render_quiz(pack["quiz"])
    render_agencies(pack["agencies"])


def render() -> None:
    st.header("Soạn bài ôn tập theo chủ đề")
    st.caption("Dàn ý có trích dẫn, số liệu chính, câu hỏi ôn tập và các cơ quan chịu trách nhiệm, soạn từ các văn kiện; tải về dạng Markdown hoặc Word.")
    try:
        suggested = _themes(client.api_url())
    except client.ApiError:
        suggested = []
    topic = topic_form(suggested)
    doc_ids = st.session_state.get("doc_ids")
    if doc_ids:
        st.caption(f"Chỉ dùng {len(doc_ids)} văn kiện đã chọn ở thanh bên.")
    if len(topic) < MIN_TOPIC_CHARS:
        if "study_asked" in st.session_state:
            st.warning(f"Hãy nhập chủ đề ôn tập (ít nhất {MIN_TOPIC_CHARS} ký tự) hoặc chọn một chủ đề gợi ý ở trên.")
        else:
            st.info("Nhập một chủ đề rồi bấm **Soạn bài**, hoặc chọn một chủ đề gợi ý ở trên.")
        return
    try:
        kept = study_pack(topic, doc_ids)
    except client.ApiError as error:
        st.error(str(error))
        return
    render_pack(kept)


render()
