"""The pack as a handout (Markdown or Word) numbered exactly as the screen numbers it: points 1…N, questions
Câu 1…10, citations [n] from the pack itself, so a trainer can say "trích dẫn [3]" to a room holding either.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from assistant.study.models import StudyCitation, StudyFigure, StudyPack

LETTERS = "ABCD"


def marks(citations: list[StudyCitation]) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(c.n for c in citations))


def figure_value(figure: StudyFigure) -> str:
    return f"{figure.value} {figure.unit}".strip()


def all_citations(pack: StudyPack) -> list[StudyCitation]:
    """Each numbered citation once, in number order."""
    found: dict[int, StudyCitation] = {}
    for point in pack.outline:
        found.update((c.n, c) for c in point.citations)
    for figure in pack.figures:
        found.update((c.n, c) for c in figure.citations)
        found.update((c.n, c) for o in figure.other_values for c in o.citations)
    for item in pack.quiz:
        found.update((c.n, c) for c in item.citations)
    return [found[n] for n in sorted(found)]


def _short(pack: StudyPack) -> dict[str, str]:
    return {s.doc_id: s.short_title for s in pack.sources}


def _figure_cells(pack: StudyPack, figure: StudyFigure) -> list[str]:
    short = _short(pack)
    other = "; ".join(f"{o.value} {o.unit}".strip() + f" ({short.get(o.doc_id, o.doc_id)}) {marks(o.citations)}" for o in figure.other_values)
    return [figure.label, figure_value(figure), str(figure.year or ""), short.get(figure.doc_id, figure.doc_id), marks(figure.citations), other]


FIGURE_HEADER = ("Chỉ tiêu", "Giá trị", "Năm", "Văn kiện", "Trích dẫn", "Văn kiện khác ghi")


def to_markdown(pack: StudyPack) -> str:
    """The pack as a Markdown handout; [n] refers to the numbered quotations at the end, as on screen."""
    short = _short(pack)
    lines = [f"# Tài liệu học tập: {pack.topic}", ""]
    if pack.message:
        lines += [f"> {pack.message}", ""]
    if pack.outline:
        lines += ["## Dàn ý", ""]
        lines += [f"{i}. {p.text} {marks(p.citations)}" for i, p in enumerate(pack.outline, 1)]
    if pack.figures:
        lines += ["", "## Số liệu chính", "", "| " + " | ".join(FIGURE_HEADER) + " |", "|---" * len(FIGURE_HEADER) + "|"]
        for figure in pack.figures:
            lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in _figure_cells(pack, figure)) + " |")
    if pack.quiz:
        lines += ["", "## Câu hỏi ôn tập", ""]
        for n, item in enumerate(pack.quiz, 1):
            lines.append(f"**Câu {n}.** {item.question}")
            lines += [f"   - {letter}. {option}" for letter, option in zip(LETTERS, item.options or [])]
            lines.append("")
        lines += ["### Đáp án", ""]
        lines += [f"- Câu {n}: {item.answer} {marks(item.citations)}" for n, item in enumerate(pack.quiz, 1)]
    if pack.agencies:
        lines += ["", "## Cơ quan chịu trách nhiệm", ""]
        lines += [f"- {a.name}: chủ trì {a.lead}, phối hợp {a.support} nhiệm vụ" for a in pack.agencies]
    citations = all_citations(pack)
    if citations:
        lines += ["", "## Trích dẫn", ""]
        for c in citations:
            lines.append(f"[{c.n}] {short.get(c.doc_id, c.doc_title)} — {c.section or 'Phần mở đầu'}: “{c.quote}”")
    lines += ["", "## Nguồn", ""]
    lines += [f"- {s.short_title}: {s.title} ({s.issuer}, {s.date})" for s in pack.sources]
    return "\n".join(lines) + "\n"


def to_docx(pack: StudyPack, path: str | Path | BinaryIO) -> None:
    """The same handout as a Word document (a path or a binary stream)."""
    from docx import Document

    short = _short(pack)
    document = Document()
    document.add_heading(f"Tài liệu học tập: {pack.topic}", level=0)
    if pack.message:
        document.add_paragraph(pack.message)
    if pack.outline:
        document.add_heading("Dàn ý", level=1)
        for i, point in enumerate(pack.outline, 1):
            document.add_paragraph(f"{i}. {point.text} {marks(point.citations)}")
    if pack.figures:
        document.add_heading("Số liệu chính", level=1)
        table = document.add_table(rows=1, cols=len(FIGURE_HEADER))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, FIGURE_HEADER):
            cell.text = title
        for figure in pack.figures:
            for cell, text in zip(table.add_row().cells, _figure_cells(pack, figure)):
                cell.text = text
    if pack.quiz:
        document.add_heading("Câu hỏi ôn tập", level=1)
        for n, item in enumerate(pack.quiz, 1):
            document.add_paragraph(f"Câu {n}. {item.question}")
            for letter, option in zip(LETTERS, item.options or []):
                document.add_paragraph(f"{letter}. {option}", style="List Bullet 2")
        document.add_heading("Đáp án", level=2)
        for n, item in enumerate(pack.quiz, 1):
            document.add_paragraph(f"Câu {n}: {item.answer} {marks(item.citations)}")
    if pack.agencies:
        document.add_heading("Cơ quan chịu trách nhiệm", level=1)
        for agency in pack.agencies:
            document.add_paragraph(f"{agency.name}: chủ trì {agency.lead}, phối hợp {agency.support} nhiệm vụ", style="List Bullet")
    citations = all_citations(pack)
    if citations:
        document.add_heading("Trích dẫn", level=1)
        for c in citations:
            document.add_paragraph(f"[{c.n}] {short.get(c.doc_id, c.doc_title)} — {c.section or 'Phần mở đầu'}: “{c.quote}”")
    document.add_heading("Nguồn", level=1)
    for source in pack.sources:
        document.add_paragraph(f"{source.short_title}: {source.title} ({source.issuer}, {source.date})")
    document.save(path)
