"""Response shapes for an author's trust score, its explanation and its history."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class TrustComponentOut(BaseModel):
    key: str = Field(examples=["identity"])
    label: str
    points: int
    max_points: int
    reasons: list[str]


class TrustSuggestionOut(BaseModel):
    action: str = Field(examples=["claim_verified_email"])
    description: str
    max_gain: int = Field(description="Exact points this change alone would add.")


class TrustOut(BaseModel):
    author_id: str
    score: int = Field(ge=0, le=100)
    tier: str
    model_version: str
    computed_at: datetime | None = Field(
        description="When the stored score was computed; null if never stored (scored live)."
    )
    verification_level: int = Field(ge=0, le=3)
    claim_status: str
    components: list[TrustComponentOut]
    suggestions: list[TrustSuggestionOut]


class TrustHistoryEntry(BaseModel):
    score: int
    tier: str
    model_version: str
    computed_at: datetime


class TrustHistoryOut(BaseModel):
    author_id: str
    results: list[TrustHistoryEntry]
