"""Runtime configuration, read from `BZPEER_*` environment variables (and a `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BZPEER_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./bzpeer.db"
    # Optional read replica: GET requests that only read use it when set (docs/scaling.md).
    read_database_url: str | None = None
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_echo: bool = False

    secret_key: str = DEFAULT_SECRET
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])
    max_request_bytes: int = Field(default=1_000_000, ge=1_024)
    log_level: str = "INFO"
    log_json: bool = True

    # Cache-Control max-age for anonymous reads; ETags make revalidation cheap.
    read_cache_seconds: int = Field(default=60, ge=0)

    # Close-collaborator rule (docs/api.md): at least this many shared works AND this strength.
    close_min_shared_works: int = Field(default=3, ge=1)
    close_min_strength: float = Field(default=1.0, ge=0)
    # Papers with more authors than this produce no pairwise coauthor edges (big collaborations).
    edge_max_authors: int = Field(default=50, ge=2)
    # Records per ingestion transaction: the unit of commit and of resume after a crash.
    ingest_batch_size: int = Field(default=2000, ge=1, le=100_000)

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("BZPEER_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
