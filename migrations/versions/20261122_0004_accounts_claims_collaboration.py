"""Accounts, follows, claims, corrections and collaboration.

New tables only: accounts with their access tokens, email tokens and outbox; follows;
claims (one owner per record through a partial unique index on approved claims); the
owner's standing decisions about works and the audit trail of corrections; invitations and
their messages. Existing tables are unchanged (`authors.claim_status`,
`verification_level` and `followers_count` were there from the start).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 01:13:23.381408
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email')),
    sqlite_autoincrement=True
    )
    op.create_table('outbox_emails',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_emails'))
    )
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_emails_to_address'), ['to_address'], unique=False)

    op.create_table('access_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_access_tokens_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_access_tokens_token_hash')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_tokens_account_id'), ['account_id'], unique=False)

    op.create_table('author_corrections',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('work_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('other_author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_author_corrections_actor_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_author_corrections_author_id_authors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_author_id'], ['authors.id'], name=op.f('fk_author_corrections_other_author_id_authors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_author_corrections_work_id_works'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_author_corrections')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('author_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_author_corrections_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_author_corrections_author_id', ['author_id', 'id'], unique=False)

    op.create_table('author_work_decisions',
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_author_work_decisions_author_id_authors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_author_work_decisions_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('author_id', 'work_id', name=op.f('pk_author_work_decisions'))
    )
    with op.batch_alter_table('author_work_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_author_work_decisions_work_id', ['work_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('is_dispute', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('strong_evidence', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=16), nullable=True),
    sa.Column('reviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_claims_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_claims_author_id_authors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['accounts.id'], name=op.f('fk_claims_reviewer_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_claims_author_id', ['author_id', 'status'], unique=False)
        batch_op.create_index('ix_claims_status', ['status', 'id'], unique=False)
        batch_op.create_index('uq_claims_one_owner', ['author_id'], unique=True, sqlite_where=sa.text("status = 'approved'"), postgresql_where=sa.text("status = 'approved'"))

    op.create_table('email_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_email_tokens_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_tokens_token_hash'))
    )
    with op.batch_alter_table('email_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_tokens_account_id'), ['account_id'], unique=False)

    op.create_table('follows',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_follows_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_follows_author_id_authors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('account_id', 'author_id', name=op.f('uq_follows_account_id_author_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('ix_follows_author_id', ['author_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sender_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recipient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sender_author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_invitations_author_id_authors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['accounts.id'], name=op.f('fk_invitations_recipient_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_author_id'], ['authors.id'], name=op.f('fk_invitations_sender_author_id_authors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sender_id'], ['accounts.id'], name=op.f('fk_invitations_sender_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_author_id', ['author_id'], unique=False)
        batch_op.create_index('ix_invitations_recipient_id', ['recipient_id', 'id'], unique=False)
        batch_op.create_index('ix_invitations_sender_id', ['sender_id', 'id'], unique=False)

    op.create_table('invitation_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sender_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_invitation_messages_invitation_id_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['accounts.id'], name=op.f('fk_invitation_messages_sender_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_messages')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('invitation_messages', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_messages_invitation_id', ['invitation_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invitation_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_messages_invitation_id')

    op.drop_table('invitation_messages')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_invitations_sender_id')
        batch_op.drop_index('ix_invitations_recipient_id')
        batch_op.drop_index('ix_invitations_author_id')

    op.drop_table('invitations')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index('ix_follows_author_id')

    op.drop_table('follows')
    with op.batch_alter_table('email_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_tokens_account_id'))

    op.drop_table('email_tokens')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('uq_claims_one_owner', sqlite_where=sa.text("status = 'approved'"), postgresql_where=sa.text("status = 'approved'"))
        batch_op.drop_index('ix_claims_status')
        batch_op.drop_index('ix_claims_author_id')
        batch_op.drop_index(batch_op.f('ix_claims_account_id'))

    op.drop_table('claims')
    with op.batch_alter_table('author_work_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_author_work_decisions_work_id')

    op.drop_table('author_work_decisions')
    with op.batch_alter_table('author_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_author_corrections_author_id')
        batch_op.drop_index(batch_op.f('ix_author_corrections_actor_id'))

    op.drop_table('author_corrections')
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_tokens_account_id'))

    op.drop_table('access_tokens')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_emails_to_address'))

    op.drop_table('outbox_emails')
    op.drop_table('accounts')
