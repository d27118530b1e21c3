"""Mail service: every message lands in mail_outbox; with SMTP configured it is delivered, and a
delivery failure is kept with its error. SMTP is exercised for real against a local server."""

from __future__ import annotations

import contextlib
import functools
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session, select

from aesp_app.integrations.mail import MailDeliveryError, SmtpMailSender, get_mail_sender
from aesp_app.models.accounts import MailStatus, OutboxMail
from aesp_app.services import accounts, mail, security
from aesp_app.settings import get_settings, reset_settings_cache

SUBJECT = "Xác nhận tài khoản AESP — “Welcome”"
BODY = "Xin chào Nguyễn Văn Ánh,\n\nMở liên kết: https://aesp.example/verify-email?token=abc_DEF-123\n\nAESP ✓"


@pytest.fixture(autouse=True)
def _no_smtp(monkeypatch):
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    reset_settings_cache()
    yield
    reset_settings_cache()


def fresh(session: Session) -> Session:
    return Session(session.get_bind(), expire_on_commit=False)


def stored_mails(session: Session) -> list[OutboxMail]:
    with fresh(session) as other:
        return list(other.exec(select(OutboxMail).order_by(OutboxMail.id)))


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[dict] = []

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.sent.append({"to": to, "subject": subject, "body": body})


class FailingSender:
    def send(self, *, to: str, subject: str, body: str) -> None:
        raise MailDeliveryError("421 4.7.0 try again later")


# --- a real SMTP server on 127.0.0.1 ---------------------------------------------------------


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802, ANN201
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message_from_bytes(envelope.content, policy=policy.default)}
        )
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer" and auth_data.password == b"s3cret-pass"
    return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def smtp_server(**kwargs):  # noqa: ANN003, ANN201
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtpd():
    with smtp_server() as server:
        yield server


@pytest.fixture
def smtpd_auth():
    with smtp_server(authenticator=_authenticator, auth_require_tls=False) as server:
        yield server


def smtp_sender(port: int, **changes) -> SmtpMailSender:  # noqa: ANN003
    options = dict(host="127.0.0.1", port=port, user="", password="", sender="AESP <no-reply@aesp.example>", starttls=False)
    options.update(changes)
    return SmtpMailSender(**options)


def use_smtp_settings(monkeypatch, port: int, **extra) -> None:  # noqa: ANN001, ANN003
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_FROM", "no-reply@aesp.example")
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()


# --- outbox only -----------------------------------------------------------------------------


def test_without_smtp_mail_stays_in_outbox(session):
    assert get_settings().smtp_enabled is False
    assert get_mail_sender(get_settings()) is None
    row = mail.send_mail(session, to="learner@example.com", subject=SUBJECT, body=BODY, kind="verify_email")
    session.commit()
    [stored] = stored_mails(session)
    assert stored.id == row.id
    assert (stored.to_address, stored.subject, stored.body_text, stored.kind) == ("learner@example.com", SUBJECT, BODY, "verify_email")
    assert stored.status == MailStatus.OUTBOX.value
    assert stored.sent_at is None and stored.error is None
    assert stored.created_at is not None


def test_long_subject_is_cut_to_the_column(session):
    sender = FakeSender()
    subject = "Chủ đề " * 60  # 420 characters
    mail.send_mail(session, to="a@example.com", subject=subject, body="x", sender=sender)
    session.commit()
    [stored] = stored_mails(session)
    assert stored.subject == subject[:255]
    assert sender.sent[0]["subject"] == subject  # the message itself is not cut


def test_long_body_is_kept_whole(session):
    body = "Nội dung dài. " * 1500  # 21 000 characters, about 30 KB of UTF-8 (MySQL TEXT holds 64 KB)
    mail.send_mail(session, to="a@example.com", subject="s", body=body)
    session.commit()
    assert stored_mails(session)[0].body_text == body


# --- through a sender ------------------------------------------------------------------------


def test_fake_sender_marks_sent(session):
    sender = FakeSender()
    row = mail.send_mail(session, to="learner@example.com", subject=SUBJECT, body=BODY, kind="reset_password", sender=sender)
    session.commit()
    assert sender.sent == [{"to": "learner@example.com", "subject": SUBJECT, "body": BODY}]
    [stored] = stored_mails(session)
    assert stored.id == row.id
    assert stored.status == MailStatus.SENT.value
    assert stored.sent_at is not None and stored.error is None
    assert abs((stored.sent_at - stored.created_at).total_seconds()) < 60


def test_delivery_failure_is_kept_with_its_error(session):
    row = mail.send_mail(session, to="learner@example.com", subject=SUBJECT, body=BODY, kind="verify_email", sender=FailingSender())
    session.commit()
    [stored] = stored_mails(session)
    assert stored.id == row.id
    assert stored.status == MailStatus.FAILED.value
    assert stored.error == "421 4.7.0 try again later"
    assert stored.sent_at is None
    assert (stored.subject, stored.body_text, stored.to_address) == (SUBJECT, BODY, "learner@example.com")


