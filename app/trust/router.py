"""HTTP routes for trust: the explained score of an author and how it changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select

from app.authors.service import resolve_author_id
from app.core.deps import SessionDep
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import AUTHOR_ID_PATTERN, Kind, public_id
from app.models import Author, AuthorTrustHistory
from app.trust.schemas import TrustHistoryEntry, TrustHistoryOut, TrustOut
from app.trust.service import live_result

router = APIRouter(tags=["trust"], responses=PROBLEM_RESPONSES)
AuthorIdPath = Annotated[str, Path(pattern=AUTHOR_ID_PATTERN)]


@router.get("/authors/{author_id}/trust", response_model=TrustOut, operation_id="get_author_trust")
def get_author_trust(session: SessionDep, author_id: AuthorIdPath) -> TrustOut:
    row_id = resolve_author_id(session, author_id)
    author = session.get(Author, row_id)
    assert author is not None
    live = live_result(session.connection(), row_id).as_dict()
    stored = author.trust_components
    computed_at = author.trust_computed_at
    if stored is None:
        # Never scored (e.g. created since the last recompute): explain it live, store nothing.
        stored, computed_at = live, None
    return TrustOut(
        author_id=public_id(Kind.AUTHOR, row_id),
        score=stored["score"],
        tier=stored["tier"],
        model_version=stored["model_version"],
        computed_at=computed_at,
        verification_level=author.verification_level,
        claim_status=author.claim_status,
        components=stored["components"],
        suggestions=live["suggestions"],
    )


@router.get(
    "/authors/{author_id}/trust/history",
    response_model=TrustHistoryOut,
    operation_id="get_author_trust_history",
)
def get_author_trust_history(session: SessionDep, author_id: AuthorIdPath) -> TrustHistoryOut:
    row_id = resolve_author_id(session, author_id)
    rows = session.scalars(
        select(AuthorTrustHistory)
        .where(AuthorTrustHistory.author_id == row_id)
        .order_by(AuthorTrustHistory.computed_at, AuthorTrustHistory.id)
        .limit(1000)
    ).all()
    return TrustHistoryOut(
        author_id=public_id(Kind.AUTHOR, row_id),
        results=[
            TrustHistoryEntry(
                score=r.score, tier=r.tier, model_version=r.model_version, computed_at=r.computed_at
            )
            for r in rows
        ],
    )
