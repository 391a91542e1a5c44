"""Response shapes for author records (separate from the ORM classes on purpose)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.responses import only_id_required
from app.core.schemas import TopicRef

AffiliationProvenance = Literal["none", "imported", "stated"]
ClaimStatus = Literal["unclaimed", "pending", "claimed"]


class AuthorSummary(BaseModel):
    """One author in a list. With `select`, only the chosen fields (and `id`) are present."""

    model_config = ConfigDict(json_schema_extra=only_id_required)

    id: str = Field(examples=["A42"])
    display_name: str
    orcid: str | None
    affiliation: str | None
    affiliation_provenance: AffiliationProvenance
    open_to_collaborate: bool
    is_collaboration: bool
    claim_status: ClaimStatus
    verification_level: int = Field(ge=0, le=3)
    trust_score: int = Field(ge=0, le=100)
    trust_tier: str | None
    works_count: int
    followers_count: int
    topics_count: int
    coauthors_count: int
    close_collaborators_count: int
    first_year: int | None
    last_year: int | None


SUMMARY_FIELDS = tuple(AuthorSummary.model_fields)


class AffiliationOut(BaseModel):
    name: str
    institution_id: str | None
    start_year: int | None
    end_year: int | None
    provenance: Literal["imported", "stated"]
    works_count: int


class TrustSnapshot(BaseModel):
    score: int = Field(ge=0, le=100)
    tier: str | None
    model_version: str | None
    computed_at: datetime | None


class AuthorCounts(BaseModel):
    works: int
    followers: int
    topics: int
    coauthors: int
    close_collaborators: int


class AuthorDetail(BaseModel):
    id: str
    display_name: str
    display_name_alternatives: list[str]
    orcid: str | None
    tagline: str | None
    bio: str | None
    homepage: str | None
    is_collaboration: bool
    open_to_collaborate: bool
    affiliation: str | None
    affiliation_provenance: AffiliationProvenance
    affiliations: list[AffiliationOut]
    claim_status: ClaimStatus
    verification_level: int = Field(ge=0, le=3)
    trust: TrustSnapshot
    counts: AuthorCounts
    first_year: int | None
    last_year: int | None
    created_at: datetime
    updated_at: datetime


class AuthorTopicOut(BaseModel):
    topic: TopicRef
    works_count: int
    share: float = Field(description="Share of the author's works that carry this topic.")


class CoauthorOut(BaseModel):
    author: AuthorRef
    shared_works: int
    first_year: int | None
    last_year: int | None
    strength: float = Field(description="Sum over shared works of 1/(authors on the work - 1).")
    close: bool


class AuthorRef(BaseModel):
    id: str
    display_name: str


class AutocompleteResult(BaseModel):
    id: str
    display_name: str
    hint: str | None = Field(description="Affiliation or main topic, to tell namesakes apart.")
    works_count: int


class AutocompleteResponse(BaseModel):
    results: list[AutocompleteResult]


CoauthorOut.model_rebuild()
