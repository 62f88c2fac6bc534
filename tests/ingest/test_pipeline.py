"""run_ingest and `vankien ingest` end to end: bad input, incremental runs, a killed run, the other embedder, the CLI.

Every test works on scratch copies (corpus and data dir) seeded with the session's embedding cache, so a full
ingest embeds only what the test changed.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.retrieval.index import Index
from assistant.services import Services
from ingest.settings import Settings
from ingest import store
from ingest.manifest import ManifestError
from ingest.pipeline import configured_embedder_id
from tests.ingest.scratch import (
    REAL_DOC_IDS,
    ROOT,
    clone_data_dir,
    copy_corpus,
    ingest,
    png_bytes,
    seed_data_dir,
    to_cp1258,
)

pytestmark = pytest.mark.slow

NOTICE_UTF16 = """THÔNG BÁO
I. NỘI DUNG KẾT LUẬN
Ban Thường vụ Thành ủy yêu cầu các cấp ủy tổ chức quán triệt Nghị quyết về phát triển cảng biển xanh trong quý I năm 2026.
II. TỔ CHỨC THỰC HIỆN
Văn phòng Thành ủy theo dõi, đôn đốc việc thực hiện thông báo này và báo cáo kết quả trước ngày 30/6/2026.
"""
NOTICE_CP1258 = """CÔNG VĂN
I. VỀ CÔNG TÁC CHUẨN BỊ
Đề nghị Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức hội nghị tổng kết mô hình khu dân cư văn hóa kiểu mẫu.
II. THỜI GIAN
Hoàn thành trước ngày 15 tháng 8 năm 2026; Ủy ban Mặt trận Tổ quốc thành phố phối hợp thực hiện.
"""
NOTICE_MD = """# **Thông báo kết luận của Thường trực Thành ủy về chuyển đổi số**

