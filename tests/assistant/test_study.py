"""Study packs over the real corpus: every point, figure and quiz answer is backed by the passage it cites."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from docx import Document

from assistant.study import SUGGESTED_THEMES, build_study_pack, figures_in, to_docx, to_markdown, validate_topic
from ingest.normalize import fold


@pytest.fixture(scope="module")
def packs(services):
    return {theme: build_study_pack(services, theme, None) for theme in SUGGESTED_THEMES}


def _in_chunk(index, citation) -> bool:
    return citation.quote in index.by_id[citation.chunk_id].text


@pytest.mark.parametrize("theme", SUGGESTED_THEMES)
def test_outline_points_are_quoted_from_their_passages(services, packs, theme):
    pack, index = packs[theme], services.index()
    assert 8 <= len(pack.outline) <= 15
    for point in pack.outline:
        assert point.citations, point.text
        first = point.citations[0]
        assert point.text in first.quote
        for citation in point.citations:
            assert _in_chunk(index, citation), (citation.chunk_id, citation.quote)
            assert index.by_id[citation.chunk_id].doc_id == citation.doc_id
    authority = index.authority
    leads = [authority[p.citations[0].doc_id] for p in pack.outline]
    assert leads == sorted(leads, reverse=True), "points are grouped by document, highest authority first"


@pytest.mark.parametrize("theme", SUGGESTED_THEMES)
def test_outline_points_are_on_the_topic(packs, theme):
    words = {w for w in fold(theme).replace("-", " ").split() if len(w) > 2 and not w.isdigit()} - {"cac", "chi", "tieu", "den", "nam"}
    for point in packs[theme].outline:
        context = fold(f"{point.citations[0].section} {point.text}")
        assert any(w in context for w in words), point.text


@pytest.mark.parametrize("theme", SUGGESTED_THEMES)
def test_quiz_answers_occur_in_cited_passages_and_options_are_sound(services, packs, theme):
    pack, index = packs[theme], services.index()
    assert len(pack.quiz) == 10
    questions = [fold(q.question) for q in pack.quiz]
    assert len(set(questions)) == len(questions), "no question repeats"
    kinds = {q.kind for q in pack.quiz}
    assert kinds == {"blank", "choice"}, kinds
    for item in pack.quiz:
        citation = item.citations[0]
        assert item.answer in citation.quote, (item.answer, citation.quote)
        assert _in_chunk(index, citation)
        if item.options is None:
            assert "____" in item.question
            continue
        assert len(item.options) == 4
        assert item.answer in item.options
        normalised = [fold(o).replace(" ", "") for o in item.options]
        assert len(set(normalised)) == 4, item.options
        for option in item.options:
            if option != item.answer:
                assert fold(option).replace(" ", "") != fold(item.answer).replace(" ", "")


@pytest.mark.parametrize("theme", SUGGESTED_THEMES)
def test_figures_cite_their_values(services, packs, theme):
    pack, index = packs[theme], services.index()
    for figure in pack.figures:
        assert figure.citations
        for citation in figure.citations:
            assert _in_chunk(index, citation)
        assert figure.value in figure.citations[0].quote, (figure.label, figure.value)
        for other in figure.other_values:
            assert other.value in other.citations[0].quote
            assert _in_chunk(index, other.citations[0])


def test_targets_theme_has_the_main_figures_and_flags_differences(packs):
    pack = packs["các chỉ tiêu kinh tế - xã hội đến năm 2030"]
    assert len(pack.figures) >= 10
    by_label = {fold(f.label): f for f in pack.figures}
    grdp = next(f for label, f in by_label.items() if "thu ngan sach" in label)
    assert grdp.value == "245.500" and grdp.unit == "tỷ đồng" and grdp.year == 2030
    per_head = next(f for label, f in by_label.items() if "binh quan dau nguoi" in label)
    assert per_head.value == "11.247" and per_head.doc_id == "nghi-quyet-dai-hoi"
    assert per_head.conflict, "the political report drafted 11.380 USD, the resolution adopted 11.247"
    assert {o.value for o in per_head.other_values} == {"11.380"}
    for figure in pack.figures:
        assert all(o.doc_id != figure.doc_id for o in figure.other_values) or not figure.conflict
    assert pack.agencies and pack.agencies[0].lead >= 1


def test_agencies_count_registry_tasks(packs):
    agencies = {a.name: a for a in packs["quốc phòng - an ninh"].agencies}
    assert agencies["Bộ Chỉ huy Quân sự thành phố"].lead >= 3
    culture = packs["phát triển văn hóa"].agencies
    assert culture[0].name == "Sở Văn hóa, Thể thao và Du lịch"
    assert all(not a.name.lower().startswith("các ") for p in packs.values() for a in p.agencies)


def test_figures_in_reads_label_value_unit_year():
    found = figures_in("(5) Thu ngân sách nhà nước trên địa bàn đến năm 2030 đạt 245.500 tỷ đồng, trong đó thu nội địa đạt 122.000 tỷ đồng.")
    assert found[0][:3] == ("Thu ngân sách nhà nước trên địa bàn", "245.500", "tỷ đồng")
    assert found[0][4] == 2030
    assert found[1][:3] == ("Thu nội địa", "122.000", "tỷ đồng")


def test_doc_filter_keeps_the_pack_inside_the_documents(services):
    pack = build_study_pack(services, "chuyển đổi số", ["nghi-quyet-dai-hoi"])
    cited = {c.doc_id for p in pack.outline for c in p.citations} | {c.doc_id for q in pack.quiz for c in q.citations}
    assert cited == {"nghi-quyet-dai-hoi"}


@pytest.mark.parametrize(
    ("topic", "message"),
    [("", "at least 2"), ("   ", "at least 2"), ("x" * 10_000, "at most 200")],
)
def test_bad_topics_are_rejected(services, topic, message):
    with pytest.raises(ValueError, match=message):
        build_study_pack(services, topic, None)
    with pytest.raises(ValueError, match=message):
        validate_topic(topic)


def test_unknown_doc_id_is_rejected(services):
    with pytest.raises(KeyError, match="khong-co"):
        build_study_pack(services, "chuyển đổi số", ["khong-co"])


def test_markdown_and_docx_carry_the_sources(packs, tmp_path):
    pack = packs["chuyển đổi số"]
    markdown = to_markdown(pack)
    assert "## Nguồn" in markdown
    for source in pack.sources:
        assert source.title in markdown
    assert all(item.question in markdown for item in pack.quiz)
    path = tmp_path / "pack.docx"
    to_docx(pack, path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Nguồn" in text
    for source in pack.sources:
        assert source.title in text
    assert pack.outline[0].text in text


def test_api_returns_the_pack(live_server):
    response = httpx.post(f"{live_server}/study", json={"topic": "chuyển đổi số"}, timeout=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["topic"] == "chuyển đổi số"
    assert {"topic", "outline", "figures", "quiz", "agencies", "sources"} <= set(body)
    point = body["outline"][0]
    assert set(point) >= {"text", "citations"}
    assert set(point["citations"][0]) >= {"doc_id", "doc_title", "section", "quote"}
    if body["figures"]:
        assert set(body["figures"][0]) >= {"label", "value", "unit", "year", "citations"}
    question = body["quiz"][0]
    assert set(question) >= {"question", "options", "answer", "citations"}
    assert len(body["quiz"]) == 10


def test_api_exports_markdown_and_docx(live_server):
    md = httpx.post(f"{live_server}/study/export", params={"format": "md"}, json={"topic": "xây dựng Đảng"}, timeout=120)
    assert md.status_code == 200, md.text
    assert md.headers["content-type"].startswith("text/markdown")
    assert "## Nguồn" in md.text
    docx = httpx.get(f"{live_server}/study/export", params={"topic": "xây dựng Đảng", "format": "docx"}, timeout=120)
    assert docx.status_code == 200, docx.text
    assert re.search(r'filename="on-tap-xay-dung-dang\.docx"', docx.headers["content-disposition"])
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Nguồn" in text and "Nghị quyết Đại hội Đảng bộ thành phố" in text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"topic": ""}, 422),
        ({"topic": "   "}, 422),
        ({"topic": "x" * 10_000}, 422),
        ({}, 422),
        ({"topic": "chuyển đổi số", "doc_ids": ["khong-co"]}, 404),
    ],
)
def test_api_rejects_bad_requests_with_a_message(live_server, body, status):
    response = httpx.post(f"{live_server}/study", json=body, timeout=60)
    assert response.status_code == status, response.text
    assert response.json()["message"]


def test_api_rejects_an_unknown_export_format(live_server):
    response = httpx.post(f"{live_server}/study/export", params={"format": "pdf"}, json={"topic": "chuyển đổi số"}, timeout=60)
    assert response.status_code == 422
    assert "format" in response.json()["message"]


def test_cli_writes_a_docx_and_rejects_a_bad_topic(built_data_dir, tmp_path):
    from tests.assistant.test_cli_query import vankien

    output = tmp_path / "on-tap.docx"
    result = vankien(built_data_dir, "study", "quốc phòng - an ninh", "--format", "docx", "-o", str(output))
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.text for p in Document(str(output)).paragraphs)
    assert "Câu hỏi ôn tập" in text and "Nguồn" in text
    bad = vankien(built_data_dir, "study", "x")
    assert bad.returncode == 2
    assert "at least 2" in bad.stderr


def test_api_lists_the_suggested_themes(live_server):
    """The UI's theme buttons come from here, so they are the themes the benchmark and these tests measure."""
    response = httpx.get(f"{live_server}/study/themes", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"themes": list(SUGGESTED_THEMES)}


