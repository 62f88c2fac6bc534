"""Strip the markup that PDF-to-text conversion left behind (HTML, markdown, LaTeX, footnote superscripts)."""

from __future__ import annotations

import html
import re

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_TO_DIGIT = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")

_LATEX_SYMBOLS = {
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\times": "×",
    r"\pm": "±",
    r"\approx": "≈",
    r"\%": "%",
    r"\neq": "≠",
}
_LATEX_MATH = re.compile(r"\$([^$\n]{1,80})\$")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+|\\%")
_SUP_TAG = re.compile(r"<sup>\s*(\d{1,3})\s*</sup>", re.IGNORECASE)
_BREAK_TAG = re.compile(r"<\s*(br|/p|/li)\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\s*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_MD_EMPHASIS = re.compile(r"\*{1,3}")
_MD_EMPHASIS_SEAM = re.compile(r"(?<=\S)\*{3,}(?=\S)")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPT_DIGITS}]+")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u200b]+")


def _latex_to_text(match: re.Match[str]) -> str:
    body = match.group(1)
    body = _LATEX_COMMAND.sub(lambda m: _LATEX_SYMBOLS.get(m.group(0), ""), body)
    return " ".join(body.replace("{", "").replace("}", "").split())


def latex_to_text(text: str) -> str:
    """`$\\geq 1$` -> `≥ 1`: tables state thresholds in inline LaTeX."""
    return _LATEX_MATH.sub(_latex_to_text, text)


def footnote_markers(text: str) -> list[str]:
    """Footnote numbers cited in a line, as superscripts (⁷³) or `<sup>1</sup>`."""
    found = [m.group(1) for m in _SUP_TAG.finditer(text)]
    found += [m.group(0).translate(SUPERSCRIPT_TO_DIGIT) for m in _SUPERSCRIPT_RUN.finditer(text)]
    return found


def strip_footnote_markers(text: str) -> str:
    text = _SUP_TAG.sub("", text)
    return _SUPERSCRIPT_RUN.sub("", text)


def strip_markup(text: str, *, keep_lines: bool = False) -> str:
    """Plain text from a line or cell carrying HTML, markdown emphasis/headings and LaTeX."""
    text = latex_to_text(text)
    text = _BREAK_TAG.sub("\n" if keep_lines else " ", text)
    text = _LIST_ITEM.sub("\n- " if keep_lines else " - ", text)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = _MD_HEADING.sub("", text)
    text = _MD_EMPHASIS_SEAM.sub(" ", text)  # "**PHỤ LỤC 3****Danh mục": a run closed and the next opened
    text = _MD_EMPHASIS.sub("", text)
    if keep_lines:
        return "\n".join(" ".join(part.split()) for part in text.split("\n") if part.strip())
    return _SPACES.sub(" ", text).strip()


def is_markdown_emphasised(raw_line: str) -> bool:
    """A line set in bold or as a markdown heading: the documents mark headings this way."""
    stripped = _MD_HEADING.sub("", raw_line.strip())
    return stripped.startswith("**") or stripped.endswith("**") or raw_line.lstrip().startswith("#")
