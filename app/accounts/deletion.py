"""Deleting an account: the one flow that reaches into every domain holding personal data.

What goes: the account (email, name, password hash), its tokens and email tokens, mail
queued to its address, its follows (follower counts move down by exactly those rows), its
claims, and every invitation it sent or received with their messages. Records it owned
return to unclaimed, and what it wrote on them (tagline, bio, homepage, stated
affiliation, open to collaborate) is cleared. What stays: corrections of public records
(merges, splits, decisions about works) and their audit trail, with the actor's id
removed (`actor_role` keeps whether an owner or an administrator acted).
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.accounts.deps import Caller
from app.claims.service import release_records
from app.models import Account, Author, Follow, OutboxEmail


def delete_account(session: Session, caller: Caller) -> None:
    account_id = caller.id
    email = caller.account.email
    connection = session.connection()
    followed = list(
        session.scalars(select(Follow.author_id).where(Follow.account_id == account_id))
    )
    for author_id in followed:
        removed = connection.execute(
            delete(Follow).where(Follow.account_id == account_id, Follow.author_id == author_id)
        )
        if removed.rowcount == 1:
            connection.execute(
                update(Author)
                .where(Author.id == author_id)
                .values(followers_count=Author.followers_count - 1)
            )
    release_records(session, account_id)
    connection.execute(delete(OutboxEmail).where(OutboxEmail.to_address == email))
    # Tokens, email tokens, invitations and their messages go by ON DELETE CASCADE; audit
    # rows and reviews keep their content with the actor set to NULL.
    connection.execute(delete(Account).where(Account.id == account_id))
    session.expire_all()
