"""The coauthor graph: edges as a list, author slices, expansion, paths, exports.

The ranking and the SQL live next door (`ranking`, `queries`, `slices`, `paths`); this
module is what the router calls: ids in, response models (or export bytes) out.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from app.authors.schemas import AuthorRef
from app.authors.service import resolve_author_id
from app.core.errors import BadRequest, Moved, NotFound
from app.core.ids import Kind, kind_of, parse_public_id, public_id
from app.core.pagination import Meta, Page, PageParams, keyset, next_cursor, parse_sort
from app.graph import queries
from app.graph.export import to_gexf, to_graphml
from app.graph.paths import PathCaps, shortest_path
from app.graph.ranking import NodeRef
from app.graph.schemas import (
    CoauthorEdgeOut,
    Elements,
    ExportFormat,
    GraphResponse,
    PathResponse,
)
from app.graph.slices import (
    KINDS_BY_NAME,
    SliceRequest,
    author_node,
    build_slice,
    coauthored_edge,
    pid,
)
from app.models import Author, CoauthorEdge

MAX_EXCLUDE = 500
# topics.id is a 32-bit INTEGER (the taxonomy is small) while public ids allow 62 bits;
# PostgreSQL rejects a larger literal outright instead of matching nothing.
MAX_TOPIC_ROW_ID = 2**31 - 1
MAX_PATH_DEPTH = 6
DEFAULT_PATH_DEPTH = 4
PATH_CAPS = PathCaps(max_level_edges=50_000, max_frontier=2_000)


class NoPath(NotFound):
    """404 with its own problem type, so a client can tell "these two are not linked within
    max_depth" from "no such author" without parsing `detail`."""

    type_slug = "no-path"


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


# --- parameters ------------------------------------------------------------------------


def parse_types(value: str | None) -> frozenset[Kind]:
    """ "author,work" -> {AUTHOR, WORK}; None means every type. The route's pattern has
    already allowed only known names."""
    if not value:
        return frozenset(KINDS_BY_NAME.values())
    return frozenset(KINDS_BY_NAME[name] for name in value.split(",") if name)


def parse_exclude(value: str | None) -> frozenset[NodeRef]:
    if not value:
        return frozenset()
    names = [v for v in value.split(",") if v]
    if len(names) > MAX_EXCLUDE:
        raise BadRequest.for_field(
            "query.exclude", f"At most {MAX_EXCLUDE} ids may be excluded; got {len(names)}."
        )
    nodes = (parse_node(name, field="query.exclude") for name in names)
    # A topic id beyond the column's range names no node, so there is nothing to exclude.
    return frozenset(node for node in nodes if _can_exist(node))


def _can_exist(node: NodeRef) -> bool:
    return node[0] is not Kind.TOPIC or node[1] <= MAX_TOPIC_ROW_ID


def parse_node(value: str, *, field: str) -> NodeRef:
    kind = kind_of(value)
    if kind is None:
        raise BadRequest.for_field(
            field, f"'{value[:40]}' is not a node id (A, W, T or I + digits)."
        )
    return kind, parse_public_id(value, kind, field=field)


def resolve_author(session: Session, ident: str, *, field: str, moved: Callable[[str], str]) -> int:
    """Row id of a live author. A merged one answers 301 to the same graph request on the
    survivor: `moved(survivor_id)` is that request's location."""
    try:
        return resolve_author_id(session, ident, field=field)
    except Moved as exc:
        raise Moved(moved(exc.location.rsplit("/", 1)[-1])) from None


# --- slices ----------------------------------------------------------------------------


def author_graph(
    session: Session, author_id: int, *, depth: int, limit: int, kinds: frozenset[Kind]
) -> GraphResponse:
    return build_slice(
        session, SliceRequest((Kind.AUTHOR, author_id), depth=depth, limit=limit, kinds=kinds)
    )


def expand(
    session: Session,
    node: NodeRef,
    *,
    limit: int,
    kinds: frozenset[Kind],
    excluded: frozenset[NodeRef],
) -> GraphResponse:
    """The next ring around any node; nodes in `excluded` (what the client already
    shows) are never returned, but edges from new nodes to them are."""
    if not _can_exist(node):
        raise NotFound(f"No node '{public_id(*node)}'.")
    return build_slice(
        session,
        SliceRequest(
            node,
            depth=1,
            limit=limit,
            kinds=kinds,
            excluded=excluded,
        ),
    )


# --- paths -----------------------------------------------------------------------------


def path_between(session: Session, source: int, target: int, *, max_depth: int) -> PathResponse:
    result = shortest_path(
        source,
        target,
        max_depth,
        read_edges=lambda ids: queries.coauthor_rows(session, ids),
        read_degrees=lambda ids: queries.coauthor_counts(session, ids),
        caps=PATH_CAPS,
    )
    names = f"{public_id(Kind.AUTHOR, source)} and {public_id(Kind.AUTHOR, target)}"
    if result.path is None:
        detail = f"No coauthor path between {names} within {max_depth} steps."
        if result.bounded:
            detail += " The search was bounded by server caps and may have missed one."
        raise NoPath(detail)
    path = result.path
    rows = {row.id: row for row in queries.authors(session, path)}
    nodes = [{"data": author_node(rows[a], ring)} for ring, a in enumerate(path)]
    pairs = [(min(a, b), max(a, b)) for a, b in pairwise(path)]
    edge_rows = {(r.author_id, r.coauthor_id): r for r in queries.path_edges(session, pairs)}
    edges = [
        {"data": coauthored_edge(edge_rows[pair], pid(_a(pair[0])), pid(_a(pair[1])))}
        for pair in pairs
    ]
    return PathResponse.model_validate(
        {
            "elements": {"nodes": nodes, "edges": edges},
            "meta": {
                "source": public_id(Kind.AUTHOR, source),
                "target": public_id(Kind.AUTHOR, target),
                "length": len(path) - 1,
                "path": [public_id(Kind.AUTHOR, a) for a in path],
                "max_depth": max_depth,
                "explored": result.explored,
                "bounded": result.bounded,
            },
        }
    )


def _a(row_id: int) -> NodeRef:
    return Kind.AUTHOR, row_id


# --- exports ---------------------------------------------------------------------------


def export(elements: Elements, fmt: ExportFormat, description: str) -> bytes:
    if fmt == "graphml":
        return to_graphml(elements, description=description)
    return to_gexf(elements, description=description)
