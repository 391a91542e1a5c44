"""SQL for graph slices: ranked neighbours per node, node attributes, edges among nodes.

Nothing here scans a table. Every query starts from a list of known ids and walks an
index range from each:

- coauthors: `ix_coauthor_edges_author_strength` (author_id, strength), read strongest
  first and stopped by LIMIT; edges are precomputed at ingestion, in both directions;
- an author's works: `ix_authorships_author_id` (author_id, work_id); a work's authors:
  the authorships primary key (work_id, position), stopped by LIMIT in author order;
- topics: the work_topics / author_topics primary keys, `ix_work_topics_topic_id`,
  `ix_author_topics_topic_id`; institutions: `ix_author_affiliations_*` and
  `ix_authorship_institutions_institution_id`.

"Top k neighbours of each of these 40 nodes" is one statement per relation: a UNION ALL
of per-node `ORDER BY ... LIMIT k` branches, each an index range read that stops after k
rows. (A window function over `author_id IN (...)` would read every edge of every node
first, which for the members of a 3,000-author paper is millions of rows.) Those unions are
built once per shape with bound parameters and reused: constructing one costs more Python
than the database spends answering it. Edges among the chosen nodes are one statement per
edge type with IN lists on both ends, i.e. index probes on a two-column key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Executable,
    Float,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from app.core.ids import Kind
from app.models import (
    Author,
    AuthorAffiliation,
    Authorship,
    AuthorshipInstitution,
    AuthorTopic,
    CoauthorEdge,
    Institution,
    Topic,
    Work,
    WorkTopic,
)

# SQLite allows 500 terms in a compound SELECT; stay well below, and keep statements short.
UNION_CHUNK = 100
# Ids per IN list: far below SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
IN_CHUNK = 500

Branch = Callable[[Any, Any, Any], Select[Any]]
"""`branch(parent, k, excluded)`: SQL expressions (bound parameters) for one parent id, the
row limit, and the child ids to leave out (an expanding parameter, or None)."""
_T = TypeVar("_T")
AnyRow = Row[*tuple[Any, ...]]


def batched(items: Iterable[_T], size: int) -> Iterable[tuple[_T, ...]]:
    """`itertools.batched` (Python 3.12) for 3.11."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


@dataclass(frozen=True)
class Relation:
    """How `parent` nodes reach their `child` neighbours, best first.

    `branch(parent, k, excluded)` selects `(parent, child, score)` for one parent, ordered
    by `score DESC` then child id (descending when `newest_first`), LIMIT k.
    """

    parent: Kind
    child: Kind
    branch: Branch
    newest_first: bool = False


def _score(expression: Any) -> Any:
    return cast(expression, Float).label("score")


def _not_in(column: Any, excluded: Any | None) -> list[Any]:
    return [] if excluded is None else [column.not_in(excluded)]


