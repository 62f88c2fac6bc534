"""Văn bản nguồn: a document by section, the cited passage marked, and a way back to the page that opened it."""

from __future__ import annotations

import html

import streamlit as st

from ui import client
from ui.common import documents, go_to

WHOLE_DOCUMENT = "(Toàn văn)"
BACK_LABELS = {"views/chat.py": "Hỏi đáp", "views/tasks.py": "Nhiệm vụ & cơ quan", "views/study.py": "Soạn bài"}


@st.cache_data(ttl=300, show_spinner=False)
def _document(base: str, doc_id: str) -> dict:
    return client.get(f"/documents/{doc_id}")


def section_options(detail: dict) -> list[str]:
    """Every section path in document order, including the parents of table rows' deeper paths."""
    seen: dict[str, None] = {}
    for chunk in detail["chunks"]:
        parts = chunk["section"].split(" > ") if chunk["section"] else []
        for depth in range(1, len(parts) + 1):
            seen.setdefault(" > ".join(parts[:depth]))
    for section in detail["sections"]:
        seen.setdefault(section)
    return list(seen)


def in_section(chunk: dict, section: str) -> bool:
    return section == WHOLE_DOCUMENT or chunk["section"] == section or chunk["section"].startswith(section + " > ")


def back_button() -> None:
    back = st.session_state.get("source_back")
    if back in BACK_LABELS:
        st.button(f"← Quay lại {BACK_LABELS[back]}", key="source-back", on_click=go_to, args=(back,))


def choose_section(detail: dict) -> str:
    """The section box follows the cited passage when one was just opened, else keeps the reader's choice."""
    options = [WHOLE_DOCUMENT] + section_options(detail)
    target = st.session_state.get("source") or {}
    if target.get("doc_id") == detail["doc_id"] and target.get("fresh"):
        st.session_state["source_section"] = WHOLE_DOCUMENT
        target["fresh"] = False
    if st.session_state.get("source_section") not in options:
        st.session_state["source_section"] = WHOLE_DOCUMENT
    return st.selectbox("Mục", options, key="source_section", filter_mode=None)


def render() -> None:
    st.header("Văn bản nguồn")
    back_button()
    try:
        names = {d["doc_id"]: d.get("short_title") or d["title"] for d in documents()}
    except client.ApiError as error:
        st.error(str(error))
        return
    if st.session_state.get("source_doc") not in names:
        st.session_state["source_doc"] = next(iter(names))
    doc_id = st.selectbox("Văn kiện", list(names), format_func=names.get, key="source_doc", filter_mode=None)
    try:
        with st.spinner("Đang tải văn kiện…"):
            detail = _document(client.api_url(), doc_id)
    except client.ApiError as error:
        st.error(str(error))
        return
    st.caption(detail["title"])
    with st.expander(f"Mục lục ({len(detail['sections'])} mục)"):
        st.markdown("\n".join(f"- {html.escape(s)}" for s in detail["sections"]) or "Văn kiện không chia mục.")
    section = choose_section(detail)
    target = (st.session_state.get("source") or {}).get("chunk_id")
    by_id = {c["chunk_id"]: c for c in detail["chunks"]}
    if target in by_id:
        chunk = by_id[target]
        st.success(f"Đoạn được trích dẫn — {chunk['section'] or 'Phần mở đầu'}")
        st.markdown(f"<blockquote>{html.escape(chunk['text'])}</blockquote>", unsafe_allow_html=True)
        st.divider()
    chunks = [c for c in detail["chunks"] if in_section(c, section)]
    st.caption(f"{len(chunks)} đoạn")
    current = None
    for chunk in chunks:
        if chunk["section"] != current:
            current = chunk["section"]
            st.markdown(f"**{html.escape(current or 'Phần mở đầu')}**")
        text = html.escape(chunk["text"]).replace("\n", "<br>")
        if chunk["chunk_id"] == target:
            text = f"<mark>{text}</mark>"
        st.markdown(f"<div class='vk-passage'>{text}</div>", unsafe_allow_html=True)


render()
