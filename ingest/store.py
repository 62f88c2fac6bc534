"""Where an index lives and how a new one replaces the old one atomically.

Each ingest writes a complete build under `<data_dir>/builds/<build_id>/` (chunks, lexical index,
registry, parsed documents, and the Chroma collection: a folder in embedded mode, a collection named
after the build on a Chroma server). Only when the build is complete does `<data_dir>/CURRENT` switch
to it, with an atomic rename; a crash or Ctrl-C before that leaves the previous build serving.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.settings import Settings
from ingest.document import Chunk

CURRENT_FILE = "CURRENT"
BUILDS_DIR = "builds"
META_FILE = "meta.json"
CHUNKS_FILE = "chunks.jsonl"
LEXICAL_FILE = "lexical.pkl"
REGISTRY_FILE = "registry.sqlite"
DOCUMENTS_FILE = "documents.json"


class IndexProblem(RuntimeError):
    """Base of index problems a user can fix (re-ingest, fix the data dir)."""


class NoIndexError(IndexProblem):
    pass


class IndexMismatchError(IndexProblem):
    pass


class CorruptIndexError(IndexProblem):
    pass


class VectorStoreUnavailable(IndexProblem):
    """The Chroma server cannot be reached; requests fail with 503 until it answers again (no restart needed)."""


class DataDirError(IndexProblem):
    """The data dir cannot hold an index (a file is in the way, or it cannot be created or written)."""


def ensure_data_dir(settings: Settings) -> Path:
    """Create the data dir, or say plainly why not (a bare FileExistsError names no setting to fix)."""
    path = settings.data_dir
    if path.exists() and not path.is_dir():
        raise DataDirError(f"data dir {path} is a file, not a folder; remove it or set VANKIEN_DATA_DIR to a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(f"cannot create data dir {path} ({error.strerror}); set VANKIEN_DATA_DIR to a writable folder") from error
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataDirError(f"data dir {path} is not writable; set VANKIEN_DATA_DIR to a writable folder")
    return path


@dataclass
class BuildMeta:
    build_id: str
    embedder_id: str
    dim: int
    pipeline_version: int
    created: float
    chroma_mode: str
    collection: str
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    chunk_count: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def builds_root(settings: Settings) -> Path:
    return settings.data_dir / BUILDS_DIR


def current_build_dir(settings: Settings) -> Path | None:
    pointer = settings.data_dir / CURRENT_FILE
    if not pointer.exists():
        return None
    build_id = pointer.read_text(encoding="utf-8").strip()
    if not build_id or "/" in build_id or build_id.startswith("."):
        raise CorruptIndexError(f"{pointer} holds {build_id!r}, not a build id; run `vankien ingest --rebuild`")
    path = builds_root(settings) / build_id
    if not path.is_dir():
        raise CorruptIndexError(f"{pointer} names build {build_id!r} but {path} is missing; run `vankien ingest --rebuild`")
    return path


def read_meta(build_dir: Path) -> BuildMeta:
    try:
        return BuildMeta(**json.loads((build_dir / META_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise CorruptIndexError(f"{build_dir / META_FILE} is unreadable ({error}); run `vankien ingest --rebuild`") from error


def new_build_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"


def publish(settings: Settings, build_id: str) -> None:
    """Make a finished build the one served: write the pointer to a temp file, then rename over CURRENT."""
    pointer = settings.data_dir / CURRENT_FILE
    tmp = pointer.with_name(f".{CURRENT_FILE}.{os.getpid()}.tmp")
    tmp.write_text(build_id, encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, pointer)


def prune_builds(settings: Settings, keep: set[str]) -> None:
    """Drop builds other than `keep` (the new one and the one it replaced, which readers may still hold)."""
    root = builds_root(settings)
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.name not in keep and child.is_dir():
            meta_path = child / META_FILE
            if settings.chroma_host and meta_path.exists():
                try:
                    drop_collection(settings, read_meta(child).collection)
                except Exception:  # a server that is down must not stop local cleanup
                    pass
            shutil.rmtree(child, ignore_errors=True)


@contextmanager
def reaching_chroma(settings: Settings, collection: str | None = None) -> Iterator[None]:
    """Turn Chroma's transport errors into what a user can act on: a server that is down (503 until it is back)
    or a collection that is gone (re-ingest). Without this they surface as a ValueError or an httpx error."""
    import httpx
    from chromadb.errors import NotFoundError

    try:
        yield
    except httpx.TransportError as error:
        raise _unreachable(settings, error) from error
    except NotFoundError as error:
        where = f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "the build"
        raise CorruptIndexError(
            f"collection {collection!r} is missing from {where} ({error}); run `vankien ingest --rebuild`"
        ) from error
    except ValueError as error:
        if settings.chroma_host and "could not connect" in str(error).lower():
            raise _unreachable(settings, error) from error
        raise


def _unreachable(settings: Settings, error: Exception) -> VectorStoreUnavailable:
    return VectorStoreUnavailable(
        f"Chroma server {settings.chroma_host}:{settings.chroma_port} is unreachable ({type(error).__name__}: {error}); "
        "start it (`chroma run --path ...`) or fix VANKIEN_CHROMA_HOST/VANKIEN_CHROMA_PORT; the service resumes on its own"
    )


def chroma_client(settings: Settings, build_dir: Path):
    """Embedded PersistentClient inside the build, or an HttpClient when VANKIEN_CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        with reaching_chroma(settings):
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    return chromadb.PersistentClient(path=str(build_dir / "chroma"), settings=chroma_settings)


def drop_collection(settings: Settings, name: str) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host=settings.chroma_host, port=settings.chroma_port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    try:
        client.delete_collection(name)
    except Exception:  # already gone
        pass


# Chroma's defaults (ef 100) make the graph, and so the nearest passages, differ slightly from one build of the same
# corpus to the next; a wider search keeps the ranking the same build after build at a cost of a few milliseconds.
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}


def write_vectors(client, collection_name: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
    """Add chunks with their precomputed embeddings, in batches no larger than the server accepts."""
    collection = client.get_or_create_collection(
        name=collection_name, embedding_function=None, configuration={"hnsw": HNSW}
    )
    batch = max(1, min(client.get_max_batch_size(), 1000))
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        collection.add(
            ids=[c.chunk_id for c in part],
            embeddings=vectors[start : start + len(part)].tolist(),
            documents=[c.text for c in part],
            metadatas=[chunk_metadata(c) for c in part],
        )


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "section": chunk.section[:1000],
        "kind": chunk.kind,
        "order": chunk.order,
        "line_start": chunk.line_start,
        "line_end": chunk.line_end,
    }


def write_chunks(path: Path, chunks: list[Chunk]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")


def read_chunks(path: Path) -> list[Chunk]:
    try:
        with path.open(encoding="utf-8") as handle:
            return [Chunk(**json.loads(line)) for line in handle if line.strip()]
    except (OSError, ValueError, TypeError) as error:
        raise CorruptIndexError(f"{path} is unreadable ({error}); run `vankien ingest --rebuild`") from error