def test_list_and_count_outbox(session):
    for n in range(3):
        mail.send_mail(session, to=f"user{n % 2}@example.com", subject=f"s{n}", body="b")
    session.commit()
    assert mail.count_outbox(session) == 3
    assert [m.subject for m in mail.list_outbox(session)] == ["s2", "s1", "s0"]  # newest first
    assert [m.subject for m in mail.list_outbox(session, to=" USER0@example.com ")] == ["s2", "s0"]
    assert [m.subject for m in mail.list_outbox(session, limit=1, offset=1)] == ["s1"]
    assert mail.list_outbox(session, to="nobody@example.com") == []


# --- real SMTP -------------------------------------------------------------------------------


def test_smtp_round_trip_delivers_subject_and_body(smtpd):
    inbox, port = smtpd
    smtp_sender(port).send(to="learner@example.com", subject=SUBJECT, body=BODY)
    [received] = inbox.messages
    assert received["from"] == "no-reply@aesp.example"
    assert received["to"] == ["learner@example.com"]
    message = received["message"]
    assert message["Subject"] == SUBJECT
    assert message["To"] == "learner@example.com"
    assert message["From"] == "AESP <no-reply@aesp.example>"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == BODY


def test_smtp_with_login(smtpd_auth):
    inbox, port = smtpd_auth
    smtp_sender(port, user="mailer", password="s3cret-pass").send(to="learner@example.com", subject="Hi", body="Body")
    assert [m["message"]["Subject"] for m in inbox.messages] == ["Hi"]


def test_smtp_wrong_login_is_a_delivery_error(smtpd_auth):
    inbox, port = smtpd_auth
    with pytest.raises(MailDeliveryError):
        smtp_sender(port, user="mailer", password="wrong").send(to="learner@example.com", subject="Hi", body="Body")
    assert inbox.messages == []


def test_smtp_starttls_unsupported_is_a_delivery_error(smtpd):
    inbox, port = smtpd
    with pytest.raises(MailDeliveryError):
        smtp_sender(port, starttls=True).send(to="learner@example.com", subject="Hi", body="Body")
    assert inbox.messages == []


def test_smtp_server_down_is_kept_as_failed(session):
    port = free_port()  # nothing listens there
    row = mail.send_mail(session, to="learner@example.com", subject=SUBJECT, body=BODY, sender=smtp_sender(port))
    session.commit()
    assert row.status == MailStatus.FAILED.value
    [stored] = stored_mails(session)
    assert stored.status == MailStatus.FAILED.value and stored.error
    assert stored.body_text == BODY


def test_smtp_settings_drive_send_mail(session, smtpd, monkeypatch):
    inbox, port = smtpd
    use_smtp_settings(monkeypatch, port)
    sender = get_mail_sender(get_settings())
    assert isinstance(sender, SmtpMailSender) and (sender.host, sender.port, sender.starttls) == ("127.0.0.1", port, False)
    mail.send_mail(session, to="learner@example.com", subject=SUBJECT, body=BODY)
    session.commit()
    [stored] = stored_mails(session)
    assert stored.status == MailStatus.SENT.value and stored.sent_at is not None
    assert [m["message"]["Subject"] for m in inbox.messages] == [SUBJECT]


def test_registration_mail_goes_out_by_smtp(session, smtpd, monkeypatch):
    inbox, port = smtpd
    use_smtp_settings(monkeypatch, port, PUBLIC_BASE_URL="https://aesp.example")
    monkeypatch.setattr(accounts, "hash_password", functools.partial(security.hash_password, rounds=4))
    user = accounts.register(session, username="smtpuser", email="SMTPUser@Example.com", password="Correct-Horse-42", language="en")
    session.commit()
    [received] = inbox.messages
    assert received["to"] == ["smtpuser@example.com"]
    body = received["message"].get_content()
    assert "https://aesp.example/verify-email?token=" in body
    token = body.split("verify-email?token=")[1].split()[0]
    [stored] = stored_mails(session)
    assert stored.status == MailStatus.SENT.value and token in stored.body_text
    accounts.verify_email(session, token=token)
    assert session.get(type(user), user.id).email_verified is True


def test_line_break_in_subject_does_not_lose_the_mail(session, smtpd):
    inbox, port = smtpd
    subject = "Hello\r\nBcc: victim@example.com"
    mail.send_mail(session, to="learner@example.com", subject=subject, body=BODY, sender=smtp_sender(port))
    session.commit()
    [stored] = stored_mails(session)
    assert stored.status in (MailStatus.SENT.value, MailStatus.FAILED.value)
    assert all(r["to"] == ["learner@example.com"] for r in inbox.messages)
