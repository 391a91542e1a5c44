"""Topic lookups and lists: the arXiv taxonomy with work and author counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.ids import Kind, parse_public_id, public_id
from app.core.pagination import Meta, Page, PageParams, keyset, next_cursor, parse_sort
from app.core.schemas import TopicRef
from app.models import Topic
from app.topics.schemas import TopicDetail, TopicOut

TOPIC_SORTS = {
    "works_count": Topic.works_count,
    "authors_count": Topic.authors_count,
    "code": Topic.code,
    "id": Topic.id,
}


def resolve_topic(session: Session, ident: str, *, field: str = "id") -> Topic:
    """A topic by public id ("T12") or by arXiv code ("cs.CL", "hep-ph", "physics")."""
    if ident[:1] == "T" and ident[1:].isdigit():
        topic = session.get(Topic, parse_public_id(ident, Kind.TOPIC, field=field))
    else:
        topic = session.scalars(select(Topic).where(Topic.code == ident)).first()
    if topic is None:
        raise NotFound(f"No topic '{ident[:60]}'.")
    return topic


def category_ids_under(topic: Topic) -> ColumnElement[bool]:
    """Condition on Topic matching the categories at or below `topic` (works link categories)."""
    if topic.level == "category":
        return Topic.id == topic.id
    if topic.level == "archive":
        return Topic.archive_code == topic.code
    return Topic.group_code == topic.code


def topic_ref(topic_id: int, code: str, name: str) -> TopicRef:
    return TopicRef(id=public_id(Kind.TOPIC, topic_id), code=code, display_name=name)


def _out(topic: Topic) -> TopicOut:
    return TopicOut(
        id=public_id(Kind.TOPIC, topic.id),
        code=topic.code,
        display_name=topic.name,
        level=topic.level,
        parent_id=public_id(Kind.TOPIC, topic.parent_id) if topic.parent_id else None,
        legacy=topic.legacy,
        works_count=topic.works_count,
        authors_count=topic.authors_count,
    )


@dataclass(frozen=True)
class TopicFilters:
    q: str | None = None
    level: str | None = None
    parent: str | None = None


def list_topics(
    session: Session, filters: TopicFilters, page: PageParams, sort: str | None
) -> Page[TopicOut]:
    sort_name, key = parse_sort(sort, TOPIC_SORTS, "works_count:desc")
    stmt = select(Topic)
    if filters.q:
        like = f"%{filters.q.lower()}%"
        stmt = stmt.where(or_(func.lower(Topic.name).like(like), func.lower(Topic.code).like(like)))
    if filters.level:
        stmt = stmt.where(Topic.level == filters.level)
    if filters.parent:
        stmt = stmt.where(
            Topic.parent_id == resolve_topic(session, filters.parent, field="parent").id
        )
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(keyset(stmt, page, sort_name, key, Topic.id)).all()
    kept, cursor = next_cursor(rows, page, sort_name, key.column.key)
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[_out(t) for t in kept],
    )


def get_topic(session: Session, ident: str) -> TopicDetail:
    topic = resolve_topic(session, ident)
    children = session.scalars(
        select(Topic).where(Topic.parent_id == topic.id).order_by(Topic.code)
    ).all()
    parent = session.get(Topic, topic.parent_id) if topic.parent_id else None
    return TopicDetail(
        **_out(topic).model_dump(),
        parent=topic_ref(parent.id, parent.code, parent.name) if parent else None,
        children=[topic_ref(c.id, c.code, c.name) for c in children],
    )
