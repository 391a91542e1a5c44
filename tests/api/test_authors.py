"""Author endpoints through HTTP: lookup, lists, filters, paging, coauthors, autocomplete."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from app.core.settings import Settings
from app.main import create_app
from app.models import AuthorAffiliation, AuthorNameVariant
from tests import factories as f


def test_get_author_by_id_and_orcid(client: TestClient, session: Session) -> None:
    a = f.author(session, "Maosong Sun", orcid="0000-0002-1825-0097", tagline="NLP")
    f.work(session, [a], year=2019)
    session.commit()
    by_id = client.get(f"/v1/authors/A{a.id}")
    assert by_id.status_code == 200
    body = by_id.json()
    assert body["id"] == f"A{a.id}"
    assert body["display_name"] == "Maosong Sun"
    assert body["counts"]["works"] == 1
    assert body["affiliation_provenance"] == "none"
    # Timestamps carry their offset on every database (SQLite stores them naive).
    assert body["created_at"].endswith(("Z", "+00:00"))
    by_orcid = client.get("/v1/authors/orcid:0000-0002-1825-0097")
    assert by_orcid.json()["id"] == f"A{a.id}"


def test_author_record_lists_name_variants_and_affiliations_in_order(
    client: TestClient, session: Session
) -> None:
    a = f.author(session, "Maosong Sun")
    for name, works in [("Maosong Sun", 9), ("M. Sun", 5), ("Sun Maosong", 5), ("Mao-Song Sün", 1)]:
        session.add(AuthorNameVariant(author_id=a.id, name=name, works_count=works))
    tsinghua = f.institution(session, "Tsinghua University", a)
    session.add_all(
        [
            AuthorAffiliation(author_id=a.id, name='Lab "Ω"', provenance="stated", works_count=0),
            AuthorAffiliation(
                author_id=a.id, name="Old Lab", start_year=2001, end_year=2004, works_count=3
            ),
            AuthorAffiliation(
                author_id=a.id, name="Later Lab", start_year=2005, end_year=2012, works_count=7
            ),
        ]
    )
    session.commit()
    body = client.get(f"/v1/authors/A{a.id}").json()
    # Most used first, ties by name; the display name itself is not an alternative.
    assert body["display_name_alternatives"] == ["M. Sun", "Sun Maosong", "Mao-Song Sün"]
    # Latest ended first; those without years after them, in the order they were recorded.
    assert body["affiliations"] == [
        {
            "name": "Later Lab",
            "institution_id": None,
            "start_year": 2005,
            "end_year": 2012,
            "provenance": "imported",
            "works_count": 7,
        },
        {
            "name": "Old Lab",
            "institution_id": None,
            "start_year": 2001,
            "end_year": 2004,
            "provenance": "imported",
            "works_count": 3,
        },
        {
            "name": "Tsinghua University",
            "institution_id": f"I{tsinghua.id}",
            "start_year": None,
            "end_year": None,
            "provenance": "imported",
            "works_count": 1,
        },
        {
            "name": 'Lab "Ω"',
            "institution_id": None,
            "start_year": None,
            "end_year": None,
            "provenance": "stated",
            "works_count": 0,
        },
    ]
    bare = f.author(session, "Nobody Else")
    session.commit()
    empty = client.get(f"/v1/authors/A{bare.id}").json()
    assert (empty["display_name_alternatives"], empty["affiliations"]) == ([], [])


def test_unknown_and_malformed_author_ids(client: TestClient) -> None:
    missing = client.get("/v1/authors/A999999999")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["status"] == 404
    bad = client.get("/v1/authors/W12")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "path.author_id"
    huge = client.get("/v1/authors/A99999999999999999999999")
    assert huge.status_code == 422
    assert client.get("/v1/authors/orcid:12").status_code == 422
    assert client.get("/v1/authors/orcid:0000-0002-1825-0098").status_code == 404


def test_merged_author_redirects_to_survivor(client: TestClient, session: Session) -> None:
    survivor = f.author(session, "Benyou Wang")
    old = f.author(session, "B. Wang", merged_into_id=survivor.id)
    session.commit()
    response = client.get(f"/v1/authors/A{old.id}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/v1/authors/A{survivor.id}"
    # A sub-resource moves to the survivor's same sub-resource, query kept (schemathesis
    # found the record itself answering a merged record's /topics).
    for tail in ("/topics?limit=5", "/works", "/trust/history", "/overview"):
        moved = client.get(f"/v1/authors/A{old.id}{tail}", follow_redirects=False)
        assert moved.status_code == 301, tail
        assert moved.headers["location"] == f"/v1/authors/A{survivor.id}{tail}"
    assert client.get(f"/v1/authors/A{old.id}/topics").json() == []


def test_list_filters_sort_and_cursor_paging(client: TestClient, session: Session) -> None:
    authors = [
        f.author(session, f"Paging Person{i}", works_count=i, trust_score=10 * i)
        for i in range(1, 8)
    ]
    authors[0].open_to_collaborate = True
    authors[1].orcid = "0000-0001-5109-3700"
    authors[2].claim_status = "claimed"
    session.commit()
    seen: list[str] = []
    cursor = None
    while True:
        params = {"per_page": 3, "sort": "works_count:desc", "q": "paging"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/v1/authors", params=params).json()
        assert body["meta"]["count"] == 7
        seen += [r["id"] for r in body["results"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"A{a.id}" for a in reversed(authors)]
    assert len(set(seen)) == 7

    def ids(**params: object) -> set[str]:
        return {
            r["id"]
            for r in client.get("/v1/authors", params={"q": "paging", **params}).json()["results"]
        }

    assert ids(open_to_collaborate=True) == {f"A{authors[0].id}"}
    assert ids(has_orcid=True) == {f"A{authors[1].id}"}
    assert ids(claimed=True) == {f"A{authors[2].id}"}
    assert ids(min_trust=60) == {f"A{authors[5].id}", f"A{authors[6].id}"}


def test_list_select_returns_only_chosen_fields(client: TestClient, session: Session) -> None:
    f.author(session, "Selective Sam")
    session.commit()
    body = client.get("/v1/authors", params={"select": "display_name", "q": "selective"}).json()
    assert body["results"] == [{"id": body["results"][0]["id"], "display_name": "Selective Sam"}]
    bad = client.get("/v1/authors", params={"select": "password"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.select"


def test_list_rejects_bad_parameters_with_field_names(client: TestClient) -> None:
    over = client.get("/v1/authors", params={"per_page": 201})
    assert over.status_code == 422
    assert over.json()["errors"][0]["field"] == "query.per_page"
    sort = client.get("/v1/authors", params={"sort": "password:desc"})
    assert sort.status_code == 422
    assert sort.json()["errors"][0]["field"] == "query.sort"
    cursor = client.get("/v1/authors", params={"cursor": "not-a-cursor"})
    assert cursor.status_code == 400
    nul = client.get("/v1/authors?q=a%00b")
    assert nul.status_code == 400
    assert nul.json()["errors"][0]["field"] == "query.q"
    level = client.get("/v1/authors", params={"verification_level": 2**70})
    assert level.status_code == 422


def test_topic_and_institution_filters(client: TestClient, session: Session) -> None:
    nlp = f.author(session, "Topical Tina")
    hep = f.author(session, "Topical Tom")
    f.work(session, [nlp], categories=("cs.CL",))
    f.work(session, [hep], categories=("hep-ph",))
    inst = f.institution(session, "Tsinghua University", nlp)
    session.commit()
    found = client.get("/v1/authors", params={"q": "topical", "topic": "cs.CL"}).json()
    assert [r["display_name"] for r in found["results"]] == ["Topical Tina"]
    found = client.get("/v1/authors", params={"q": "topical", "institution": f"I{inst.id}"}).json()
    assert [r["display_name"] for r in found["results"]] == ["Topical Tina"]
    assert client.get("/v1/authors", params={"topic": "xx.NOPE"}).status_code == 404
    assert client.get("/v1/authors", params={"topic": "DROP TABLE"}).status_code == 422


def test_coauthors_with_close_filter(client: TestClient, session: Session) -> None:
    a, b, c = (f.author(session, n) for n in ("Ana Core", "Ben Close", "Cy Far"))
    f.edge(session, a, b, shared=5, strength=3.5, close=True)
    f.edge(session, a, c, shared=1, strength=0.2, close=False)
    session.commit()
    body = client.get(f"/v1/authors/A{a.id}/coauthors").json()
    assert [r["author"]["display_name"] for r in body["results"]] == ["Ben Close", "Cy Far"]
    assert body["results"][0]["shared_works"] == 5
    close = client.get(f"/v1/authors/A{a.id}/coauthors", params={"close": True}).json()
    assert [r["author"]["display_name"] for r in close["results"]] == ["Ben Close"]
    edges = client.get("/v1/coauthor-edges", params={"author": f"A{a.id}", "min_shared_works": 2})
    assert [e["target"]["display_name"] for e in edges.json()["results"]] == ["Ben Close"]


def test_author_works_and_topics(client: TestClient, session: Session) -> None:
    a = f.author(session, "Works Wanda")
    f.work(session, [a], year=2018, categories=("cs.CL", "cs.LG"))
    f.work(session, [a], year=2021, categories=("cs.CL",))
    session.commit()
    works = client.get(f"/v1/authors/A{a.id}/works").json()
    assert [w["year"] for w in works["results"]] == [2021, 2018]
    topics = client.get(f"/v1/authors/A{a.id}/topics").json()
    assert topics[0]["topic"]["code"] == "cs.CL"
    assert topics[0]["works_count"] == 2
    assert topics[0]["share"] == 1.0


def test_an_autocomplete_hint_is_the_affiliation_or_the_main_topic(
    client: TestClient, session: Session
) -> None:
    """The main topic is the one with most of the author's works, ties by code; an
    affiliation comes first; an author with neither has no hint. Both query paths: a
    one-word prefix and several words."""
    topical = f.author(session, "Quillon Topical")
    for categories in (("hep-th",), ("hep-th",), ("astro-ph",), ("astro-ph",), ("cs.CL",)):
        f.work(session, [topical], categories=categories)
    f.topic(session, "astro-ph").name = "Astrophysics"
    placed = f.author(session, "Quillon Placed", affiliation="Quill Institute")
    f.work(session, [placed], categories=("math.AG",))
    f.author(session, "Quillon Bare")
    session.commit()
    for q in ("quillon", "quillon q"):
        results = client.get("/v1/autocomplete/authors", params={"q": q}).json()["results"]
        hints = {r["display_name"]: r["hint"] for r in results}
        assert hints == {
            "Quillon Topical": "Astrophysics",
            "Quillon Placed": "Quill Institute",
            "Quillon Bare": None,
        }


def test_autocomplete_prefix_ranked_and_bounded(client: TestClient, session: Session) -> None:
    for i in range(12):
        f.author(session, f"Zyx Prefixer{i}", works_count=i)
    f.author(session, "Other Name")
    session.commit()
    results = client.get("/v1/autocomplete/authors", params={"q": "prefi"}).json()["results"]
    assert len(results) == 10
    assert results[0]["display_name"] == "Zyx Prefixer11"
    assert client.get("/v1/autocomplete/authors", params={"q": ""}).status_code == 422


@pytest.mark.parametrize(
    ("path", "statements"),
    [
        ("/v1/authors/A{id}", 1),
        ("/v1/authors/A{id}/overview", 1),
        ("/v1/autocomplete/authors?q=sun", 1),
    ],
)
def test_hot_reads_run_without_a_transaction_on_postgresql(
    fresh_engine: Engine, database_url: str, path: str, statements: int
) -> None:
    """Through an app that opens its own connections (the `client` fixture's share one
    transaction): on PostgreSQL the record, the overview and autocomplete run their
    statements in autocommit (no BEGIN, no COMMIT), and the pooled connection goes back
    transactional for the next request; SQLite keeps its own transaction handling."""
    with Session(fresh_engine) as session, session.begin():
        author = f.author(session, "Maosong Sun")
        session.add(AuthorNameVariant(author_id=author.id, name="M. Sun", works_count=2))
        f.work(session, [author])
        author_id = author.id
    app = create_app(Settings(database_url=database_url, log_json=False, database_pool_size=1))
    modes: list[object] = []
    with TestClient(app) as client:
        engine = app.state.session_factory.kw["bind"]  # opened when the app starts
        postgres = engine.dialect.name == "postgresql"

        def seen(connection: Connection, *_: object) -> None:
            driver = connection.connection.driver_connection
            modes.append(driver.autocommit if postgres else driver.isolation_level)

        event.listen(engine, "before_cursor_execute", seen)
        response = client.get(path.format(id=author_id))
        assert response.status_code == 200, response.text
        assert "Maosong Sun" in response.text
        hot_modes = list(modes)
        modes.clear()
        assert client.get(f"/v1/authors/A{author_id}/topics").status_code == 200
        assert modes, "the topics list ran no statement"
    if postgres:
        # In autocommit; the next request on the same pooled connection runs in a
        # transaction again.
        assert (hot_modes, set(modes)) == ([True] * statements, {False})
    else:
        # Our isolation level (None: BEGIN is ours, app.core.database) throughout.
        assert set(hot_modes) | set(modes) == {None}
