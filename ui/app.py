"""Vankien's Vietnamese web front end: chat with citations, the task registry, study packs and the source viewer.

It talks to the HTTP API only (VANKIEN_API_URL, VANKIEN_API_KEY), so it can run on another machine than
the index and never sees anything the API would not show a client.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from collections.abc import Iterator

import httpx
import streamlit as st

DEFAULT_API_URL = "http://127.0.0.1:8000"
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 90.0
MAX_HISTORY_TURNS = 10
MAX_TURN_CHARS = 4000

PAGE_CHAT = "Hỏi đáp"
PAGE_TASKS = "Nhiệm vụ & cơ quan"
PAGE_SOURCE = "Văn bản nguồn"
PAGE_STUDY = "Soạn bài"
PAGES = [PAGE_CHAT, PAGE_TASKS, PAGE_STUDY, PAGE_SOURCE]
WHOLE_DOCUMENT = "(Toàn văn)"

EXAMPLES = [
    ("Đảng viên", "Mục tiêu tăng trưởng GRDP giai đoạn 2026-2030 là bao nhiêu?"),
    ("Báo cáo viên", "Các đột phá chiến lược của nhiệm kỳ là gì?"),
    ("Cán bộ", "Cơ quan nào chủ trì xây dựng Đề án thành lập Khu thương mại tự do?"),
]

MIN_TOPIC_CHARS = 2
MAX_TOPIC_CHARS = 200
EXPORTS = [
    ("md", "Tải bài (Markdown)", "text/markdown"),
    ("docx", "Tải bài (Word .docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]
OPTION_LETTERS = "ABCDEFGH"

STOPWORDS = {
    "là", "gì", "của", "và", "các", "những", "nào", "bao", "nhiêu", "có", "không", "được", "cho", "với", "trong",
    "theo", "thì", "ra", "sao", "thế", "nhé", "ạ", "ai", "đâu", "khi", "một", "này", "đó", "về", "từ", "đến", "để",
}


class ApiError(Exception):
    """A failure worded for the person at the screen, not for a developer."""


def api_url() -> str:
    return os.environ.get("VANKIEN_API_URL", DEFAULT_API_URL).rstrip("/")


def _headers() -> dict[str, str]:
    key = os.environ.get("VANKIEN_API_KEY", "").strip()
    return {"X-API-Key": key} if key else {}


def _unreachable(base: str) -> ApiError:
    return ApiError(
        f"Không kết nối được máy chủ API tại {base}. Hãy khởi động máy chủ bằng lệnh `vankien serve` "
        "(hoặc đặt biến môi trường VANKIEN_API_URL trỏ tới máy chủ đang chạy) rồi tải lại trang."
    )


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("message") or body.get("detail") or body)
    return str(body)


def _error_for(response: httpx.Response) -> ApiError:
    message = _message(response)
    status = response.status_code
    if status == 503:
        return ApiError(f"Máy chủ chưa có chỉ mục văn kiện: hãy chạy `vankien ingest` rồi thử lại. ({message})")
    if status in (401, 403):
        return ApiError(f"Máy chủ từ chối truy cập: kiểm tra khoá API (biến VANKIEN_API_KEY). ({message})")
    if status == 429:
        return ApiError("Máy chủ đang nhận quá nhiều yêu cầu, vui lòng chờ một lát rồi thử lại.")
    if status >= 500:
        return ApiError(f"Máy chủ gặp lỗi khi xử lý yêu cầu ({status}): {message}")
    return ApiError(message)


def _route_missing(response: httpx.Response) -> bool:
    """An API build without this route answers a bare 404/405 'Not Found', unlike a 404 for an unknown id."""
    return response.status_code == 405 or (response.status_code == 404 and _message(response) == "Not Found")


def _request(method: str, path: str, **kwargs) -> httpx.Response:
    base = api_url()
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    try:
        return httpx.request(method, f"{base}{path}", headers=_headers(), timeout=timeout, **kwargs)
    except httpx.TimeoutException as error:
        raise ApiError(f"Máy chủ API tại {base} không trả lời kịp thời ({type(error).__name__}). Vui lòng thử lại.") from error
    except httpx.TransportError as error:
        raise _unreachable(base) from error


def api_get(path: str, params: dict | None = None) -> dict:
    response = _request("GET", path, params=params)
    if response.status_code >= 400:
        raise _error_for(response)
    return response.json()


def api_post(path: str, body: dict) -> dict:
    response = _request("POST", path, json=body)
    if response.status_code >= 400:
        raise _error_for(response)
    return response.json()


FILENAME = re.compile(r'filename="?([^";]+)"?')


def api_download(path: str, body: dict, params: dict) -> tuple[bytes, str]:
    """A file the API sends as an attachment: its bytes and the file name the server chose."""
    response = _request("POST", path, json=body, params=params)
    if response.status_code >= 400:
        raise _error_for(response)
    found = FILENAME.search(response.headers.get("content-disposition", ""))
    return response.content, found.group(1) if found else f"vankien-on-tap.{params.get('format', 'md')}"


def health() -> dict:
    """/health answers 503 with a readable body when there is no index; that is a status, not a failure."""
    response = _request("GET", "/health")
    if response.status_code in (200, 503):
        return response.json()
    raise _error_for(response)


@st.cache_data(ttl=300, show_spinner=False)
def study_themes(base: str) -> list[str]:
    return api_get("/study/themes")["themes"]


@st.cache_data(ttl=60, show_spinner=False)
def documents(base: str) -> list[dict]:
    return api_get("/documents")["documents"]


@st.cache_data(ttl=300, show_spinner=False)
def document(base: str, doc_id: str) -> dict:
    return api_get(f"/documents/{doc_id}")


def _sse(lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    event, data = "message", []
    for line in lines:
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield event, json.loads("\n".join(data))


class AnswerStream:
    """Token texts from /ask/stream as they come; `result` holds the full /ask response once the stream is done.

    Falls back to one /ask call when the server has no streaming route.
    """

    def __init__(self, body: dict):
        self.body = body
        self.result: dict | None = None

    def __iter__(self) -> Iterator[str]:
        base = api_url()
        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        try:
            with httpx.stream("POST", f"{base}/ask/stream", json=self.body, headers=_headers(), timeout=timeout) as response:
                if response.status_code >= 400:
                    response.read()
                    if _route_missing(response):
                        yield from self._whole()
                        return
                    raise _error_for(response)
                for event, data in _sse(response.iter_lines()):
                    if event == "token":
                        yield data.get("text", "")
                    elif event == "done":
                        self.result = data
                        return
                    elif event == "error":
                        raise ApiError(f"Không tạo được câu trả lời: {data.get('message', data)}")
        except httpx.TimeoutException as error:
            raise ApiError(f"Máy chủ API tại {base} không trả lời kịp thời. Vui lòng thử lại.") from error
        except httpx.TransportError as error:
            raise _unreachable(base) from error
        if self.result is None:
            raise ApiError("Câu trả lời bị ngắt giữa chừng. Vui lòng hỏi lại.")

    def _whole(self) -> Iterator[str]:
        self.result = api_post("/ask", self.body)
        yield self.result["answer"]


WORD = re.compile(r"[\w][\w-]*")


def _distinctive(word: str) -> bool:
    """A lone word worth marking: a number or year range, or an acronym such as GRDP."""
    return any(ch.isdigit() for ch in word) or (len(word) >= 3 and word.isupper())


def highlight(text: str, question: str) -> str:
    """HTML-escaped text with the question's phrases in <mark>, so a reader sees why this passage was cited.

    Vietnamese words are single syllables, so marking each shared syllable would mark half the passage;
    only runs of two or more of the question's words (or a lone number/acronym) are marked.
    """
    asked = {w.lower() for w in WORD.findall(question)}
    tokens = list(WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    run: list[re.Match] = []
    for token in tokens + [None]:
        if token is not None and token.group().lower() in asked and (not run or text[run[-1].end() : token.start()].strip() == ""):
            run.append(token)
            continue
        words = [t.group().lower() for t in run]
        if (len(run) >= 2 and any(w not in STOPWORDS for w in words)) or (len(run) == 1 and _distinctive(run[0].group())):
            spans.append((run[0].start(), run[-1].end()))
        run = [token] if token is not None and token.group().lower() in asked else []
    out, at = [], 0
    for start, end in spans:
        out += [html.escape(text[at:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def as_markdown(text: str) -> str:
    """Answer text safe for st.markdown: `$` would otherwise start LaTeX."""
    return text.replace("$", "\\$")


def conversation_markdown(messages: list[dict]) -> str:
    lines = ["# Trợ lý văn kiện Đảng bộ thành phố Hải Phòng — cuộc trò chuyện", ""]
    for message in messages:
        if message["role"] == "user":
            lines += [f"## Hỏi: {message['content']}", ""]
            continue
        lines += [message["content"], ""]
        for citation in message.get("citations", []):
            lines += [
                f"[{citation['n']}] {citation['doc_title']} — {citation['section'] or 'phần mở đầu'}",
                f"> {citation['quote']}",
                "",
            ]
        if message.get("abstained") and message.get("closest"):
            lines += ["Các đoạn gần nhất:", ""]
            lines += [f"- {hit['doc_title']} — {hit['section']}: {hit['text'][:300]}" for hit in message["closest"]]
            lines.append("")
    return "\n".join(lines)


def open_source(doc_id: str, chunk_id: str, section: str) -> None:
    """Button callback: switch to the source viewer at this chunk (runs before widgets are drawn)."""
    st.session_state["page"] = PAGE_SOURCE
    st.session_state["source_doc"] = doc_id
    st.session_state["source_chunk"] = chunk_id
    st.session_state["source_section"] = section or WHOLE_DOCUMENT


def new_conversation() -> None:
    st.session_state["messages"] = []


def ask_example(question: str) -> None:
    st.session_state["pending_question"] = question


def short_title(doc_id: str, title: str) -> str:
    for doc in st.session_state.get("documents_cache", []):
        if doc["doc_id"] == doc_id:
            return doc.get("short_title") or title
    return title


def sidebar() -> list[str] | None:
    with st.sidebar:
        st.title("Văn kiện Hải Phòng")
        st.radio("Trang", PAGES, key="page")
        chosen: list[str] = []
        try:
            docs = documents(api_url())
            st.session_state["documents_cache"] = docs
            titles = {d["doc_id"]: d.get("short_title") or d["title"] for d in docs}
            chosen = st.multiselect(
                "Chỉ tìm trong các văn kiện",
                options=list(titles),
                format_func=lambda doc_id: titles.get(doc_id, doc_id),
                key="doc_filter",
                placeholder="Tất cả văn kiện",
            )
        except ApiError:
            pass
        st.divider()
        st.caption("Trạng thái kho văn kiện")
        try:
            status = health()
            if status.get("status") == "ok":
                st.markdown(
                    f"Văn kiện: **{status.get('documents', 0)}** · Đoạn: **{status.get('chunks', 0)}**  \n"
                    f"Bản dựng: `{status.get('build_id') or '?'}`"
                )
            else:
                st.warning(status.get("message") or "Máy chủ chưa có chỉ mục: hãy chạy `vankien ingest`.")
        except ApiError as error:
            st.error(str(error))
        st.caption(f"Máy chủ API: `{api_url()}`")
    return chosen or None


def render_citations(citations: list[dict], question: str, key: str) -> None:
    for citation in citations:
        title = short_title(citation["doc_id"], citation["doc_title"])
        tail = citation["section"].split(" > ")[-1] if citation["section"] else "Phần mở đầu"
        label = f"[{citation['n']}] {title} — {tail}"
        with st.expander(label):
            st.markdown(f"**{citation['doc_title']}**")
            st.caption(citation["section"] or "Phần mở đầu")
            st.markdown(
                f"<blockquote>{highlight(citation['quote'], question)}</blockquote>",
                unsafe_allow_html=True,
            )
            st.button(
                "Mở trong văn bản nguồn",
                key=f"open-{key}-{citation['n']}",
                on_click=open_source,
                args=(citation["doc_id"], citation["chunk_id"], citation["section"]),
            )


def render_closest(hits: list[dict], question: str, key: str) -> None:
    if not hits:
        return
    st.caption("Các đoạn gần nhất tìm được:")
    for i, hit in enumerate(hits[:5]):
        with st.expander(f"{short_title(hit['doc_id'], hit['doc_title'])} — {hit['section'] or 'Phần mở đầu'}"):
            text = hit["text"] if len(hit["text"]) <= 800 else hit["text"][:800] + "…"
            st.markdown(f"<blockquote>{highlight(text, question)}</blockquote>", unsafe_allow_html=True)
            st.button(
                "Mở trong văn bản nguồn",
                key=f"closest-{key}-{i}",
                on_click=open_source,
                args=(hit["doc_id"], hit["chunk_id"], hit["section"]),
            )


def render_answer(message: dict, key: str) -> None:
    if message.get("error"):
        st.error(message["content"])
        return
    st.markdown(as_markdown(message["content"]))
    if message.get("abstained"):
        st.info("Trợ lý không tìm thấy căn cứ đủ rõ trong văn kiện nên không trả lời trực tiếp.")
        render_closest(message.get("closest", []), message.get("question", ""), key)
    else:
        render_citations(message.get("citations", []), message.get("question", ""), key)


def history_for_api(messages: list[dict]) -> list[dict]:
    turns = [m for m in messages if not m.get("error")]
    return [{"role": m["role"], "content": m["content"][:MAX_TURN_CHARS]} for m in turns[-MAX_HISTORY_TURNS:]]


def answer(question: str, doc_ids: list[str] | None, key: str) -> dict:
    """Streams the answer into the page and returns the message to keep in history."""
    messages = st.session_state["messages"]
    body = {"question": question, "history": history_for_api(messages) or None, "doc_ids": doc_ids}
    stream = AnswerStream(body)
    try:
        tokens = iter(stream)
        with st.spinner("Đang tra cứu văn kiện…"):
            first = next(tokens, "")
        placeholder = st.empty()
        shown = first
        placeholder.markdown(as_markdown(shown) + "▌")
        for token in tokens:
            shown += token
            placeholder.markdown(as_markdown(shown) + "▌")
        placeholder.empty()
    except ApiError as error:
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
        "question": question,
    }
    render_answer(message, key)
    return message


def chat_page(doc_ids: list[str] | None) -> None:
    st.header("Hỏi đáp về văn kiện")
    messages = st.session_state.setdefault("messages", [])
    top = st.container(horizontal=True)
    top.button("Cuộc trò chuyện mới", on_click=new_conversation, disabled=not messages)
    if messages:
        top.download_button(
            "Tải cuộc trò chuyện",
            data=conversation_markdown(messages).encode("utf-8"),
            file_name="vankien-hoi-dap.md",
            mime="text/markdown",
        )
    if doc_ids:
        st.caption(f"Đang giới hạn trong {len(doc_ids)} văn kiện đã chọn ở thanh bên.")

    if not messages:
        st.markdown("Hỏi bất cứ điều gì về các văn kiện Đại hội Đảng bộ thành phố lần thứ I. Ví dụ:")
        columns = st.columns(len(EXAMPLES))
        for column, (group, example) in zip(columns, EXAMPLES):
            with column:
                st.caption(group)
                st.button(example, key=f"example-{group}", on_click=ask_example, args=(example,), width="stretch", wrap=True)

    for i, message in enumerate(messages):
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(as_markdown(message["content"]))
            else:
                render_answer(message, str(i))

    typed = st.chat_input("Nhập câu hỏi về văn kiện…")
    question = (typed or st.session_state.pop("pending_question", None) or "").strip()
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(as_markdown(question))
    with st.chat_message("assistant"):
        reply = answer(question, doc_ids, str(len(messages) + 1))
    messages += [{"role": "user", "content": question}, reply]
    st.rerun()


def _cell(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return "" if value is None else str(value)


TASK_COLUMNS = [
    ("id", "Mã"),
    ("text", "Nhiệm vụ"),
    ("lead", "Cơ quan chủ trì"),
    ("support", "Cơ quan phối hợp"),
    ("deadline", "Thời hạn"),
    ("output", "Sản phẩm"),
    ("note", "Ghi chú"),
    ("group", "Nhóm nhiệm vụ"),
    ("doc_id", "Văn kiện"),
]


def task_rows(tasks: list[dict]) -> list[dict]:
    rows = []
    for task in tasks:
        source = dict(task)
        source.setdefault("text", task.get("task", ""))
        rows.append({label: _cell(source.get(field)) for field, label in TASK_COLUMNS})
    return rows


def rows_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[label for _, label in TASK_COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def tasks_page(doc_ids: list[str] | None) -> None:
    st.header("Nhiệm vụ & cơ quan chủ trì")
    st.caption("Tra cứu danh mục nhiệm vụ trong các phụ lục: theo tên cơ quan (viết có dấu hay không dấu đều được) và từ khoá.")
    left, middle, right = st.columns([2, 2, 1])
    agency = left.text_input("Cơ quan", key="task_agency", placeholder="VD: Sở Tài chính")
    words = middle.text_input("Từ khoá", key="task_q", placeholder="VD: thương mại tự do")
    limit = right.number_input("Tối đa", min_value=1, max_value=1000, value=200, step=50, key="task_limit")
    role = st.radio(
        "Vai trò của cơ quan",
        ["lead", "support", "any"],
        format_func={"lead": "Chủ trì", "support": "Phối hợp", "any": "Chủ trì hoặc phối hợp"}.get,
        horizontal=True,
        key="task_role",
    )
    params = {"limit": int(limit), "role": role}
    if agency.strip():
        params["agency"] = agency.strip()
    if words.strip():
        params["q"] = words.strip()
    if doc_ids and len(doc_ids) == 1:
        params["doc_id"] = doc_ids[0]
    with st.spinner("Đang tra cứu danh mục…"):
        response = None
        try:
            response = _request("GET", "/tasks", params=params)
        except ApiError as error:
            st.error(str(error))
            return
    if _route_missing(response):
        st.info("Máy chủ API này chưa có danh mục nhiệm vụ (/tasks). Hãy cập nhật và khởi động lại `vankien serve`.")
        return
    if response.status_code >= 400:
        st.warning(str(_error_for(response)))
        return
    rows = task_rows(response.json()["tasks"])
    if not rows:
        st.info("Không có nhiệm vụ nào khớp. Hãy thử tên cơ quan ngắn hơn hoặc bớt từ khoá.")
        return
    st.caption(f"{len(rows)} nhiệm vụ" + (" (đã đạt giới hạn, hãy thu hẹp tìm kiếm)" if len(rows) >= limit else ""))
    st.dataframe(
        rows,
        width="stretch",
        hide_index=True,
        column_config={"Nhiệm vụ": st.column_config.TextColumn(width="large"), "Sản phẩm": st.column_config.TextColumn(width="medium")},
    )
    st.download_button("Tải bảng (CSV)", data=rows_csv(rows), file_name="vankien-nhiem-vu.csv", mime="text/csv")


def choose_theme(theme: str) -> None:
    """Button callback: runs before the topic box is drawn, so it may set the box's value."""
    st.session_state["study_topic"] = theme


