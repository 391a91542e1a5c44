"""Institutions named in affiliations: list, search by name, lookup."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.ids import Kind, parse_public_id, public_id
from app.core.pagination import Meta, Page, PageParams, keyset, next_cursor, parse_sort
from app.institutions.schemas import InstitutionOut
from app.models import Institution

INSTITUTION_SORTS = {
    "works_count": Institution.works_count,
    "authors_count": Institution.authors_count,
    "display_name": Institution.name,
    "id": Institution.id,
}


def _out(i: Institution) -> InstitutionOut:
    return InstitutionOut(
        id=public_id(Kind.INSTITUTION, i.id),
        display_name=i.name,
        country=i.country,
        provenance=i.provenance,
        works_count=i.works_count,
        authors_count=i.authors_count,
    )


def list_institutions(
    session: Session, q: str | None, page: PageParams, sort: str | None
) -> Page[InstitutionOut]:
    sort_name, key = parse_sort(sort, INSTITUTION_SORTS, "works_count:desc")
    stmt = select(Institution)
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Institution.name).like(f"%{escaped}%", escape="\\"))
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(keyset(stmt, page, sort_name, key, Institution.id)).all()
    kept, cursor = next_cursor(rows, page, sort_name, key.column.key)
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[_out(i) for i in kept],
    )


def get_institution(session: Session, ident: str) -> InstitutionOut:
    institution = session.get(Institution, parse_public_id(ident, Kind.INSTITUTION))
    if institution is None:
        raise NotFound(f"No institution '{ident[:60]}'.")
    return _out(institution)
