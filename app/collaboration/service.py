"""Direct collaboration: invitations to the owners of claimed records, and a short thread.

Rules: the sender's email is verified; the record is claimed and its owner open to
collaborate; one pending invitation per sender and record; only the recipient answers;
only the two parties ever see an invitation (anybody else gets 404, so ids reveal
nothing); messages only once accepted, at most `MAX_MESSAGES` per thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.accounts.deps import Caller, require_verified
from app.accounts.email import Mail, MailSender
from app.authors.schemas import AuthorRef
from app.claims.service import owned_author_ids, owner_of
from app.collaboration.schemas import InvitationIn, InvitationOut, MessageOut, Party
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.ids import Kind, parse_public_id, public_id
from app.core.pagination import Meta, Page, PageParams, page_by_id
from app.models import Account, Author, Invitation, InvitationMessage

MAX_MESSAGES = 100
Box = Literal["all", "sent", "received"]


def invite(
    session: Session, mailer: MailSender, caller: Caller, author_id: int, data: InvitationIn
) -> Invitation:
    require_verified(caller, "send invitations")
    author = session.get(Author, author_id)
    assert author is not None
    owner = owner_of(session, author_id)
    if owner is None:
        raise Conflict("This record is not claimed: invitations reach only claimed records.")
    if owner == caller.id:
        raise Conflict("This is your own record.")
    if not author.open_to_collaborate:
        raise Conflict("This researcher is not open to collaboration invitations.")
    pending = session.scalar(
        select(Invitation.id).where(
            Invitation.sender_id == caller.id,
            Invitation.author_id == author_id,
            Invitation.status == "pending",
        )
    )
    if pending is not None:
        raise Conflict("Your invitation to this researcher is still waiting for an answer.")
    mine = owned_author_ids(session, caller.id)
    if data.from_author is not None:
        sender_author: int | None = parse_public_id(
            data.from_author, Kind.AUTHOR, field="from_author"
        )
        if sender_author not in mine:
            raise Forbidden("You can only introduce yourself with a record you own.")
    else:
        sender_author = min(mine) if mine else None
    invitation = Invitation(
        sender_id=caller.id,
        recipient_id=owner,
        author_id=author_id,
        sender_author_id=sender_author,
        message=data.message.strip(" \t\r\n"),
        status="pending",
    )
    session.add(invitation)
    session.flush()
    recipient = session.get(Account, owner)
    assert recipient is not None
    mailer.send(
        session,
        Mail(
            to=recipient.email,
            subject=f"{caller.account.name} invites you to collaborate",
            body=(
                f"{caller.account.name} sent you an invitation on bzpeer:\n\n"
                f"{invitation.message}\n\nAnswer it at GET /v1/me/invitations "
                f"(invitation {invitation.id}).\n"
            ),
        ),
    )
    return invitation


def _visible(session: Session, caller: Caller, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or caller.id not in (invitation.sender_id, invitation.recipient_id):
        raise NotFound(f"No invitation {invitation_id}.")
    return invitation


def get(session: Session, caller: Caller, invitation_id: int) -> InvitationOut:
    return invitations_out(session, caller, [_visible(session, caller, invitation_id)])[0]


def respond(session: Session, caller: Caller, invitation_id: int, *, accept: bool) -> InvitationOut:
    invitation = _visible(session, caller, invitation_id)
    if invitation.recipient_id != caller.id:
        raise Forbidden("Only the recipient answers an invitation.")
    if invitation.status != "pending":
        raise Conflict(f"This invitation was already {invitation.status}.")
    invitation.status = "accepted" if accept else "declined"
    invitation.responded_at = datetime.now(UTC)
    session.flush()
    return invitations_out(session, caller, [invitation])[0]


def list_invitations(
    session: Session, caller: Caller, box: Box, status: str | None, page: PageParams
) -> Page[InvitationOut]:
    """Newest first."""
    if box == "sent":
        conditions = [Invitation.sender_id == caller.id]
    elif box == "received":
        conditions = [Invitation.recipient_id == caller.id]
    else:
        conditions = [or_(Invitation.sender_id == caller.id, Invitation.recipient_id == caller.id)]
    if status is not None:
        conditions.append(Invitation.status == status)
    count, kept, cursor = page_by_id(
        session, Invitation, Invitation.id, conditions, page, newest_first=True
    )
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=invitations_out(session, caller, kept),
    )


def invitations_out(
    session: Session, caller: Caller, invitations: list[Invitation]
) -> list[InvitationOut]:
    """A page of invitations in three more queries: names, records, message counts."""
    if not invitations:
        return []
    account_ids = {i.sender_id for i in invitations} | {i.recipient_id for i in invitations}
    names = dict(
        session.execute(select(Account.id, Account.name).where(Account.id.in_(account_ids))).all()
    )
    author_ids = {i.author_id for i in invitations} | {
        i.sender_author_id for i in invitations if i.sender_author_id is not None
    }
    authors = dict(
        session.execute(
            select(Author.id, Author.display_name).where(Author.id.in_(author_ids))
        ).all()
    )
    counts = dict(
        session.execute(
            select(InvitationMessage.invitation_id, func.count())
            .where(InvitationMessage.invitation_id.in_([i.id for i in invitations]))
            .group_by(InvitationMessage.invitation_id)
        ).all()
    )

    def ref(author_id: int | None) -> AuthorRef | None:
        if author_id is None or author_id not in authors:
            return None
        return AuthorRef(id=public_id(Kind.AUTHOR, author_id), display_name=authors[author_id])

    return [
        InvitationOut(
            id=i.id,
            status=i.status,
            direction="sent" if i.sender_id == caller.id else "received",
            sender=Party(name=names.get(i.sender_id, ""), author=ref(i.sender_author_id)),
            recipient=Party(name=names.get(i.recipient_id, ""), author=ref(i.author_id)),
            message=i.message,
            messages_count=counts.get(i.id, 0),
            created_at=i.created_at,
            responded_at=i.responded_at,
        )
        for i in invitations
    ]


def _thread(session: Session, caller: Caller, invitation_id: int) -> Invitation:
    invitation = _visible(session, caller, invitation_id)
    if invitation.status != "accepted":
        raise Conflict("Messages open once the invitation is accepted.")
    return invitation


def messages(
    session: Session, caller: Caller, invitation_id: int, page: PageParams
) -> Page[MessageOut]:
    """Oldest first, like a conversation reads."""
    invitation = _thread(session, caller, invitation_id)
    count, kept, cursor = page_by_id(
        session,
        InvitationMessage,
        InvitationMessage.id,
        [InvitationMessage.invitation_id == invitation.id],
        page,
        newest_first=False,
    )
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[_message_out(invitation, caller, m) for m in kept],
    )


def post_message(session: Session, caller: Caller, invitation_id: int, body: str) -> MessageOut:
    invitation = _thread(session, caller, invitation_id)
    count = session.scalar(
        select(func.count())
        .select_from(InvitationMessage)
        .where(InvitationMessage.invitation_id == invitation.id)
    )
    if (count or 0) >= MAX_MESSAGES:
        raise Conflict(f"This thread is full ({MAX_MESSAGES} messages): continue elsewhere.")
    message = InvitationMessage(
        invitation_id=invitation.id, sender_id=caller.id, body=body.strip(" \t\r\n")
    )
    session.add(message)
    session.flush()
    return _message_out(invitation, caller, message)


def _message_out(invitation: Invitation, caller: Caller, message: InvitationMessage) -> MessageOut:
    return MessageOut(
        id=message.id,
        sent_by="sender" if message.sender_id == invitation.sender_id else "recipient",
        mine=message.sender_id == caller.id,
        body=message.body,
        created_at=message.created_at,
    )
