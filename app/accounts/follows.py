"""Following author records, and the feed of their new works.

`authors.followers_count` stays exact under concurrent requests without locks or recounts:
the follow row is inserted with ON CONFLICT DO NOTHING (or deleted), and the counter moves
by one in the same transaction only when that statement changed a row. Two racing follows
by one account insert one row between them, so exactly one increments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.accounts.schemas import FollowedAuthor, FollowOut
from app.authors.schemas import AuthorRef
from app.authors.service import SUMMARY_COLUMNS, summary_from_row
from app.core.ids import Kind, public_id
from app.core.pagination import (
    Meta,
    Page,
    PageParams,
    SortKey,
    encode_cursor,
    keyset,
    next_cursor,
)
from app.models import Author, Authorship, Follow, Work
from app.works.schemas import WorkOut
from app.works.service import works_out


def follow(session: Session, account_id: int, author_id: int) -> FollowOut:
    connection = session.connection()
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    # RETURNING says whether a row went in: `rowcount` is -1 on PostgreSQL once SQLAlchemy
    # adds its own RETURNING for the primary key.
    inserted = connection.execute(
        insert(Follow)
        .values(account_id=account_id, author_id=author_id, created_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["account_id", "author_id"])
        .returning(Follow.id)
    ).first()
    if inserted is not None:
        connection.execute(
            update(Author)
            .where(Author.id == author_id)
            .values(followers_count=Author.followers_count + 1)
        )
    return _state(session, author_id, following=True)


def unfollow(session: Session, account_id: int, author_id: int) -> FollowOut:
    connection = session.connection()
    deleted = connection.execute(
        delete(Follow).where(Follow.account_id == account_id, Follow.author_id == author_id)
    )
    if deleted.rowcount == 1:
        connection.execute(
            update(Author)
            .where(Author.id == author_id)
            .values(followers_count=Author.followers_count - 1)
        )
    return _state(session, author_id, following=False)


def _state(session: Session, author_id: int, *, following: bool) -> FollowOut:
    row = session.execute(
        select(Author.display_name, Author.followers_count).where(Author.id == author_id)
    ).one()
    return FollowOut(
        author=AuthorRef(id=public_id(Kind.AUTHOR, author_id), display_name=row.display_name),
        following=following,
        followers_count=row.followers_count,
    )


_FOLLOWED = "followed_at:desc"


def following(session: Session, account_id: int, page: PageParams) -> Page[FollowedAuthor]:
    """The records an account follows, most recently followed first."""
    condition = Follow.account_id == account_id
    count = session.scalar(select(func.count()).select_from(Follow).where(condition)) or 0
    stmt = (
        select(
            Follow.id.label("follow_id"), Follow.created_at.label("followed_at"), *SUMMARY_COLUMNS
        )
        .join(Author, Author.id == Follow.author_id)
        .where(condition)
    )
    rows = session.execute(
        keyset(stmt, page, _FOLLOWED, SortKey(Follow.id, descending=True), Follow.id)
    ).all()
    kept: list[Any] = list(rows[: page.per_page])
    cursor = (
        encode_cursor(_FOLLOWED, kept[-1].follow_id, kept[-1].follow_id)
        if len(rows) > page.per_page
        else None
    )
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[
            FollowedAuthor(author=summary_from_row(r), followed_at=r.followed_at) for r in kept
        ],
    )


_FEED = "publication_date:desc"


def feed(session: Session, account_id: int, page: PageParams, since: date | None) -> Page[WorkOut]:
    """Works by the authors an account follows, newest first (by first-version date)."""
    followed = select(Follow.author_id).where(Follow.account_id == account_id)
    conditions = [
        Work.is_deleted.is_(False),
        exists().where(Authorship.work_id == Work.id, Authorship.author_id.in_(followed)),
    ]
    if since is not None:
        conditions.append(Work.publication_date >= since)
    count = session.scalar(select(func.count()).select_from(Work).where(*conditions)) or 0
    key = SortKey(Work.publication_date, descending=True)
    works = session.scalars(
        keyset(select(Work).where(*conditions), page, _FEED, key, Work.id)
    ).all()
    kept, cursor = next_cursor(works, page, _FEED, "publication_date")
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=works_out(session, kept),
    )
