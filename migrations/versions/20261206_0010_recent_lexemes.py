"""PostgreSQL: how many of the newest works hold each word, to size a search's id range.

A works search ranks the 500 newest matches of its words, read from an id range sized
from the words' density (`app.core.search._pg_ranked_window`). Sized from the density over
the whole corpus, the range held 3.3 to 3.9 times the 500 it needed for typical words at
a million works, each match a heap page: words are not spread evenly over time. This table
holds each word's count among the works of the newest-works index, with the width of
that index's id range; `index_recent_works` refills it whenever it rebuilds the index.
Empty until then, and a search without its words here sizes the range as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:30:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE recent_lexemes (lexeme text PRIMARY KEY, works integer NOT NULL, "
        "id_span bigint NOT NULL)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS recent_lexemes")
