"""Accounts and what belongs to them: access tokens, email tokens, the outbox, follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, Timestamped, UTCDateTime, utcnow


class Account(Timestamped, Base):
    __tablename__ = "accounts"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Stored lowercased: one address, one account, whatever the case it was typed in.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(String(200))
    # argon2id, in the PHC string format (parameters and salt travel with the hash).
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class AccessToken(Base):
    """A bearer token. Only its keyed hash is stored: a database dump reveals no token."""

    __tablename__ = "access_tokens"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailToken(Base):
    """A single-use token mailed to an address (verification), stored hashed."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))  # verify_email
    # The address the token was sent to: changing the account's email voids older tokens.
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxEmail(Base):
    """Mail that was not handed to SMTP (none configured): kept here for tests and for
    development, where the verification link can be read from the table."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Follow(Base):
    """An account following an author record. `authors.followers_count` counts these rows
    and is only ever changed by the same transaction that inserts or deletes one."""

    __tablename__ = "follows"

    # A surrogate id orders an account's follows newest first and gives a cursor to page on.
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("authors.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("account_id", "author_id"),
        Index("ix_follows_author_id", "author_id"),
        {"sqlite_autoincrement": True},
    )
