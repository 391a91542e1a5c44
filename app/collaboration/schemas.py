"""Request and response shapes for invitations and their message threads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.authors.schemas import AuthorRef
from app.core.ids import AUTHOR_REF_PATTERN
from app.core.schemas import SOME_TEXT_PATTERN

InvitationStatus = Literal["pending", "accepted", "declined"]
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=SOME_TEXT_PATTERN)]


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Text = Field(description="Why you are reaching out (at most 2,000 characters).")
    from_author: Annotated[str, Field(pattern=AUTHOR_REF_PATTERN)] | None = Field(
        default=None,
        description="Your own record to introduce yourself with (default: your first one).",
    )


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Text


class Party(BaseModel):
    name: str = Field(description="The account's name (never its email address).")
    author: AuthorRef | None = Field(description="The record the party appears as.")


class InvitationOut(BaseModel):
    id: int
    status: InvitationStatus
    direction: Literal["sent", "received"] = Field(description="Seen from the caller.")
    sender: Party
    recipient: Party
    message: str
    messages_count: int
    created_at: datetime
    responded_at: datetime | None


class MessageOut(BaseModel):
    id: int
    sent_by: Literal["sender", "recipient"] = Field(description="Which party wrote it.")
    mine: bool
    body: str
    created_at: datetime
