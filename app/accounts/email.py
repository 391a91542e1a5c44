"""Outgoing mail behind one interface: SMTP when configured, the outbox table otherwise.

The outbox row is written in the request's transaction, so a request that fails sends
nothing. SMTP delivery happens inside the request too (short timeout): mail is rare here
(verification links), and a queue would be one more moving part for no gain yet.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage
from typing import Protocol

from sqlalchemy.orm import Session

from app.core.settings import Settings
from app.models import OutboxEmail


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class MailSender(Protocol):
    def send(self, session: Session, mail: Mail) -> None: ...


class OutboxSender:
    """Keeps mail in `outbox_emails` (development and tests read it from there)."""

    def send(self, session: Session, mail: Mail) -> None:
        session.add(OutboxEmail(to_address=mail.to, subject=mail.subject, body=mail.body))
        session.flush()


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.username = settings.smtp_username
        self.password = settings.smtp_password
        self.starttls = settings.smtp_starttls
        self.sender = settings.mail_from

    def send(self, session: Session, mail: Mail) -> None:
        message = MimeMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def sender_for(settings: Settings) -> MailSender:
    return SmtpSender(settings) if settings.smtp_host else OutboxSender()
