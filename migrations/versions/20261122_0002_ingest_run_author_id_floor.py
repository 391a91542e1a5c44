"""Ingest runs remember the highest author id before they started.

A resumed run uses it to tell the authors the interrupted run created from older ones.
Existing rows get 0 (their runs finished; the floor only matters while resuming).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:23:02.943676
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ingest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id_floor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('ingest_runs', schema=None) as batch_op:
        batch_op.drop_column('author_id_floor')

