"""Fixtures for the ingest tests: where the real arXiv samples are.

The samples live next to the repository (`../shared/data/arxiv`) and are read in place,
never copied into the project. Tests that need them skip when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CATALOGUE_TABLES, empty_catalogue

__all__ = ["CATALOGUE_TABLES", "empty_catalogue"]  # re-exported for the ingest tests


ARXIV_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv"


@pytest.fixture
def arxiv_data() -> Path:
    if not ARXIV_DATA.is_dir():
        pytest.skip(f"../shared/data/arxiv is absent: {ARXIV_DATA} holds the real arXiv samples")
    return ARXIV_DATA
