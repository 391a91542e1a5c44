"""Runtime configuration, read from `BZPEER_*` environment variables (and a `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.ratelimit import parse_rate

DEFAULT_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BZPEER_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./bzpeer.db"
    # Optional read replica: GET requests that only read use it when set (docs/scaling.md).
    read_database_url: str | None = None
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_echo: bool = False
    # PostgreSQL: answer index lookups (author record, overview, autocomplete) on the event
    # loop rather than in a thread (app.core.deps.run_in_request_session, docs/scaling.md).
    inline_lookups: bool = True

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

    # Accounts (docs/accounts.md). Bearer tokens and email tokens expire; both are stored as
    # an HMAC keyed with `secret_key`, so rotating the secret logs everybody out.
    access_token_ttl_minutes: int = Field(default=1440, ge=1, le=60 * 24 * 90)
    email_token_ttl_hours: int = Field(default=48, ge=1, le=24 * 30)
    # Where the links in mails point: the frontend that finishes verification.
    public_base_url: str = "http://localhost:3000"
    # Mail goes through SMTP when `smtp_host` is set, into the `outbox_emails` table otherwise.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "bzpeer <no-reply@bzpeer.invalid>"

    # Rate limits, "COUNT/PERIOD" with a period in s, m, h or d (docs/accounts.md).
    rate_limit_register: str = "10/h"
    rate_limit_login: str = "10/5m"
    rate_limit_login_ip: str = "100/5m"
    rate_limit_verify_email: str = "5/h"
    rate_limit_claims: str = "10/h"
    rate_limit_invitations: str = "10/h"
    rate_limit_messages: str = "60/h"

    @field_validator(
        "rate_limit_register",
        "rate_limit_login",
        "rate_limit_login_ip",
        "rate_limit_verify_email",
        "rate_limit_claims",
        "rate_limit_invitations",
        "rate_limit_messages",
    )
    @classmethod
    def _valid_rate(cls, value: str) -> str:
        parse_rate(value)
        return value

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
