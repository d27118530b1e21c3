"""Accounts: registration, login with rate limits, server-side sessions, e-mail verification,
password reset and change. No `import reflex`; every function takes the Session."""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import enum
import re

from sqlalchemy import or_, update
from sqlmodel import Session, col, func, select

from aesp_app.i18n import translate
from aesp_app.models.accounts import (
    AuthToken,
    LoginAttempt,
    Role,
    TokenPurpose,
    User,
    UserProfile,
    UserSession,
    UserStatus,
)
from aesp_app.models.base import utcnow
from aesp_app.services.errors import ServiceError
from aesp_app.services.mail import send_mail
from aesp_app.services.security import (
    BCRYPT_MAX_BYTES,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from aesp_app.settings import get_settings


class AccountError(str, enum.Enum):
    USERNAME_INVALID = "account.username_invalid"
    USERNAME_TAKEN = "account.username_taken"
    EMAIL_INVALID = "account.email_invalid"
    EMAIL_TAKEN = "account.email_taken"
    PASSWORD_TOO_SHORT = "account.password_too_short"
    PASSWORD_TOO_LONG = "account.password_too_long"
    PASSWORD_MISMATCH = "account.password_mismatch"
    PASSWORD_WEAK = "account.password_weak"
    FULL_NAME_TOO_LONG = "account.full_name_too_long"
    INVALID_CREDENTIALS = "account.invalid_credentials"
    RATE_LIMITED = "account.rate_limited"
    ACCOUNT_BANNED = "account.banned"
    ACCOUNT_INACTIVE = "account.inactive"
    ACCOUNT_PENDING = "account.pending"
    TOKEN_INVALID = "account.token_invalid"
    TOKEN_EXPIRED = "account.token_expired"
    TOKEN_USED = "account.token_used"
    WRONG_CURRENT_PASSWORD = "account.wrong_current_password"
    ROLE_INVALID = "account.role_invalid"
    STATUS_INVALID = "account.status_invalid"
    CANNOT_CHANGE_SELF = "account.cannot_change_self"


USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.]{2,29}$")
# Practical address check: one @, a dotted domain, no spaces; the verification mail proves the rest.
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
EMAIL_MAX = 255
FULL_NAME_MAX = 100


@functools.lru_cache(maxsize=1)
def _timing_dummy_hash() -> str:
    """A bcrypt comparison against this keeps "no such user" as slow as "wrong password"."""
    return hash_password(new_token())


@dataclasses.dataclass(frozen=True)
class LoginResult:
    user: User
    token: str
    expires_at: dt.datetime
    remember: bool


def normalize_username(raw: str) -> str:
    return (raw or "").strip().lower()


def normalize_email(raw: str) -> str:
    return (raw or "").strip().lower()


def validate_username(username: str) -> str:
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise ServiceError(AccountError.USERNAME_INVALID)
    return username


def validate_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > EMAIL_MAX or not EMAIL_RE.match(email):
        raise ServiceError(AccountError.EMAIL_INVALID)
    return email


def validate_password(password: str, *, username: str = "", email: str = "") -> str:
    minimum = get_settings().password_min_length
    if len(password or "") < minimum:
        raise ServiceError(AccountError.PASSWORD_TOO_SHORT, min=minimum)
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ServiceError(AccountError.PASSWORD_TOO_LONG, max=BCRYPT_MAX_BYTES)
    lowered = password.lower()
    if lowered in {username.lower(), email.lower(), email.split("@")[0].lower()} - {""}:
        raise ServiceError(AccountError.PASSWORD_WEAK)
    return password


def find_user_by_login(session: Session, identifier: str) -> User | None:
    ident = (identifier or "").strip().lower()
    if not ident:
        return None
    return session.exec(select(User).where(or_(User.username == ident, User.email == ident))).first()


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


# --- Registration and e-mail verification -------------------------------------------------


def register(
    session: Session,
    *,
    username: str,
    email: str,
    password: str,
    password_confirm: str | None = None,
    full_name: str = "",
    language: str = "vi",
    role: Role = Role.LEARNER,
) -> User:
    """A new pending account; the verification mail activates it."""
    username = validate_username(username)
    email = validate_email(email)
    full_name = (full_name or "").strip()
    if len(full_name) > FULL_NAME_MAX:
        raise ServiceError(AccountError.FULL_NAME_TOO_LONG, max=FULL_NAME_MAX)
    validate_password(password, username=username, email=email)
    if password_confirm is not None and password_confirm != password:
        raise ServiceError(AccountError.PASSWORD_MISMATCH)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise ServiceError(AccountError.USERNAME_TAKEN)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise ServiceError(AccountError.EMAIL_TAKEN)
    user = User(
        username=username,
        email=email,
        full_name=full_name or None,
        password_hash=hash_password(password),
        role=role.value,
        status=UserStatus.PENDING.value,
        email_verified=False,
        language=language if language in ("vi", "en") else get_settings().default_language,
        timezone=get_settings().time_zone,
    )
    session.add(user)
    session.flush()
    session.add(UserProfile(user_id=user.id, full_name=user.full_name))
    send_verification_mail(session, user)
    return user


