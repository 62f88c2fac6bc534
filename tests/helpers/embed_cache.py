"""Copy the SQLite embedding cache between data dirs."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def copy_embed_cache(source: Path, target: Path) -> None:
    """Copy through SQLite's backup API: a plain file copy misses pages still in the -wal file of a cache that
    another process (a running ingest) has open."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def merge_embed_cache(source: Path, target: Path) -> None:
    """Add the vectors of `source` that `target` lacks, keeping whatever else `target` gained meanwhile
    (overwriting it would drop vectors a concurrent ingest just wrote)."""
    from ingest.embed import EmbeddingCache

    EmbeddingCache(target).close()  # creates the file and table when missing
    conn = sqlite3.connect(target, timeout=60)
    try:
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        with conn:
            conn.execute("INSERT OR IGNORE INTO main.embeddings SELECT * FROM source.embeddings")
        conn.execute("DETACH DATABASE source")
    finally:
        conn.close()