## 1. Kết luận
Thường trực Thành ủy thống nhất đẩy nhanh xây dựng nền tảng dữ liệu dùng chung của thành phố trong năm 2026.
"""


def _index(data_dir: Path, **settings) -> Index:
    settings = Settings(data_dir=data_dir, **settings)
    return Index.open(settings, configured_embedder_id(settings))


def _doc_of(report, doc_id):
    (doc,) = [d for d in report.documents if d.doc_id == doc_id]
    return doc


# --- the session build ------------------------------------------------------------------------------------


def test_session_index_holds_exactly_the_chunks_of_the_five_documents(built_data_dir, chunked_corpus):
    index = _index(built_data_dir)
    expected = [c for doc_id in index.doc_ids() for c in chunked_corpus[doc_id]]
    assert sorted(index.doc_ids()) == sorted(REAL_DOC_IDS)
    assert [(c.chunk_id, c.text, c.section) for c in index.chunks] == [(c.chunk_id, c.text, c.section) for c in expected]
    assert index.collection.count() == len(index.chunks) == index.meta.chunk_count
    assert all(index.meta.documents[d]["sections"] >= 15 for d in REAL_DOC_IDS)


# --- bad input: one run over the real corpus plus every kind of bad or odd file -----------------------------


@pytest.fixture(scope="module")
def odd_files_run(tmp_path_factory, built_data_dir):
    base = tmp_path_factory.mktemp("odd")
    corpus = copy_corpus(base / "corpus")
    (corpus / "trong.txt").write_bytes(b"")
    (corpus / "anh-chup.txt").write_bytes(png_bytes())
    (corpus / "thong-bao-utf16.txt").write_bytes(NOTICE_UTF16.encode("utf-16"))
    (corpus / "cong-van-cp1258.txt").write_bytes(to_cp1258(NOTICE_CP1258))
    (corpus / "ban-sao-ke-hoach.txt").write_bytes((corpus / "ke-hoach-nq30.txt").read_bytes())
    (corpus / "Thông báo chuyển đổi số.md").write_text(NOTICE_MD, encoding="utf-8")
    data_dir = seed_data_dir(base / "data", built_data_dir)
    report = ingest(corpus, data_dir)
    return report, data_dir


def test_odd_files_leave_the_rest_of_the_corpus_ingested(odd_files_run):
    report, data_dir = odd_files_run
    assert report.published
    ingested = {d.doc_id for d in report.documents}
    assert ingested == set(REAL_DOC_IDS) | {"thong-bao-utf16", "cong-van-cp1258", "thong-bao-chuyen-doi-so"}
    assert set(_index(data_dir).doc_ids()) == ingested
    assert len(report.errors) == 3


@pytest.mark.parametrize(
    "message",
    [
        r"^trong\.txt: is empty \(no text to index\)$",
        r"^anh-chup\.txt: looks like a binary file, not text",
        r"^ban-sao-ke-hoach\.txt: duplicate of ke-hoach-nq30\.txt \(same content\); skipped$",
    ],
    ids=["empty", "binary", "duplicate"],
)
def test_each_bad_file_gets_an_error_naming_it(odd_files_run, message):
    report, _ = odd_files_run
    assert [e for e in report.errors if re.search(message, e)], report.errors


@pytest.mark.parametrize(
    ("doc_id", "phrase", "sections"),
    [
        (
            "thong-bao-utf16",
            "Ban Thường vụ Thành ủy yêu cầu các cấp ủy tổ chức quán triệt Nghị quyết",
            {"I. NỘI DUNG KẾT LUẬN", "II. TỔ CHỨC THỰC HIỆN"},
        ),
        (
            "cong-van-cp1258",
            "Đề nghị Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức hội nghị tổng kết",
            {"I. VỀ CÔNG TÁC CHUẨN BỊ", "II. THỜI GIAN"},
        ),
    ],
    ids=["utf-16", "windows-1258"],
)
def test_legacy_encodings_are_converted_and_indexed(odd_files_run, doc_id, phrase, sections):
    _, data_dir = odd_files_run
    chunks = [c for c in _index(data_dir).chunks if c.doc_id == doc_id]
    assert any(phrase in c.text for c in chunks), [c.text for c in chunks]
    assert {c.section for c in chunks} >= sections


def test_new_markdown_file_is_picked_up_with_title_and_warning(odd_files_run):
    report, data_dir = odd_files_run
    doc = _doc_of(report, "thong-bao-chuyen-doi-so")
    assert doc.title == "Thông báo kết luận của Thường trực Thành ủy về chuyển đổi số"
    assert any(w.startswith("Thông báo chuyển đổi số.md: not in manifest.toml") for w in report.warnings)
    chunks = [c for c in _index(data_dir).chunks if c.doc_id == "thong-bao-chuyen-doi-so"]
    assert any(c.section == "1. Kết luận" and "nền tảng dữ liệu dùng chung" in c.text for c in chunks)


# --- problems that stop an ingest or an index from opening ---------------------------------------------------


def test_broken_manifest_stops_ingest_naming_the_file(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    (corpus / "manifest.toml").write_text('[[documents]\ndoc_id = "x"\n', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.toml: not valid TOML"):
        ingest(corpus, tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_a_file_where_the_data_dir_should_be_is_a_clear_error(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(store.DataDirError, match=r"data dir .*data is a file, not a folder; .*VANKIEN_DATA_DIR"):
        ingest(copy_corpus(tmp_path / "corpus"), blocker)
    with pytest.raises(store.DataDirError, match=r"cannot create data dir .*VANKIEN_DATA_DIR"):
        ingest(tmp_path / "corpus", blocker / "inside")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "CURRENT").write_text("../../etc", encoding="utf-8"), r"not a build id; run `vankien ingest --rebuild`"),
        (lambda d: (d / "CURRENT").write_text("20990101-000000-1-00000", encoding="utf-8"), r"is missing; run `vankien ingest --rebuild`"),
        (
            lambda d: (d / "builds" / (d / "CURRENT").read_text().strip() / "meta.json").write_text("{oops", encoding="utf-8"),
            r"meta\.json is unreadable .*; run `vankien ingest --rebuild`",
        ),
        (
            lambda d: (d / "builds" / (d / "CURRENT").read_text().strip() / "meta.json").write_text("[1, 2]", encoding="utf-8"),
            r"meta\.json is unreadable .*; run `vankien ingest --rebuild`",
        ),
    ],
    ids=["CURRENT garbage", "CURRENT dangling", "meta not JSON", "meta wrong shape"],
)
def test_corrupted_pointer_or_meta_says_to_rebuild(tmp_path, built_data_dir, damage, message):
    data_dir = clone_data_dir(built_data_dir, tmp_path / "data")
    damage(data_dir)
    with pytest.raises(store.CorruptIndexError, match=message):
        _index(data_dir)
    with pytest.raises(store.CorruptIndexError, match=message):
        Services(Settings(data_dir=data_dir)).retriever()


def test_ingest_recovers_from_a_corrupted_meta(tmp_path, built_data_dir):
    data_dir = clone_data_dir(built_data_dir, tmp_path / "data")
    old_build = (data_dir / "CURRENT").read_text().strip()
    (data_dir / "builds" / old_build / "meta.json").write_text("{oops", encoding="utf-8")
    report = ingest(copy_corpus(tmp_path / "corpus"), data_dir)
    assert report.published and report.texts_embedded == 0
    assert any(w.startswith("previous index unusable, building a new one:") for w in report.warnings)
    assert _index(data_dir).meta.build_id == report.build_id != old_build


# --- incremental ----------------------------------------------------------------------------------------------


@pytest.fixture
def built_copy(tmp_path, built_data_dir):
    """(corpus, data_dir): scratch copies of the real corpus and of the session's published index."""
    return copy_corpus(tmp_path / "corpus"), clone_data_dir(built_data_dir, tmp_path / "data")


