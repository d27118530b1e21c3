"""Accounts of each role with fresh server-side sessions, for calling handlers as them."""

from __future__ import annotations

import datetime as dt

import pytest

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role, User, UserProfile, UserSession, UserStatus
from aesp_app.models.base import utcnow
from aesp_app.services.security import hash_password, new_token, token_digest

ROLES = ("anonymous", "learner", "mentor", "admin")
PASSWORD = "correct-horse-42"


@pytest.fixture
def accounts(engine) -> dict[str, int]:
    """One active, verified account per role; returns {role: user id}."""
    hashed = hash_password(PASSWORD, rounds=4)
    ids = {}
    with session_scope() as session:
        for role in (Role.LEARNER, Role.MENTOR, Role.ADMIN):
            user = User(
                username=f"{role.value}1", email=f"{role.value}1@aesp.test", password_hash=hashed,
                role=role.value, status=UserStatus.ACTIVE.value, email_verified=True, full_name=f"{role.value.title()} One",
            )
            session.add(user)
            session.flush()
            session.add(UserProfile(user_id=user.id, onboarding_completed=True))
            ids[role.value] = user.id
    return ids


def open_session(user_id: int, *, remember: bool = False) -> str:
    """A new login session for USER_ID; returns the browser's token (as login would)."""
    token = new_token()
    with session_scope() as session:
        session.add(
            UserSession(user_id=user_id, token_hash=token_digest(token), expires_at=utcnow() + dt.timedelta(hours=1), is_remember=remember)
        )
    return token


@pytest.fixture
def handler_client(app_env):
    from tests.handlers.harness import HandlerClient

    with HandlerClient() as client:
        yield client


@pytest.fixture
def browser_as(handler_client, accounts):
    """browser_as(role) → a Browser logged in as that role ('anonymous': no cookie)."""

    def make(role: str, **kwargs):
        if role == "anonymous":
            return handler_client.browser(**kwargs)
        return handler_client.browser(aesp_session=open_session(accounts[role]), **kwargs)

    return make