def _author_coauthors(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    e = CoauthorEdge
    return (
        select(e.author_id.label("parent"), e.coauthor_id.label("child"), _score(e.strength))
        .where(e.author_id == parent, *_not_in(e.coauthor_id, excluded))
        .order_by(e.strength.desc(), e.coauthor_id)
        .limit(k)
    )


def _author_works(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    year = func.coalesce(Work.year, 0)
    return (
        select(Authorship.author_id.label("parent"), Work.id.label("child"), _score(year))
        .join(Work, Work.id == Authorship.work_id)
        .where(
            Authorship.author_id == parent,
            Work.is_deleted.is_(False),
            *_not_in(Authorship.work_id, excluded),
        )
        .group_by(Authorship.author_id, Work.id, Work.year)
        .order_by(year.desc(), Work.id.desc())
        .limit(k)
    )


def _author_topics(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    t = AuthorTopic
    return (
        select(t.author_id.label("parent"), t.topic_id.label("child"), _score(t.works_count))
        .where(t.author_id == parent, *_not_in(t.topic_id, excluded))
        .order_by(t.works_count.desc(), t.topic_id)
        .limit(k)
    )


def _author_institutions(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    a = AuthorAffiliation
    works = func.sum(a.works_count)
    return (
        select(a.author_id.label("parent"), a.institution_id.label("child"), _score(works))
        .where(
            a.author_id == parent,
            a.institution_id.is_not(None),
            *_not_in(a.institution_id, excluded),
        )
        .group_by(a.author_id, a.institution_id)
        .order_by(works.desc(), a.institution_id)
        .limit(k)
    )


def _work_authors(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    s = Authorship
    return (
        select(s.work_id.label("parent"), s.author_id.label("child"), _score(-s.position))
        .where(s.work_id == parent, s.author_id.is_not(None), *_not_in(s.author_id, excluded))
        .order_by(s.position)
        .limit(k)
    )


def _work_topics(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    t = WorkTopic
    # PostgreSQL has no boolean -> float cast (SQLite stores booleans as 0/1 and allows it).
    primary = case((t.is_primary, 1), else_=0)
    return (
        select(t.work_id.label("parent"), t.topic_id.label("child"), _score(primary))
        .where(t.work_id == parent, *_not_in(t.topic_id, excluded))
        .order_by(t.is_primary.desc(), t.topic_id)
        .limit(k)
    )


def _work_institutions(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    ai = AuthorshipInstitution
    count = func.count()
    return (
        select(ai.work_id.label("parent"), ai.institution_id.label("child"), _score(count))
        .where(ai.work_id == parent, *_not_in(ai.institution_id, excluded))
        .group_by(ai.work_id, ai.institution_id)
        .order_by(count.desc(), ai.institution_id)
        .limit(k)
    )


def _topic_authors(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    t = AuthorTopic
    return (
        select(t.topic_id.label("parent"), t.author_id.label("child"), _score(t.works_count))
        .where(t.topic_id == parent, *_not_in(t.author_id, excluded))
        .order_by(t.works_count.desc(), t.author_id)
        .limit(k)
    )


def _topic_works(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    t = WorkTopic
    return (
        select(t.topic_id.label("parent"), t.work_id.label("child"), _score(literal(0)))
        .join(Work, Work.id == t.work_id)
        .where(t.topic_id == parent, Work.is_deleted.is_(False), *_not_in(t.work_id, excluded))
        .order_by(t.work_id.desc())
        .limit(k)
    )


def _institution_authors(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    a = AuthorAffiliation
    works = func.sum(a.works_count)
    return (
        select(a.institution_id.label("parent"), a.author_id.label("child"), _score(works))
        .where(a.institution_id == parent, *_not_in(a.author_id, excluded))
        .group_by(a.institution_id, a.author_id)
        .order_by(works.desc(), a.author_id)
        .limit(k)
    )


def _institution_works(parent: Any, k: Any, excluded: Any | None) -> Select[Any]:
    ai = AuthorshipInstitution
    return (
        select(ai.institution_id.label("parent"), ai.work_id.label("child"), _score(literal(0)))
        .join(Work, Work.id == ai.work_id)
        .where(
            ai.institution_id == parent,
            Work.is_deleted.is_(False),
            *_not_in(ai.work_id, excluded),
        )
        # DISTINCT, not GROUP BY (institution_id, work_id): SQLite then walks the
        # (institution_id, work_id) index backwards and stops at k instead of sorting
        # every work of the institution.
        .distinct()
        .order_by(ai.work_id.desc())
        .limit(k)
    )


A, W, T, INST = Kind.AUTHOR, Kind.WORK, Kind.TOPIC, Kind.INSTITUTION
RELATIONS: dict[tuple[Kind, Kind], Relation] = {
    (r.parent, r.child): r
    for r in (
        Relation(A, A, _author_coauthors),
        Relation(A, W, _author_works, newest_first=True),
        Relation(A, T, _author_topics),
        Relation(A, INST, _author_institutions),
        Relation(W, A, _work_authors),
        Relation(W, T, _work_topics),
        Relation(W, INST, _work_institutions),
        Relation(T, A, _topic_authors),
        Relation(T, W, _topic_works, newest_first=True),
        Relation(INST, A, _institution_authors),
        Relation(INST, W, _institution_works, newest_first=True),
    )
}


def neighbours(
    session: Session,
    relation: Relation,
    parents: Sequence[int],
    k: int,
    excluded: Sequence[int] = (),
) -> dict[int, list[int]]:
    """The best `k` neighbours of each parent, best first; one statement per 100 parents."""
    # Per parent, (-score, child id signed so that ascending order is best first).
    scored: dict[int, list[tuple[float, int]]] = {parent: [] for parent in parents}
    connection = session.connection()
    for chunk in batched(parents, UNION_CHUNK):
        width = _bucket(len(chunk))
        # Padding with row id 0 (never used) keeps the number of statement shapes, and so
        # of first-time builds and compilations, small; a branch for 0 reads nothing.
        padded = chunk + (0,) * (width - len(chunk))
        params: dict[str, Any] = {f"p{i}": parent for i, parent in enumerate(padded)}
        params["k"] = k
        if excluded:
            params["x"] = list(excluded)
        stmt = _neighbour_statement(relation, width, bool(excluded))
        for parent, child, score in connection.execute(stmt, params).all():
            scored[parent].append((-float(score), -child if relation.newest_first else child))
    # Sorted again here: a UNION ALL does not promise to keep each branch's order.
    sign = -1 if relation.newest_first else 1
    out: dict[int, list[int]] = {}
    for parent, rows in scored.items():
        rows.sort()
        out[parent] = list(dict.fromkeys(sign * child for _, child in rows))
    return out


def _bucket(size: int) -> int:
    """The next power of two, at most UNION_CHUNK."""
    return min(1 << (size - 1).bit_length(), UNION_CHUNK)


@lru_cache(maxsize=256)
def _neighbour_statement(relation: Relation, parents: int, excluding: bool) -> Executable:
    """The UNION ALL of `parents` branches, built once per shape with bound parameters:
    building a 100-branch statement costs milliseconds of Python, executing it does not."""
    k = bindparam("k", type_=Integer)
    excluded: BindParameter[Any] | None = bindparam("x", expanding=True) if excluding else None
    branches = [
        relation.branch(bindparam(f"p{i}", type_=BigInteger), k, excluded) for i in range(parents)
    ]
    if parents == 1:
        return branches[0]
    parts = [branch.subquery() for branch in branches]
    return union_all(*(select(part) for part in parts))


# Built once with bound parameters (IN lists are expanding parameters) and run on the
# session's connection: constructing a select() costs more Python than SQLite spends
# answering it, and the connection skips the ORM's per-statement bookkeeping. They return
# plain rows, never entities.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_LEFT: BindParameter[Any] = bindparam("left", expanding=True)
_RIGHT: BindParameter[Any] = bindparam("right", expanding=True)

_COUNTS: dict[tuple[Kind, Kind], Executable] = {
    (A, INST): select(func.count(func.distinct(AuthorAffiliation.institution_id))).where(
        AuthorAffiliation.author_id == bindparam("id")
    ),
    (W, T): select(func.count()).where(WorkTopic.work_id == bindparam("id")),
    (W, INST): select(func.count(func.distinct(AuthorshipInstitution.institution_id))).where(
        AuthorshipInstitution.work_id == bindparam("id")
    ),
}


def count_neighbours(session: Session, parent: Kind, parent_id: int, child: Kind) -> int | None:
    """Neighbours with no count column on the parent row; None when one exists."""
    stmt = _COUNTS.get((parent, child))
    if stmt is None:
        return None
    return int(session.connection().execute(stmt, {"id": parent_id}).scalar() or 0)


def _in_chunks(ids: Iterable[int]) -> Iterable[tuple[int, ...]]:
    return batched(sorted(set(ids)), IN_CHUNK)


def _rows_of(stmt: Executable) -> Callable[[Session, Iterable[int]], list[AnyRow]]:
    def read(session: Session, ids: Iterable[int]) -> list[AnyRow]:
        connection = session.connection()
        rows: list[AnyRow] = []
        for chunk in _in_chunks(ids):
            rows += connection.execute(stmt, {"ids": list(chunk)}).all()
        return rows

    return read


authors = _rows_of(
    select(
        Author.id,
        Author.display_name,
        Author.works_count,
        Author.coauthors_count,
        Author.topics_count,
        Author.trust_score,
        Author.trust_tier,
        Author.verification_level,
        Author.first_year,
        Author.last_year,
        Author.is_collaboration,
        Author.merged_into_id,
    ).where(Author.id.in_(_IDS))
)
works = _rows_of(
    select(
        Work.id,
        Work.title_plain,
        Work.year,
        Work.type,
        Work.arxiv_id,
        Work.authors_count,
        Work.primary_category,
        Work.is_deleted,
    ).where(Work.id.in_(_IDS))
)
topics = _rows_of(
    select(
        Topic.id,
        Topic.name,
        Topic.code,
        Topic.level,
        Topic.works_count,
        Topic.authors_count,
    ).where(Topic.id.in_(_IDS))
)
institutions = _rows_of(
    select(
        Institution.id,
        Institution.name,
        Institution.country,
        Institution.works_count,
        Institution.authors_count,
    ).where(Institution.id.in_(_IDS))
)


# Edges among known nodes. Each takes (left ids, right ids) and returns rows whose first two
# columns are the left and right row ids; callers pass each side in chunks.

LinkReader = Callable[[Session, Sequence[int], Sequence[int]], list[AnyRow]]


def _links_of(stmt: Executable) -> LinkReader:
    def read(session: Session, left: Sequence[int], right: Sequence[int]) -> list[AnyRow]:
        params = {"left": list(left), "right": list(right)}
        return list(session.connection().execute(stmt, params).all())

    return read


_e = CoauthorEdge
coauthored = _links_of(
    select(
        _e.author_id,
        _e.coauthor_id,
        _e.shared_works,
        _e.first_year,
        _e.last_year,
        _e.strength,
        _e.is_close,
    ).where(_e.author_id.in_(_LEFT), _e.coauthor_id.in_(_RIGHT))
)
authored = _links_of(
    select(
        Authorship.author_id, Authorship.work_id, func.min(Authorship.position).label("position")
    )
    .where(Authorship.author_id.in_(_LEFT), Authorship.work_id.in_(_RIGHT))
    .group_by(Authorship.author_id, Authorship.work_id)
)
author_topic_links = _links_of(
    select(AuthorTopic.author_id, AuthorTopic.topic_id, AuthorTopic.works_count).where(
        AuthorTopic.author_id.in_(_LEFT), AuthorTopic.topic_id.in_(_RIGHT)
    )
)
work_topic_links = _links_of(
    select(WorkTopic.work_id, WorkTopic.topic_id, WorkTopic.is_primary).where(
        WorkTopic.work_id.in_(_LEFT), WorkTopic.topic_id.in_(_RIGHT)
    )
)
author_institution_links = _links_of(
    select(
        AuthorAffiliation.author_id,
        AuthorAffiliation.institution_id,
        func.sum(AuthorAffiliation.works_count).label("works_count"),
        func.min(AuthorAffiliation.start_year).label("start_year"),
        func.max(AuthorAffiliation.end_year).label("end_year"),
    )
    .where(AuthorAffiliation.author_id.in_(_LEFT), AuthorAffiliation.institution_id.in_(_RIGHT))
    .group_by(AuthorAffiliation.author_id, AuthorAffiliation.institution_id)
)
work_institution_links = _links_of(
    select(AuthorshipInstitution.work_id, AuthorshipInstitution.institution_id)
    .where(
        AuthorshipInstitution.work_id.in_(_LEFT),
        AuthorshipInstitution.institution_id.in_(_RIGHT),
    )
    .group_by(AuthorshipInstitution.work_id, AuthorshipInstitution.institution_id)
)

_COAUTHOR_COUNTS = select(Author.id, Author.coauthors_count).where(Author.id.in_(_IDS))
_COAUTHOR_ROWS = select(_e.author_id, _e.coauthor_id).where(_e.author_id.in_(_IDS))


def coauthor_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    connection = session.connection()
    counts: dict[int, int] = {}
    for chunk in _in_chunks(ids):
        rows = connection.execute(_COAUTHOR_COUNTS, {"ids": list(chunk)})
        counts.update((row_id, count) for row_id, count in rows)
    return counts


def coauthor_rows(session: Session, authors: Sequence[int]) -> list[tuple[int, int]]:
    """Every coauthor tie of these authors as (author, coauthor), sorted. Reads only the
    primary key (author_id, coauthor_id): an index-only range per author."""
    connection = session.connection()
    rows: list[tuple[int, int]] = []
    for chunk in _in_chunks(authors):
        found = connection.execute(_COAUTHOR_ROWS, {"ids": list(chunk)})
        rows += [(author, coauthor) for author, coauthor in found]
    rows.sort()
    return rows


def path_edges(session: Session, pairs: Sequence[tuple[int, int]]) -> list[AnyRow]:
    if not pairs:
        return []
    e = CoauthorEdge
    return list(
        session.execute(
            select(
                e.author_id,
                e.coauthor_id,
                e.shared_works,
                e.first_year,
                e.last_year,
                e.strength,
                e.is_close,
            ).where(tuple_(e.author_id, e.coauthor_id).in_(pairs))
        ).all()
    )