def study_pack(topic: str, doc_ids: list[str] | None) -> dict:
    """The pack and both downloads for this topic and filter, fetched once: expanders and downloads rerun the page."""
    key = (" ".join(topic.split()).lower(), tuple(sorted(doc_ids or [])))
    kept = st.session_state.get("study_pack")
    if kept and kept["key"] == key:
        return kept
    body = {"topic": topic, "doc_ids": doc_ids}
    with st.spinner(f"Đang soạn bài ôn tập về “{topic}”…"):
        pack = api_post("/study", body)
        files = {fmt: api_download("/study/export", body, {"format": fmt}) for fmt, _, _ in EXPORTS}
    kept = {"key": key, "pack": pack, "files": files}
    st.session_state["study_pack"] = kept
    return kept


def numbered(citations: list[dict], start: int) -> list[dict]:
    return [citation | {"n": start + i} for i, citation in enumerate(citations)]


def as_plain_markdown(text: str) -> str:
    """Document text for st.markdown: blanks (____), asterisks and `$` must show as typed."""
    return as_markdown(text).replace("_", "\\_").replace("*", "\\*")


def figure_rows(figures: list[dict]) -> list[dict]:
    rows = []
    for figure in figures:
        others = [
            f"{other['value']} {other['unit']}".strip() + f" ({short_title(other['doc_id'], other['doc_id'])})"
            for other in figure.get("other_values", [])
        ]
        rows.append({
            "Chỉ tiêu": figure["label"],
            "Giá trị": f"{figure['value']} {figure['unit']}".strip(),
            "Năm": str(figure["year"] or ""),
            "Văn kiện": short_title(figure["doc_id"], figure["doc_id"]),
            "Đối chiếu": ("⚠ Khác: " + "; ".join(others)) if figure.get("conflict") else "; ".join(others),
        })
    return rows


