"""What every page shares: document short names, citation cards, the source-viewer round trip, HTML tables.

Tables are plain HTML rather than st.dataframe, whose toolbar speaks English and whose cells do not wrap.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import streamlit as st

from ui import client

SOURCE_PAGE = "views/source.py"
STOPWORDS = {
    "là", "gì", "của", "và", "các", "những", "nào", "bao", "nhiêu", "có", "không", "được", "cho", "với", "trong",
    "theo", "thì", "ra", "sao", "thế", "nhé", "ạ", "ai", "đâu", "khi", "một", "này", "đó", "về", "từ", "đến", "để",
}
WORD = re.compile(r"[\w][\w-]*")


@st.cache_data(ttl=60, show_spinner=False)
def _documents(base: str) -> list[dict]:
    return client.get("/documents")["documents"]


def documents() -> list[dict]:
    return _documents(client.api_url())


def short_names() -> dict[str, str]:
    """doc_id -> the one short name the UI uses for a document everywhere; {} when the API is down."""
    try:
        return {d["doc_id"]: d.get("short_title") or d["title"] for d in documents()}
    except client.ApiError:
        return {}


def short_name(doc_id: str, fallback: str = "") -> str:
    return short_names().get(doc_id) or fallback or doc_id


def as_markdown(text: str) -> str:
    """Answer text safe for st.markdown: `$` would otherwise start LaTeX."""
    return text.replace("$", "\\$")


def as_plain_markdown(text: str) -> str:
    """Document text for st.markdown: blanks (____), asterisks and `$` must show as typed."""
    return as_markdown(text).replace("_", "\\_").replace("*", "\\*")


def _distinctive(word: str) -> bool:
    """A lone word worth marking: a number or year range, or an acronym such as GRDP."""
    return any(ch.isdigit() for ch in word) or (len(word) >= 3 and word.isupper())


def highlight(text: str, question: str) -> str:
    """HTML-escaped text with the question's phrases in <mark>, so a reader sees why this passage was cited.

    Vietnamese words are single syllables, so marking each shared syllable would mark half the passage;
    only runs of two or more of the question's words (or a lone number/acronym) are marked.
    """
    asked = {w.lower() for w in WORD.findall(question)}
    spans: list[tuple[int, int]] = []
    run: list[re.Match] = []
    for token in [*WORD.finditer(text), None]:
        joined = token is not None and (not run or text[run[-1].end() : token.start()].strip() == "")
        if token is not None and token.group().lower() in asked and joined:
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


def open_source(doc_id: str, chunk_id: str, section: str, back: str) -> None:
    """Button callback: the source viewer at this passage, remembering the page to come back to."""
    st.session_state["source"] = {"doc_id": doc_id, "chunk_id": chunk_id, "section": section, "fresh": True}
    st.session_state["source_back"] = back
    st.session_state["source_doc"] = doc_id
    st.session_state["goto"] = SOURCE_PAGE


def go_to(page: str) -> None:
    """Button callback: pages switch in app.py, since a callback cannot switch pages itself."""
    st.session_state["goto"] = page


def section_tail(section: str) -> str:
    return section.split(" > ")[-1] if section else "Phần mở đầu"


def render_citation(citation: dict, question: str, key: str, back: str) -> None:
    """A card "[n] short name — heading" that opens on the quoted passage and links to the source viewer."""
    name = short_name(citation["doc_id"], citation.get("doc_title", ""))
    with st.expander(f"[{citation['n']}] {name} — {section_tail(citation['section'])}"):
        st.caption(f"{name} · {citation['section'] or 'Phần mở đầu'}")
        st.markdown(f"<blockquote>{highlight(citation['quote'], question)}</blockquote>", unsafe_allow_html=True)
        st.button(
            "Mở trong văn bản nguồn",
            key=f"open-{key}-{citation['n']}",
            on_click=open_source,
            args=(citation["doc_id"], citation["chunk_id"], citation["section"], back),
        )


TABLE_CSS = """
<style>
.vk-wrap { max-height: 70vh; overflow: auto; border: 1px solid #e6e6e6; border-radius: 6px; }
.vk-table { width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 0; font-size: 0.86rem; }
.vk-table th { position: sticky; top: 0; background: #f6f3f3; z-index: 2; text-align: left; }
.vk-table th, .vk-table td { padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top;
  overflow-wrap: anywhere; white-space: normal; }
.vk-table td.vk-pin, .vk-table th.vk-pin { position: sticky; left: 0; background: #fff; z-index: 1; }
.vk-table th.vk-pin { background: #f6f3f3; z-index: 3; }
.vk-table td.vk-pin2, .vk-table th.vk-pin2 { position: sticky; background: #fff; z-index: 1; }
.vk-table th.vk-pin2 { background: #f6f3f3; z-index: 3; }
</style>
"""


def html_table(rows: Sequence[dict], widths: dict[str, int], pinned: int = 0, key: str = "table") -> str:
    """Rows as a wrapped, fixed-layout table whose column widths are percentages; the first `pinned` stick left."""
    columns = list(widths)
    head, offset = [], 0
    for i, column in enumerate(columns):
        head.append(_cell("th", column, widths[column], i, pinned, offset))
        offset += widths[column]
    body = []
    for row in rows:
        cells, offset = [], 0
        for i, column in enumerate(columns):
            cells.append(_cell("td", row.get(column, ""), widths[column], i, pinned, offset))
            offset += widths[column]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"{TABLE_CSS}<div class='vk-wrap' data-vk='{key}'><table class='vk-table'>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell(tag: str, value, width: int, i: int, pinned: int, offset: int) -> str:
    style = f"width:{width}%"
    css = ""
    if i < pinned:
        css = " class='vk-pin'" if i == 0 else " class='vk-pin2'"
        if i > 0:
            style += f";left:{offset}%"
    text = html.escape("" if value is None else str(value)).replace("\n", "<br>")
    return f"<{tag}{css} style='{style}'>{text}</{tag}>"