def test_unchanged_corpus_embeds_nothing_and_publishes_nothing(built_copy):
    corpus, data_dir = built_copy
    before = (data_dir / "CURRENT").read_text()
    report = ingest(corpus, data_dir)
    assert (report.published, report.texts_embedded, report.tokens_embedded) == (False, 0, 0)
    assert report.build_id == before and (data_dir / "CURRENT").read_text() == before
    assert sorted(d.doc_id for d in report.documents) == sorted(REAL_DOC_IDS)
    assert not any(d.changed for d in report.documents)
    assert report.chunks == _index(data_dir).meta.chunk_count


def test_changing_one_document_re_embeds_only_its_changed_chunks(built_copy):
    corpus, data_dir = built_copy
    path = corpus / "ke-hoach-nq30.txt"
    text = path.read_text(encoding="utf-8")
    old = "Phát huy vai trò đầu tàu của tam giác động lực"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "Phát huy vai trò đầu tầu của tam giác động lực"), encoding="utf-8")
    report = ingest(corpus, data_dir)
    assert report.published
    assert 0 < report.texts_embedded <= 2
    assert [d.doc_id for d in report.documents if d.changed] == ["ke-hoach-nq30"]
    chunks = _index(data_dir).chunks
    assert any("vai trò đầu tầu" in c.text for c in chunks if c.doc_id == "ke-hoach-nq30")
    assert not any("vai trò đầu tàu của tam giác" in c.text for c in chunks)
    assert len(chunks) == report.chunks


def test_removing_a_document_removes_its_chunks_from_the_index(built_copy):
    corpus, data_dir = built_copy
    (corpus / "de-an-cnxh.txt").unlink()
    report = ingest(corpus, data_dir)
    assert report.published and report.texts_embedded == 0
    assert report.warnings == ["de-an-cnxh.txt: listed in the manifest but missing; skipped"]
    index = _index(data_dir)
    assert "de-an-cnxh" not in index.doc_ids()
    assert not [c for c in index.chunks if c.doc_id == "de-an-cnxh"]
    assert index.collection.count() == len(index.chunks)
    assert not index.collection.get(where={"doc_id": "de-an-cnxh"}, include=[])["ids"]
    assert not [i for i in index.lexical.ids if i.startswith("de-an-cnxh:")]
    retriever = Services(Settings(data_dir=data_dir)).retriever()
    with pytest.raises(KeyError, match="unknown doc_id"):
        retriever.search("mô hình chủ nghĩa xã hội", doc_ids=["de-an-cnxh"])
    assert all(h.chunk.doc_id != "de-an-cnxh" for h in retriever.search("xây dựng mô hình Chủ nghĩa xã hội", k=20))


# --- killed midway ----------------------------------------------------------------------------------------------


def _cli(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("vankien")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "assistant.cli", *args]