def _issue_token(session: Session, user: User, purpose: TokenPurpose, lifetime: dt.timedelta) -> str:
    # A new token supersedes older unused ones of the same purpose.
    session.exec(
        update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.purpose == purpose.value, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = new_token()
    session.add(
        AuthToken(user_id=user.id, purpose=purpose.value, token_hash=token_digest(token), expires_at=utcnow() + lifetime)
    )
    session.flush()
    return token


def _consume_token(session: Session, token: str, purpose: TokenPurpose) -> AuthToken:
    if not token or len(token) > 200:
        raise ServiceError(AccountError.TOKEN_INVALID)
    row = session.exec(
        select(AuthToken).where(AuthToken.token_hash == token_digest(token), AuthToken.purpose == purpose.value)
    ).first()
    if row is None:
        raise ServiceError(AccountError.TOKEN_INVALID)
    if row.used_at is not None:
        raise ServiceError(AccountError.TOKEN_USED)
    if row.expires_at <= utcnow():
        raise ServiceError(AccountError.TOKEN_EXPIRED)
    # Single use, even under two concurrent clicks: only one UPDATE matches used_at IS NULL.
    claimed = session.exec(
        update(AuthToken).where(AuthToken.id == row.id, AuthToken.used_at.is_(None)).values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise ServiceError(AccountError.TOKEN_USED)
    return row


def send_verification_mail(session: Session, user: User) -> None:
    settings = get_settings()
    token = _issue_token(session, user, TokenPurpose.VERIFY_EMAIL, dt.timedelta(hours=settings.email_token_hours))
    link = f"{settings.public_base_url}/verify-email?token={token}"
    lang = user.language
    send_mail(
        session,
        to=user.email,
        subject=translate("mail.verify.subject", lang),
        body=translate("mail.verify.body", lang, name=user.full_name or user.username, link=link, hours=settings.email_token_hours),
        kind="verify_email",
    )


def resend_verification(session: Session, *, email: str) -> None:
    """Silent when the address is unknown or already verified (no account enumeration)."""
    try:
        email = validate_email(email)
    except ServiceError:
        raise
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or user.email_verified:
        return
    send_verification_mail(session, user)


def verify_email(session: Session, *, token: str) -> User:
    row = _consume_token(session, token, TokenPurpose.VERIFY_EMAIL)
    user = session.get(User, row.user_id)
    if user is None:
        raise ServiceError(AccountError.TOKEN_INVALID)
    user.email_verified = True
    if user.status == UserStatus.PENDING.value:
        user.status = UserStatus.ACTIVE.value
    session.add(user)
    session.flush()
    return user


# --- Password reset and change ------------------------------------------------------------


def request_password_reset(session: Session, *, email: str) -> None:
    """Silent when the address is unknown (no account enumeration)."""
    email = validate_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or user.status == UserStatus.BANNED.value:
        return
    settings = get_settings()
    token = _issue_token(session, user, TokenPurpose.RESET_PASSWORD, dt.timedelta(minutes=settings.reset_token_minutes))
    link = f"{settings.public_base_url}/reset-password?token={token}"
    send_mail(
        session,
        to=user.email,
        subject=translate("mail.reset.subject", user.language),
        body=translate("mail.reset.body", user.language, name=user.full_name or user.username, link=link, minutes=settings.reset_token_minutes),
        kind="reset_password",
    )


def reset_password(session: Session, *, token: str, password: str, password_confirm: str | None = None) -> User:
    # Validate the new password before spending the token, so a typo does not burn it.
    row = session.exec(
        select(AuthToken).where(AuthToken.token_hash == token_digest(token or ""), AuthToken.purpose == TokenPurpose.RESET_PASSWORD.value)
    ).first()
    user = session.get(User, row.user_id) if row else None
    validate_password(password, username=user.username if user else "", email=user.email if user else "")
    if password_confirm is not None and password_confirm != password:
        raise ServiceError(AccountError.PASSWORD_MISMATCH)
    row = _consume_token(session, token, TokenPurpose.RESET_PASSWORD)
    user = session.get(User, row.user_id)
    if user is None:
        raise ServiceError(AccountError.TOKEN_INVALID)
    user.password_hash = hash_password(password)
    # Whoever reset the password proved they own the mailbox.
    user.email_verified = True
    if user.status == UserStatus.PENDING.value:
        user.status = UserStatus.ACTIVE.value
    session.add(user)
    revoke_all_sessions(session, user_id=user.id)
    return user


def change_password(
    session: Session, *, user_id: int, current_password: str, new_password: str, new_password_confirm: str | None = None, keep_token: str | None = None
) -> None:
    user = session.get(User, user_id)
    if user is None:
        raise ServiceError(AccountError.INVALID_CREDENTIALS)
    if not verify_password(current_password or "", user.password_hash):
        raise ServiceError(AccountError.WRONG_CURRENT_PASSWORD)
    validate_password(new_password, username=user.username, email=user.email)
    if new_password_confirm is not None and new_password_confirm != new_password:
        raise ServiceError(AccountError.PASSWORD_MISMATCH)
    user.password_hash = hash_password(new_password)
    session.add(user)
    revoke_all_sessions(session, user_id=user.id, except_token=keep_token)


# --- Login, rate limits and sessions ------------------------------------------------------


def _account_identifiers(session: Session, identifier: str) -> list[str]:
    """Every name an account can be typed as: failures count per account, not per spelling."""
    user = find_user_by_login(session, identifier)
    return sorted({identifier, user.username, user.email}) if user else [identifier]


def _recent_failures(session: Session, *, condition, since: dt.datetime) -> int:  # noqa: ANN001
    return int(
        session.exec(
            select(func.count()).select_from(LoginAttempt).where(condition, LoginAttempt.success.is_(False), LoginAttempt.created_at >= since)
        ).one()
    )


def _last_success(session: Session, identifiers: list[str]) -> dt.datetime | None:
    return session.exec(
        select(func.max(LoginAttempt.created_at)).where(col(LoginAttempt.identifier).in_(identifiers), LoginAttempt.success.is_(True))
    ).one()


def check_rate_limit(session: Session, *, identifier: str, ip_address: str) -> None:
    settings = get_settings()
    since = utcnow() - dt.timedelta(minutes=settings.login_window_minutes)
    identifiers = _account_identifiers(session, identifier)
    # A success resets the account's count: failures before it no longer count.
    last_ok = _last_success(session, identifiers)
    account_since = max(since, last_ok) if last_ok else since
    account_failures = _recent_failures(session, condition=col(LoginAttempt.identifier).in_(identifiers), since=account_since)
    if account_failures >= settings.login_max_failures_per_account:
        raise ServiceError(AccountError.RATE_LIMITED, minutes=settings.login_window_minutes)
    if ip_address and _recent_failures(session, condition=LoginAttempt.ip_address == ip_address, since=since) >= settings.login_max_failures_per_ip:
        raise ServiceError(AccountError.RATE_LIMITED, minutes=settings.login_window_minutes)


def _record_attempt(session: Session, *, identifier: str, ip_address: str, success: bool) -> None:
    session.add(LoginAttempt(identifier=identifier[:255], ip_address=(ip_address or "")[:45], success=success))
    session.flush()


def _record_failure_and_commit(session: Session, *, identifier: str, ip_address: str) -> None:
    _record_attempt(session, identifier=identifier, ip_address=ip_address, success=False)
    session.commit()


STATUS_ERRORS = {
    UserStatus.BANNED.value: AccountError.ACCOUNT_BANNED,
    UserStatus.INACTIVE.value: AccountError.ACCOUNT_INACTIVE,
    UserStatus.PENDING.value: AccountError.ACCOUNT_PENDING,
}


def login(
    session: Session, *, identifier: str, password: str, remember: bool = False, ip_address: str = "", user_agent: str = ""
) -> LoginResult:
    """Check credentials and open a session.

    A failed attempt is committed before the refusal is raised: the caller's unit of work
    rolls back on errors, and the rate limit must still see the attempt."""
    ident = (identifier or "").strip().lower()[:255]
    if not ident or not password:
        raise ServiceError(AccountError.INVALID_CREDENTIALS)
    check_rate_limit(session, identifier=ident, ip_address=ip_address)
    user = find_user_by_login(session, ident)
    if user is None:
        verify_password(password, _timing_dummy_hash())
        _record_failure_and_commit(session, identifier=ident, ip_address=ip_address)
        raise ServiceError(AccountError.INVALID_CREDENTIALS)
    if not verify_password(password, user.password_hash):
        _record_failure_and_commit(session, identifier=ident, ip_address=ip_address)
        raise ServiceError(AccountError.INVALID_CREDENTIALS)
    # Only someone who knows the password learns the account's state.
    if user.status in STATUS_ERRORS:
        raise ServiceError(STATUS_ERRORS[user.status])
    _record_attempt(session, identifier=ident, ip_address=ip_address, success=True)
    settings = get_settings()
    lifetime = dt.timedelta(days=settings.session_days_remember) if remember else dt.timedelta(hours=settings.session_hours_browser)
    token = new_token()
    now = utcnow()
    record = UserSession(
        user_id=user.id,
        token_hash=token_digest(token),
        expires_at=now + lifetime,
        user_agent=(user_agent or "")[:1000],
        ip_address=(ip_address or "")[:45],
        is_remember=remember,
        last_seen_at=now,
    )
    user.last_login = now
    session.add(record)
    session.add(user)
    session.flush()
    return LoginResult(user=user, token=token, expires_at=record.expires_at, remember=remember)


def user_for_token(session: Session, token: str | None) -> User | None:
    """The active user behind a browser's session token, or None."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == token_digest(token), UserSession.revoked_at.is_(None))
    ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or user.status != UserStatus.ACTIVE.value:
        return None
    return user


def touch_session(session: Session, token: str) -> None:
    session.exec(update(UserSession).where(UserSession.token_hash == token_digest(token)).values(last_seen_at=utcnow()))


def logout(session: Session, *, token: str | None) -> None:
    if not token:
        return
    session.exec(
        update(UserSession).where(UserSession.token_hash == token_digest(token), UserSession.revoked_at.is_(None)).values(revoked_at=utcnow())
    )


def revoke_all_sessions(session: Session, *, user_id: int, except_token: str | None = None) -> int:
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if except_token:
        query = query.where(UserSession.token_hash != token_digest(except_token))
    return session.exec(query.values(revoked_at=utcnow())).rowcount


def active_sessions(session: Session, *, user_id: int) -> list[UserSession]:
    return list(
        session.exec(
            select(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > utcnow())
            .order_by(col(UserSession.id).desc())
        )
    )


# --- Administration -----------------------------------------------------------------------


def create_admin(session: Session, *, username: str, email: str, password: str) -> User:
    """An active, verified admin (operator command); promotes the account if it exists."""
    username = validate_username(username)
    email = validate_email(email)
    validate_password(password, username=username, email=email)
    user = session.exec(select(User).where(or_(User.username == username, User.email == email))).first()
    if user is None:
        user = User(username=username, email=email)
        session.add(user)
    user.password_hash = hash_password(password)
    user.role = Role.ADMIN.value
    user.status = UserStatus.ACTIVE.value
    user.email_verified = True
    session.add(user)
    session.flush()
    if session.exec(select(UserProfile).where(UserProfile.user_id == user.id)).first() is None:
        session.add(UserProfile(user_id=user.id))
    return user


def list_users(session: Session, *, search: str = "", role: str = "", limit: int = 50, offset: int = 0) -> list[User]:
    query = select(User).order_by(col(User.id)).limit(max(1, min(limit, 200))).offset(max(0, offset))
    search = (search or "").strip().lower()[:100]
    if search:
        # The search text is literal: % and _ typed by an admin are not wildcards.
        like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                col(User.username).like(like, escape="\\"),
                col(User.email).like(like, escape="\\"),
                col(User.full_name).like(like, escape="\\"),
            )
        )
    if role:
        if role not in {r.value for r in Role}:
            raise ServiceError(AccountError.ROLE_INVALID)
        query = query.where(User.role == role)
    return list(session.exec(query))


def set_user_role(session: Session, *, actor_id: int, user_id: int, role: str) -> User:
    if role not in {r.value for r in Role}:
        raise ServiceError(AccountError.ROLE_INVALID)
    if actor_id == user_id:
        raise ServiceError(AccountError.CANNOT_CHANGE_SELF)
    user = session.get(User, user_id)
    if user is None:
        from aesp_app.services.errors import CommonError

        raise ServiceError(CommonError.NOT_FOUND)
    user.role = role
    session.add(user)
    return user


def set_user_status(session: Session, *, actor_id: int, user_id: int, status: str) -> User:
    if status not in {s.value for s in UserStatus}:
        raise ServiceError(AccountError.STATUS_INVALID)
    if actor_id == user_id:
        raise ServiceError(AccountError.CANNOT_CHANGE_SELF)
    user = session.get(User, user_id)
    if user is None:
        from aesp_app.services.errors import CommonError

        raise ServiceError(CommonError.NOT_FOUND)
    user.status = status
    session.add(user)
    if status != UserStatus.ACTIVE.value:
        revoke_all_sessions(session, user_id=user.id)
    return user


def describe_user_agent(user_agent: str | None) -> str:
    """"Chrome on Windows" from a browser's User-Agent header, for the list of sessions."""
    ua = user_agent or ""
    browser = next(
        (name for token, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("CriOS", "Chrome"), ("Chrome/", "Chrome"),
                                  ("Firefox/", "Firefox"), ("Safari/", "Safari")) if token in ua),
        "",
    )
    system = next(
        (name for token, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
                                  ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")) if token in ua),
        "",
    )
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (ua[:40] if ua else "?")
