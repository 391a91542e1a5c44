"""PostgreSQL: the number of distinct authors and works in the big link tables, stated.

ANALYZE estimates a column's distinct values from a sample of 30,000 rows, and for a
column where most values occur a handful of times it guesses far too few: at a million
works it put `authorships.author_id` at 52,990 distinct values (587,000 in fact),
`authorships.work_id` at 78,353 (1,000,000) and `coauthor_edges.author_id` at 36,852
(587,000). The planner then expects about a hundred authorships per author where there are
nine, and reads the trust signals of a chunk of 2,000 authors by hashing every work (460 ms
a chunk) instead of following the index (51 ms). A negative `n_distinct` is a ratio to the
row count, so it holds as the tables grow; these are the shape of the data (about ten
authorships per author, five per work, twenty-five coauthor edges per author; arXiv's own
proportions are of the same order), and ANALYZE uses them in place of its guess.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 01:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RATIOS = (
    ("authorships", "author_id", -0.1),
    ("authorships", "work_id", -0.2),
    ("coauthor_edges", "author_id", -0.04),
    ("coauthor_edges", "coauthor_id", -0.04),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, ratio in _RATIOS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET (n_distinct = {ratio})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, _ratio in _RATIOS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} RESET (n_distinct)")
