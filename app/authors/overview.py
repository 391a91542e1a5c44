"""The author overview: everything an author's public page shows, in one round trip.

A bounded number of queries whatever the author (a test counts them): one statement for
the record with its top topics, close collaborators and newest works, those with their
authorships and topics, all as JSON; a logged-in viewer adds one for what they may do
(follow or unfollow, claim, invite).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import orjson
from pydantic import BaseModel, Field
from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from app.accounts.deps import Caller
from app.authors.schemas import AuthorCounts, AuthorRef, AuthorTopicOut
from app.authors.service import DETAIL_COLUMNS, author_topic, live_author_row
from app.core.ids import Kind, public_id
from app.core.pagination import PageParams
from app.core.sqljson import json_array, json_object
from app.models import Author, AuthorTopic, Claim, CoauthorEdge, Follow, Invitation, Topic
from app.works.encoding import ORJSON_OPTIONS
from app.works.schemas import WorkOut
from app.works.service import (
    WorkFilters,
    author_first_page_items,
    author_newest_works,
    list_works,
)

TOP_TOPICS = 10
CLOSE_COLLABORATORS = 12
FIRST_WORKS = 10
# A page lists a work's first authors and "et al."; `authors_count` and
# `is_authors_truncated` say how many more `GET /v1/works/{id}` holds. A collaboration
# paper's hundreds of names were most of the cost of an overview.
PREVIEW_AUTHORSHIPS = 10


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
    reason: str | None = Field(description="Why not (or what to expect), in words a page can show.")


class ViewerActions(BaseModel):
    follow: ViewerAction
    unfollow: ViewerAction
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


class RecordState(Protocol):
    """What of a record decides the viewer's actions (an Author or a row of one)."""

    @property
    def claim_status(self) -> str: ...

    @property
    def open_to_collaborate(self) -> bool: ...


@dataclass(frozen=True)
class Viewer:
    """What the logged-in viewer's own state says about one record (one query)."""

    account_id: int
    email_verified: bool
    following: bool
    owner_id: int | None
    own_open_claim: bool
    pending_invitation: bool


def viewer_state(session: Session, caller: Caller, author_id: int) -> Viewer:
    me = caller.id
    row = session.execute(
        select(
            exists().where(Follow.account_id == me, Follow.author_id == author_id),
            select(Claim.account_id)
            .where(Claim.author_id == author_id, Claim.status == "approved")
            .scalar_subquery(),
            exists().where(
                Claim.account_id == me, Claim.author_id == author_id, Claim.status == "pending"
            ),
            exists().where(
                Invitation.sender_id == me,
                Invitation.author_id == author_id,
                Invitation.status == "pending",
            ),
        )
    ).one()
    return Viewer(
        account_id=me,
        email_verified=caller.account.email_verified,
        following=bool(row[0]),
        owner_id=row[1],
        own_open_claim=bool(row[2]),
        pending_invitation=bool(row[3]),
    )


_NOT_YET_CLAIMED = "Claim this author entity first to unlock direct invitations."


def viewer_actions(author: RecordState, viewer: Viewer | None = None) -> ViewerActions:
    """What the viewer may do on this record: anonymous visitors are asked to log in."""
    if viewer is None:
        return _anonymous_actions(author)
    following = viewer.following
    follow = ViewerAction(
        allowed=not following,
        reason="You already follow this researcher." if following else None,
    )
    unfollow = ViewerAction(
        allowed=following, reason=None if following else "You do not follow this researcher."
    )
    owner = viewer.owner_id
    if owner == viewer.account_id:
        claim = ViewerAction(allowed=False, reason="You own this record.")
    elif viewer.own_open_claim:
        claim = ViewerAction(allowed=False, reason="Your claim on this record is being reviewed.")
    elif not viewer.email_verified:
        claim = ViewerAction(allowed=False, reason="Verify your email address to claim a record.")
    elif owner is not None:
        claim = ViewerAction(
            allowed=True,
            reason="This record has an owner: your claim will be reviewed as a dispute.",
        )
    else:
        claim = ViewerAction(allowed=True, reason=None)
    if owner is None:
        invite = ViewerAction(allowed=False, reason=_NOT_YET_CLAIMED)
    elif owner == viewer.account_id:
        invite = ViewerAction(allowed=False, reason="This is your own record.")
    elif not author.open_to_collaborate:
        invite = ViewerAction(
            allowed=False, reason="This researcher is not open to collaboration invitations."
        )
    elif not viewer.email_verified:
        invite = ViewerAction(
            allowed=False, reason="Verify your email address to send invitations."
        )
    elif viewer.pending_invitation:
        invite = ViewerAction(allowed=False, reason="Your invitation is waiting for an answer.")
    else:
        invite = ViewerAction(allowed=True, reason=None)
    return ViewerActions(follow=follow, unfollow=unfollow, claim=claim, invite=invite)


