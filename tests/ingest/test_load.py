"""load_text: every encoding a Vietnamese office file turns up in, and a clear refusal naming the file otherwise."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.load import MAX_FILE_BYTES, CorpusFileError, load_text
from tests.ingest.scratch import CORPUS, png_bytes, to_cp1258

SAMPLE = (CORPUS / "ke-hoach-nq30.txt").read_text(encoding="utf-8")[:4000]


def test_utf8_corpus_file_loads_unchanged():
    loaded = load_text(CORPUS / "ke-hoach-nq30.txt")
    assert loaded.encoding == "utf-8"
    assert loaded.text.startswith("\n\nKẾ HOẠCH\nCỦA BAN THƯỜNG VỤ THÀNH ỦY")
    assert len(loaded.content_hash) == 64


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_unicode_encodings_are_converted(tmp_path, encoding):
    path = tmp_path / "van-ban.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    loaded = load_text(path)
    assert loaded.text == SAMPLE
    assert loaded.content_hash == load_text(_utf8_copy(tmp_path)).content_hash


def _utf8_copy(tmp_path):
    path = tmp_path / "utf8.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_windows_1258_vietnamese_is_converted(tmp_path):
    path = tmp_path / "cu.txt"
    data = to_cp1258(SAMPLE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path.write_bytes(data)
    loaded = load_text(path)
    assert loaded.encoding == "cp1258"
    assert unicodedata.normalize("NFC", loaded.text) == SAMPLE


def test_windows_1252_text_is_converted(tmp_path):
    path = tmp_path / "latin.txt"
    text = "Résumé of the café meeting: naïve proposals were rejected, façade repairs approved. " * 3
    path.write_bytes(text.encode("cp1252"))
    assert load_text(path).text == text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("trong.txt", b"", r"^trong\.txt: is empty \(no text to index\)$"),
        ("khoang-trang.txt", b" \n\n\t \r\n", r"^khoang-trang\.txt: is empty"),
        ("anh.txt", png_bytes(), r"^anh\.txt: looks like a binary file, not text"),
        ("so.txt", b"12 34 56 78 -- 90 / 11 .. 22\n" * 5, r"^so\.txt: holds almost no letters"),
    ],
    ids=["empty", "whitespace only", "PNG renamed .txt", "no letters"],
)
def test_unusable_files_are_refused_naming_the_file(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusFileError, match=message) as caught:
        load_text(path)
    assert caught.value.path == path


def test_unsupported_suffix_is_refused(tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusFileError, match=r"^bang\.xlsx: unsupported file type '\.xlsx'; use one of \.txt"):
        load_text(path)


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "lon.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(CorpusFileError, match=rf"^lon\.txt: is {MAX_FILE_BYTES + 1} bytes, over the"):
        load_text(path)


def test_unreadable_path_is_refused(tmp_path):
    folder = tmp_path / "thu-muc.txt"
    folder.mkdir()
    with pytest.raises(CorpusFileError, match=r"^thu-muc\.txt: cannot be read"):
        load_text(folder)


def test_broken_docx_is_refused(tmp_path):
    path = tmp_path / "hong.docx"
    path.write_bytes(b"this is not a zip archive at all")
    with pytest.raises(CorpusFileError, match=r"^hong\.docx: is not a readable \.docx"):
        load_text(path)


def test_line_endings_are_normalised(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("I. MỤC ĐÍCH\r\nQuán triệt đầy đủ nội dung Nghị quyết.\rHết.".encode())
    assert load_text(path).text == "I. MỤC ĐÍCH\nQuán triệt đầy đủ nội dung Nghị quyết.\nHết."
