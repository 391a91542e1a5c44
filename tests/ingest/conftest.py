"""Fixtures for the ingest tests: where the real arXiv samples are.

The samples live next to the repository (`../shared/data/arxiv`) and are read in place,
never copied into the project. Tests that need them skip when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.ingest.pipeline import RunSummary
from app.models import IngestRun
from tests.conftest import CATALOGUE_TABLES, empty_catalogue

__all__ = ["CATALOGUE_TABLES", "assert_run_stored", "empty_catalogue"]  # for the ingest tests

FIXTURES = Path(__file__).resolve().parent / "fixtures"


ARXIV_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv"


@pytest.fixture
def arxiv_data() -> Path:
    if not ARXIV_DATA.is_dir():
        pytest.skip(f"../shared/data/arxiv is absent: {ARXIV_DATA} holds the real arXiv samples")
    return ARXIV_DATA


def assert_run_stored(engine: Engine, summary: RunSummary, status: str = "done") -> IngestRun:
    """The run's row in the database says what its summary says: status, checkpoint and
    every count (the API and a resumed run read them from there, not from the summary)."""
    with Session(engine) as session:
        run = session.get_one(IngestRun, summary.run_id)
    assert run.status == status
    assert run.counts == summary.as_dict()
    assert run.seconds == summary.seconds
    assert run.finished_at is not None
    if status == "done":
        assert run.checkpoint == summary.records_read
    return run
