"""Accounts: registration, email verification, login and tokens, the account itself.

Services add and flush; the request commits. Passwords are argon2id hashes, tokens are
stored as keyed hashes (`app.accounts.security`), mail goes through a `MailSender`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts.deps import Caller
from app.accounts.email import Mail, MailSender
from app.accounts.schemas import AccountOut, AccountUpdate, RegisterIn, TokenInfo, TokenOut
from app.accounts.security import (
    hash_password,
    needs_rehash,
    new_token,
    normalise_email,
    token_digest,
    verify_password,
)
from app.authors.schemas import AuthorRef
from app.claims.service import owned_author_ids, refresh_author_state
from app.core.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from app.core.ids import Kind, public_id
from app.core.settings import Settings
from app.models import AccessToken, Account, Author, Claim, EmailToken, Follow

VERIFY_EMAIL = "verify_email"


def _clean_name(value: str) -> str:
    # The schema guarantees a visible character, so this never leaves an empty name.
    return value.strip(" \t\r\n")


def _now() -> datetime:
    return datetime.now(UTC)


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(Account.email == normalise_email(email))).first()


def register(session: Session, settings: Settings, mailer: MailSender, data: RegisterIn) -> Account:
    email = normalise_email(data.email)
    if account_by_email(session, email) is not None:
        raise Conflict("An account with this email address already exists.")
    account = Account(
        email=email,
        name=_clean_name(data.name),
        password_hash=hash_password(data.password),
        is_admin=False,
    )
    session.add(account)
    session.flush()
    send_verification(session, settings, mailer, account)
    return account


def create_admin(session: Session, email: str, password: str | None) -> tuple[Account, bool]:
    """Promote the account with this email, or create a verified admin account.

    Returns the account and whether it was created. An operator typed the address, so it
    counts as verified.
    """
    account = account_by_email(session, email)
    if account is not None:
        account.is_admin = True
        session.flush()
        return account, False
    if not password:
        raise BadRequest.for_field("password", "A new account needs a password.")
    account = Account(
        email=normalise_email(email),
        name=normalise_email(email).split("@")[0],
        password_hash=hash_password(password),
        is_admin=True,
        email_verified_at=_now(),
    )
    session.add(account)
    session.flush()
    return account, True


def send_verification(
    session: Session, settings: Settings, mailer: MailSender, account: Account
) -> None:
    token = new_token()
    session.add(
        EmailToken(
            account_id=account.id,
            purpose=VERIFY_EMAIL,
            email=account.email,
            token_hash=token_digest(token, settings.secret_key),
            expires_at=_now() + timedelta(hours=settings.email_token_ttl_hours),
        )
    )
    session.flush()
    link = f"{settings.public_base_url.rstrip('/')}/verify-email?token={token}"
    mailer.send(
        session,
        Mail(
            to=account.email,
            subject="Verify your email address for bzpeer",
            body=(
                f"Hello {account.name},\n\n"
                f"Confirm that this address is yours by opening\n\n  {link}\n\n"
                f"or by sending this token to POST /v1/accounts/verify:\n\n  {token}\n\n"
                f"The link expires in {settings.email_token_ttl_hours} hours. If you did not "
                "create a bzpeer account, ignore this message.\n"
            ),
        ),
    )


def verify_email(session: Session, settings: Settings, token: str) -> Account:
    row = session.scalars(
        select(EmailToken).where(
            EmailToken.token_hash == token_digest(token, settings.secret_key),
            EmailToken.purpose == VERIFY_EMAIL,
            EmailToken.used_at.is_(None),
            EmailToken.expires_at > _now(),
        )
    ).first()
    account = session.get(Account, row.account_id) if row is not None else None
    # A token mailed to an address the account no longer has proves nothing about it.
    if row is None or account is None or account.email != row.email:
        raise BadRequest.for_field("token", "This token is invalid, used or expired.")
    row.used_at = _now()
    if account.email_verified_at is None:
        account.email_verified_at = _now()
    session.flush()
    refresh_author_state(session, owned_author_ids(session, account.id))
    return account


def login(session: Session, settings: Settings, email: str, password: str) -> TokenOut:
    # An address no account can have is not looked up: PostgreSQL refuses a NUL in a query
    # (a 500), and the form body is not covered by the JSON patterns that keep NULs out.
    plausible = len(email) <= 254 and "\x00" not in email
    account = account_by_email(session, email) if plausible else None
    # One argon2 verification whether or not the account exists: no timing oracle.
    if not verify_password(account.password_hash if account else None, password):
        raise Unauthorized("Wrong email address or password.")
    assert account is not None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = _now()
    return issue_token(session, settings, account.id)


def issue_token(session: Session, settings: Settings, account_id: int) -> TokenOut:
    token = new_token()
    ttl = timedelta(minutes=settings.access_token_ttl_minutes)
    session.add(
        AccessToken(
            account_id=account_id,
            token_hash=token_digest(token, settings.secret_key),
            expires_at=_now() + ttl,
        )
    )
    session.flush()
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


def list_tokens(session: Session, caller: Caller) -> list[TokenInfo]:
    rows = session.scalars(
        select(AccessToken)
        .where(
            AccessToken.account_id == caller.id,
            AccessToken.revoked_at.is_(None),
            AccessToken.expires_at > _now(),
        )
        .order_by(AccessToken.id.desc())
        .limit(200)
    ).all()
    return [
        TokenInfo(
            id=t.id,
            created_at=t.created_at,
            expires_at=t.expires_at,
            current=t.id == caller.token_id,
        )
        for t in rows
    ]


def revoke_token(session: Session, caller: Caller, token_id: int) -> None:
    """Revoke one of the caller's own tokens (404 for anybody else's: no probing)."""
    revoked = session.execute(
        update(AccessToken)
        .where(
            AccessToken.id == token_id,
            AccessToken.account_id == caller.id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=_now())
        .execution_options(synchronize_session=False)
    )
    if not getattr(revoked, "rowcount", 0):
        raise NotFound("No such live token on this account.")


def revoke_all(session: Session, account_id: int, *, keep: int | None = None) -> None:
    conditions = [AccessToken.account_id == account_id, AccessToken.revoked_at.is_(None)]
    if keep is not None:
        conditions.append(AccessToken.id != keep)
    session.execute(
        update(AccessToken)
        .where(*conditions)
        .values(revoked_at=_now())
        .execution_options(synchronize_session=False)
    )


def account_out(session: Session, account: Account) -> AccountOut:
    owned = session.execute(
        select(Author.id, Author.display_name)
        .join(Claim, Claim.author_id == Author.id)
        .where(
            Claim.account_id == account.id,
            Claim.status == "approved",
            Author.merged_into_id.is_(None),
        )
        .order_by(Author.id)
    ).all()
    following = session.scalar(
        select(func.count()).select_from(Follow).where(Follow.account_id == account.id)
    )
    return AccountOut(
        id=account.id,
        email=account.email,
        name=account.name,
        email_verified=account.email_verified,
        is_admin=account.is_admin,
        created_at=account.created_at,
        authors=[
            AuthorRef(id=public_id(Kind.AUTHOR, r.id), display_name=r.display_name) for r in owned
        ],
        following_count=following or 0,
    )


def update_account(
    session: Session, settings: Settings, mailer: MailSender, caller: Caller, data: AccountUpdate
) -> Account:
    account = caller.account
    email = normalise_email(data.email) if data.email is not None else None
    sensitive = data.password is not None or (email is not None and email != account.email)
    if sensitive and not verify_password(account.password_hash, data.current_password or ""):
        raise Forbidden("Changing the email address or password needs the current password.")
    if data.name is not None:
        account.name = _clean_name(data.name)
    if email is not None and email != account.email:
        if account_by_email(session, email) is not None:
            raise Conflict("An account with this email address already exists.")
        account.email = email
        account.email_verified_at = None
        session.flush()
        send_verification(session, settings, mailer, account)
        # An unverified owner no longer vouches for their records (L2 drops to L1).
        refresh_author_state(session, owned_author_ids(session, account.id))
    if data.password is not None:
        account.password_hash = hash_password(data.password)
        # Whoever else holds a token of this account is logged out; this session stays.
        revoke_all(session, account.id, keep=caller.token_id)
    session.flush()
    return account