def agency_rows(agencies: list[dict]) -> list[dict]:
    return [
        {
            "Cơ quan": agency["name"],
            "Chủ trì": agency["lead"],
            "Phối hợp": agency["support"],
            "Nhiệm vụ tiêu biểu": agency["examples"][0] if agency["examples"] else "",
        }
        for agency in agencies
    ]


def render_outline(outline: list[dict], topic: str) -> None:
    st.subheader(f"Dàn ý ({len(outline)} ý)")
    n = 1
    for i, point in enumerate(outline, start=1):
        cited = numbered(point["citations"], n)
        n += len(cited)
        marks = " ".join(f"[{c['n']}]" for c in cited)
        st.markdown(f"**{i}.** {as_plain_markdown(point['text'])} {marks}")
        render_citations(cited, topic, f"study-{i}")


def render_figures(figures: list[dict]) -> None:
    st.subheader(f"Số liệu chính ({len(figures)})")
    if not figures:
        st.caption("Không tìm thấy số liệu gắn với chủ đề này.")
        return
    conflicts = sum(1 for f in figures if f.get("conflict"))
    if conflicts:
        st.warning(
            f"{conflicts} chỉ tiêu được các văn kiện ghi khác nhau (đánh dấu ⚠ ở cột Đối chiếu): "
            "khi giảng, hãy nói rõ số liệu lấy theo văn kiện nào."
        )
    st.dataframe(
        figure_rows(figures),
        width="stretch",
        hide_index=True,
        column_config={
            "Chỉ tiêu": st.column_config.TextColumn(width="medium"),
            "Giá trị": st.column_config.TextColumn(width="medium"),
            "Năm": st.column_config.TextColumn(width="small"),
            "Đối chiếu": st.column_config.TextColumn(width="medium"),
        },
    )
    with st.expander("Căn cứ của các số liệu"):
        for figure in figures:
            for citation in figure["citations"][:1]:
                title = short_title(citation["doc_id"], citation["doc_title"])
                st.markdown(f"**{as_plain_markdown(figure['label'])}** — {title}, {citation['section'].split(' > ')[-1] or 'Phần mở đầu'}")
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
            st.markdown(f"**{letter + '. ' if letter else ''}{as_plain_markdown(item['answer'])}**")
            for citation in item["citations"][:1]:
                st.caption(f"{short_title(citation['doc_id'], citation['doc_title'])} — {citation['section'] or 'Phần mở đầu'}")
                st.markdown(f"<blockquote>{highlight(citation['quote'], item['answer'])}</blockquote>", unsafe_allow_html=True)