def _anonymous_actions(author: RecordState) -> ViewerActions:
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
        invite = ViewerAction(allowed=False, reason=_NOT_YET_CLAIMED)
    log_in = ViewerAction(allowed=False, reason="Log in to follow.")
    return ViewerActions(follow=log_in, unfollow=log_in, claim=claim, invite=invite)


@functools.cache
def _overview_record(dialect: str) -> Select[*tuple[Any, ...]]:
    """The record with its top topics, close collaborators and newest works (each with its
    authorships and topics) as JSON arrays: one statement where five were, each a round
    trip to PostgreSQL and a statement's overhead in the server and in SQLAlchemy. Built
    once per dialect."""
    coauthor = aliased(Author)
    collaborator = json_object(
        dialect,
        id=CoauthorEdge.coauthor_id,
        display_name=coauthor.display_name,
        shared_works=CoauthorEdge.shared_works,
        strength=CoauthorEdge.strength,
        last_year=CoauthorEdge.last_year,
    )
    collaborators = json_array(
        dialect,
        collaborator,
        CoauthorEdge.__table__.join(coauthor, coauthor.id == CoauthorEdge.coauthor_id),
        (CoauthorEdge.author_id == Author.id, CoauthorEdge.is_close.is_(True)),
        (CoauthorEdge.strength.desc(), CoauthorEdge.coauthor_id),
        Author,
        limit=CLOSE_COLLABORATORS,
    )
    topic = json_object(
        dialect,
        id=Topic.id,
        code=Topic.code,
        name=Topic.name,
        works_count=AuthorTopic.works_count,
    )
    topics = json_array(
        dialect,
        topic,
        AuthorTopic.__table__.join(Topic.__table__, Topic.id == AuthorTopic.topic_id),
        (AuthorTopic.author_id == Author.id,),
        (AuthorTopic.works_count.desc(), Topic.code),
        Author,
        limit=TOP_TOPICS,
    )
    first_works = author_newest_works(
        dialect, Author.id, FIRST_WORKS + 1, max_authorships=PREVIEW_AUTHORSHIPS
    )
    return select(
        *DETAIL_COLUMNS,
        topics.label("top_topics"),
        collaborators.label("collaborators"),
        first_works.label("first_works"),
    ).where(Author.id == bindparam("author_id"))


def author_overview(session: Session, ident: str, viewer: Caller | None = None) -> AuthorOverview:
    """The overview as a model, its works shaped by pydantic (`author_overview_json` is what
    the route sends; tests compare the two)."""
    author = _record(session, ident)
    works = list_works(
        session,
        WorkFilters(author_id=author.id),
        PageParams(per_page=FIRST_WORKS, cursor=None),
        None,
        count=author.works_count,
        max_authorships=PREVIEW_AUTHORSHIPS,
    )
    preview = WorksPreview(
        count=works.meta.count, next_cursor=works.meta.next_cursor, results=works.results
    )
    return _overview(session, author, preview, viewer)


def author_overview_json(session: Session, ident: str, viewer: Caller | None = None) -> bytes:
    """`author_overview` as JSON, with the works written from the database's JSON instead
    of a `WorkOut` per work: shaping ten works through pydantic was almost half of an
    overview's CPU (docs/benchmarks.md, "The overview's works")."""
    author = _record(session, ident)
    meta, items = author_first_page_items(
        author.first_works, PageParams(per_page=FIRST_WORKS, cursor=None), author.works_count
    )
    preview = WorksPreview(count=meta.count, next_cursor=meta.next_cursor, results=[])
    body = _overview(session, author, preview, viewer).model_dump(mode="json")
    body["works"]["results"] = items
    return orjson.dumps(body, option=ORJSON_OPTIONS)


def _record(session: Session, ident: str) -> Any:
    return live_author_row(session, ident, _overview_record(session.get_bind().dialect.name))


def _overview(
    session: Session, author: Any, works: WorksPreview, viewer: Caller | None
) -> AuthorOverview:
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
        top_topics=[
            author_topic(t["id"], t["code"], t["name"], t["works_count"], author.works_count)
            for t in orjson.loads(author.top_topics)
        ],
        close_collaborators=[
            CollaboratorOut(
                author=AuthorRef(
                    id=public_id(Kind.AUTHOR, c["id"]), display_name=c["display_name"]
                ),
                shared_works=c["shared_works"],
                strength=round(c["strength"], 4),
                last_year=c["last_year"],
            )
            for c in orjson.loads(author.collaborators)
        ],
        works=works,
        viewer=viewer_actions(
            author, viewer_state(session, viewer, author.id) if viewer is not None else None
        ),
    )
