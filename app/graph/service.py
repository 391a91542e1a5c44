"""Coauthor edges as a list (the graph slice endpoints build on the same table)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from app.authors.schemas import AuthorRef
from app.core.ids import Kind, public_id
from app.core.pagination import Meta, Page, PageParams, keyset, next_cursor, parse_sort
from app.graph.schemas import CoauthorEdgeOut
from app.models import Author, CoauthorEdge

EDGE_SORTS = {
    "strength": CoauthorEdge.strength,
    "shared_works": CoauthorEdge.shared_works,
    "last_year": CoauthorEdge.last_year,
}


def list_edges(
    session: Session,
    author_id: int | None,
    min_shared_works: int | None,
    close: bool | None,
    page: PageParams,
    sort: str | None,
) -> Page[CoauthorEdgeOut]:
    sort_name, key = parse_sort(sort, EDGE_SORTS, "strength:desc")
    conditions: list[ColumnElement[bool]] = []
    if author_id is not None:
        conditions.append(CoauthorEdge.author_id == author_id)
    else:
        # Edges are stored in both directions; without an author, list each pair once.
        conditions.append(CoauthorEdge.author_id < CoauthorEdge.coauthor_id)
    if min_shared_works is not None:
        conditions.append(CoauthorEdge.shared_works >= min_shared_works)
    if close is not None:
        conditions.append(CoauthorEdge.is_close.is_(close))
    count = session.scalar(select(func.count()).select_from(CoauthorEdge).where(*conditions)) or 0
    source, target = aliased(Author), aliased(Author)
    stmt = (
        select(
            CoauthorEdge,
            source.display_name.label("source_name"),
            target.display_name.label("target_name"),
        )
        .join(source, source.id == CoauthorEdge.author_id)
        .join(target, target.id == CoauthorEdge.coauthor_id)
        .where(*conditions)
    )
    rows = session.execute(keyset(stmt, page, sort_name, key, CoauthorEdge.pair_key)).all()
    shaped = [_Row(r) for r in rows]
    kept, cursor = next_cursor(shaped, page, sort_name, key.column.key)
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[
            CoauthorEdgeOut(
                source=AuthorRef(
                    id=public_id(Kind.AUTHOR, r.edge.author_id), display_name=r.source
                ),
                target=AuthorRef(
                    id=public_id(Kind.AUTHOR, r.edge.coauthor_id), display_name=r.target
                ),
                shared_works=r.edge.shared_works,
                first_year=r.edge.first_year,
                last_year=r.edge.last_year,
                strength=round(r.edge.strength, 4),
                close=r.edge.is_close,
            )
            for r in kept
        ],
    )


class _Row:
    def __init__(self, row: Any) -> None:
        self.edge: CoauthorEdge = row[0]
        self.source: str = row.source_name
        self.target: str = row.target_name
        self.id = self.edge.pair_key
        self.strength = self.edge.strength
        self.shared_works = self.edge.shared_works
        self.last_year = self.edge.last_year
