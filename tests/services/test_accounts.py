"""Accounts service: registration, e-mail verification, login with rate limits, sessions,
password change and reset, administration. Real bcrypt (at 4 rounds, to stay fast) against a
migrated database on every configured back end."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from aesp_app.i18n import CATALOGS, translate
from aesp_app.models.accounts import (
    AuthToken,
    LoginAttempt,
    OutboxMail,
    Role,
    TokenPurpose,
    User,
    UserProfile,
    UserSession,
    UserStatus,
)
from aesp_app.models.base import utcnow
from aesp_app.services import accounts, security
from aesp_app.services.accounts import AccountError
from aesp_app.services.errors import CommonError, ServiceError
from aesp_app.settings import get_settings, reset_settings_cache

PASSWORD = "Correct-Horse-42"
OTHER_PASSWORD = "Battery-Staple-77"
VERIFY_LINK_RE = re.compile(r"/verify-email\?token=([A-Za-z0-9_\-]+)")
RESET_LINK_RE = re.compile(r"/reset-password\?token=([A-Za-z0-9_\-]+)")


@pytest.fixture(autouse=True)
def _fast_bcrypt_and_clean_settings(monkeypatch):
    """Real bcrypt at 4 rounds, and no SMTP: every mail stays in the outbox table."""
    monkeypatch.setattr(accounts, "hash_password", functools.partial(security.hash_password, rounds=4))
    for name in ("SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "PASSWORD_MIN_LENGTH",
                 "LOGIN_WINDOW_MINUTES", "LOGIN_MAX_FAILURES_PER_ACCOUNT", "LOGIN_MAX_FAILURES_PER_IP",
                 "SESSION_DAYS_REMEMBER", "SESSION_HOURS_BROWSER", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    reset_settings_cache()
    yield
    reset_settings_cache()


# --- helpers -------------------------------------------------------------------------------


def count(session: Session, model) -> int:  # noqa: ANN001
    return int(session.exec(select(func.count()).select_from(model)).one())


def counts(session: Session) -> dict[str, int]:
    return {m.__tablename__: count(session, m) for m in (User, UserProfile, OutboxMail, AuthToken, UserSession)}


def mails_to(session: Session, address: str) -> list[OutboxMail]:
    return list(session.exec(select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)))


def token_from(mail: OutboxMail, pattern: re.Pattern = VERIFY_LINK_RE) -> str:
    found = pattern.search(mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def register(session: Session, username: str = "alice", email: str | None = None, password: str = PASSWORD, **kw) -> User:  # noqa: ANN003
    return accounts.register(
        session, username=username, email=email or f"{username}@example.com", password=password, password_confirm=password, **kw
    )


def active_user(session: Session, username: str = "alice", password: str = PASSWORD, **kw) -> User:  # noqa: ANN003
    """A registered account whose e-mail was confirmed through the real link."""
    user = register(session, username, password=password, **kw)
    accounts.verify_email(session, token=token_from(mails_to(session, user.email)[-1]))
    session.commit()
    return user


def with_status(session: Session, user: User, status: UserStatus) -> User:
    user.status = status.value
    session.add(user)
    session.commit()
    return user


def login(session: Session, identifier: str = "alice", password: str = PASSWORD, **kw) -> accounts.LoginResult:  # noqa: ANN003
    return accounts.login(session, identifier=identifier, password=password, **kw)


def expect(code, fn, *args, **kwargs) -> ServiceError:  # noqa: ANN001, ANN002, ANN003
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value.code} {info.value.params}"
    # Every refusal must be showable: its key exists and the params fill every placeholder.
    for lang in CATALOGS:
        assert info.value.message_key in CATALOGS[lang], (lang, info.value.message_key)
        text = translate(info.value.message_key, lang, **info.value.params)
        assert "{" not in text, (lang, text)
    return info.value


def fresh(session: Session) -> Session:
    """A second Session on the same database: sees only what was committed."""
    return Session(session.get_bind(), expire_on_commit=False)


def age_login_attempts(session: Session, minutes: int, **where) -> None:  # noqa: ANN003
    query = sa.update(LoginAttempt)
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    session.exec(query.values(created_at=utcnow() - dt.timedelta(minutes=minutes)))
    session.commit()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- hashing ---------------------------------------------------------------------------------


def test_default_hash_is_bcrypt_12_rounds(session, monkeypatch):
    assert security.hash_password("whatever-123").startswith("$2b$12$")
    monkeypatch.setattr(accounts, "hash_password", security.hash_password)
    user = register(session, "slowhash")
    assert user.password_hash.startswith("$2b$12$")
    assert security.verify_password(PASSWORD, user.password_hash)


def test_verify_password_edge_cases():
    hashed = security.hash_password("pässwörd-ok", rounds=4)
    assert security.verify_password("pässwörd-ok", hashed)
    assert not security.verify_password("pässwörd-OK", hashed)
    assert not security.verify_password("x", None)
    assert not security.verify_password("x", "not-a-bcrypt-hash")
    assert not security.verify_password("a" * 73, security.hash_password("a" * 72, rounds=4))


# --- registration ----------------------------------------------------------------------------


def test_register_creates_pending_learner_profile_and_mail(session):
    user = register(session, "Alice.Nguyen", email="Alice.Nguyen@Example.COM", full_name="  Nguyễn Thị An  ")
    session.commit()
    with fresh(session) as other:
        row = other.exec(select(User).where(User.id == user.id)).one()
        assert row.username == "alice.nguyen"
        assert row.email == "alice.nguyen@example.com"
        assert row.full_name == "Nguyễn Thị An"
        assert row.role == Role.LEARNER.value
        assert row.status == UserStatus.PENDING.value
        assert row.email_verified is False
        assert row.password_hash.startswith("$2b$")
        assert security.verify_password(PASSWORD, row.password_hash)
        for column, value in row.model_dump().items():
            assert PASSWORD not in str(value), column
        profile = other.exec(select(UserProfile).where(UserProfile.user_id == user.id)).one()
        assert profile.full_name == "Nguyễn Thị An"
        assert profile.onboarding_completed is False
        mails = list(other.exec(select(OutboxMail)))
        assert len(mails) == 1
        mail = mails[0]
        assert mail.to_address == "alice.nguyen@example.com"
        assert mail.kind == "verify_email"
        assert mail.status == "outbox"
        assert f"{get_settings().public_base_url}/verify-email?token=" in mail.body_text
        assert "{" not in mail.body_text and "{" not in mail.subject
        assert "Nguyễn Thị An" in mail.body_text
        tokens = list(other.exec(select(AuthToken).where(AuthToken.user_id == user.id)))
        assert [t.purpose for t in tokens] == [TokenPurpose.VERIFY_EMAIL.value]


def test_register_mail_in_users_language(session):
    register(session, "englishuser", language="en")
    register(session, "vietuser", language="vi")
    assert mails_to(session, "englishuser@example.com")[0].subject == CATALOGS["en"]["mail.verify.subject"]
    assert mails_to(session, "vietuser@example.com")[0].subject == CATALOGS["vi"]["mail.verify.subject"]


def test_register_boundaries_accepted(session):
    register(session, "abc")  # 3 characters
    register(session, "a" * 30)
    register(session, "x_y.z9")
    register(session, "minpass", password="Abcdef1!")  # exactly PASSWORD_MIN_LENGTH (8)
    register(session, "maxbytes", password="é" * 36)  # exactly 72 bytes
    register(session, "longname", full_name="N" * 100)
    register(session, "longmail", email=_long_email(255))  # the column's size
    assert count(session, User) == 7


@pytest.fixture
def existing(session) -> User:
    user = register(session, "taken", email="taken@example.com")
    session.commit()
    return user


def _long_email(length: int) -> str:
    local = "l" * 64
    domain = ".".join(["d" * 63] * 2)
    address = f"{local}@{domain}"
    address += "." + "x" * (length - len(address) - 1)
    assert len(address) == length
    return address


BAD_REGISTRATIONS = [
    ("username_dup_case", dict(username="TAKEN"), AccountError.USERNAME_TAKEN),
    ("username_dup_spaces", dict(username="  taken "), AccountError.USERNAME_TAKEN),
    ("email_dup_case", dict(email="TAKEN@Example.com"), AccountError.EMAIL_TAKEN),
    ("username_short", dict(username="ab"), AccountError.USERNAME_INVALID),
    ("username_31", dict(username="a" * 31), AccountError.USERNAME_INVALID),
    ("username_space", dict(username="ab cd"), AccountError.USERNAME_INVALID),
    ("username_leading_dot", dict(username=".abcd"), AccountError.USERNAME_INVALID),
    ("username_leading_underscore", dict(username="_abcd"), AccountError.USERNAME_INVALID),
    ("username_symbol", dict(username="abc$d"), AccountError.USERNAME_INVALID),
    ("username_unicode", dict(username="nguyễn"), AccountError.USERNAME_INVALID),
    ("username_newline", dict(username="abc\ndef"), AccountError.USERNAME_INVALID),
    ("username_empty", dict(username=""), AccountError.USERNAME_INVALID),
    ("email_no_at", dict(email="someone.example.com"), AccountError.EMAIL_INVALID),
    ("email_two_at", dict(email="a@b@example.com"), AccountError.EMAIL_INVALID),
    ("email_space", dict(email="some one@example.com"), AccountError.EMAIL_INVALID),
    ("email_space_domain", dict(email="someone@exam ple.com"), AccountError.EMAIL_INVALID),
    ("email_no_dot", dict(email="someone@localhost"), AccountError.EMAIL_INVALID),
    ("email_empty_local", dict(email="@example.com"), AccountError.EMAIL_INVALID),
    ("email_double_dot_domain", dict(email="a@example..com"), AccountError.EMAIL_INVALID),
    ("email_256", dict(email=_long_email(256)), AccountError.EMAIL_INVALID),
    ("email_300", dict(email=_long_email(300)), AccountError.EMAIL_INVALID),
    ("email_newline", dict(email="a@example.com\nbcc@evil.com"), AccountError.EMAIL_INVALID),
    ("password_short", dict(password="Abc12!x"), AccountError.PASSWORD_TOO_SHORT),
    ("password_empty", dict(password=""), AccountError.PASSWORD_TOO_SHORT),
    ("password_73_bytes", dict(password="a" * 73), AccountError.PASSWORD_TOO_LONG),
    ("password_74_bytes_multibyte", dict(password="é" * 37), AccountError.PASSWORD_TOO_LONG),
    ("password_is_username", dict(username="learner01", password="Learner01"), AccountError.PASSWORD_WEAK),
    ("password_is_email", dict(email="mail.person@example.com", password="Mail.Person@example.com"), AccountError.PASSWORD_WEAK),
    ("password_is_email_local", dict(email="mailperson@example.com", password="MAILPERSON"), AccountError.PASSWORD_WEAK),
    ("password_mismatch", dict(password_confirm=PASSWORD + "x"), AccountError.PASSWORD_MISMATCH),
    ("full_name_101", dict(full_name="N" * 101), AccountError.FULL_NAME_TOO_LONG),
]


@pytest.mark.parametrize("changes, code", [pytest.param(c, e, id=i) for i, c, e in BAD_REGISTRATIONS])
def test_register_refusals_leave_nothing(session, existing, changes, code):
    before = counts(session)
    form = dict(username="newcomer", email="newcomer@example.com", password=PASSWORD, password_confirm=PASSWORD, full_name="New Comer")
    form.update(changes)
    if "password" in changes and "password_confirm" not in changes:
        form["password_confirm"] = changes["password"]
    expect(code, accounts.register, session, **form)
    session.commit()  # even a caller that commits after the refusal stores nothing
    with fresh(session) as other:
        assert counts(other) == before


def test_password_min_length_from_settings(session, monkeypatch):
    monkeypatch.setenv("PASSWORD_MIN_LENGTH", "12")
    reset_settings_cache()
    err = expect(AccountError.PASSWORD_TOO_SHORT, register, session, "shortpw", password="Abcdefgh123")  # 11
    assert err.params == {"min": 12}
    register(session, "okpw", password="Abcdefgh1234")


def test_register_then_duplicate_on_another_session_is_refused(session):
    register(session, "first")
    session.commit()
    with fresh(session) as other:
        expect(AccountError.USERNAME_TAKEN, register, other, "FIRST", email="other@example.com")
        expect(AccountError.EMAIL_TAKEN, register, other, "second", email="First@Example.com")


# --- e-mail verification ---------------------------------------------------------------------


def test_verify_email_activates_once(session):
    user = register(session)
    token = token_from(mails_to(session, user.email)[0])
    verified = accounts.verify_email(session, token=token)
    session.commit()
    assert verified.id == user.id
    with fresh(session) as other:
        row = other.get(User, user.id)
        assert row.status == UserStatus.ACTIVE.value and row.email_verified is True
    expect(AccountError.TOKEN_USED, accounts.verify_email, session, token=token)


def test_verify_email_expired_changes_nothing(session):
    user = register(session)
    token = token_from(mails_to(session, user.email)[0])
    session.exec(sa.update(AuthToken).values(expires_at=utcnow() - dt.timedelta(minutes=1)))
    session.commit()
    expect(AccountError.TOKEN_EXPIRED, accounts.verify_email, session, token=token)
    session.commit()
    with fresh(session) as other:
        row = other.get(User, user.id)
        assert row.status == UserStatus.PENDING.value and row.email_verified is False
        assert other.exec(select(AuthToken)).one().used_at is None


def test_verify_email_token_lifetime_from_settings(session):
    register(session)
    row = session.exec(select(AuthToken)).one()
    expected = utcnow() + dt.timedelta(hours=get_settings().email_token_hours)
    assert abs((row.expires_at - expected).total_seconds()) < 60


@pytest.mark.parametrize("token", ["", "x", "not-a-real-token-" + "a" * 30, "a" * 201, "' OR 1=1 --"])
def test_verify_email_invalid_tokens(session, token):
    register(session)
    expect(AccountError.TOKEN_INVALID, accounts.verify_email, session, token=token)
    assert session.exec(select(User)).one().status == UserStatus.PENDING.value


def test_newer_verification_mail_supersedes_older(session):
    user = register(session)
    first = token_from(mails_to(session, user.email)[0])
    accounts.resend_verification(session, email="ALICE@example.com")
    mails = mails_to(session, user.email)
    assert len(mails) == 2
    second = token_from(mails[1])
    assert first != second
    with pytest.raises(ServiceError) as info:
        accounts.verify_email(session, token=first)
    assert info.value.code in (AccountError.TOKEN_USED, AccountError.TOKEN_INVALID)
    assert session.get(User, user.id).status == UserStatus.PENDING.value
    accounts.verify_email(session, token=second)
    assert session.get(User, user.id).status == UserStatus.ACTIVE.value


def test_resend_is_silent_for_unknown_or_verified(session):
    active_user(session)
    before = count(session, OutboxMail)
    accounts.resend_verification(session, email="nobody@example.com")
    accounts.resend_verification(session, email="alice@example.com")
    assert count(session, OutboxMail) == before


def test_tokens_stored_only_as_sha256(session):
    user = register(session)
    token = token_from(mails_to(session, user.email)[0])
    accounts.request_password_reset(session, email=user.email)
    reset = token_from(mails_to(session, user.email)[-1], RESET_LINK_RE)
    session.commit()
    rows = {r.purpose: r for r in session.exec(select(AuthToken))}
    assert rows[TokenPurpose.VERIFY_EMAIL.value].token_hash == sha256(token)
    assert rows[TokenPurpose.RESET_PASSWORD.value].token_hash == sha256(reset)
    with session.get_bind().connect() as conn:
        dump = repr(conn.execute(sa.text("SELECT * FROM auth_tokens")).all())
    assert token not in dump and reset not in dump


def test_reset_token_cannot_verify_email_and_vice_versa(session):
    user = register(session)
    verify = token_from(mails_to(session, user.email)[0])
    accounts.request_password_reset(session, email=user.email)
    reset = token_from(mails_to(session, user.email)[-1], RESET_LINK_RE)
    expect(AccountError.TOKEN_INVALID, accounts.verify_email, session, token=reset)
    expect(AccountError.TOKEN_INVALID, accounts.reset_password, session, token=verify, password=OTHER_PASSWORD)


# --- login -----------------------------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["alice", "ALICE", "  Alice ", "alice@example.com", "Alice@EXAMPLE.com"])
def test_login_by_username_or_email_any_case(session, identifier):
    user = active_user(session)
    result = login(session, identifier)
    assert result.user.id == user.id
    assert accounts.user_for_token(session, result.token).id == user.id


def test_login_records_session_details(session):
    user = active_user(session)
    before = utcnow()
    result = login(session, ip_address="203.0.113.9", user_agent="Mozilla/5.0 Test")
    session.commit()
    with fresh(session) as other:
        row = other.exec(select(UserSession)).one()
        assert row.user_id == user.id
        assert row.token_hash == sha256(result.token) != result.token
        assert row.ip_address == "203.0.113.9"
        assert row.user_agent == "Mozilla/5.0 Test"
        assert row.is_remember is False
        assert row.revoked_at is None
        assert abs((row.expires_at - (before + dt.timedelta(hours=12))).total_seconds()) < 60
        assert other.get(User, user.id).last_login >= before - dt.timedelta(seconds=1)
        attempt = other.exec(select(LoginAttempt)).one()
        assert attempt.success is True and attempt.identifier == "alice" and attempt.ip_address == "203.0.113.9"
    assert result.remember is False
    assert abs((result.expires_at - (before + dt.timedelta(hours=12))).total_seconds()) < 60


def test_login_remember_me_lasts_30_days(session):
    active_user(session)
    before = utcnow()
    result = login(session, remember=True)
    session.commit()
    assert result.remember is True
    with fresh(session) as other:
        row = other.exec(select(UserSession)).one()
        assert row.is_remember is True
        assert abs((row.expires_at - (before + dt.timedelta(days=30))).total_seconds()) < 60


def test_each_login_opens_its_own_session(session):
    active_user(session)
    first, second = login(session), login(session)
    assert first.token != second.token
    assert count(session, UserSession) == 2


def test_wrong_password_is_recorded_and_committed(session):
    active_user(session)
    expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1", ip_address="198.51.100.1")
    session.rollback()  # what the caller's unit of work does on an error
    with fresh(session) as other:
        attempts = list(other.exec(select(LoginAttempt)))
        assert len(attempts) == 1
        assert attempts[0].success is False
        assert attempts[0].identifier == "alice"
        assert attempts[0].ip_address == "198.51.100.1"
        assert count(other, UserSession) == 0


def test_unknown_user_gets_the_same_answer(session):
    active_user(session)
    expect(AccountError.INVALID_CREDENTIALS, login, session, "nobody", PASSWORD)
    expect(AccountError.INVALID_CREDENTIALS, login, session, "nobody@example.com", PASSWORD)
    session.rollback()
    with fresh(session) as other:
        assert count(other, LoginAttempt) == 2


@pytest.mark.parametrize("identifier, password", [("", PASSWORD), ("alice", ""), ("   ", PASSWORD), ("alice", "a" * 73)])
def test_login_empty_or_overlong_input(session, identifier, password):
    active_user(session)
    expect(AccountError.INVALID_CREDENTIALS, login, session, identifier, password)


@pytest.mark.parametrize(
    "status, code",
    [(UserStatus.PENDING, AccountError.ACCOUNT_PENDING), (UserStatus.INACTIVE, AccountError.ACCOUNT_INACTIVE), (UserStatus.BANNED, AccountError.ACCOUNT_BANNED)],
)
def test_login_refused_by_status_only_with_right_password(session, status, code):
    user = active_user(session)
    with_status(session, user, status)
    expect(code, login, session)
    expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    assert count(session, UserSession) == 0


def test_freshly_registered_account_is_pending(session):
    register(session)
    expect(AccountError.ACCOUNT_PENDING, login, session)


def test_rate_limit_per_account(session):
    active_user(session)
    for _ in range(5):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1", ip_address=f"10.0.0.{_}")
    err = expect(AccountError.RATE_LIMITED, login, session)  # even with the right password
    assert err.params == {"minutes": 15}
    expect(AccountError.RATE_LIMITED, login, session, "ALICE")
    assert count(session, UserSession) == 0


def test_rate_limit_threshold_is_exact(session):
    active_user(session)
    for _ in range(4):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    assert login(session).user.username == "alice"


def test_rate_limit_counts_unknown_accounts_too(session):
    for _ in range(5):
        expect(AccountError.INVALID_CREDENTIALS, login, session, "ghost", "Whatever-123")
    expect(AccountError.RATE_LIMITED, login, session, "ghost", "Whatever-123")


def test_rate_limit_window(session, monkeypatch):
    monkeypatch.setenv("LOGIN_WINDOW_MINUTES", "10")
    reset_settings_cache()
    active_user(session)
    for _ in range(5):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    err = expect(AccountError.RATE_LIMITED, login, session)
    assert err.params == {"minutes": 10}
    age_login_attempts(session, 11)  # now outside the window
    assert login(session).user.username == "alice"


def test_rate_limit_window_edge_still_counts(session, monkeypatch):
    monkeypatch.setenv("LOGIN_WINDOW_MINUTES", "10")
    reset_settings_cache()
    active_user(session)
    for _ in range(5):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    age_login_attempts(session, 9)  # still inside the window
    expect(AccountError.RATE_LIMITED, login, session)


def test_success_resets_account_count(session):
    active_user(session)
    for _ in range(4):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    age_login_attempts(session, 2)  # a little while ago
    login(session)
    session.commit()
    for _ in range(4):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    # Eight failures in the window, but only four since the last success.
    assert login(session).user.username == "alice"


def test_failures_after_a_success_still_count(session):
    active_user(session)
    login(session)
    session.commit()
    for _ in range(5):
        expect(AccountError.INVALID_CREDENTIALS, login, session, password="Wrong-Password-1")
    expect(AccountError.RATE_LIMITED, login, session)


def test_rate_limit_per_account_covers_username_and_email(session):
    active_user(session)
    for _ in range(5):
        expect(AccountError.INVALID_CREDENTIALS, login, session, "alice", "Wrong-Password-1")
    expect(AccountError.RATE_LIMITED, login, session, "alice@example.com", PASSWORD)


def test_rate_limit_per_ip(session):
    active_user(session, "victim")
    for n in range(5):
        active_user(session, f"user{n}")
    ip = "192.0.2.50"
    for n in range(20):  # four failures on each of five accounts: no account reaches its own limit
        expect(AccountError.INVALID_CREDENTIALS, login, session, f"user{n % 5}", "Wrong-Password-1", ip_address=ip)
    expect(AccountError.RATE_LIMITED, login, session, "victim", PASSWORD, ip_address=ip)
    # Another address is not affected, nor are the accounts themselves.
    assert login(session, "victim", ip_address="192.0.2.51").user.username == "victim"
    assert login(session, "user0", ip_address="192.0.2.51").user.username == "user0"


def test_rate_limit_per_ip_threshold_and_window(session):
    active_user(session, "victim")
    ip = "192.0.2.60"
    for n in range(19):
        expect(AccountError.INVALID_CREDENTIALS, login, session, f"ghost{n}", "Wrong-Password-1", ip_address=ip)
    assert login(session, "victim", ip_address=ip).user.username == "victim"
    expect(AccountError.INVALID_CREDENTIALS, login, session, "ghost-last", "Wrong-Password-1", ip_address=ip)
    expect(AccountError.RATE_LIMITED, login, session, "victim", PASSWORD, ip_address=ip)
    age_login_attempts(session, 16, ip_address=ip)
    assert login(session, "victim", ip_address=ip).user.username == "victim"


# --- sessions ----------------------------------------------------------------------------------


def test_user_for_token(session):
    user = active_user(session)
    token = login(session).token
    session.commit()
    with fresh(session) as other:
        assert accounts.user_for_token(other, token).id == user.id
        assert accounts.user_for_token(other, None) is None
        assert accounts.user_for_token(other, "") is None
        assert accounts.user_for_token(other, "unknown-token") is None
        assert accounts.user_for_token(other, token + "x") is None
        assert accounts.user_for_token(other, "a" * 500) is None
        assert accounts.user_for_token(other, accounts.token_digest(token)) is None  # the stored hash is no key


def test_user_for_token_expired(session):
    active_user(session)
    token = login(session).token
    session.exec(sa.update(UserSession).values(expires_at=utcnow() - dt.timedelta(seconds=5)))
    session.commit()
    assert accounts.user_for_token(session, token) is None
    assert accounts.active_sessions(session, user_id=session.exec(select(User)).one().id) == []


@pytest.mark.parametrize("status", [UserStatus.BANNED, UserStatus.INACTIVE, UserStatus.PENDING])
def test_user_for_token_refuses_non_active_user(session, status):
    user = active_user(session)
    token = login(session).token
    with_status(session, user, status)
    assert accounts.user_for_token(session, token) is None


def test_logout_revokes(session):
    user = active_user(session)
    token, other_token = login(session).token, login(session).token
    accounts.logout(session, token=token)
    accounts.logout(session, token=None)
    accounts.logout(session, token="nonsense")
    session.commit()
    assert accounts.user_for_token(session, token) is None
    assert accounts.user_for_token(session, other_token).id == user.id
    revoked = session.exec(select(UserSession).where(UserSession.token_hash == sha256(token))).one()
    assert revoked.revoked_at is not None
    assert [s.token_hash for s in accounts.active_sessions(session, user_id=user.id)] == [sha256(other_token)]


# --- password change -------------------------------------------------------------------------


def test_change_password_wrong_current(session):
    user = active_user(session)
    token = login(session).token
    old_hash = session.get(User, user.id).password_hash
    expect(
        AccountError.WRONG_CURRENT_PASSWORD,
        accounts.change_password,
        session,
        user_id=user.id,
        current_password="Not-The-Password",
        new_password=OTHER_PASSWORD,
        keep_token=token,
    )
    session.commit()
    with fresh(session) as other:
        assert other.get(User, user.id).password_hash == old_hash
        assert accounts.user_for_token(other, token) is not None


def test_change_password_validates_new_password(session):
    user = active_user(session)
    old_hash = user.password_hash
    kw = dict(user_id=user.id, current_password=PASSWORD)
    expect(AccountError.PASSWORD_TOO_SHORT, accounts.change_password, session, **kw, new_password="short")
    expect(AccountError.PASSWORD_WEAK, accounts.change_password, session, **kw, new_password="ALICE@example.com")
    expect(AccountError.PASSWORD_MISMATCH, accounts.change_password, session, **kw, new_password=OTHER_PASSWORD, new_password_confirm="nope")
    assert session.get(User, user.id).password_hash == old_hash


def test_change_password_revokes_other_sessions_keeps_current(session):
    user = active_user(session)
    current, other_device, third = login(session).token, login(session).token, login(session).token
    accounts.change_password(
        session, user_id=user.id, current_password=PASSWORD, new_password=OTHER_PASSWORD, new_password_confirm=OTHER_PASSWORD, keep_token=current
    )
    session.commit()
    assert accounts.user_for_token(session, current).id == user.id
    assert accounts.user_for_token(session, other_device) is None
    assert accounts.user_for_token(session, third) is None
    expect(AccountError.INVALID_CREDENTIALS, login, session, password=PASSWORD)
    assert login(session, password=OTHER_PASSWORD).user.id == user.id


# --- password reset --------------------------------------------------------------------------


def test_reset_request_for_unknown_email_is_silent(session):
    active_user(session)
    before = counts(session)
    accounts.request_password_reset(session, email="nobody@example.com")
    assert counts(session) == before


def test_reset_request_for_banned_account_sends_nothing(session):
    user = active_user(session)
    with_status(session, user, UserStatus.BANNED)
    before = count(session, OutboxMail)
    accounts.request_password_reset(session, email=user.email)
    assert count(session, OutboxMail) == before


def test_reset_request_sends_link(session):
    user = active_user(session)
    accounts.request_password_reset(session, email="  ALICE@Example.com ")
    mail = mails_to(session, user.email)[-1]
    assert mail.kind == "reset_password"
    assert f"{get_settings().public_base_url}/reset-password?token=" in mail.body_text
    assert "{" not in mail.body_text
    row = session.exec(select(AuthToken).where(AuthToken.purpose == TokenPurpose.RESET_PASSWORD.value)).one()
    expected = utcnow() + dt.timedelta(minutes=get_settings().reset_token_minutes)
    assert abs((row.expires_at - expected).total_seconds()) < 60


def _reset_token(session: Session, user: User) -> str:
    accounts.request_password_reset(session, email=user.email)
    session.commit()
    return token_from(mails_to(session, user.email)[-1], RESET_LINK_RE)


def test_reset_with_bad_password_keeps_token(session):
    user = active_user(session)
    token = _reset_token(session, user)
    old_hash = user.password_hash
    expect(AccountError.PASSWORD_TOO_SHORT, accounts.reset_password, session, token=token, password="short")
    expect(AccountError.PASSWORD_MISMATCH, accounts.reset_password, session, token=token, password=OTHER_PASSWORD, password_confirm="other")
    expect(AccountError.PASSWORD_WEAK, accounts.reset_password, session, token=token, password="alice@example.com")
    session.commit()
    assert session.get(User, user.id).password_hash == old_hash
    assert session.exec(select(AuthToken).where(AuthToken.purpose == TokenPurpose.RESET_PASSWORD.value)).one().used_at is None
    accounts.reset_password(session, token=token, password=OTHER_PASSWORD, password_confirm=OTHER_PASSWORD)
    session.commit()
    assert login(session, password=OTHER_PASSWORD).user.id == user.id


def test_reset_revokes_all_sessions_and_is_single_use(session):
    user = active_user(session)
    tokens = [login(session).token for _ in range(2)]
    reset = _reset_token(session, user)
    accounts.reset_password(session, token=reset, password=OTHER_PASSWORD)
    session.commit()
    assert all(accounts.user_for_token(session, t) is None for t in tokens)
    expect(AccountError.INVALID_CREDENTIALS, login, session, password=PASSWORD)
    assert login(session, password=OTHER_PASSWORD).user.id == user.id
    expect(AccountError.TOKEN_USED, accounts.reset_password, session, token=reset, password="Yet-Another-Pass-9")
    assert login(session, password=OTHER_PASSWORD).user.id == user.id


def test_reset_activates_pending_account(session):
    user = register(session)
    reset = _reset_token(session, user)
    accounts.reset_password(session, token=reset, password=OTHER_PASSWORD)
    session.commit()
    with fresh(session) as other:
        row = other.get(User, user.id)
        assert row.status == UserStatus.ACTIVE.value and row.email_verified is True
    assert login(session, password=OTHER_PASSWORD).user.id == user.id


def test_reset_does_not_unban(session):
    user = active_user(session)
    reset = _reset_token(session, user)
    with_status(session, user, UserStatus.BANNED)
    accounts.reset_password(session, token=reset, password=OTHER_PASSWORD)
    assert session.get(User, user.id).status == UserStatus.BANNED.value


def test_reset_expired_and_invalid_tokens(session):
    user = active_user(session)
    reset = _reset_token(session, user)
    session.exec(sa.update(AuthToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    session.commit()
    expect(AccountError.TOKEN_EXPIRED, accounts.reset_password, session, token=reset, password=OTHER_PASSWORD)
    expect(AccountError.TOKEN_INVALID, accounts.reset_password, session, token="", password=OTHER_PASSWORD)
    expect(AccountError.TOKEN_INVALID, accounts.reset_password, session, token="bogus", password=OTHER_PASSWORD)
    expect(AccountError.TOKEN_INVALID, accounts.reset_password, session, token="b" * 300, password=OTHER_PASSWORD)
    assert login(session).user.id == user.id


def test_newer_reset_mail_supersedes_older(session):
    user = active_user(session)
    first = _reset_token(session, user)
    second = _reset_token(session, user)
    with pytest.raises(ServiceError) as info:
        accounts.reset_password(session, token=first, password=OTHER_PASSWORD)
    assert info.value.code in (AccountError.TOKEN_USED, AccountError.TOKEN_INVALID)
    accounts.reset_password(session, token=second, password=OTHER_PASSWORD)


# --- administration --------------------------------------------------------------------------


def test_create_admin_new(session):
    admin = accounts.create_admin(session, username="Boss", email="Boss@Example.com", password=PASSWORD)
    session.commit()
    with fresh(session) as other:
        row = other.get(User, admin.id)
        assert (row.username, row.email, row.role, row.status, row.email_verified) == (
            "boss", "boss@example.com", Role.ADMIN.value, UserStatus.ACTIVE.value, True,
        )
        assert other.exec(select(UserProfile).where(UserProfile.user_id == admin.id)).one()
    assert login(session, "boss").user.role == Role.ADMIN.value


def test_create_admin_promotes_existing(session):
    user = register(session, "promoted")
    session.commit()
    admin = accounts.create_admin(session, username="promoted", email="promoted@example.com", password=OTHER_PASSWORD)
    session.commit()
    assert admin.id == user.id
    assert count(session, User) == 1 and count(session, UserProfile) == 1
    row = session.get(User, user.id)
    assert (row.role, row.status, row.email_verified) == (Role.ADMIN.value, UserStatus.ACTIVE.value, True)
    assert login(session, "promoted", OTHER_PASSWORD).user.id == user.id


def test_create_admin_validates(session):
    expect(AccountError.USERNAME_INVALID, accounts.create_admin, session, username="a", email="a@example.com", password=PASSWORD)
    expect(AccountError.EMAIL_INVALID, accounts.create_admin, session, username="admin", email="nope", password=PASSWORD)
    expect(AccountError.PASSWORD_TOO_SHORT, accounts.create_admin, session, username="admin", email="a@example.com", password="x")
    assert count(session, User) == 0


@pytest.fixture
def admin_and_user(session):
    admin = accounts.create_admin(session, username="root", email="root@example.com", password=PASSWORD)
    user = active_user(session, "member", full_name="Trần Văn Bình")
    session.commit()
    return admin, user


def test_set_user_role(session, admin_and_user):
    admin, user = admin_and_user
    assert accounts.set_user_role(session, actor_id=admin.id, user_id=user.id, role="mentor").role == "mentor"
    session.commit()
    assert session.get(User, user.id).role == "mentor"
    expect(AccountError.ROLE_INVALID, accounts.set_user_role, session, actor_id=admin.id, user_id=user.id, role="superuser")
    expect(AccountError.ROLE_INVALID, accounts.set_user_role, session, actor_id=admin.id, user_id=user.id, role="")
    expect(AccountError.CANNOT_CHANGE_SELF, accounts.set_user_role, session, actor_id=admin.id, user_id=admin.id, role="learner")
    expect(CommonError.NOT_FOUND, accounts.set_user_role, session, actor_id=admin.id, user_id=999999, role="learner")
    assert session.get(User, admin.id).role == Role.ADMIN.value
    assert session.get(User, user.id).role == "mentor"


def test_set_user_status_and_ban_revokes_sessions(session, admin_and_user):
    admin, user = admin_and_user
    tokens = [login(session, "member").token for _ in range(2)]
    expect(AccountError.STATUS_INVALID, accounts.set_user_status, session, actor_id=admin.id, user_id=user.id, status="deleted")
    expect(AccountError.CANNOT_CHANGE_SELF, accounts.set_user_status, session, actor_id=admin.id, user_id=admin.id, status="banned")
    expect(CommonError.NOT_FOUND, accounts.set_user_status, session, actor_id=admin.id, user_id=999999, status="banned")
    assert all(accounts.user_for_token(session, t) for t in tokens)
    accounts.set_user_status(session, actor_id=admin.id, user_id=user.id, status="banned")
    session.commit()
    with fresh(session) as other:
        assert other.get(User, user.id).status == "banned"
        assert all(s.revoked_at is not None for s in other.exec(select(UserSession).where(UserSession.user_id == user.id)))
    # Lifting the ban does not bring the old sessions back.
    accounts.set_user_status(session, actor_id=admin.id, user_id=user.id, status="active")
    session.commit()
    assert all(accounts.user_for_token(session, t) is None for t in tokens)
    assert login(session, "member").user.id == user.id
    assert session.get(User, admin.id).status == UserStatus.ACTIVE.value


def test_list_users(session, admin_and_user):
    admin, user = admin_and_user
    active_user(session, "mentor_one", full_name="Lê Thu")
    accounts.set_user_role(session, actor_id=admin.id, user_id=session.exec(select(User).where(User.username == "mentor_one")).one().id, role="mentor")
    session.commit()
    names = lambda users: [u.username for u in users]  # noqa: E731
    assert names(accounts.list_users(session)) == ["root", "member", "mentor_one"]
    assert names(accounts.list_users(session, search="MEMB")) == ["member"]
    assert names(accounts.list_users(session, search="root@example")) == ["root"]
    assert names(accounts.list_users(session, search="Bình")) == ["member"]
    assert names(accounts.list_users(session, search="  example.com ")) == ["root", "member", "mentor_one"]
    assert names(accounts.list_users(session, role="mentor")) == ["mentor_one"]
    assert names(accounts.list_users(session, role="admin")) == ["root"]
    assert names(accounts.list_users(session, search="member", role="admin")) == []
    assert names(accounts.list_users(session, limit=1, offset=1)) == ["member"]
    assert names(accounts.list_users(session, search="nothing-like-this")) == []
    expect(AccountError.ROLE_INVALID, accounts.list_users, session, role="owner")


def test_list_users_search_is_literal(session, admin_and_user):
    active_user(session, "with_underscore")
    assert [u.username for u in accounts.list_users(session, search="_")] == ["with_underscore"]
    assert accounts.list_users(session, search="%") == []


def test_touch_session_updates_last_seen(session):
    active_user(session)
    token = login(session).token
    session.exec(sa.update(UserSession).values(last_seen_at=utcnow() - dt.timedelta(hours=3)))
    session.commit()
    accounts.touch_session(session, token)
    session.commit()
    with fresh(session) as other:
        seen = other.exec(select(UserSession)).one().last_seen_at
    assert (utcnow() - seen).total_seconds() < 60


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "Chrome · Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "Safari · iPhone"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "Firefox · Linux"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge · Windows"),
        ("", "?"),
        ("curl/8.0", "curl/8.0"),
    ],
)
def test_describe_user_agent(agent, expected):
    assert accounts.describe_user_agent(agent) == expected
