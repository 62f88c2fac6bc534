"""Scratch corpora and data dirs for ingest tests.

A scratch corpus is a copy of the real manifest and files that a test may break; a scratch data dir starts with
the session's embedding cache and parse cache, so a full ingest of the real corpus embeds only what the test
changed (seconds, not the ~3.5 minutes of a cold run).
"""

from __future__ import annotations

import shutil
import struct
import tomllib
import unicodedata
import zlib
from pathlib import Path

from ingest.settings import Settings
from ingest.embed import CACHE_FILENAME
from ingest.manifest import MANIFEST_NAME
from ingest.pipeline import IngestReport, run_ingest
from tests.helpers.embed_cache import copy_embed_cache

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
REAL_DOC_IDS = ("nghi-quyet-dai-hoi", "chuong-trinh-hanh-dong", "ke-hoach-nq30", "de-an-cnxh", "bao-cao-chinh-tri")


def manifest_entries() -> list[dict]:
    return tomllib.loads((CORPUS / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"]


def copy_corpus(target: Path) -> Path:
    """The real manifest and its five files, in a folder the test owns."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / MANIFEST_NAME, target / MANIFEST_NAME)
    for entry in manifest_entries():
        shutil.copy(CORPUS / entry["path"], target / entry["path"])
    return target


def seed_data_dir(target: Path, warm_from: Path | None) -> Path:
    """A fresh data dir holding (when `warm_from` has them) the embedding cache and parse cache, but no build."""
    target.mkdir(parents=True, exist_ok=True)
    if warm_from is not None:
        if (warm_from / CACHE_FILENAME).exists():
            copy_embed_cache(warm_from / CACHE_FILENAME, target / CACHE_FILENAME)
        if (warm_from / "parsed").is_dir():
            shutil.copytree(warm_from / "parsed", target / "parsed")
    return target


def clone_data_dir(source: Path, target: Path) -> Path:
    """A copy of a data dir with its published build, for tests that start from an existing index."""
    shutil.copytree(source, target)
    return target


def ingest(corpus: Path, data_dir: Path, **settings) -> IngestReport:
    return run_ingest(Settings(data_dir=data_dir, corpus_dir=corpus, **settings), corpus)


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters precomposed where the code page has them,
    tone marks as combining characters (the code page has no "ệ", only "ê" + U+0323)."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        marks = "".join(c for c in decomposed if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append((base + marks).encode("cp1258"))
    return b"".join(out)


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A valid PNG image, the kind of file that gets renamed to .txt by mistake."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
