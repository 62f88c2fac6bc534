"""Nhiệm vụ & cơ quan: the appendix tasks by agency and words, readable at 1366 px, with an agency's load,
one task in full, and downloads of exactly the rows on screen."""

from __future__ import annotations

import html

import streamlit as st

from ui import client
from ui.common import documents, html_table, open_source, section_tail, short_names
from ui.tables import TASK_COLUMNS, rows_csv, rows_xlsx, task_code, task_rows

PAGE = "views/tasks.py"
LIMIT = 500
ROLES = {"lead": "Chủ trì", "support": "Phối hợp", "any": "Chủ trì hoặc phối hợp"}
ANY_YEAR = "Mọi thời hạn"
YEARS = [ANY_YEAR, *[str(y) for y in range(2025, 2031)]]
FIELDS = [
    ("task", "Nhiệm vụ"), ("lead", "Cơ quan chủ trì"), ("support", "Cơ quan phối hợp"), ("deadline", "Thời hạn"),
    ("output", "Sản phẩm"), ("note", "Ghi chú"), ("group", "Nhóm nhiệm vụ"), ("section", "Vị trí trong văn kiện"),
]


def filters() -> dict:
    """The filter form: nothing is fetched while typing, only on "Tra cứu" (and no English hint under the boxes)."""
    with st.form("task-filter", enter_to_submit=False, border=False):
        left, middle, right, year = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
        left.text_input("Cơ quan", key="task_agency", placeholder="VD: Sở Tài chính, so tai chinh", persist_state="session")
        middle.text_input("Từ khoá", key="task_q", placeholder="VD: ngân sách", persist_state="session")
        right.selectbox("Vai trò", list(ROLES), format_func=ROLES.get, key="task_role", filter_mode=None, persist_state="session")
        year.selectbox("Hạn chậm nhất", YEARS, key="task_year", filter_mode=None, persist_state="session")
        st.form_submit_button("Tra cứu", type="primary")
    params: dict = {"limit": LIMIT, "role": st.session_state.get("task_role") or "lead"}
    for key, name in (("task_agency", "agency"), ("task_q", "q")):
        value = (st.session_state.get(key) or "").strip()
        if value:
            params[name] = value
    if st.session_state.get("task_year", ANY_YEAR) != ANY_YEAR:
        params["due_before"] = f"{st.session_state['task_year']}-12-31"
    doc_ids = st.session_state.get("doc_ids")
    if doc_ids and len(doc_ids) == 1:
        params["doc_id"] = doc_ids[0]
    return params


def agency_summary(agency: str, doc_id: str | None) -> None:
    try:
        summary = client.get("/agencies/summary", {"agency": agency} | ({"doc_id": doc_id} if doc_id else {}))
    except client.ApiError as error:
        st.warning(str(error))
        return
    title = f"Tổng hợp theo cơ quan: {summary['agency']} chủ trì {summary['led']}, phối hợp {summary['supported']} nhiệm vụ"
    with st.expander(title, expanded=False):
        left, right = st.columns([2, 3])
        years = [{"Năm": c["key"], "Chủ trì": c["led"], "Phối hợp": c["supported"]} for c in summary["by_year"]]
        left.html(html_table(years, {"Năm": 50, "Chủ trì": 25, "Phối hợp": 25}, key="by-year"))
        groups = [{"Nhóm nhiệm vụ": _short(c["key"]), "Chủ trì": c["led"], "Phối hợp": c["supported"]} for c in summary["by_group"]]
        right.html(html_table(groups, {"Nhóm nhiệm vụ": 70, "Chủ trì": 15, "Phối hợp": 15}, key="by-group"))


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def source_chunk(task: dict) -> dict | None:
    """The table row passage a task was read from, found in its document by the task's own words."""
    try:
        detail = client.get(f"/documents/{task['doc_id']}")
    except client.ApiError:
        return None
    start = task.get("task", "")[:60]
    return next((c for c in detail["chunks"] if start and start in c["text"]), None)


def task_detail(task: dict, names: dict[str, str]) -> None:
    st.markdown(f"#### {task_code(task['id'])} — {names.get(task['doc_id'], task['doc_id'])}")
    rows = []
    for field, label in FIELDS:
        value = task.get(field)
        rows.append({"Mục": label, "Nội dung": "; ".join(value) if isinstance(value, list) else (value or "—")})
    st.html(html_table(rows, {"Mục": 20, "Nội dung": 80}, key="task-detail"))
    chunk = source_chunk(task)
    if chunk:
        st.caption(f"Đoạn nguồn · {section_tail(chunk['section'])}")
        st.markdown(f"<blockquote>{html.escape(chunk['text'])}</blockquote>", unsafe_allow_html=True)
        st.button(
            "Mở trong văn bản nguồn", key="task-open-source", on_click=open_source,
            args=(task["doc_id"], chunk["chunk_id"], chunk["section"], PAGE),
        )


def render() -> None:
    st.header("Nhiệm vụ & cơ quan chủ trì")
    st.caption("Tra cứu các phụ lục nhiệm vụ theo cơ quan (viết có dấu hay không dấu đều được) và từ khoá, rồi bấm **Tra cứu**.")
    params = filters()
    try:
        found = client.get("/tasks", params)["tasks"]
        documents()
    except client.ApiError as error:
        st.error(str(error))
        return
    names = short_names()
    if params.get("agency"):
        agency_summary(params["agency"], params.get("doc_id"))
    if not found:
        st.info("Không có nhiệm vụ nào khớp. Hãy thử tên cơ quan ngắn hơn hoặc bớt từ khoá.")
        return
    rows = task_rows(found, names)
    st.caption(f"{len(rows)} nhiệm vụ" + (" (đã đạt giới hạn, hãy thu hẹp tìm kiếm)" if len(rows) >= LIMIT else ""))
    downloads = st.container(horizontal=True)
    downloads.download_button("Tải bảng (Excel .xlsx)", rows_xlsx(rows), "vankien-nhiem-vu.xlsx", key="tasks-xlsx", on_click="ignore",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    downloads.download_button("Tải bảng (CSV)", rows_csv(rows), "vankien-nhiem-vu.csv", mime="text/csv", key="tasks-csv", on_click="ignore")
    st.html(html_table(rows, TASK_COLUMNS, pinned=2, key="tasks"))
    by_id = {t["id"]: t for t in found}
    chosen = st.selectbox(
        "Xem chi tiết nhiệm vụ", list(by_id), index=None, key="task_detail", filter_mode=None, persist_state="session",
        format_func=lambda i: f"{task_code(i)} — {_short(by_id[i]['task'], 90)}", placeholder="Chọn một nhiệm vụ trong bảng",
    )
    if chosen in by_id:
        task_detail(by_id[chosen], names)


render()
