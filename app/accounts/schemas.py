"""Request and response shapes for accounts, tokens, follows and the feed.

Request bodies forbid unknown fields: a client that sends `is_admin` or `email_verified`
gets a 422 naming the field, never a silently ignored (or, worse, applied) value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.authors.schemas import AuthorRef, AuthorSummary
from app.core.schemas import NO_NUL_PATTERN, SOME_TEXT_PATTERN

# Printable ASCII (internationalised domains travel as punycode): a pattern whose `\s`
# means the same to every regex engine, so the spec and the server agree on what is valid.
EMAIL_PATTERN = r"^[!-?A-~]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z0-9-]{2,63}$"

Email = Annotated[
    str,
    Field(min_length=6, max_length=254, pattern=EMAIL_PATTERN, examples=["ada@example.ac.uk"]),
]
Password = Annotated[
    str,
    Field(
        min_length=10,
        max_length=128,
        pattern=NO_NUL_PATTERN,
        description="10 to 128 characters; stored only as an argon2id hash.",
    ),
]
Name = Annotated[
    str, Field(min_length=1, max_length=200, pattern=SOME_TEXT_PATTERN, examples=["Ada Lovelace"])
]


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    name: Name


class VerifyEmailIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")


class AccountUpdate(BaseModel):
    """Only these fields; changing email or password needs `current_password`."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: Email | None = None
    password: Password | None = None
    current_password: str | None = Field(default=None, max_length=128, pattern=NO_NUL_PATTERN)


class AccountOut(BaseModel):
    id: int
    email: str
    name: str
    email_verified: bool
    is_admin: bool
    created_at: datetime
    authors: list[AuthorRef] = Field(description="Author records this account owns.")
    following_count: int


class TokenOut(BaseModel):
    """The OAuth2 token response (RFC 6749 section 5.1)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


class TokenInfo(BaseModel):
    id: int
    created_at: datetime
    expires_at: datetime
    current: bool = Field(description="The token this request was made with.")


class Accepted(BaseModel):
    detail: str


class FollowOut(BaseModel):
    author: AuthorRef
    following: bool
    followers_count: int


class FollowedAuthor(BaseModel):
    author: AuthorSummary
    followed_at: datetime
