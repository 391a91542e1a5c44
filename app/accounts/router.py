"""HTTP routes for accounts, authentication, the caller's own data, follows and the feed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.accounts import follows, service
from app.accounts.deletion import delete_account
from app.accounts.deps import CurrentAccount, MailerDep
from app.accounts.schemas import (
    Accepted,
    AccountOut,
    AccountUpdate,
    FollowedAuthor,
    FollowOut,
    RegisterIn,
    TokenInfo,
    TokenOut,
    VerifyEmailIn,
)
from app.accounts.security import normalise_email
from app.authors.service import resolve_author_id
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import MOVED_RESPONSE, BadRequest, Conflict, problems
from app.core.pagination import Page
from app.core.params import AuthorIdPath, PageDep, RowIdPath
from app.core.ratelimit import client_address, enforce
from app.works.schemas import WorkOut

router = APIRouter(responses=problems(400, 422))
NO_CONTENT: dict[int | str, dict[str, Any]] = {204: {"description": "Done."}}


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountOut,
    operation_id="register",
    tags=["accounts"],
    responses=problems(409, 429),
)
def register(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    data: RegisterIn,
) -> AccountOut:
    """Create an account; a verification link goes to the address."""
    enforce(request, response, "register", client_address(request))
    account = service.register(session, settings, mailer, data)
    return service.account_out(session, account)


@router.post(
    "/accounts/verify",
    response_model=AccountOut,
    operation_id="verify_email",
    tags=["accounts"],
    responses=problems(429),
)
def verify_email(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    data: VerifyEmailIn,
) -> AccountOut:
    """Confirm the email address with the token that was mailed to it."""
    enforce(request, response, "verify_email", client_address(request))
    return service.account_out(session, service.verify_email(session, settings, data.token))


@router.post(
    "/accounts/verify/resend",
    status_code=202,
    response_model=Accepted,
    operation_id="resend_verification",
    tags=["accounts"],
    responses=problems(401, 409, 429),
)
def resend_verification(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    caller: CurrentAccount,
) -> Accepted:
    enforce(request, response, "verify_email", f"account:{caller.id}")
    if caller.account.email_verified:
        raise Conflict("This email address is already verified.")
    service.send_verification(session, settings, mailer, caller.account)
    return Accepted(detail="A new verification link is on its way.")


@router.post(
    "/auth/token",
    response_model=TokenOut,
    operation_id="login",
    tags=["auth"],
    responses=problems(401, 429),
)
def login(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    """OAuth2 password flow: `username` is the email address. Returns a bearer token."""
    address = client_address(request)
    enforce(request, response, "login_ip", address)
    enforce(request, response, "login", f"{normalise_email(form.username)[:254]}|{address}")
    response.headers["Cache-Control"] = "no-store"
    return service.login(session, settings, form.username, form.password)


@router.post(
    "/auth/logout",
    status_code=204,
    response_class=Response,
    operation_id="logout",
    tags=["auth"],
    responses={**NO_CONTENT, **problems(401)},
)
def logout(session: SessionDep, caller: CurrentAccount) -> Response:
    """Revoke the token this request was made with."""
    service.revoke_token(session, caller, caller.token_id)
    return Response(status_code=204)


@router.get(
    "/me", response_model=AccountOut, operation_id="get_me", tags=["me"], responses=problems(401)
)
def get_me(session: SessionDep, caller: CurrentAccount) -> AccountOut:
    return service.account_out(session, caller.account)


@router.patch(
    "/me",
    response_model=AccountOut,
    operation_id="update_me",
    tags=["me"],
    responses=problems(401, 403, 409),
)
def update_me(
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    caller: CurrentAccount,
    data: AccountUpdate,
) -> AccountOut:
    """Change name, email (verified again) or password (other tokens are revoked)."""
    account = service.update_account(session, settings, mailer, caller, data)
    return service.account_out(session, account)


@router.delete(
    "/me",
    status_code=204,
    response_class=Response,
    operation_id="delete_me",
    tags=["me"],
    responses={**NO_CONTENT, **problems(401)},
)
def delete_me(session: SessionDep, caller: CurrentAccount) -> Response:
    """Delete the account and its personal data; owned records return to unclaimed."""
    delete_account(session, caller)
    return Response(status_code=204)


@router.get(
    "/me/tokens",
    response_model=list[TokenInfo],
    operation_id="list_my_tokens",
    tags=["me"],
    responses=problems(401),
)
def list_tokens(session: SessionDep, caller: CurrentAccount) -> list[TokenInfo]:
    return service.list_tokens(session, caller)


@router.delete(
    "/me/tokens",
    status_code=204,
    response_class=Response,
    operation_id="revoke_all_my_tokens",
    tags=["me"],
    responses={**NO_CONTENT, **problems(401)},
)
def revoke_all_tokens(session: SessionDep, caller: CurrentAccount) -> Response:
    """Log out everywhere, this token included."""
    service.revoke_all(session, caller.id)
    return Response(status_code=204)


@router.delete(
    "/me/tokens/{token_id}",
    status_code=204,
    response_class=Response,
    operation_id="revoke_my_token",
    tags=["me"],
    responses={**NO_CONTENT, **problems(401, 404)},
)
def revoke_token(
    session: SessionDep,
    caller: CurrentAccount,
    token_id: RowIdPath,
) -> Response:
    service.revoke_token(session, caller, token_id)
    return Response(status_code=204)


@router.put(
    "/authors/{author_id}/follow",
    response_model=FollowOut,
    operation_id="follow_author",
    tags=["follows"],
    responses={**MOVED_RESPONSE, **problems(401, 404)},
)
def follow_author(
    session: SessionDep, caller: CurrentAccount, author_id: AuthorIdPath
) -> FollowOut:
    """Follow a researcher (idempotent)."""
    return follows.follow(session, caller.id, resolve_author_id(session, author_id))


@router.delete(
    "/authors/{author_id}/follow",
    response_model=FollowOut,
    operation_id="unfollow_author",
    tags=["follows"],
    responses={**MOVED_RESPONSE, **problems(401, 404)},
)
def unfollow_author(
    session: SessionDep, caller: CurrentAccount, author_id: AuthorIdPath
) -> FollowOut:
    """Stop following (idempotent)."""
    return follows.unfollow(session, caller.id, resolve_author_id(session, author_id))


@router.get(
    "/me/following",
    response_model=Page[FollowedAuthor],
    operation_id="list_my_following",
    tags=["follows"],
    responses=problems(401),
)
def list_following(
    session: SessionDep, caller: CurrentAccount, page: PageDep
) -> Page[FollowedAuthor]:
    return follows.following(session, caller.id, page)


@router.get(
    "/me/feed",
    response_model=Page[WorkOut],
    operation_id="get_my_feed",
    tags=["follows"],
    responses=problems(401),
)
def get_feed(
    session: SessionDep,
    caller: CurrentAccount,
    page: PageDep,
    since: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            description="Only works first published on or after this date (YYYY-MM-DD).",
            examples=["2024-01-31"],
        ),
    ] = None,
) -> Page[WorkOut]:
    """New works by the researchers you follow, newest first."""
    # A string checked here rather than a `date`: pydantic would also take `0` or a
    # timestamp for a date, which the spec (and any client reading it) says is invalid.
    try:
        first_day = date.fromisoformat(since) if since is not None else None
    except ValueError:
        raise BadRequest.for_field("since", f"'{since}' is not a calendar date.") from None
    return follows.feed(session, caller.id, page, first_day)