OTHER_TOPICS = ("du lịch", "giáo dục đào tạo", "kinh tế biển", "y tế", "cải cách hành chính")
NUMERIC = re.compile(r"^(?:[≥≤>]\s*)?\d+(?:[.,]\d+)*(?:\s*%?\s*[-–]\s*\d+(?:[.,]\d+)*)?$")


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^\w]+", fold(text).lower()) if w}


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(fold(phrase).lower())}(?!\w)", fold(text).lower()) is not None


@pytest.fixture(scope="module")
def more_packs(services, packs):
    return packs | {topic: build_study_pack(services, topic, None) for topic in OTHER_TOPICS}


@pytest.mark.parametrize("topic", SUGGESTED_THEMES + OTHER_TOPICS)
def test_quiz_items_are_sound_for_teaching(more_packs, topic):
    """No answer made of the topic's words, no two items from one sentence, no stem giving another item's answer."""
    pack = more_packs[topic]
    assert pack.coverage == "good" and pack.quiz, (topic, pack.coverage)
    topic_words = _words(topic) - {"cac", "chi", "tieu", "den", "nam", "2030"}
    quotes = [fold(item.citations[0].quote) for item in pack.quiz]
    for i, item in enumerate(pack.quiz):
        assert not _words(item.answer) <= topic_words, (topic, item.question, item.answer)
        for j, other in enumerate(pack.quiz):
            if i == j:
                continue
            assert quotes[i] not in quotes[j], (topic, item.question, other.question)
            assert not _has_phrase(item.question, other.answer), (topic, item.question, other.answer)


