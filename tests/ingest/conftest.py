"""Fixtures for the ingest tests: the real arXiv samples, and a database runs can commit to.

The samples live next to the repository (`../shared/data/arxiv`) and are read in place,
never copied into the project. Tests that need them skip when the folder is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.core.database import make_engine

# Children first, so foreign keys never object to the order.
CATALOGUE_TABLES = (
    "authorship_institutions",
    "work_topics",
    "authorships",
    "coauthor_edges",
    "author_topics",
    "author_affiliations",
    "author_name_variants",
    "works",
    "authors",
    "institutions",
    "ingest_runs",
    "harvest_states",
)

ARXIV_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv"


@pytest.fixture
def arxiv_data() -> Path:
    if not ARXIV_DATA.is_dir():
        pytest.skip(f"../shared/data/arxiv is absent: {ARXIV_DATA} holds the real arXiv samples")
    return ARXIV_DATA


def empty_catalogue(target: Engine) -> None:
    with target.begin() as connection:
        for table in CATALOGUE_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def fresh_engine(database_url: str, engine: Engine) -> Iterator[Engine]:
    """The migrated test database, emptied of catalogue rows before and after the test:
    ingestion commits for real, so a rolled-back transaction cannot contain it."""
    own = make_engine(database_url, pool_size=2)
    empty_catalogue(own)
    yield own
    empty_catalogue(own)
    own.dispose()
