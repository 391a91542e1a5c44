"""An owner's corrections survive re-ingestion: ingest a corpus, claim, merge, confirm,
reject and split through HTTP, ingest changed versions of every record, and find every
correction still standing. Committed data (the pipeline commits), so `fresh_engine`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.claims.service import refresh_author_state
from app.core.settings import Settings
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.pipeline import Pipeline
from app.main import create_app
from app.models import Author, AuthorCorrection, Authorship, Work
from tests import factories as f
from tests.accounts.http import bearer

ADA = ["Lovelace", "Ada", ""]
ADA_KING = ["King", "Ada", ""]
MARY = ["Somerville", "Mary", ""]
HERS = ["2101.00001", "2101.00002", "2101.00003", "2101.00004"]
AS_KING = ["2102.00005", "2102.00006"]
NOT_HERS = "2103.00007"
SOMEONE_ELSES = ["2104.00008", "2104.00009"]


def _record(arxiv_id: str, authors: list[list[str]], version: int) -> dict[str, Any]:
    versions = [
        {"version": f"v{v}", "created": f"Mon, {v} Mar 2021 10:00:00 GMT"}
        for v in range(1, version + 1)
    ]
    return {
        "id": arxiv_id,
        "submitter": "Ada Lovelace",
        "authors": ", ".join(f"{first} {last}" for last, first, _ in authors),
        "title": f"Notes on the analytical engine {arxiv_id} (v{version})",
        "comments": None,
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": "math.HO",
        "license": None,
        "abstract": f"On engines, version {version}.",
        "versions": versions,
        "update_date": f"2021-03-0{version}",
        "authors_parsed": authors,
    }


def _corpus(version: int) -> bytes:
    records = [_record(a, [ADA, MARY], version) for a in HERS]
    records += [_record(a, [ADA_KING, MARY], version) for a in AS_KING]
    records += [_record(a, [ADA, MARY], version) for a in [NOT_HERS, *SOMEONE_ELSES]]
    if version > 1:
        # The next version spells her name differently on a work she confirmed.
        records[0]["authors_parsed"] = [["Lovelace", "A. A.", ""], MARY]
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _ingest(engine: Engine, version: int, tmp_path: Path) -> None:
    pipeline = Pipeline(
        engine,
        Settings(),
        source=f"corpus-v{version}",
        fmt="snapshot",
        fingerprint=f"corrections-v{version}",
        errors_path=tmp_path / f"errors-v{version}.jsonl",
        batch_size=4,
    )
    pipeline.run(iter_snapshot(io.BytesIO(_corpus(version))))
    assert pipeline.summary.records_skipped == 0


def _first_author(engine: Engine) -> dict[str, int | None]:
    """arXiv id -> the record its first author is filed under."""
    with Session(engine) as session:
        rows = session.execute(
            select(Work.arxiv_id, Authorship.author_id)
            .join(Authorship, Authorship.work_id == Work.id)
            .where(Authorship.position == 1)
        ).all()
        return dict(rows)


def test_corrections_survive_reingestion(
    fresh_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    _ingest(fresh_engine, 1, tmp_path)
    filed = _first_author(fresh_engine)
    lovelace = filed[HERS[0]]
    king = filed[AS_KING[0]]
    assert lovelace is not None
    assert king is not None
    assert lovelace != king
    # Disambiguation filed every "Ada Lovelace" work under one record (same coauthor,
    # same category, same year), and the "Ada King" ones under another.
    assert {filed[a] for a in [*HERS, NOT_HERS, *SOMEONE_ELSES]} == {lovelace}
    assert {filed[a] for a in AS_KING} == {king}

    with Session(fresh_engine) as session:
        owner = f.account(session, "ada@example.org", name="Ada Lovelace")
        f.ownership(session, owner, session.get_one(Author, lovelace), strong=True)
        f.ownership(session, owner, session.get_one(Author, king), strong=True)
        refresh_author_state(session, [lovelace, king])
        headers = bearer(f.token(session, owner))
        work_ids = dict(session.execute(select(Work.arxiv_id, Work.id)).all())
        session.commit()

    A = f"A{lovelace}"
    with TestClient(create_app(settings)) as client:
        merged = client.post(
            f"/v1/authors/{A}/merge", json={"author_ids": [f"A{king}"]}, headers=headers
        )
        assert merged.status_code == 200, merged.text
        confirmed = client.post(
            f"/v1/authors/{A}/works/W{work_ids[HERS[0]]}/confirm", headers=headers
        )
        assert confirmed.json()["decision"] == "confirmed"
        rejected = client.post(
            f"/v1/authors/{A}/works/W{work_ids[NOT_HERS]}/reject", headers=headers
        )
        assert rejected.json()["decision"] == "rejected"
        split = client.post(
            f"/v1/authors/{A}/split",
            json={"work_ids": [f"W{work_ids[a]}" for a in SOMEONE_ELSES], "display_name": "Ada Lovelace (astronomer)"},
            headers=headers,
        )  # fmt: skip
        assert split.status_code == 201, split.text
        split_id = int(split.json()["id"][1:])
        assert split.json()["counts"]["works"] == 2
        assert client.get(f"/v1/authors/{A}").json()["counts"]["works"] == 6
        # A display name no paper spells: it must stay the name and stay searchable.
        renamed = client.patch(
            f"/v1/authors/{A}", json={"display_name": "Augusta Ada Byron"}, headers=headers
        )
        assert renamed.status_code == 200, renamed.text

        _ingest(fresh_engine, 2, tmp_path)
        _ingest(fresh_engine, 2, tmp_path)  # and once more: nothing moves either

        refiled = _first_author(fresh_engine)
        assert {refiled[a] for a in [*HERS, *AS_KING]} == {lovelace}
        assert refiled[NOT_HERS] != lovelace
        assert {refiled[a] for a in SOMEONE_ELSES} == {split_id}
        record = client.get(f"/v1/authors/{A}").json()
        assert record["counts"]["works"] == 6
        assert record["claim_status"] == "claimed"
        assert record["verification_level"] == 3
        assert record["display_name"] == "Augusta Ada Byron"
        found = client.get("/v1/authors", params={"q": "Augusta Byron"}).json()["results"]
        assert [a["id"] for a in found] == [A]
        found = client.get("/v1/authors", params={"q": "King"}).json()["results"]
        assert A in [a["id"] for a in found]
        moved = client.get(f"/v1/authors/A{king}", follow_redirects=False)
        assert moved.status_code == 301
        assert moved.headers["location"].endswith(f"/v1/authors/{A}")
        assert client.get(f"/v1/authors/A{split_id}").json()["claim_status"] == "unclaimed"
        with Session(fresh_engine) as session:
            title = session.scalar(select(Work.title).where(Work.arxiv_id == HERS[0]))
            assert title is not None
            assert title.endswith("(v2)")
            trail = set(
                session.scalars(
                    select(AuthorCorrection.action).where(AuthorCorrection.author_id == lovelace)
                )
            )
        assert {"merge", "confirm_work", "reject_work", "split"} <= trail
