"""Direct collaboration: invitations to claimed authors and their short message threads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, UTCDateTime, utcnow


class Invitation(Base):
    """From an account to the owner of an author record; pending -> accepted | declined."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sender_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"))
    # The owner when it was sent: a later change of owner does not forward private mail.
    recipient_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("authors.id", ondelete="CASCADE"))
    # The sender's own record, when they have one to introduce themselves with.
    sender_author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_invitations_sender_id", "sender_id", "id"),
        Index("ix_invitations_recipient_id", "recipient_id", "id"),
        Index("ix_invitations_author_id", "author_id"),
        {"sqlite_autoincrement": True},
    )


class InvitationMessage(Base):
    __tablename__ = "invitation_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invitation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("invitations.id", ondelete="CASCADE")
    )
    sender_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_invitation_messages_invitation_id", "invitation_id", "id"),
        {"sqlite_autoincrement": True},
    )
