"""Who is calling: bearer-token authentication as FastAPI dependencies.

`CurrentAccount` requires a valid token (401 otherwise) and puts the OAuth2 password flow
in the OpenAPI spec; `AdminAccount` also requires the admin role (403). Public reads that look different to a
logged-in viewer (the author overview) read the header with `bearer_token` and call
`authenticate` themselves, so the operation is not documented as secured, and an invalid
token simply means anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.email import MailSender, sender_for
from app.accounts.security import token_digest
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import Forbidden, Unauthorized
from app.models import AccessToken, Account

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/v1/auth/token",
    auto_error=False,
    description="Bearer token from `POST /v1/auth/token` (OAuth2 password flow).",
)


@dataclass(frozen=True)
class Caller:
    account: Account
    token_id: int

    @property
    def id(self) -> int:
        return self.account.id


def authenticate(session: Session, secret_key: str, token: str) -> Caller | None:
    """The account a live token belongs to; None for unknown, expired or revoked tokens."""
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(Account, AccessToken.id)
        .join(AccessToken, AccessToken.account_id == Account.id)
        .where(
            AccessToken.token_hash == token_digest(token, secret_key),
            AccessToken.revoked_at.is_(None),
            AccessToken.expires_at > datetime.now(UTC),
        )
    ).first()
    return Caller(row[0], row[1]) if row is not None else None


def current_account(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Caller:
    if not token:
        raise Unauthorized()
    caller = authenticate(session, settings.secret_key, token)
    if caller is None:
        raise Unauthorized("The token is invalid, expired or revoked.")
    return caller


def admin_account(caller: Annotated[Caller, Depends(current_account)]) -> Caller:
    if not caller.account.is_admin:
        raise Forbidden("This needs an administrator.")
    return caller


def bearer_token(request: Request) -> str | None:
    """The bearer token sent with the request, if any (not yet checked)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def require_verified(caller: Caller, action: str) -> None:
    if not caller.account.email_verified:
        raise Forbidden(f"Verify your email address to {action}.")


CurrentAccount = Annotated[Caller, Depends(current_account)]
AdminAccount = Annotated[Caller, Depends(admin_account)]


def get_mailer(settings: SettingsDep) -> MailSender:
    return sender_for(settings)


MailerDep = Annotated[MailSender, Depends(get_mailer)]
