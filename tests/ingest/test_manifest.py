"""load_corpus: the real manifest, files dropped in without an entry, and manifests that are wrong."""

from __future__ import annotations

import pytest

from ingest.manifest import ManifestError, load_corpus
from tests.ingest.scratch import CORPUS, REAL_DOC_IDS, copy_corpus


def test_real_manifest_lists_the_five_documents_with_their_metadata():
    corpus = load_corpus(CORPUS)
    assert corpus.warnings == []
    assert sorted(d.doc_id for d in corpus.documents) == sorted(REAL_DOC_IDS)
    by_id = {d.doc_id: d for d in corpus.documents}
    assert by_id["nghi-quyet-dai-hoi"].authority == 100
    assert by_id["bao-cao-chinh-tri"].authority == 50
    assert by_id["ke-hoach-nq30"].short_title == "Kế hoạch thực hiện Nghị quyết 30-NQ/TW"
    assert by_id["chuong-trinh-hanh-dong"].path == str(CORPUS / "chuong-trinh-hanh-dong.txt")


def test_new_markdown_file_without_entry_is_picked_up_with_its_heading_as_title(tmp_path):
    corpus_dir = copy_corpus(tmp_path / "corpus")
    (corpus_dir / "Thông báo kết luận.md").write_text(
        "\n# **Thông báo kết luận của Ban Thường vụ Thành ủy**\n\nNội dung kết luận về công tác cán bộ.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(corpus_dir)
    (new,) = [d for d in corpus.documents if d.doc_id not in REAL_DOC_IDS]
    assert new.doc_id == "thong-bao-ket-luan"
    assert new.title == "Thông báo kết luận của Ban Thường vụ Thành ủy"
    assert corpus.warnings == [
        "Thông báo kết luận.md: not in manifest.toml; title taken from its first heading: "
        "'Thông báo kết luận của Ban Thường vụ Thành ủy'"
    ]


def test_unsupported_files_are_skipped_with_a_warning(tmp_path):
    corpus_dir = copy_corpus(tmp_path / "corpus")
    (corpus_dir / "bang-tinh.xlsx").write_bytes(b"PK\x03\x04")
    (corpus_dir / "ghi-chu.json").write_text("{}", encoding="utf-8")
    corpus = load_corpus(corpus_dir)
    assert len(corpus.documents) == 5
    assert corpus.warnings == ["bang-tinh.xlsx: unsupported type '.xlsx'; skipped"]


def test_broken_toml_names_the_manifest(tmp_path):
    corpus_dir = copy_corpus(tmp_path / "corpus")
    manifest = corpus_dir / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + '\n[[documents]\ndoc_id = "x"\n', encoding="utf-8")
    with pytest.raises(ManifestError, match=rf"^{manifest}: not valid TOML \("):
        load_corpus(corpus_dir)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('doc_id = "moi"\npath = "moi.txt"\ntitle = "Mới"', r"entry 6 lacks kind, issuer, date, authority"),
        (
            'doc_id = "Mới Quá"\npath = "moi.txt"\ntitle = "x"\nkind = "x"\nissuer = "x"\ndate = "x"\nauthority = 1',
            r"doc_id 'Mới Quá' must be lowercase",
        ),
        (
            'doc_id = "de-an-cnxh"\npath = "moi.txt"\ntitle = "x"\nkind = "x"\nissuer = "x"\ndate = "x"\nauthority = 1',
            r"doc_id 'de-an-cnxh' appears twice",
        ),
        (
            'doc_id = "ngoai"\npath = "../../etc/passwd"\ntitle = "x"\nkind = "x"\nissuer = "x"\ndate = "x"\nauthority = 1',
            r"path '\.\./\.\./etc/passwd' points outside the corpus folder",
        ),
    ],
    ids=["missing keys", "bad doc_id", "duplicate doc_id", "path escapes"],
)
def test_bad_entries_are_refused_naming_manifest_and_entry(tmp_path, entry, message):
    corpus_dir = copy_corpus(tmp_path / "corpus")
    manifest = corpus_dir / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + f"\n[[documents]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=rf"^{manifest}: {message}"):
        load_corpus(corpus_dir)


def test_listed_file_that_is_missing_is_skipped_with_a_warning(tmp_path):
    corpus_dir = copy_corpus(tmp_path / "corpus")
    (corpus_dir / "ke-hoach-nq30.txt").unlink()
    corpus = load_corpus(corpus_dir)
    assert "ke-hoach-nq30" not in {d.doc_id for d in corpus.documents}
    assert corpus.warnings == ["ke-hoach-nq30.txt: listed in the manifest but missing; skipped"]


def test_missing_corpus_folder_is_refused(tmp_path):
    with pytest.raises(ManifestError, match=r"corpus folder .*khong-co does not exist"):
        load_corpus(tmp_path / "khong-co")
