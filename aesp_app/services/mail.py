"""Every e-mail is written to mail_outbox first, then delivered by SMTP when configured."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from aesp_app.integrations.mail import MailDeliveryError, MailSender, get_mail_sender
from aesp_app.models.accounts import MailStatus, OutboxMail
from aesp_app.models.base import utcnow
from aesp_app.settings import get_settings


def send_mail(
    session: Session, *, to: str, subject: str, body: str, kind: str = "general", sender: MailSender | None = None
) -> OutboxMail:
    # One-line subject: a line break in a header would be a header injection.
    subject = subject.replace("\r", " ").replace("\n", " ")
    mail = OutboxMail(to_address=to, subject=subject[:255], body_text=body, kind=kind)
    sender = sender or get_mail_sender(get_settings())
    if sender is None:
        mail.status = MailStatus.OUTBOX.value
    else:
        try:
            sender.send(to=to, subject=subject, body=body)
            mail.status = MailStatus.SENT.value
            mail.sent_at = utcnow()
        except MailDeliveryError as exc:
            # Kept with its error so nothing is lost; an admin can read it in the outbox.
            mail.status = MailStatus.FAILED.value
            mail.error = str(exc)[:2000]
    session.add(mail)
    session.flush()
    return mail


def list_outbox(session: Session, *, to: str | None = None, limit: int = 50, offset: int = 0) -> list[OutboxMail]:
    query = select(OutboxMail).order_by(col(OutboxMail.id).desc()).limit(max(1, min(limit, 200))).offset(max(0, offset))
    if to:
        query = query.where(OutboxMail.to_address == to.strip().lower())
    return list(session.exec(query))


def count_outbox(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(OutboxMail)).one())
