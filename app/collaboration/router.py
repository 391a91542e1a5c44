"""HTTP routes for invitations and their message threads (only the two parties see them)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from app.accounts.deps import CurrentAccount, MailerDep
from app.authors.service import resolve_author_id
from app.collaboration import service
from app.collaboration.schemas import InvitationIn, InvitationOut, MessageIn, MessageOut
from app.core.deps import SessionDep
from app.core.errors import MOVED_RESPONSE, problems
from app.core.ids import AUTHOR_ID_PATTERN
from app.core.pagination import Page
from app.core.params import PageDep, RowIdPath
from app.core.ratelimit import enforce

router = APIRouter(tags=["collaboration"], responses=problems(400, 422))


@router.post(
    "/authors/{author_id}/invitations",
    status_code=201,
    response_model=InvitationOut,
    operation_id="invite_author",
    responses={**MOVED_RESPONSE, **problems(401, 403, 404, 409, 429)},
)
def invite_author(
    request: Request,
    response: Response,
    session: SessionDep,
    mailer: MailerDep,
    caller: CurrentAccount,
    author_id: Annotated[str, Path(pattern=AUTHOR_ID_PATTERN)],
    data: InvitationIn,
) -> InvitationOut:
    """Invite the owner of a claimed record that is open to collaborate (verified accounts
    only; rate limited per sender)."""
    enforce(request, response, "invitations", f"account:{caller.id}")
    row_id = resolve_author_id(session, author_id)
    invitation = service.invite(session, mailer, caller, row_id, data)
    response.headers["Location"] = f"/v1/invitations/{invitation.id}"
    return service.invitations_out(session, caller, [invitation])[0]


@router.get(
    "/me/invitations",
    response_model=Page[InvitationOut],
    operation_id="list_my_invitations",
    responses=problems(401),
)
def list_invitations(
    session: SessionDep,
    caller: CurrentAccount,
    page: PageDep,
    box: Annotated[Literal["all", "sent", "received"], Query()] = "all",
    status: Annotated[Literal["pending", "accepted", "declined"] | None, Query()] = None,
) -> Page[InvitationOut]:
    """Invitations you sent and received, newest first."""
    return service.list_invitations(session, caller, box, status, page)


@router.get(
    "/invitations/{invitation_id}",
    response_model=InvitationOut,
    operation_id="get_invitation",
    responses=problems(401, 404),
)
def get_invitation(
    session: SessionDep, caller: CurrentAccount, invitation_id: RowIdPath
) -> InvitationOut:
    return service.get(session, caller, invitation_id)


@router.post(
    "/invitations/{invitation_id}/accept",
    response_model=InvitationOut,
    operation_id="accept_invitation",
    responses=problems(401, 403, 404, 409),
)
def accept_invitation(
    session: SessionDep, caller: CurrentAccount, invitation_id: RowIdPath
) -> InvitationOut:
    return service.respond(session, caller, invitation_id, accept=True)


@router.post(
    "/invitations/{invitation_id}/decline",
    response_model=InvitationOut,
    operation_id="decline_invitation",
    responses=problems(401, 403, 404, 409),
)
def decline_invitation(
    session: SessionDep, caller: CurrentAccount, invitation_id: RowIdPath
) -> InvitationOut:
    return service.respond(session, caller, invitation_id, accept=False)


@router.get(
    "/invitations/{invitation_id}/messages",
    response_model=Page[MessageOut],
    operation_id="list_invitation_messages",
    responses=problems(401, 404, 409),
)
def list_messages(
    session: SessionDep, caller: CurrentAccount, invitation_id: RowIdPath, page: PageDep
) -> Page[MessageOut]:
    """The thread of an accepted invitation, oldest first."""
    return service.messages(session, caller, invitation_id, page)


@router.post(
    "/invitations/{invitation_id}/messages",
    status_code=201,
    response_model=MessageOut,
    operation_id="post_invitation_message",
    responses=problems(401, 404, 409, 429),
)
def post_message(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CurrentAccount,
    invitation_id: RowIdPath,
    data: MessageIn,
) -> MessageOut:
    enforce(request, response, "messages", f"account:{caller.id}")
    return service.post_message(session, caller, invitation_id, data.body)