def render_agencies(agencies: list[dict]) -> None:
    st.subheader("Cơ quan chịu trách nhiệm")
    if not agencies:
        st.caption("Danh mục nhiệm vụ không giao việc nào về chủ đề này cho một cơ quan cụ thể.")
        return
    st.caption("Số nhiệm vụ về chủ đề này mà mỗi cơ quan chủ trì hoặc phối hợp, theo các phụ lục nhiệm vụ.")
    st.dataframe(
        agency_rows(agencies),
        width="stretch",
        hide_index=True,
        column_config={"Nhiệm vụ tiêu biểu": st.column_config.TextColumn(width="large")},
    )


def study_page(doc_ids: list[str] | None) -> None:
    st.header("Soạn bài ôn tập theo chủ đề")
    st.caption(
        "Dàn ý có trích dẫn, số liệu chính, 10 câu hỏi ôn tập và các cơ quan chịu trách nhiệm, "
        "soạn từ các văn kiện; tải về dạng Markdown hoặc Word."
    )
    try:
        suggested = study_themes(api_url())
    except ApiError:
        suggested = []  # the topic box still works; the error shows when the pack is asked for
    themes = st.container(horizontal=True)
    for i, theme in enumerate(suggested):
        themes.button(theme, key=f"study-theme-{i}", on_click=choose_theme, args=(theme,))
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    topic = left.text_input(
        "Chủ đề", key="study_topic", max_chars=MAX_TOPIC_CHARS, placeholder="VD: chuyển đổi số, phát triển kinh tế biển…"
    ).strip()
    asked = right.button("Soạn bài", key="study_build", type="primary", width="stretch")
    if doc_ids:
        st.caption(f"Chỉ dùng {len(doc_ids)} văn kiện đã chọn ở thanh bên.")
    if len(topic) < MIN_TOPIC_CHARS:
        if asked or topic:
            st.warning(f"Hãy nhập chủ đề ôn tập (ít nhất {MIN_TOPIC_CHARS} ký tự) hoặc chọn một chủ đề gợi ý ở trên.")
        else:
            st.info("Nhập một chủ đề rồi bấm **Soạn bài**, hoặc chọn một chủ đề gợi ý ở trên.")
        return
    try:
        kept = study_pack(topic, doc_ids)
    except ApiError as error:
        st.error(str(error))
        return
    pack = kept["pack"]
    if not pack["outline"] and not pack["quiz"]:
        st.info(f"Các văn kiện không có nội dung đủ rõ về “{topic}”. Hãy thử một chủ đề khác hoặc diễn đạt ngắn gọn hơn.")
        return
    st.divider()
    st.markdown(f"### Chủ đề: {as_plain_markdown(pack['topic'])}")
    if pack["sources"]:
        st.caption("Nguồn: " + "; ".join(s.get("short_title") or s["title"] for s in pack["sources"]))
    downloads = st.container(horizontal=True)
    for fmt, label, mime in EXPORTS:
        data, file_name = kept["files"][fmt]
        downloads.download_button(label, data=data, file_name=file_name, mime=mime, key=f"study-download-{fmt}", on_click="ignore")
    render_outline(pack["outline"], pack["topic"])
    render_figures(pack["figures"])
    render_quiz(pack["quiz"])
    render_agencies(pack["agencies"])


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


