"""Prose assignments of responsibility -> records: who is told to do what outside the appendix tables.

Each document ends with an organisational part ("Tổ chức thực hiện", "Phân công nhiệm vụ") that assigns duties
in three shapes, and the Đề án names a "Chủ thể (tham mưu,) thực hiện" under every group of solutions:

- a numbered heading naming the body, followed by its duty paragraphs or bullets
  ("3. Đảng ủy Ủy ban nhân dân thành phố" / "- Chỉ đạo các sở, ngành ...");
- the body opening the sentence, before its verb ("Văn phòng Thành ủy chủ trì theo dõi ...",
  "1. Đảng đoàn Hội đồng nhân dân thành phố có trách nhiệm ...", "Ban Tuyên giáo và Dân vận Thành ủy: Chủ trì, ...",
  "Giao Ban Chấp hành Đảng bộ thành phố nhiệm kỳ 2025 - 2030 tiếp thu ...");
- "1.2. Chủ thể tham mưu, thực hiện: A, B và các cơ quan ... có liên quan." under the solution heading it serves.

"phối hợp với X, Y và ..." names the supporting bodies. Only the words of the source are kept: `body_text` is the
body as written (for the answer), `text` the duty sentence, `quote` what a citation shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import Block, ParsedDocument
from ingest.normalize import fold, normalize

_ORGANISATIONAL = re.compile(r"\b(to chuc thuc hien|phan cong nhiem vu)\b")
_NUMBER = re.compile(r"^\s*(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*)[.\-)]\s*")
_BULLET_SPLIT = re.compile(r"(?:^|\s)[-–•+]\s+(?=[A-ZĐÀ-Ỹ])")
_NUMBERED_SPLIT = re.compile(r"(?:^|\s)(?=\d{1,2}\.\s+[A-ZĐÀ-Ỹ])")
_BODY_START = re.compile(
    r"^(?:Sở|Ban(?!\s+hành)|Ủy ban|Uỷ ban|UBND|UBMTTQ|HĐND|Hội đồng|Công an|Bộ(?!\s+tiêu chí)|Văn phòng|Đảng ủy|Đảng uỷ|"
    r"Đảng đoàn|Thành đoàn|Thành ủy|Thành uỷ|Mặt trận|MTTQ|Các|Trường|Liên đoàn|Hội(?!\s+nghị)|Thanh tra|Đài|Báo)\b"
)
# Verbs that end the body's name when it opens a sentence; lower case only, so "Ban Tổ chức" is not cut at "Tổ chức".
_VERB = re.compile(
    r"(?<!các)(?<!ban)\s(?:chủ trì|phối hợp|có trách nhiệm|chịu trách nhiệm|chỉ đạo|tham mưu|căn cứ|lãnh đạo|xây dựng|thực hiện|"
    r"tổ chức(?!\s+(?:chính trị|cơ sở|đảng))|triển khai|tiếp thu|tiếp tục|hoàn thiện|đẩy mạnh|theo dõi|ban hành|kiểm tra|giám sát|cụ thể hóa|"
    r"cụ thể hoá|thể chế hóa|thể chế hoá|nghiên cứu|bố trí|rà soát|đề xuất|quán triệt|phê duyệt|được giao)\b"
)
# In a heading the body is cut only where it directs another ("Đảng ủy Các cơ quan đảng thành phố chỉ đạo ...").
_HEADING_VERB = re.compile(r"\s(?:chỉ đạo|chủ trì|phối hợp)\b")
_SUPPORT = re.compile(r"phối hợp(?: chặt chẽ)? với\s+(.+)", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.\s*)?Chủ thể(?: tham mưu,)? thực hiện\s*:\s*(.+)$", re.IGNORECASE)
_ASSIGN = re.compile(r"^Giao\s+(?=[A-ZĐÀ-Ỹ])")
_NOT_A_DUTY = re.compile(r"^(?:Toàn Đảng bộ|Với phương châm|Chương trình hành động này|Kế hoạch này|Nơi nhận)", re.IGNORECASE)
_MAX_BODY_WORDS = 22


@dataclass
class Responsibility:
    """One duty assigned in prose: the body as written, what it must do, who supports it, where it is written."""

    doc_id: str
    body_text: str
    text: str
    quote: str
    section: list[str]
    line_start: int
    line_end: int
    support_text: str = ""
    number: str = ""
    heading_body: bool = False


def _strip_number(text: str) -> tuple[str, str]:
    m = _NUMBER.match(text)
    if not m:
        return "", text.strip()
    return m.group().strip(), text[m.end() :].strip()


def body_before_verb(text: str) -> str | None:
    """"Văn phòng Thành ủy chủ trì theo dõi ..." -> "Văn phòng Thành ủy"; None when the sentence does not open with a body."""
    text = text.strip()
    if not _BODY_START.match(text):
        return None
    colon = text.find(":")
    verb = _VERB.search(text)
    end = min(p for p in (colon if colon > 0 else None, verb.start() if verb else None) if p is not None) if (
        colon > 0 or verb
    ) else None
    if end is None:
        return None
    body = text[:end].strip(" ,;")
    words = body.split()
    if len(words) < 2 or len(words) > _MAX_BODY_WORDS:
        return None
    return body


def _supporting(text: str) -> str:
    """The bodies after "phối hợp với", up to the verb that starts the shared duty."""
    m = _SUPPORT.search(text)
    if not m:
        return ""
    rest = m.group(1)
    verb = _VERB.search(" " + rest)
    if verb:
        rest = rest[: max(verb.start() - 1, 0)]
    rest = re.split(r"[;.]", rest)[0]
    return rest.strip(" ,")


def _items(block: Block) -> list[str]:
    """A paragraph can hold several bullets or numbered items run together by the extraction."""
    text = normalize(block.text).replace("\n", " ")
    pieces = [p for p in _BULLET_SPLIT.split(text) if p.strip()]
    items: list[str] = []
    for piece in pieces:
        items.extend(p.strip() for p in _NUMBERED_SPLIT.split(piece) if p.strip())
    return items


def _heading_body(section: list[str]) -> tuple[str, str] | None:
    """The body a numbered organisational heading names ("3. Đảng ủy UBND thành phố"), with the heading as written."""
    if not section:
        return None
    number, heading = _strip_number(section[-1])
    if not number or not _BODY_START.match(heading):
        return None
    verb = _HEADING_VERB.search(heading)
    body = heading[: verb.start()].strip(" ,;") if verb else heading.strip(" .")
    return (body, section[-1]) if len(body.split()) >= 2 else None


def _is_organisational(section: list[str]) -> bool:
    return any(_ORGANISATIONAL.search(fold(heading)) for heading in section)


def _subject_duty(section: list[str]) -> str:
    """The solution a "Chủ thể thực hiện" paragraph serves: the heading above "x.1. Nội dung, phương pháp"."""
    for heading in reversed(section):
        if "noi dung, phuong phap" in fold(heading):
            continue
        return _strip_number(heading)[1]
    return ""


def extract_responsibilities(document: ParsedDocument) -> list[Responsibility]:
    """All prose duties of one document, in reading order."""
    doc_id = document.info.doc_id
    found: list[Responsibility] = []
    for block in document.blocks:
        if block.kind != "paragraph":
            continue
        organisational = _is_organisational(block.section)
        for item in _items(block):
            number, body_text = _strip_number(item)
            common = dict(doc_id=doc_id, section=list(block.section), line_start=block.line_start, line_end=block.line_end, number=number)
            subject = _SUBJECT.match(item)
            if subject:
                names = subject.group(1).strip(" .")
                found.append(Responsibility(body_text=names, text=_subject_duty(block.section), quote=item, **common))
                continue
            if _ASSIGN.match(body_text):
                assigned = _ASSIGN.sub("", body_text)
                body = body_before_verb(assigned)
                if body:
                    found.append(Responsibility(body_text=body, text=body_text, quote=item, support_text=_supporting(assigned), **common))
                continue
            if not organisational or _NOT_A_DUTY.match(body_text):
                continue
            body = body_before_verb(body_text)
            if body:
                found.append(Responsibility(body_text=body, text=body_text, quote=item, support_text=_supporting(body_text), **common))
                continue
            heading = _heading_body(block.section)
            if heading:
                body, written = heading
                found.append(
                    Responsibility(
                        body_text=body,
                        text=body_text,
                        quote=f"{written}: {item}",
                        support_text=_supporting(body_text) or _supporting(written),
                        heading_body=True,
                        **common,
                    )
                )
    return found
