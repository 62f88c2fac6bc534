"""Hỏi đáp: streamed, cited answers; a follow-up shows how it was understood and can be asked again on its own."""

from __future__ import annotations

import streamlit as st

from ui import client
from ui.common import as_markdown, render_citation, short_name

PAGE = "views/chat.py"
MAX_HISTORY_TURNS = 10
MAX_TURN_CHARS = 4000
EXAMPLES = [
    ("Đảng viên", "Mục tiêu tăng trưởng GRDP giai đoạn 2026-2030 là bao nhiêu?"),
    ("Báo cáo viên", "Các đột phá chiến lược của nhiệm kỳ là gì?"),
    ("Cán bộ", "Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?"),
]


def new_conversation() -> None:
    st.session_state["messages"] = []


def ask(question: str, fresh: bool = False) -> None:
    """Button callback: ask on the next run; `fresh` sends no history, so the question stands on its own."""
    st.session_state["pending_question"] = (question, fresh)


def understood(message: dict) -> str | None:
    """The API's reading of a follow-up, when it differs from what was typed."""
    rewritten = (message.get("rewritten") or "").strip()
    typed = (message.get("question") or "").strip()
    if not rewritten or " ".join(rewritten.lower().split()) == " ".join(typed.lower().split()):
        return None
    return rewritten


def conversation_markdown(messages: list[dict]) -> str:
    lines = ["# Trợ lý văn kiện Đảng bộ thành phố Hải Phòng — cuộc trò chuyện", ""]
    for message in messages:
        if message["role"] == "user":
            lines += [f"## Hỏi: {message['content']}", ""]
            continue
        lines += [message["content"], ""]
        for citation in message.get("citations", []):
            name = short_name(citation["doc_id"], citation["doc_title"])
            lines += [f"[{citation['n']}] {name} — {citation['section'] or 'Phần mở đầu'}", f"> {citation['quote']}", ""]
        if message.get("abstained") and message.get("closest"):
            lines += ["Các đoạn gần nhất:", ""]
            lines += [f"- {short_name(h['doc_id'], h['doc_title'])} — {h['section']}: {h['text'][:300]}" for h in message["closest"]]
            lines.append("")
    return "\n".join(lines)


def render_closest(hits: list[dict], question: str, key: str) -> None:
    if not hits:
        return
    st.caption("Các đoạn gần nhất tìm được:")
    for i, hit in enumerate(hits[:5]):
        text = hit["text"] if len(hit["text"]) <= 800 else hit["text"][:800] + "…"
        render_citation(hit | {"n": i + 1, "quote": text}, question, f"closest-{key}", PAGE)


def render_answer(message: dict, key: str) -> None:
    if message.get("error"):
        st.error(message["content"])
        return
    meant = understood(message)
    if meant:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.caption(f"Hiểu câu hỏi là: {meant}")
        right.button("Hỏi lại như câu hỏi mới", key=f"again-{key}", on_click=ask, args=(meant, True))
    st.markdown(as_markdown(message["content"]))
    if message.get("abstained"):
        render_closest(message.get("closest", []), message.get("question", ""), key)
        return
    for citation in message.get("citations", []):
        render_citation(citation, message.get("question", ""), key, PAGE)


def history_for_api(messages: list[dict]) -> list[dict]:
    turns = [m for m in messages if not m.get("error")]
    return [{"role": m["role"], "content": m["content"][:MAX_TURN_CHARS]} for m in turns[-MAX_HISTORY_TURNS:]]


def answer(question: str, fresh: bool, key: str) -> dict:
    """Streams the answer into the page and returns the message to keep in history."""
    history = [] if fresh else history_for_api(st.session_state["messages"])
    body = {"question": question, "history": history or None, "doc_ids": st.session_state.get("doc_ids")}
    stream = client.AnswerStream(body)
    try:
        tokens = iter(stream)
        with st.spinner("Đang tra cứu văn kiện…"):
            shown = next(tokens, "")
        placeholder = st.empty()
        placeholder.markdown(as_markdown(shown) + "▌")
        for token in tokens:
            shown += token
            placeholder.markdown(as_markdown(shown) + "▌")
        placeholder.empty()
    except client.ApiError as error:
        message = {"role": "assistant", "content": str(error), "error": True, "question": question}
        render_answer(message, key)
        return message
    result = stream.result or {}
    message = {
        "role": "assistant",
        "content": result.get("answer", shown),
        "citations": result.get("citations", []),
        "abstained": bool(result.get("abstained")),
        "closest": result.get("closest", []),
        "rewritten": result.get("rewritten"),
        "question": question,
    }
    render_answer(message, key)
    return message


def render() -> None:
    st.header("Hỏi đáp về văn kiện")
    messages = st.session_state.setdefault("messages", [])
    top = st.container(horizontal=True)
    top.button("Cuộc trò chuyện mới", on_click=new_conversation, disabled=not messages)
    if messages:
        top.download_button(
            "Tải cuộc trò chuyện", data=conversation_markdown(messages).encode("utf-8"),
            file_name="vankien-hoi-dap.md", mime="text/markdown", on_click="ignore",
        )
    doc_ids = st.session_state.get("doc_ids")
    if doc_ids:
        st.caption(f"Đang giới hạn trong {len(doc_ids)} văn kiện đã chọn ở thanh bên.")
    if not messages:
        st.markdown("Hỏi bất cứ điều gì về các văn kiện Đại hội Đảng bộ thành phố lần thứ I. Ví dụ:")
        for column, (group, example) in zip(st.columns(len(EXAMPLES)), EXAMPLES):
            column.caption(group)
            column.button(example, key=f"example-{group}", on_click=ask, args=(example,), width="stretch")
    for i, message in enumerate(messages):
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(as_markdown(message["content"]))
            else:
                render_answer(message, str(i))
    typed = st.chat_input("Nhập câu hỏi về văn kiện…")
    pending = st.session_state.pop("pending_question", None)
    question, fresh = ((typed or "").strip(), False) if (typed or "").strip() else (pending or ("", False))
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(as_markdown(question))
    with st.chat_message("assistant"):
        reply = answer(question, fresh, str(len(messages) + 1))
    messages += [{"role": "user", "content": question}, reply]
    st.rerun()


render()
