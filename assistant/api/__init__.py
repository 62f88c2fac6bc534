"""The HTTP API (FastAPI) over the published index: health, search, ask, documents, registry."""
