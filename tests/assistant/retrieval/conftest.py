"""The retrieval stages over the session's real index (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def retriever(services):
    return services.retriever()


@pytest.fixture(scope="module")
def index(services):
    return services.index()
