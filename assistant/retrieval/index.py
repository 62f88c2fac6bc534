"""One published build loaded for serving (chunks, lexical index, Chroma collection, document names, per-passage
caches), and the holder that switches to a newer build when ingest publishes one."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from assistant.retrieval.document_names import DocumentNames
from assistant.retrieval.passage_features import PassageFeatures
from ingest import store
from ingest.document import Chunk
from ingest.settings import Settings

log = logging.getLogger(__name__)

REQUIRED_FILES = (store.CHUNKS_FILE, store.LEXICAL_FILE, store.DOCUMENTS_FILE)


@dataclass
class Index:
    """One published build, loaded for serving."""

    build_dir: Path
    meta: store.BuildMeta
    chunks: list[Chunk]
    settings: Settings
    by_id: dict[str, Chunk] = field(init=False)
    position: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {c.chunk_id: c for c in self.chunks}
        self.position = {c.chunk_id: i for i, c in enumerate(self.chunks)}

    @classmethod
    def open(cls, settings: Settings, expected_embedder: str | None = None) -> Index:
        build_dir = store.current_build_dir(settings)
        if build_dir is None:
            raise store.NoIndexError(
                f"no index in {settings.data_dir}; build it with `vankien ingest` (or set VANKIEN_DATA_DIR)"
            )
        meta = store.read_meta(build_dir)
        if expected_embedder and meta.embedder_id != expected_embedder:
            raise store.IndexMismatchError(
                f"the index in {settings.data_dir} was built with embedder {meta.embedder_id!r} but "
                f"{expected_embedder!r} is configured; re-ingest with `vankien ingest --rebuild`"
            )
        missing = [name for name in REQUIRED_FILES if not (build_dir / name).is_file()]
        if missing:
            raise store.CorruptIndexError(
                f"{build_dir} lacks {', '.join(missing)} (an interrupted copy or a manual delete?); run `vankien ingest --rebuild`"
            )
        chunks = store.read_chunks(build_dir / store.CHUNKS_FILE)
        if len(chunks) != meta.chunk_count:
            raise store.CorruptIndexError(
                f"{build_dir} holds {len(chunks)} chunks, its metadata says {meta.chunk_count}; run `vankien ingest --rebuild`"
            )
        return cls(build_dir=build_dir, meta=meta, chunks=chunks, settings=settings)

    @cached_property
    def lexical(self):
        from ingest.lexical import LexicalIndex

        try:
            return LexicalIndex.load(self.build_dir / store.LEXICAL_FILE)
        except ValueError as error:
            raise store.CorruptIndexError(str(error)) from error

    @cached_property
    def collection(self):
        client = store.chroma_client(self.settings, self.build_dir)
        with store.reaching_chroma(self.settings, self.meta.collection):
            return client.get_collection(self.meta.collection)

    @cached_property
    def documents(self) -> dict:
        return json.loads((self.build_dir / store.DOCUMENTS_FILE).read_text(encoding="utf-8"))

    @cached_property
    def names(self) -> DocumentNames:
        """How questions name this build's documents (`names.mentions(question)`, `names.cited_sources(question)`)."""
        return DocumentNames(self.documents)

    @cached_property
    def features(self) -> PassageFeatures:
        """What ranking reads of each passage (tokens, figures, agencies, place, years) and the IDF of the lexical
        index, computed once per passage for the life of this build rather than on every search."""
        return PassageFeatures(self.chunks, self.lexical)

    @cached_property
    def reaccenter(self):
        from assistant.accents import Reaccenter

        return Reaccenter(c.text for c in self.chunks)

    @cached_property
    def authority(self) -> dict[str, int]:
        return {doc_id: entry["info"]["authority"] for doc_id, entry in self.documents.items()}

    @property
    def registry_path(self) -> Path:
        return self.build_dir / store.REGISTRY_FILE

    def doc_ids(self) -> list[str]:
        return [d for d in self.meta.documents if d != "__fingerprint__"]

    @cached_property
    def _sections(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, dict[str, None]] = {}
        for chunk in self.chunks:
            if chunk.kind == "paragraph":
                found.setdefault(chunk.doc_id, {})[chunk.section] = None
        return {doc_id: tuple(sections) for doc_id, sections in found.items()}

    def sections_of(self, doc_id: str) -> tuple[str, ...]:
        """The sections of a document that hold text, in reading order."""
        return self._sections.get(doc_id, ())

    @cached_property
    def _outline(self) -> dict[str, dict[str, tuple[tuple[str, Chunk], ...]]]:
        found: dict[str, dict[str, dict[str, Chunk]]] = {}
        for chunk in self.chunks:
            parts = chunk.section.split(" > ")
            for depth in range(1, len(parts)):
                found.setdefault(chunk.doc_id, {}).setdefault(" > ".join(parts[:depth]), {}).setdefault(parts[depth], chunk)
        return {doc_id: {parent: tuple(children.items()) for parent, children in parents.items()} for doc_id, parents in found.items()}

    def outline_of(self, doc_id: str) -> dict[str, tuple[tuple[str, Chunk], ...]]:
        """Every section of a document that is divided into sections, with the headings right under it in reading
        order, each with its first passage."""
        return self._outline.get(doc_id, {})

    def subsections(self, doc_id: str, parent: str) -> tuple[tuple[str, Chunk], ...]:
        """The headings of the sections right under `parent`, in reading order, each with its first passage."""
        return self.outline_of(doc_id).get(parent, ())

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> list[Chunk]:
        """The chunk with its neighbours in reading order, within the same document."""
        index = self.position[chunk_id]
        doc_id = self.chunks[index].doc_id
        window = self.chunks[max(0, index - before) : index + after + 1]
        return [c for c in window if c.doc_id == doc_id]


class IndexHolder:
    """Serves the current build and switches to a newer one when ingest publishes it."""

    def __init__(self, settings: Settings, expected_embedder: str | None = None):
        self.settings = settings
        self.expected_embedder = expected_embedder
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._pointer_state: tuple[float, int] | None = None
        self._broken_state: tuple[float, int] | None = None

    def _state(self) -> tuple[float, int] | None:
        pointer = self.settings.data_dir / store.CURRENT_FILE
        try:
            stat = pointer.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime, stat.st_ino)

    def get(self) -> Index:
        """The current build; a newly published build that cannot be opened leaves the previous one serving, and
        is not re-read on every request (at 100x the corpus that read takes seconds) until CURRENT changes again."""
        state = self._state()
        if self._index is not None and state in (self._pointer_state, self._broken_state):
            return self._index
        with self._lock:
            if self._index is None or state not in (self._pointer_state, self._broken_state):
                try:
                    index = Index.open(self.settings, self.expected_embedder)
                except store.IndexProblem as error:
                    if self._index is not None:
                        log.warning("new build unusable, still serving %s: %s", self._index.meta.build_id, error)
                        self._broken_state = state
                        return self._index
                    raise
                self._index, self._pointer_state = index, state
        return self._index
