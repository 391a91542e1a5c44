"""Request and response shapes for claims and for the owner's corrections of a record.

Request bodies forbid unknown fields, so verification, trust, owner and counts cannot be
set through them (a 422 names the field instead).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.accounts.schemas import Email
from app.authors.schemas import AuthorRef
from app.core.ids import AUTHOR_REF_PATTERN
from app.core.schemas import NO_NUL_PATTERN, NOT_SPACE_CLASS, SOME_TEXT_PATTERN

ORCID_PATTERN = r"^(https?://orcid\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"
ARXIV_ID_PATTERN = (
    r"^(arXiv:)?([0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]{1,20}(\.[A-Z]{2})?/[0-9]{7})(v[0-9]{1,3})?$"
)
WORK_REF_PATTERN = r"^W[1-9][0-9]{0,17}$"
# A host without spaces or slashes, then any path without spaces (see NOT_SPACE_CLASS).
HOMEPAGE_PATTERN = rf"^https?://{NOT_SPACE_CLASS[:-1]}/]+(/{NOT_SPACE_CLASS}*)?$"

Homepage = Annotated[str, Field(max_length=500, pattern=HOMEPAGE_PATTERN)]
Reason = Annotated[str, Field(min_length=1, max_length=2000, pattern=SOME_TEXT_PATTERN)]
ClaimStatus = Literal["pending", "approved", "rejected", "revoked"]


class ClaimIn(BaseModel):
    """Evidence for a claim. Everything is optional; see docs/claims.md for what counts."""

    model_config = ConfigDict(extra="forbid")

    orcid: Annotated[str, Field(pattern=ORCID_PATTERN)] | None = Field(
        default=None, examples=["0000-0002-1825-0097"]
    )
    email: Email | None = Field(
        default=None,
        description="Institutional address; counts only as this account's verified address "
        "(omit it to use the account's own).",
    )
    homepage: Homepage | None = None
    arxiv_ids: list[Annotated[str, Field(max_length=40, pattern=ARXIV_ID_PATTERN)]] = Field(
        default_factory=list, max_length=50, description="arXiv ids of your works on the record."
    )
    message: Annotated[str, Field(max_length=2000, pattern=NO_NUL_PATTERN)] | None = None


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class EvidenceCheck(BaseModel):
    kind: Literal["email", "orcid", "homepage", "arxiv_id", "name"]
    value: str
    outcome: Literal["matches", "consistent", "mismatch", "invalid", "unverified"]
    detail: str


class Claimant(BaseModel):
    id: int
    name: str
    email: str
    email_verified: bool


class ClaimOut(BaseModel):
    id: int
    author: AuthorRef
    claimant: Claimant | None = Field(description="Null once the account was deleted.")
    status: ClaimStatus
    is_dispute: bool = Field(description="Filed on a record that already had an owner.")
    evidence: dict[str, Any]
    checks: list[EvidenceCheck]
    decided_by: Literal["rule", "admin"] | None
    strong_evidence: bool
    verification_level: int = Field(ge=0, le=3, description="The record's level now.")
    review_reason: str | None
    created_at: datetime
    decided_at: datetime | None


class AuthorProfileUpdate(BaseModel):
    """What an owner may change. Absent fields stay as they are; `null` (or "") clears
    tagline, bio, homepage and affiliation, and leaves display_name and
    open_to_collaborate unchanged."""

    model_config = ConfigDict(extra="forbid")

    display_name: (
        Annotated[str, Field(min_length=1, max_length=300, pattern=SOME_TEXT_PATTERN)] | None
    ) = None
    tagline: Annotated[str, Field(max_length=300, pattern=NO_NUL_PATTERN)] | None = None
    bio: Annotated[str, Field(max_length=5000, pattern=NO_NUL_PATTERN)] | None = None
    homepage: Homepage | None = None
    affiliation: Annotated[str, Field(max_length=500, pattern=NO_NUL_PATTERN)] | None = Field(
        default=None, description="Stated by the owner (provenance `stated`)."
    )
    # Strict: `0` or `"yes"` for a flag is a client bug to report, not to guess at.
    open_to_collaborate: StrictBool | None = None


class WorkDecisionOut(BaseModel):
    author_id: str
    work_id: str
    decision: Literal["confirmed", "rejected"]
    decided_at: datetime


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author_ids: list[Annotated[str, Field(pattern=AUTHOR_REF_PATTERN)]] = Field(
        min_length=1,
        max_length=20,
        description="Records of the same person to fold into this one; all must be yours.",
    )


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    work_ids: list[Annotated[str, Field(pattern=WORK_REF_PATTERN)]] = Field(
        min_length=1, max_length=200, description="Works on this record that are not yours."
    )
    display_name: (
        Annotated[str, Field(min_length=1, max_length=300, pattern=SOME_TEXT_PATTERN)] | None
    ) = Field(default=None, description="Name of the new record (default: as written).")


class CorrectionOut(BaseModel):
    id: int
    action: str
    actor_role: Literal["owner", "admin", "system"]
    work_id: str | None
    other_author_id: str | None
    details: dict[str, Any]
    created_at: datetime
