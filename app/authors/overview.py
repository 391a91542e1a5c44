"""The author overview: everything an author's public page shows, in one round trip.

A bounded number of queries whatever the author (a test counts them): the record, its top
topics, its close collaborators, and the first page of works (one query for the page, one
for its authorships, one for its topics).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authors.schemas import AuthorCounts, AuthorRef, AuthorTopicOut
from app.authors.service import author_topics, resolve_author_id
from app.core.ids import Kind, public_id
from app.core.pagination import PageParams
from app.models import Author, CoauthorEdge
from app.works.schemas import WorkOut
from app.works.service import WorkFilters, list_works

TOP_TOPICS = 10
CLOSE_COLLABORATORS = 12
FIRST_WORKS = 10


class AffiliationState(BaseModel):
    name: str | None
    provenance: Literal["none", "imported", "stated"] = Field(
        description="`none` means no affiliation was imported or stated: a state, not a gap."
    )


class TrustSnapshotOut(BaseModel):
    score: int = Field(ge=0, le=100)
    tier: str | None
    verification_level: int = Field(ge=0, le=3)
    claim_status: Literal["unclaimed", "pending", "claimed"]


class CollaboratorOut(BaseModel):
    author: AuthorRef
    shared_works: int
    strength: float
    last_year: int | None


class ViewerAction(BaseModel):
    allowed: bool
    reason: str | None = Field(description="Why not, in words a page can show.")


class ViewerActions(BaseModel):
    follow: ViewerAction
    claim: ViewerAction
    invite: ViewerAction


class WorksPreview(BaseModel):
    count: int
    next_cursor: str | None
    results: list[WorkOut]


class AuthorOverview(BaseModel):
    id: str
    display_name: str
    tagline: str | None
    affiliation: AffiliationState
    open_to_collaborate: bool
    trust: TrustSnapshotOut
    counts: AuthorCounts
    top_topics: list[AuthorTopicOut]
    close_collaborators: list[CollaboratorOut]
    works: WorksPreview
    viewer: ViewerActions


def viewer_actions(author: Author) -> ViewerActions:
    """What an anonymous visitor may do; accounts refine this for logged-in viewers."""
    if author.claim_status == "claimed":
        claim = ViewerAction(allowed=False, reason="This record is already claimed.")
        invite = ViewerAction(
            allowed=False,
            reason="Log in to send an invitation."
            if author.open_to_collaborate
            else "This researcher is not open to collaboration invitations.",
        )
    else:
        claim = ViewerAction(allowed=False, reason="Log in to claim this record.")
        invite = ViewerAction(
            allowed=False, reason="Claim this author entity first to unlock direct invitations."
        )
    return ViewerActions(
        follow=ViewerAction(allowed=False, reason="Log in to follow."), claim=claim, invite=invite
    )


def author_overview(session: Session, ident: str) -> AuthorOverview:
    author_id = resolve_author_id(session, ident)
    author = session.get(Author, author_id)
    assert author is not None
    collaborators = session.execute(
        select(
            CoauthorEdge.coauthor_id,
            CoauthorEdge.shared_works,
            CoauthorEdge.strength,
            CoauthorEdge.last_year,
            Author.display_name,
        )
        .join(Author, Author.id == CoauthorEdge.coauthor_id)
        .where(CoauthorEdge.author_id == author_id, CoauthorEdge.is_close.is_(True))
        .order_by(CoauthorEdge.strength.desc(), CoauthorEdge.coauthor_id)
        .limit(CLOSE_COLLABORATORS)
    ).all()
    works = list_works(
        session,
        WorkFilters(author_id=author_id),
        PageParams(per_page=FIRST_WORKS, cursor=None),
        None,
        count=author.works_count,
    )
    return AuthorOverview(
        id=public_id(Kind.AUTHOR, author.id),
        display_name=author.display_name,
        tagline=author.tagline,
        affiliation=AffiliationState(
            name=author.affiliation,
            provenance=author.affiliation_provenance,
        ),
        open_to_collaborate=author.open_to_collaborate,
        trust=TrustSnapshotOut(
            score=author.trust_score,
            tier=author.trust_tier,
            verification_level=author.verification_level,
            claim_status=author.claim_status,
        ),
        counts=AuthorCounts(
            works=author.works_count,
            followers=author.followers_count,
            topics=author.topics_count,
            coauthors=author.coauthors_count,
            close_collaborators=author.close_collaborators_count,
        ),
        top_topics=author_topics(session, author_id, TOP_TOPICS, works_count=author.works_count),
        close_collaborators=[
            CollaboratorOut(
                author=AuthorRef(
                    id=public_id(Kind.AUTHOR, c.coauthor_id), display_name=c.display_name
                ),
                shared_works=c.shared_works,
                strength=round(c.strength, 4),
                last_year=c.last_year,
            )
            for c in collaborators
        ],
        works=WorksPreview(
            count=works.meta.count, next_cursor=works.meta.next_cursor, results=works.results
        ),
        viewer=viewer_actions(author),
    )