def source_page() -> None:
    st.header("Văn bản nguồn")
    try:
        docs = documents(api_url())
    except ApiError as error:
        st.error(str(error))
        return
    titles = {d["doc_id"]: d["title"] for d in docs}
    if st.session_state.get("source_doc") not in titles:
        st.session_state["source_doc"] = next(iter(titles))
    doc_id = st.selectbox("Văn kiện", list(titles), format_func=titles.get, key="source_doc")
    try:
        with st.spinner("Đang tải văn kiện…"):
            detail = document(api_url(), doc_id)
    except ApiError as error:
        st.error(str(error))
        return
    options = [WHOLE_DOCUMENT] + section_options(detail)
    if st.session_state.get("source_section") not in options:
        st.session_state["source_section"] = WHOLE_DOCUMENT
    with st.expander(f"Mục lục ({len(detail['sections'])} mục)"):
        st.markdown("\n".join(f"- {html.escape(s)}" for s in detail["sections"]) or "Văn kiện không chia mục.")
    section = st.selectbox("Mục", options, key="source_section")

    target = st.session_state.get("source_chunk")
    by_id = {c["chunk_id"]: c for c in detail["chunks"]}
    if target in by_id:
        chunk = by_id[target]
        st.success(f"Đoạn được trích dẫn ({target}) — {chunk['section'] or 'Phần mở đầu'}")
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
        st.markdown(f"<div id='{chunk['chunk_id']}'>{text}</div>", unsafe_allow_html=True)


def main() -> None:
    st.set_page_config(page_title="Trợ lý văn kiện Hải Phòng", page_icon="📜", layout="wide")
    st.session_state.setdefault("page", PAGE_CHAT)
    doc_ids = sidebar()
    page = st.session_state["page"]
    if page == PAGE_TASKS:
        tasks_page(doc_ids)
    elif page == PAGE_STUDY:
        study_page(doc_ids)
    elif page == PAGE_SOURCE:
        source_page()
    else:
        chat_page(doc_ids)


main()
