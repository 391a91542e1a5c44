"""HTTP helpers for tests that act as a person would: register, read the mail, verify, log in."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OutboxEmail
from tests.factories import PASSWORD

_TOKEN_IN_MAIL = re.compile(r"token=([A-Za-z0-9_-]+)")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: TestClient, email: str, name: str, password: str = PASSWORD) -> Any:
    response = client.post(
        "/v1/accounts", json={"email": email, "password": password, "name": name}
    )
    assert response.status_code == 201, response.text
    return response.json()


def mailed_token(session: Session, email: str) -> str:
    """The verification token in the newest mail to `email` (the outbox, no SMTP in tests)."""
    body = session.scalars(
        select(OutboxEmail.body)
        .where(OutboxEmail.to_address == email)
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    ).first()
    assert body is not None, f"no mail to {email}"
    match = _TOKEN_IN_MAIL.search(body)
    assert match is not None, body
    return match.group(1)


def verify(client: TestClient, session: Session, email: str) -> Any:
    response = client.post("/v1/accounts/verify", json={"token": mailed_token(session, email)})
    assert response.status_code == 200, response.text
    return response.json()


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = client.post("/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    token: str = body["access_token"]
    return token


def sign_up(client: TestClient, session: Session, email: str, name: str) -> dict[str, str]:
    """Register, verify through the mailed token, log in: the headers of a verified account."""
    register(client, email, name)
    verify(client, session, email)
    return bearer(login(client, email))
