"""Author trust history: one row per change of score or model version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 00:26:19.899060
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('author_trust_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('model_version', sa.String(length=64), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_author_trust_history_author_id_authors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_author_trust_history'))
    )
    with op.batch_alter_table('author_trust_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_author_trust_history_author_id'), ['author_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('author_trust_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_author_trust_history_author_id'))

    op.drop_table('author_trust_history')