def _env(data_dir: Path) -> dict[str, str]:
    return os.environ | {"VANKIEN_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


def test_ingest_killed_while_embedding_leaves_the_previous_build_serving(built_copy):
    corpus, data_dir = built_copy
    previous = (data_dir / "CURRENT").read_text()
    plan = corpus / "ke-hoach-nq30.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("vai trò đầu tàu", "vai trò đầu tầu"), encoding="utf-8")
    # A long new document whose every paragraph is new: embedding it takes minutes, so the kill lands mid-way.
    lines = (corpus / "de-an-cnxh.txt").read_text(encoding="utf-8").split("\n")
    (corpus / "ban-thu-nghiem.txt").write_text("\n".join(f"{l} (bản thử)" if l.strip() else l for l in lines), encoding="utf-8")

    process = subprocess.Popen(
        _cli("ingest", "--corpus", str(corpus)), cwd=ROOT, env=_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seen = b""
    deadline = time.monotonic() + 300
    try:
        while b"embedding" not in seen:
            assert process.poll() is None, f"ingest ended before embedding: {seen.decode(errors='replace')[-500:]}"
            assert time.monotonic() < deadline, "no embedding progress within 300 s"
            ready, _, _ = select.select([process.stderr], [], [], 1.0)
            if ready:
                seen += os.read(process.stderr.fileno(), 4096)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert (data_dir / "CURRENT").read_text() == previous
    unfinished = [p for p in (data_dir / "builds").iterdir() if p.name != previous]
    assert unfinished and not any((p / "meta.json").exists() for p in unfinished)
    index = _index(data_dir)
    assert index.meta.build_id == previous and "ban-thu-nghiem" not in index.doc_ids()
    hits = Services(Settings(data_dir=data_dir)).retriever().search("phát triển vùng đồng bằng sông Hồng", k=5)
    assert hits and {h.chunk.doc_id for h in hits} <= set(REAL_DOC_IDS)
    assert not any("vai trò đầu tầu" in c.text for c in index.chunks)


# --- the sentence-transformers backend ----------------------------------------------------------------------------


def test_sentence_transformers_backend_end_to_end_and_model_mismatch(tmp_path):
    from tests.helpers.tiny_models import build_tiny_sentence_transformer

    model = build_tiny_sentence_transformer(tmp_path / "model")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "thong-bao.txt").write_text(NOTICE_UTF16, encoding="utf-8")
    (corpus / "cong-van.txt").write_text(NOTICE_CP1258, encoding="utf-8")
    st = {"embedder": "sentence-transformers", "st_model": str(model)}
    data_dir = tmp_path / "data"

    report = ingest(corpus, data_dir, **st)
    assert report.published and report.errors == []
    assert {d.doc_id for d in report.documents} == {"thong-bao", "cong-van"}
    assert report.texts_embedded == report.chunks > 0
    index = _index(data_dir, **st)
    assert index.meta.embedder_id.startswith("st:") and index.meta.dim == 32
    hits = Services(Settings(data_dir=data_dir, **st)).retriever().search("hội nghị tổng kết", k=3)
    assert hits and hits[0].chunk.doc_id == "cong-van"

    with pytest.raises(store.IndexMismatchError, match=r"built with embedder 'st:.*re-ingest with `vankien ingest --rebuild`"):
        _index(data_dir)
    with pytest.raises(store.IndexMismatchError, match="re-ingest"):
        Services(Settings(data_dir=data_dir)).index()


# --- the command line ------------------------------------------------------------------------------------------------


def test_cli_ingest_reports_documents_and_a_second_run_is_a_fast_no_op(tmp_path, built_data_dir, parsed_corpus):
    corpus = copy_corpus(tmp_path / "corpus")
    data_dir = seed_data_dir(tmp_path / "data", built_data_dir)

    first = subprocess.run(_cli("ingest", "--corpus", str(corpus)), cwd=ROOT, env=_env(data_dir), capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    for doc_id in REAL_DOC_IDS:
        line = re.search(rf"^\s+{doc_id}\s+(\d+) sections\s+(\d+) chunks", first.stdout, re.MULTILINE)
        assert line, f"{doc_id} missing from:\n{first.stdout}"
        assert int(line.group(1)) == len(parsed_corpus[doc_id].sections)
    summary = first.stdout.strip().splitlines()[-1]
    assert re.match(r"documents: 5  sections: \d+  chunks: \d+  table rows: \d+  chunks embedded: \d+  tokens embedded: \d+  seconds: ", summary)

    started = time.monotonic()
    second = subprocess.run(_cli("ingest", "--corpus", str(corpus)), cwd=ROOT, env=_env(data_dir), capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert second.returncode == 0, second.stderr[-2000:]
    assert "chunks embedded: 0  tokens embedded: 0" in second.stdout
    assert second.stdout.rstrip().endswith("(index unchanged)")
    assert "(unchanged)" in second.stdout and "(changed)" not in second.stdout
    assert elapsed < 30, f"a no-op ingest took {elapsed:.1f} s"


def test_cli_ingest_errors_exit_2_with_a_message(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    (corpus / "manifest.toml").write_text("[[documents]\n", encoding="utf-8")
    result = subprocess.run(_cli("ingest", "--corpus", str(corpus)), cwd=ROOT, env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert re.search(r"^Lỗi / error: .*manifest\.toml: not valid TOML", result.stderr, re.MULTILINE), result.stderr

    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    result = subprocess.run(_cli("ingest", "--corpus", str(ROOT / "corpus")), cwd=ROOT, env=_env(blocker), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "is a file, not a folder" in result.stderr
