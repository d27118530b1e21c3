"""Accounts: one users table for the four seeds, login sessions, profiles, one-time tokens,
login attempts and the mail outbox.

users merges 000 flask_user, 001 users, 002 users and 003 users (see docs/seed_mapping.json).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import created_at_field, fk, money_field, text_field, updated_at_field, varchar


class Role(str, enum.Enum):
    LEARNER = "learner"
    MENTOR = "mentor"
    ADMIN = "admin"


class UserStatus(str, enum.Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    BANNED = "banned"
    PENDING = "pending"


class UserBase(SQLModel):
    username: str = varchar(100, nullable=False, unique=True)
    email: str = varchar(255, nullable=False, unique=True)
    full_name: str | None = varchar(100)
    phone: str | None = varchar(20)
    birth_date: dt.date | None = Field(default=None)
    gender: str | None = varchar(10)
    address: str | None = text_field()
    city: str | None = varchar(100)
    country: str | None = varchar(100)
    avatar_url: str | None = varchar(500)
    bio: str | None = text_field()
    description: str | None = varchar(255)
    timezone: str = varchar(64, default="Asia/Ho_Chi_Minh", nullable=False)
    language: str = varchar(5, default="vi", nullable=False)


class User(UserBase, table=True):
    __tablename__ = "users"
    __table_args__ = (
        sa.Index("idx_user_role", "role"),
        sa.Index("idx_user_status", "status"),
        sa.Index("idx_user_email_verified", "email_verified"),
    )

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str | None = varchar(255)  # NULL only for accounts from an external provider
    role: str = varchar(20, default=Role.LEARNER.value, nullable=False)
    status: str = varchar(20, default=UserStatus.ACTIVE.value, nullable=False)
    email_verified: bool = Field(default=False, nullable=False)
    auth_provider: str = varchar(20, default="email", nullable=False)
    google_id: str | None = varchar(255)
    # Mentor fields (seed 000)
    specialty: str | None = varchar(100)
    average_rating: float = Field(default=5.0, nullable=False)
    review_count: int = Field(default=0, nullable=False)
    hourly_rate: Decimal | None = money_field(default=Decimal("100000"))
    profile_completed: bool = Field(default=False, nullable=False)
    last_login: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class UserPublic(UserBase):
    """What may leave the server about a user: never the password hash."""

    id: int
    role: str
    status: str
    email_verified: bool
    specialty: str | None = None
    profile_completed: bool = False


class UserSession(SQLModel, table=True):
    """Seed 001 `sessions`. Only a SHA-256 of the browser's token is stored."""

    __tablename__ = "user_sessions"
    __table_args__ = (sa.Index("idx_user_sessions_expires", "expires_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    token_hash: str = varchar(255, nullable=False, unique=True)
    expires_at: dt.datetime = Field(nullable=False)
    user_agent: str | None = text_field()
    ip_address: str | None = varchar(45)
    is_remember: bool = Field(default=False, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    last_seen_at: dt.datetime | None = Field(default=None)
    revoked_at: dt.datetime | None = Field(default=None)


class UserProfile(SQLModel, table=True):
    """Seed 002 `user_profiles`: onboarding and learning preferences, 1:1 with users."""

    __tablename__ = "user_profiles"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, unique=True)
    full_name: str | None = varchar(100)
    grade_level: str | None = varchar(20)  # CEFR level the learner reports: A1..C2
    primary_goal: str | None = varchar(50)
    study_preference: str | None = varchar(50)
    onboarding_completed: bool = Field(default=False, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class TokenPurpose(str, enum.Enum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class AuthToken(SQLModel, table=True):
    """Single-use, expiring tokens for e-mail verification and password reset (hash only)."""

    __tablename__ = "auth_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    purpose: str = varchar(30, nullable=False)
    token_hash: str = varchar(64, nullable=False, unique=True)
    expires_at: dt.datetime = Field(nullable=False)
    used_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()


class LoginAttempt(SQLModel, table=True):
    """Every login try, for rate limiting per account and per IP across back-end workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("idx_login_attempts_identifier", "identifier", "created_at"),
        sa.Index("idx_login_attempts_ip", "ip_address", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    identifier: str = varchar(255, nullable=False)
    ip_address: str = varchar(45, default="", nullable=False)
    success: bool = Field(default=False, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class MailStatus(str, enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    OUTBOX = "outbox"  # no SMTP configured: kept here for admins to read


class OutboxMail(SQLModel, table=True):
    """Every e-mail the app sends, delivered or not, so flows work offline and can be audited."""

    __tablename__ = "mail_outbox"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = varchar(255, nullable=False, index=True)
    subject: str = varchar(255, nullable=False)
    body_text: str = Field(sa_type=sa.Text, nullable=False)
    kind: str = varchar(50, default="general", nullable=False)
    status: str = varchar(20, default=MailStatus.QUEUED.value, nullable=False)
    error: str | None = text_field()
    created_at: dt.datetime | None = created_at_field()
    sent_at: dt.datetime | None = Field(default=None)
