"""Outgoing mail behind a small interface: SMTP when configured, otherwise nothing is sent and
the message stays in the outbox table for admins to read."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol


class MailDeliveryError(Exception):
    pass


class MailSender(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None: ...


class SmtpMailSender:
    def __init__(self, *, host: str, port: int, user: str, password: str, sender: str, starttls: bool) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.sender, self.starttls = sender, starttls

    def send(self, *, to: str, subject: str, body: str) -> None:
        try:
            # Header values with line breaks are refused here (ValueError): a delivery failure.
            message = EmailMessage()
            message["From"] = self.sender
            message["To"] = to
            message["Subject"] = subject
            message.set_content(body)
            with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except (OSError, ValueError, smtplib.SMTPException) as exc:
            raise MailDeliveryError(str(exc)) from exc


def get_mail_sender(settings) -> MailSender | None:  # noqa: ANN001
    """None when no SMTP server is configured: mail stays in the outbox."""
    if not settings.smtp_enabled:
        return None
    return SmtpMailSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
    )
