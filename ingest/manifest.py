"""Which documents make up the corpus: manifest entries plus any supported file dropped into the folder."""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import DocumentInfo
from ingest.load import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)
MANIFEST_NAME = "manifest.toml"
_REQUIRED = ("doc_id", "path", "title", "kind", "issuer", "date", "authority")
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,80}$")


class ManifestError(ValueError):
    pass


@dataclass
class Corpus:
    documents: list[DocumentInfo]
    warnings: list[str] = field(default_factory=list)


def _slug(name: str) -> str:
    from ingest.normalize import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return slug[:80] or "tai-lieu"


def _first_heading(path: Path) -> str | None:
    """Title for a file without a manifest entry: its first non-empty line of reasonable length."""
    from ingest.clean import strip_markup
    from ingest.load import CorpusFileError, load_text

    try:
        text = load_text(path).text
    except CorpusFileError:
        return None
    for line in text.splitlines():
        clean = strip_markup(line)
        if 3 <= len(clean) <= 200:
            return clean
    return None


def load_corpus(corpus_dir: Path) -> Corpus:
    """Read the manifest and discover unlisted files; every problem names the file or entry at fault."""
    if not corpus_dir.is_dir():
        raise ManifestError(f"corpus folder {corpus_dir} does not exist")
    documents: list[DocumentInfo] = []
    warnings: list[str] = []
    listed: set[str] = set()
    manifest_path = corpus_dir / MANIFEST_NAME
    if manifest_path.exists():
        try:
            manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ManifestError(f"{manifest_path}: not valid TOML ({error})") from error
        for index, entry in enumerate(manifest.get("documents", [])):
            missing = [key for key in _REQUIRED if key not in entry]
            if missing:
                raise ManifestError(f"{manifest_path}: entry {index + 1} lacks {', '.join(missing)}")
            if not _DOC_ID.match(str(entry["doc_id"])):
                raise ManifestError(f"{manifest_path}: doc_id {entry['doc_id']!r} must be lowercase letters, digits, '-'")
            if entry["doc_id"] in {d.doc_id for d in documents}:
                raise ManifestError(f"{manifest_path}: doc_id {entry['doc_id']!r} appears twice")
            file = corpus_dir / entry["path"]
            if not file.resolve().is_relative_to(corpus_dir.resolve()):
                raise ManifestError(f"{manifest_path}: path {entry['path']!r} points outside the corpus folder")
            listed.add(file.name)
            if not file.exists():
                warnings.append(f"{entry['path']}: listed in the manifest but missing; skipped")
                continue
            documents.append(
                DocumentInfo(
                    doc_id=entry["doc_id"],
                    path=str(file),
                    title=entry["title"],
                    kind=entry["kind"],
                    issuer=entry["issuer"],
                    date=str(entry["date"]),
                    authority=int(entry["authority"]),
                    short_title=entry.get("short_title", ""),
                )
            )
    taken = {d.doc_id for d in documents}
    for file in sorted(corpus_dir.iterdir()):
        if file.name in listed or file.name == MANIFEST_NAME or file.name.startswith("."):
            continue
        if file.suffix.lower() not in SUPPORTED_SUFFIXES:
            if file.is_file() and file.suffix.lower() not in (".toml", ".yaml", ".yml", ".json"):
                warnings.append(f"{file.name}: unsupported type {file.suffix!r}; skipped")
            continue
        title = _first_heading(file) or file.stem
        doc_id = _slug(file.stem)
        while doc_id in taken:
            doc_id += "-x"
        taken.add(doc_id)
        warnings.append(f"{file.name}: not in {MANIFEST_NAME}; title taken from its first heading: {title!r}")
        documents.append(
            DocumentInfo(doc_id=doc_id, path=str(file), title=title, kind="tài liệu", issuer="", date="", authority=10)
        )
    for warning in warnings:
        log.warning(warning)
    return Corpus(documents=documents, warnings=warnings)