@pytest.mark.parametrize("topic", SUGGESTED_THEMES + OTHER_TOPICS)
def test_figures_with_a_unit_have_a_numeric_value(more_packs, topic):
    for figure in more_packs[topic].figures:
        if figure.unit:
            assert NUMERIC.match(figure.value), (topic, figure.label, figure.value, figure.unit)
        assert figure.label and figure.doc_id


def test_headline_targets_come_first(packs):
    """Phụ lục 1 and the resolution's own targets lead the figures table."""
    figures = packs["xây dựng Đảng"].figures
    headline = [f.source == "registry" or f.doc_id == "nghi-quyet-dai-hoi" for f in figures]
    assert headline[0] and headline == sorted(headline, reverse=True)
    assert any(f.source == "registry" for f in figures)


def test_an_uncovered_topic_says_so_instead_of_padding(services):
    pack = build_study_pack(services, "bóng đá", None)
    assert pack.coverage == "none"
    assert pack.message and "bóng đá" in pack.message
    assert pack.outline == [] and pack.quiz == [] and pack.figures == []
    assert pack.suggestions and set(pack.suggestions) <= set(SUGGESTED_THEMES)


def test_numbering_is_the_same_on_screen_and_in_the_exports(packs, tmp_path):
    pack = packs["chuyển đổi số"]
    markdown = to_markdown(pack)
    path = tmp_path / "pack.docx"
    to_docx(pack, path)
    docx_text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    numbers = [c.n for p in pack.outline for c in p.citations]
    assert numbers[0] == 1 and all(n > 0 for n in numbers)
    for i, point in enumerate(pack.outline, 1):
        marks = "".join(f"[{n}]" for n in dict.fromkeys(c.n for c in point.citations))
        assert f"{i}. {point.text} {marks}" in markdown
        assert f"{i}. {point.text} {marks}" in docx_text
    for n, item in enumerate(pack.quiz, 1):
        assert f"Câu {n}. {item.question}" in docx_text
        assert f"**Câu {n}.** {item.question}" in markdown
        assert f"Câu {n}: {item.answer} [{item.citations[0].n}]" in markdown


def test_api_reports_coverage(live_server):
    body = httpx.post(f"{live_server}/study", json={"topic": "bóng đá"}, timeout=120).json()
    assert body["coverage"] == "none" and body["message"] and body["outline"] == []
    good = httpx.post(f"{live_server}/study", json={"topic": "chuyển đổi số"}, timeout=120).json()
    assert good["coverage"] == "good" and good["message"] is None
