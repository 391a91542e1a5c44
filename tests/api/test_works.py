"""Work endpoints through HTTP: lookup by every id form, filters, search, exports."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f


def test_work_by_public_arxiv_and_doi_ids(client: TestClient, session: Session) -> None:
    a = f.author(session, "Pavel Nadolsky")
    w = f.work(
        session,
        [a],
        arxiv_id="0704.0001",
        doi="10.1103/physrevd.76.013009",
        arxiv_version=2,
        type="article",
        venue="Phys.Rev.D",
        year=2007,
    )
    session.commit()
    for ident in (
        f"W{w.id}",
        "arxiv:0704.0001",
        "arxiv:0704.0001v2",
        "doi:10.1103/PhysRevD.76.013009",
    ):
        response = client.get(f"/v1/works/{ident}")
        assert response.status_code == 200, ident
        body = response.json()
        assert body["ids"]["arxiv"] == "0704.0001"
    assert body["ids"]["arxiv_versioned"] == "0704.0001v2"
    assert body["type"] == "article"
    assert body["authorships"][0]["author"]["id"] == f"A{a.id}"
    assert client.get("/v1/works/arxiv:9999.99999").status_code == 404
    assert client.get("/v1/works/X1").status_code == 422


def test_work_exports(client: TestClient, session: Session) -> None:
    a = f.author(session, "Csaba Balázs")
    w = f.work(
        session,
        [a],
        arxiv_id="0704.0001",
        title="Prompt diphoton production",
        type="article",
        venue="Phys.Rev.D",
        year=2007,
        doi="10.1103/physrevd.76.013009",
    )
    session.commit()
    bib = client.get(f"/v1/works/W{w.id}", params={"format": "bibtex"})
    assert bib.status_code == 200
    assert bib.headers["content-type"].startswith("application/x-bibtex")
    assert bib.text.startswith("@article{balazs2007_0704.0001,")
    assert "journal = {Phys.Rev.D}" in bib.text
    csl = client.get(
        f"/v1/works/W{w.id}", headers={"Accept": "application/vnd.citationstyles.csl+json"}
    )
    item = csl.json()[0]
    assert item["type"] == "article-journal"
    assert item["author"] == [{"family": "Balázs", "given": "Csaba"}]
    assert item["issued"] == {"date-parts": [[2007, 3, 1]]}


def test_work_filters_and_search(client: TestClient, session: Session) -> None:
    a = f.author(session, "Filter Fay")
    old = f.work(
        session,
        [a],
        title="Quantum chromodynamics at colliders",
        year=2007,
        categories=("hep-ph",),
        doi="10.1/x",
    )
    new = f.work(
        session,
        [a],
        title="Large language models for code",
        year=2024,
        categories=("cs.CL", "cs.SE"),
        type="conference-paper",
    )
    session.commit()

    def ids(**params: object) -> list[str]:
        response = client.get("/v1/works", params={"author": f"A{a.id}", **params})
        assert response.status_code == 200, response.text
        return [w["id"] for w in response.json()["results"]]

    assert ids() == [f"W{new.id}", f"W{old.id}"]
    assert ids(year_from=2010) == [f"W{new.id}"]
    assert ids(has_doi=True) == [f"W{old.id}"]
    assert ids(type="conference-paper") == [f"W{new.id}"]
    assert ids(category="cs.SE") == [f"W{new.id}"]
    assert ids(topic="hep-ph") == [f"W{old.id}"]
    assert ids(q="language models") == [f"W{new.id}"]
    assert ids(q="chromodynamics") == [f"W{old.id}"]
    assert ids(sort="year:asc") == [f"W{old.id}", f"W{new.id}"]
    bad = client.get("/v1/works", params={"year_from": 2020, "year_to": 2010})
    assert bad.status_code == 400


def test_topics_tree_and_lists(client: TestClient, session: Session) -> None:
    a = f.author(session, "Topic Tester")
    f.work(session, [a], categories=("cs.CL",))
    session.commit()
    topic = client.get("/v1/topics/cs.CL").json()
    assert topic["display_name"] == "Computation and Language"
    assert topic["level"] == "category"
    assert topic["parent"]["code"] == "cs"
    same = client.get(f"/v1/topics/{topic['id']}").json()
    assert same["code"] == "cs.CL"
    works = client.get(f"/v1/topics/{topic['id']}/works").json()
    assert works["meta"]["count"] >= 1
    authors = client.get("/v1/topics/cs.CL/authors").json()
    assert "Topic Tester" in [r["display_name"] for r in authors["results"]]
    groups = client.get("/v1/topics", params={"level": "group", "per_page": 50}).json()
    assert {"grp_cs", "grp_math"} <= {g["code"] for g in groups["results"]}
    # Topic rows are 32-bit: the largest one is a plain 404, anything longer a 422.
    assert client.get("/v1/topics/T999999999").status_code == 404
    too_long = client.get("/v1/topics/T99999999999/works")
    assert too_long.status_code == 422
    assert too_long.headers["content-type"] == "application/problem+json"


def test_institutions(client: TestClient, session: Session) -> None:
    a = f.author(session, "Inst Member")
    inst = f.institution(session, "University of Padova", a)
    session.commit()
    assert (
        client.get(f"/v1/institutions/I{inst.id}").json()["display_name"] == "University of Padova"
    )
    found = client.get("/v1/institutions", params={"q": "padova"}).json()
    assert [r["id"] for r in found["results"]] == [f"I{inst.id}"]
    assert client.get("/v1/institutions/I0").status_code == 422
