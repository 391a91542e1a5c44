"""Filters naming a merged author: the 301 keeps the list and swaps in the survivor.

Schemathesis's stateful phase found `/v1/works?author=<merged>` redirecting to the author
record itself, which a client following it receives in place of a page of works.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f


def test_a_filter_on_a_merged_author_moves_to_the_same_list_on_the_survivor(
    client: TestClient, session: Session
) -> None:
    survivor = f.author(session, "Benyou Wang")
    coauthor = f.author(session, "Qiuchi Li")
    old = f.author(session, "B. Wang", merged_into_id=survivor.id)
    f.work(session, [survivor, coauthor], year=2020)
    session.commit()
    for path in ("/v1/works", "/v1/coauthor-edges"):
        moved = client.get(
            path, params={"author": f"A{old.id}", "per_page": 5}, follow_redirects=False
        )
        assert moved.status_code == 301, path
        assert moved.headers["location"] == f"{path}?author=A{survivor.id}&per_page=5"
        followed = client.get(path, params={"author": f"A{old.id}", "per_page": 5})
        assert followed.status_code == 200, path
        assert set(followed.json()) == {"meta", "results"}, path
    works = client.get("/v1/works", params={"author": f"A{old.id}"}).json()["results"]
    assert [w["authorships"][0]["author"]["id"] for w in works] == [f"A{survivor.id}"]
    # Path ids still move to the survivor's own resource.
    record = client.get(f"/v1/authors/A{old.id}", follow_redirects=False)
    assert record.headers["location"] == f"/v1/authors/A{survivor.id}"
