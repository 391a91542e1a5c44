"""Author records: lookup (by id or ORCID), lists with filters, topics, coauthors, autocomplete."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from app.authors.schemas import (
    AuthorCounts,
    AuthorDetail,
    AuthorRef,
    AuthorSummary,
    AuthorTopicOut,
    AutocompleteResponse,
    CoauthorOut,
    TrustSnapshot,
)
from app.core.errors import BadRequest, Moved, NotFound
from app.core.ids import Kind, parse_public_id, public_id
from app.core.pagination import (
    Meta,
    Page,
    PageParams,
    keyset,
    next_cursor,
    parse_sort,
)
from app.core.search import (
    BEST_OF_PREFIX,
    autocomplete_ids,
    autocomplete_prefix,
    match_authors,
)
from app.core.sqljson import json_array, json_object, json_scalar
from app.models import (
    Author,
    AuthorAffiliation,
    AuthorNameVariant,
    AuthorTopic,
    CoauthorEdge,
    Topic,
)
from app.topics.service import category_ids_under, resolve_topic, topic_ref

ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")

AUTHOR_SORTS = {
    "works_count": Author.works_count,
    "trust_score": Author.trust_score,
    "followers_count": Author.followers_count,
    "display_name": Author.display_name,
    "last_year": Author.last_year,
    "id": Author.id,
}
COAUTHOR_SORTS = {
    "strength": CoauthorEdge.strength,
    "shared_works": CoauthorEdge.shared_works,
    "last_year": CoauthorEdge.last_year,
}

SUMMARY_COLUMNS = (
    Author.id,
    Author.display_name,
    Author.orcid,
    Author.affiliation,
    Author.affiliation_provenance,
    Author.open_to_collaborate,
    Author.is_collaboration,
    Author.claim_status,
    Author.verification_level,
    Author.trust_score,
    Author.trust_tier,
    Author.works_count,
    Author.followers_count,
    Author.topics_count,
    Author.coauthors_count,
    Author.close_collaborators_count,
    Author.first_year,
    Author.last_year,
)


def summary_from_row(row: Row[Any] | Author) -> AuthorSummary:
    return AuthorSummary(
        id=public_id(Kind.AUTHOR, row.id),
        display_name=row.display_name,
        orcid=row.orcid,
        affiliation=row.affiliation,
        affiliation_provenance=row.affiliation_provenance,
        open_to_collaborate=row.open_to_collaborate,
        is_collaboration=row.is_collaboration,
        claim_status=row.claim_status,
        verification_level=row.verification_level,
        trust_score=row.trust_score,
        trust_tier=row.trust_tier,
        works_count=row.works_count,
        followers_count=row.followers_count,
        topics_count=row.topics_count,
        coauthors_count=row.coauthors_count,
        close_collaborators_count=row.close_collaborators_count,
        first_year=row.first_year,
        last_year=row.last_year,
    )


def normalise_orcid(value: str) -> str | None:
    match = ORCID_RE.match(value.strip())
    return match.group(1) if match else None


def resolve_author_id(session: Session, ident: str, *, field: str = "id") -> int:
    """Row id of a live author from "A12" or "orcid:0000-0002-1825-0097".

    A merged record answers with a redirect to the survivor (301), like OpenAlex does.
    `field` names where the id came from: "id" or "path.<name>" for a path segment,
    otherwise a query parameter (a filter such as `?author=`), whose 301 keeps the request
    and swaps in the survivor rather than sending the client to the record itself.
    """
    if ident.lower().startswith("orcid:"):
        orcid = normalise_orcid(ident[6:])
        if orcid is None:
            raise BadRequest.for_field(field, f"'{ident[:60]}' is not a valid ORCID iD.")
        found = session.scalar(select(Author.id).where(Author.orcid == orcid))
        if found is None:
            raise NotFound(f"No author with ORCID {orcid}.")
        return found
    row_id = parse_public_id(ident, Kind.AUTHOR, field=field)
    merged_into = session.execute(
        select(Author.id, Author.merged_into_id).where(Author.id == row_id)
    ).first()
    if merged_into is None:
        raise NotFound(f"No author '{ident[:60]}'.")
    if merged_into.merged_into_id is not None:
        in_query = field != "id" and not field.startswith("path.")
        raise Moved(
            f"/v1/authors/{public_id(Kind.AUTHOR, merged_into.merged_into_id)}",
            query_param=field if in_query else None,
        )
    return row_id


@dataclass(frozen=True)
class AuthorFilters:
    q: str | None = None
    topic: str | None = None
    institution: str | None = None
    verification_level: int | None = None
    claimed: bool | None = None
    min_trust: int | None = None
    open_to_collaborate: bool | None = None
    has_orcid: bool | None = None


def _conditions(session: Session, filters: AuthorFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Author.merged_into_id.is_(None)]
    if filters.q:
        match = match_authors(session.get_bind().dialect.name, filters.q)
        if match is not None:
            conditions.append(match.condition)
    if filters.topic:
        topic = resolve_topic(session, filters.topic, field="topic")
        conditions.append(
            exists().where(
                AuthorTopic.author_id == Author.id,
                AuthorTopic.topic_id.in_(select(Topic.id).where(category_ids_under(topic))),
            )
        )
    if filters.institution:
        institution_id = parse_public_id(filters.institution, Kind.INSTITUTION, field="institution")
        conditions.append(
            exists().where(
                AuthorAffiliation.author_id == Author.id,
                AuthorAffiliation.institution_id == institution_id,
            )
        )
    if filters.verification_level is not None:
        conditions.append(Author.verification_level == filters.verification_level)
    if filters.claimed is not None:
        claimed = Author.claim_status == "claimed"
        conditions.append(claimed if filters.claimed else ~claimed)
    if filters.min_trust is not None:
        conditions.append(Author.trust_score >= filters.min_trust)
    if filters.open_to_collaborate is not None:
        conditions.append(Author.open_to_collaborate.is_(filters.open_to_collaborate))
    if filters.has_orcid is not None:
        conditions.append(
            Author.orcid.is_not(None) if filters.has_orcid else Author.orcid.is_(None)
        )
    return conditions


def list_authors(
    session: Session, filters: AuthorFilters, page: PageParams, sort: str | None
) -> Page[AuthorSummary]:
    sort_name, key = parse_sort(sort, AUTHOR_SORTS, "works_count:desc")
    conditions = _conditions(session, filters)
    count = session.scalar(select(func.count()).select_from(Author).where(*conditions)) or 0
    stmt = keyset(select(*SUMMARY_COLUMNS).where(*conditions), page, sort_name, key, Author.id)
    rows = session.execute(stmt).all()
    kept, cursor = next_cursor(rows, page, sort_name, key.column.key)
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[summary_from_row(r) for r in kept],
    )


DETAIL_COLUMNS = (
    *SUMMARY_COLUMNS,
    Author.merged_into_id,
    Author.tagline,
    Author.bio,
    Author.homepage,
    Author.trust_model_version,
    Author.trust_computed_at,
    Author.created_at,
    Author.updated_at,
)


# The hottest reads' statements are built once per dialect: constructing a select costs
# more CPU than SQLite takes to answer it, and run on the session's connection they skip
# the ORM's per-statement bookkeeping (they return plain rows, never entities).
@functools.cache
def _author_record(dialect: str) -> Select[*tuple[Any, ...]]:
    """The record's DETAIL_COLUMNS with its name variants and affiliations as JSON arrays:
    one statement, one round trip to PostgreSQL instead of three. Built once per dialect."""
    variants = json_array(
        dialect,
        json_scalar(dialect, AuthorNameVariant.name),
        AuthorNameVariant.__table__,
        (AuthorNameVariant.author_id == Author.id,),
        (AuthorNameVariant.works_count.desc(), AuthorNameVariant.name),
        Author,
    )
    institution = case(
        (
            AuthorAffiliation.institution_id.is_not(None),
            literal_column(f"'{Kind.INSTITUTION.value}'").op("||")(
                AuthorAffiliation.institution_id
            ),
        )
    )
    affiliation = json_object(
        dialect,
        name=AuthorAffiliation.name,
        institution_id=institution,
        start_year=AuthorAffiliation.start_year,
        end_year=AuthorAffiliation.end_year,
        provenance=AuthorAffiliation.provenance,
        works_count=AuthorAffiliation.works_count,
    )
    affiliations = json_array(
        dialect,
        affiliation,
        AuthorAffiliation.__table__,
        (AuthorAffiliation.author_id == Author.id,),
        (AuthorAffiliation.end_year.desc().nulls_last(), AuthorAffiliation.id),
        Author,
    )
    return select(
        *DETAIL_COLUMNS, variants.label("variants"), affiliations.label("affiliations")
    ).where(Author.id == bindparam("author_id"))


def live_author_row(
    session: Session, ident: str, statement: Select[*tuple[Any, ...]]
) -> Row[*tuple[Any, ...]]:
    """The row `statement` selects for the author `:author_id` (DETAIL_COLUMNS and more),
    from "A12" or "orcid:..."; 404 if unknown, 301 if merged.

    The merged-record check is folded into the record's own select.
    """
    if ident.lower().startswith("orcid:"):
        row_id = resolve_author_id(session, ident)
    else:
        row_id = parse_public_id(ident, Kind.AUTHOR, field="id")
    author = session.connection().execute(statement, {"author_id": row_id}).first()
    if author is None:
        raise NotFound(f"No author '{ident[:60]}'.")
    if author.merged_into_id is not None:
        raise Moved(f"/v1/authors/{public_id(Kind.AUTHOR, author.merged_into_id)}")
    return author


def get_author(session: Session, ident: str) -> AuthorDetail:
    dialect = session.get_bind().dialect.name
    author = live_author_row(session, ident, _author_record(dialect))
    return AuthorDetail(
        id=public_id(Kind.AUTHOR, author.id),
        display_name=author.display_name,
        display_name_alternatives=[
            v for v in orjson.loads(author.variants) if v != author.display_name
        ],
        orcid=author.orcid,
        tagline=author.tagline,
        bio=author.bio,
        homepage=author.homepage,
        is_collaboration=author.is_collaboration,
        open_to_collaborate=author.open_to_collaborate,
        affiliation=author.affiliation,
        affiliation_provenance=author.affiliation_provenance,
        affiliations=orjson.loads(author.affiliations),
        claim_status=author.claim_status,
        verification_level=author.verification_level,
        trust=TrustSnapshot(
            score=author.trust_score,
            tier=author.trust_tier,
            model_version=author.trust_model_version,
            computed_at=author.trust_computed_at,
        ),
        counts=AuthorCounts(
            works=author.works_count,
            followers=author.followers_count,
            topics=author.topics_count,
            coauthors=author.coauthors_count,
            close_collaborators=author.close_collaborators_count,
        ),
        first_year=author.first_year,
        last_year=author.last_year,
        created_at=author.created_at,
        updated_at=author.updated_at,
    )


_TOPICS_OF_AUTHOR = (
    select(Topic.id, Topic.code, Topic.name, AuthorTopic.works_count)
    .join(Topic, Topic.id == AuthorTopic.topic_id)
    .where(AuthorTopic.author_id == bindparam("author_id"))
    .order_by(AuthorTopic.works_count.desc(), Topic.code)
    .limit(bindparam("limit"))
)


def author_topics(session: Session, author_id: int, limit: int) -> list[AuthorTopicOut]:
    works_count = session.scalar(select(Author.works_count).where(Author.id == author_id)) or 0
    rows = session.execute(_TOPICS_OF_AUTHOR, {"author_id": author_id, "limit": limit}).all()
    return [author_topic(r.id, r.code, r.name, r.works_count, works_count) for r in rows]


def author_topic(
    topic_id: int, code: str, name: str, works_count: int, author_works: int
) -> AuthorTopicOut:
    """A topic of an author's, with the share of the author's `author_works` it holds."""
    return AuthorTopicOut(
        topic=topic_ref(topic_id, code, name),
        works_count=works_count,
        share=round(works_count / author_works, 4) if author_works else 0.0,
    )


def coauthors(
    session: Session, author_id: int, close: bool | None, page: PageParams, sort: str | None
) -> Page[CoauthorOut]:
    sort_name, key = parse_sort(sort, COAUTHOR_SORTS, "strength:desc")
    conditions = [CoauthorEdge.author_id == author_id]
    if close is not None:
        conditions.append(CoauthorEdge.is_close.is_(close))
    count = session.scalar(select(func.count()).select_from(CoauthorEdge).where(*conditions)) or 0
    stmt = (
        select(CoauthorEdge, Author.display_name)
        .join(Author, Author.id == CoauthorEdge.coauthor_id)
        .where(*conditions)
    )
    rows = session.execute(keyset(stmt, page, sort_name, key, CoauthorEdge.coauthor_id)).all()
    edges = [_EdgeRow(r[0], r[1]) for r in rows]
    kept, cursor = next_cursor(edges, page, sort_name, key.column.key)
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[
            CoauthorOut(
                author=AuthorRef(
                    id=public_id(Kind.AUTHOR, e.edge.coauthor_id), display_name=e.display_name
                ),
                shared_works=e.edge.shared_works,
                first_year=e.edge.first_year,
                last_year=e.edge.last_year,
                strength=round(e.edge.strength, 4),
                close=e.edge.is_close,
            )
            for e in kept
        ],
    )


class _EdgeRow:
    """An edge row shaped for `next_cursor`: sort attributes plus `id` = the coauthor."""

    def __init__(self, edge: CoauthorEdge, display_name: str) -> None:
        self.edge = edge
        self.display_name = display_name
        self.id = edge.coauthor_id
        self.strength = edge.strength
        self.shared_works = edge.shared_works
        self.last_year = edge.last_year


def _autocomplete_rows(ids: Select[tuple[int]]) -> Select[*tuple[Any, ...]]:
    """The authors of `ids` (a select), best first, with what a suggestion shows. The main
    topic is a subquery over the chosen authors only: in the select that chooses them it
    would run for every name matching a short prefix."""
    # The main topic is the one with the most of the author's works, ties by code. Only the
    # topics at that count are joined to `topics`: sorting every topic of the author by
    # (count, code) had PostgreSQL hash the whole `topics` table once per suggestion. The
    # count is read once per author, in a materialized `best`: as a subquery of the topic's
    # own subquery (or in a `best` that SQLite flattens into it), SQLite ran it again for
    # every topic of the author.
    counts = AuthorTopic.__table__.alias("counts")
    most = (
        select(func.max(counts.c.works_count))
        .where(counts.c.author_id == Author.id)
        .correlate(Author)
        .scalar_subquery()
    )
    best = (
        select(
            Author.id,
            Author.display_name,
            Author.affiliation,
            Author.works_count,
            most.label("most_in_a_topic"),
        )
        .where(Author.id.in_(ids), Author.merged_into_id.is_(None))
        .cte("best")
        .prefix_with("MATERIALIZED")
    )
    main_topic = (
        select(Topic.name)
        .join(AuthorTopic, AuthorTopic.topic_id == Topic.id)
        .where(
            AuthorTopic.author_id == best.c.id,
            AuthorTopic.works_count == best.c.most_in_a_topic,
        )
        .order_by(Topic.code)
        .limit(1)
        .correlate(best)
        .scalar_subquery()
    )
    return select(
        best.c.id,
        best.c.display_name,
        best.c.affiliation,
        best.c.works_count,
        main_topic.label("main_topic"),
    ).order_by(best.c.works_count.desc(), best.c.id)


# Built once, as autocomplete is a hot read: the suggestions for a one-word prefix in one
# statement, where looking the ids up first took two round trips.
_AUTOCOMPLETE_BY_PREFIX = _autocomplete_rows(BEST_OF_PREFIX)
AUTOCOMPLETE_SIZE = 10


def autocomplete(session: Session, q: str) -> AutocompleteResponse:
    prefix = autocomplete_prefix(q)
    connection = session.connection()
    if prefix is not None:
        params = {"prefix": prefix, "limit": AUTOCOMPLETE_SIZE}
        rows = connection.execute(_AUTOCOMPLETE_BY_PREFIX, params).all()
    else:
        ids = autocomplete_ids(connection.dialect.name, q, AUTOCOMPLETE_SIZE)
        rows = connection.execute(_autocomplete_rows(ids)).all() if ids is not None else []
    return AutocompleteResponse.model_validate(
        {
            "results": [
                {
                    "id": public_id(Kind.AUTHOR, r.id),
                    "display_name": r.display_name,
                    "hint": r.affiliation or r.main_topic,
                    "works_count": r.works_count,
                }
                for r in rows
            ]
        }
    )
