"""`GET /v1/works` is encoded without pydantic models (app/works/encoding.py): the database
writes authorships and topics as JSON. Its output must be what `Page[WorkOut]` writes, field
by field and key by key, on SQLite and on PostgreSQL; these works hold what differs between
the two encoders if anything does (escaping, nulls, JSON nulls, dates, ordering, truncation).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, null, select, update
from sqlalchemy.orm import Session

from app.core.pagination import PageParams
from app.core.responses import page_response
from app.models import Authorship, Work, WorkTopic
from app.works import service
from app.works.encoding import (
    ORJSON_OPTIONS,
    WORK_COLUMNS,
    nested_item,
    work_items,
    works_with_nested,
)
from app.works.schemas import WORK_FIELDS
from tests import factories as f

_TRICKY = 'Zoë "Quoted" \\back/slash\ttab\nnewline \u0001ctrl \u2028sep 🧪 $\\alpha$ <b>&amp;'


def _ordered(value: Any) -> Any:
    """JSON data with every object as a list of (key, value) pairs: equal only when the
    keys come in the same order too."""
    if isinstance(value, dict):
        return [(k, _ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def _tricky_works(session: Session) -> list[Work]:
    first = f.author(session, _TRICKY)
    second = f.author(session, "Ada Second")
    full = f.work(
        session,
        [first, second],
        title=f"Title: {_TRICKY}",
        abstract=f"Abstract: {_TRICKY}",
        categories=("hep-th", "gr-qc", "math-ph"),
        doi="10.1/abc",
        dois=["10.1/abc", '10.2/"DEF"'],
        venue="Phys. Rev. D",
        journal_ref="Phys. Rev. D 1 (2020) 2",
        comments="12 pages, 3 figures",
        report_no="CERN-TH-2020-1",
        license="http://creativecommons.org/licenses/by/4.0/",
        is_withdrawn=True,
        source_updated=date(2021, 5, 6),
        arxiv_version=3,
        versions=[
            {"version": 1, "created": datetime(2020, 3, 1, 4, 7, 51, tzinfo=UTC).isoformat()},
            {"version": 2, "created": datetime(2020, 4, 1, 1, 2, 3, 450000, UTC).isoformat()},
            {"version": 3, "created": datetime(2020, 5, 1, 9, 0, 0).isoformat()},
            {
                "version": 4,
                "created": datetime(
                    2020, 6, 1, 9, 0, 0, 1, timezone(timedelta(hours=5, minutes=30))
                ).isoformat(),
            },
        ],
    )
    # An unmatched name, affiliations as a list, as SQL NULL and as JSON null; and more
    # authors than stored authorships (a record cut short), so it is truncated either way.
    extra = [
        (3, None, "Unmatched P. Ersön", ["Inst A", 'Inst "B", Dept. \\ C']),
        (4, None, "Nobody N.", None),
        (5, second.id, "A. Second", ["Only one"]),
        (6, None, "Null Json", None),
    ]
    for position, author_id, name, affiliations in extra:
        session.add(
            Authorship(
                work_id=full.id,
                position=position,
                author_id=author_id,
                raw_name=f"raw {name}",
                display_name=name,
                affiliations=affiliations,
            )
        )
    full.authors_count = 7
    bare = f.work(session, [], title="Bare", abstract="", versions=None, dois=None)
    bare.categories = ""
    bare.primary_category = None
    bare.publication_date = None
    bare.year = None
    bare.arxiv_version = None
    session.execute(delete(WorkTopic).where(WorkTopic.work_id == bare.id))
    session.flush()
    # Through the ORM, None in a JSON column is JSON null; SQL NULL takes null().
    session.execute(
        update(Authorship)
        .where(Authorship.work_id == full.id, Authorship.position == 4)
        .values(affiliations=null())
    )
    plain = f.work(session, [second], title="Plain work", categories=("cs.CL",))
    return [full, bare, plain]


@pytest.mark.parametrize("max_authorships", [100, 3, 1])
def test_work_items_equal_the_pydantic_models_field_by_field(
    session: Session, max_authorships: int
) -> None:
    works = _tricky_works(session)
    rows = (
        session.connection()
        .execute(select(*WORK_COLUMNS).where(Work.id.in_([w.id for w in works])).order_by(Work.id))
        .all()
    )
    models = service.works_out(session, rows, max_authorships=max_authorships)
    items = work_items(session, rows, max_authorships=max_authorships)
    # The one-statement page read by id writes the same, in the order of the ids asked for.
    ids = [row.id for row in rows]
    in_one = works_with_nested(session, [*reversed(ids), 10**9], max_authorships=max_authorships)
    assert [row.id for row in in_one] == [*reversed(ids)]
    encoded = orjson.loads(orjson.dumps(items, option=ORJSON_OPTIONS))
    from_one = [nested_item(row) for row in reversed(in_one)]
    assert orjson.loads(orjson.dumps(from_one, option=ORJSON_OPTIONS)) == encoded
    assert len(encoded) == len(models) == 3
    for model, item in zip(models, encoded, strict=True):
        expected = model.model_dump(mode="json")
        assert list(item) == list(expected) == list(WORK_FIELDS)
        for field in WORK_FIELDS:
            assert _ordered(item[field]) == _ordered(expected[field]), field
    full = encoded[0]
    assert len(full["authorships"]) == min(6, max_authorships)
    assert full["is_authors_truncated"] is True
    assert full["authorships"][0]["author"]["display_name"] == _TRICKY
    if max_authorships >= 6:
        assert full["authorships"][2]["author"] is None
        assert full["authorships"][3]["affiliations"] == full["authorships"][5]["affiliations"]
        assert full["authorships"][5]["affiliations"] == []
    assert [t["code"] for t in full["topics"]] == ["hep-th", "gr-qc", "math-ph"]  # primary first
    assert full["versions"][1]["created"] == "2020-04-01T01:02:03.450000Z"
    assert encoded[1]["topics"] == encoded[1]["authorships"] == []


def _page(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    """What the route wrote before it skipped the models: `Page[WorkOut]` via pydantic."""
    filters = service.WorkFilters(q=params.get("q"), author_id=params.get("author_id"))
    page = PageParams(per_page=params.get("per_page", 25), cursor=params.get("cursor"))
    body = page_response(
        service.list_works(session, filters, page, params.get("sort")), params.get("fields")
    ).body
    return dict(orjson.loads(body))


def test_the_route_writes_what_the_models_write(client: TestClient, session: Session) -> None:
    works = _tricky_works(session)
    author_id = session.scalar(
        select(Authorship.author_id).where(
            Authorship.work_id == works[2].id, Authorship.author_id.is_not(None)
        )
    )
    session.commit()
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"q": "quoted"}, {"q": "quoted"}),
        ({"q": "work", "per_page": 1}, {"q": "work", "per_page": 1}),
        ({"author": f"A{author_id}"}, {"author_id": author_id}),
        ({"author": f"A{author_id}", "sort": "id:asc"}, {"author_id": author_id, "sort": "id:asc"}),
        (
            {"q": "quoted", "select": "title,id,authorships,versions"},
            {"q": "quoted", "fields": ["id", "title", "authorships", "versions"]},
        ),
    ]
    for query, params in cases:
        response = client.get("/v1/works", params=query)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        got, expected = response.json(), _page(session, params)
        assert expected["results"], query
        assert _ordered(got) == _ordered(expected), query


def test_the_overview_route_writes_what_the_overview_model_writes(
    client: TestClient, session: Session
) -> None:
    from app.authors.overview import author_overview

    works = _tricky_works(session)
    authors = session.scalars(
        select(Authorship.author_id)
        .where(Authorship.work_id.in_([w.id for w in works]), Authorship.author_id.is_not(None))
        .distinct()
    ).all()
    session.commit()
    assert len(authors) >= 2
    for author_id in authors:
        response = client.get(f"/v1/authors/A{author_id}/overview")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        expected = author_overview(session, f"A{author_id}").model_dump(mode="json")
        got = response.json()
        assert got["works"]["results"], author_id
        assert _ordered(got) == _ordered(expected), author_id


def test_the_overview_of_a_prolific_author_pages_on_as_the_model_does(
    client: TestClient, session: Session
) -> None:
    """More works than the overview shows, dates tied and one work deleted: the route's
    newest works (ids found by the record's statement) and its cursor are the model's."""
    from app.authors.overview import FIRST_WORKS, author_overview

    author = f.author(session, "Prolific Writer", works_count=FIRST_WORKS + 3)
    works = [f.work(session, [author], year=2000 + i % 4) for i in range(FIRST_WORKS + 4)]
    works[-1].is_deleted = True
    session.commit()
    response = client.get(f"/v1/authors/A{author.id}/overview")
    assert response.status_code == 200, response.text
    got = response.json()
    expected = author_overview(session, f"A{author.id}").model_dump(mode="json")
    assert _ordered(got) == _ordered(expected)
    shown = [w["id"] for w in got["works"]["results"]]
    assert len(shown) == FIRST_WORKS
    assert f"W{works[-1].id}" not in shown
    assert got["works"]["next_cursor"]
    rest = client.get(
        f"/v1/authors/A{author.id}/works", params={"cursor": got["works"]["next_cursor"]}
    ).json()
    assert len(shown) + len(rest["results"]) == FIRST_WORKS + 3
    assert not set(shown) & {w["id"] for w in rest["results"]}
