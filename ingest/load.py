"""Read a corpus file into text: decode safely, refuse what is not a document, name the file in every error."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
MAX_FILE_BYTES = 50_000_000
_LEGACY_ENCODINGS = ("cp1258", "cp1252")


class CorpusFileError(ValueError):
    """A corpus file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path.name}: {reason}")


@dataclass(frozen=True)
class LoadedText:
    path: Path
    text: str
    encoding: str
    content_hash: str


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.02


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if data[:2000].count(b"\x00") > 100:
        even_zeros = data[0:2000:2].count(0)
        encoding = "utf-16-be" if even_zeros > 500 else "utf-16-le"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise CorpusFileError(path, "looks like a binary file, not text; convert it to .txt, .docx or .pdf")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        for encoding in _LEGACY_ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if sum(ch.isalpha() for ch in text) > len(text) * 0.5:
                return text, encoding
        raise CorpusFileError(
            path, f"is not valid UTF-8 (byte {error.start}) nor a Windows code page text; save it as UTF-8"
        ) from error


def _docx_text(path: Path) -> str:
    import docx  # python-docx: only needed when a .docx is dropped in

    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several unrelated types for a broken zip
        raise CorpusFileError(path, f"is not a readable .docx ({type(error).__name__})") from error
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.replace("\n", " ") for cell in row.cells))
    return "\n\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as error:
        raise CorpusFileError(path, f"is not a readable PDF ({error})") from error


def load_text(path: Path) -> LoadedText:
    """Decode one corpus file (UTF-8, UTF-16 with or without BOM, cp1258/cp1252; .docx and .pdf extracted)."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise CorpusFileError(path, f"unsupported file type {path.suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusFileError(path, f"cannot be read ({error.strerror})") from error
    if len(data) > MAX_FILE_BYTES:
        raise CorpusFileError(path, f"is {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text, encoding = _docx_text(path), "docx"
    elif suffix == ".pdf":
        text, encoding = _pdf_text(path), "pdf"
    else:
        text, encoding = _decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorpusFileError(path, "is empty (no text to index)")
    if sum(ch.isalpha() for ch in text) < 20:
        raise CorpusFileError(path, "holds almost no letters; is it the right file?")
    return LoadedText(path=path, text=text, encoding=encoding, content_hash=hashlib.sha256(text.encode()).hexdigest())
