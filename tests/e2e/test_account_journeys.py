"""Account journeys in a real browser against the production build: sign-up and e-mail
confirmation through the outbox, onboarding, profile, remember-me across a browser restart,
wrong passwords and the rate limit, role guards, confirmation links, registration errors,
the language switch and the 404 page.

Expected texts come from the message catalogues, so a copy change does not break a journey.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, func, select

from aesp_app.models.accounts import LoginAttempt, User, UserSession

from .helpers import (
    LEARNER_FORBIDDEN,
    LEARNER_RATE_LIMIT,
    LEARNER_RATE_LIMIT_ALIAS,
    LEARNER_REMEMBER,
    cookie,
    en,
    fill_login,
    fill_register,
    latest_mail_link,
    login,
    open_page,
    path_of,
    persistent_cookies,
    register,
    shoot,
    vi,
    wait_for_path,
    wait_hydrated,
    wait_until,
)

pytestmark = pytest.mark.e2e

PASSWORD = "Luyen-noi-2024"


def _unique(prefix: str) -> tuple[str, str]:
    """A fresh (username, e-mail) pair."""
    tag = uuid.uuid4().hex[:8]
    return f"{prefix}{tag}", f"{prefix}.{tag}@example.com"


def _toast(page: Page, text: str):  # noqa: ANN202
    return page.locator("[data-sonner-toast]", has_text=text)


def _failures(db, identifier: str) -> int:  # noqa: ANN001
    with db() as session:
        return int(
            session.exec(
                select(func.count()).select_from(LoginAttempt).where(LoginAttempt.identifier == identifier, LoginAttempt.success.is_(False))
            ).one()
        )


def _user(db, **where: str) -> User | None:  # noqa: ANN001
    with db() as session:
        query = select(User)
        for field, value in where.items():
            query = query.where(getattr(User, field) == value)
        return session.exec(query).first()


# --- sign-up to log-out -------------------------------------------------------------------


def test_register_verify_onboard_edit_profile_and_log_out(page: Page, admin_page: Page, db) -> None:  # noqa: ANN001
    username, email = _unique("hoa")
    full_name, new_name, city = "Nguyễn Thị Hoa", "Nguyễn Thị Hoà Bình", "Đà Nẵng"

    open_page(page, "/")
    expect(page.locator("#hero-title")).to_have_text(vi("landing.hero_title"))
    shoot(page, "01-landing")
    page.click("#cta-start")
    wait_for_path(page, "/register")
    wait_hydrated(page)
    shoot(page, "02-register")
    fill_register(page, username=username, email=email, password=PASSWORD, full_name=full_name)
    wait_for_path(page, "/register/done")
    expect(page.locator("#register-done")).to_contain_text(email)
    shoot(page, "03-register-done")
    user = _user(db, username=username)
    assert user is not None and user.status == "pending" and not user.email_verified

    link = latest_mail_link(admin_page, email, "/verify-email")
    shoot(admin_page, "04-admin-outbox-mail")
    page.goto(link)
    expect(page.locator("#verify-result")).to_contain_text(vi("verify.success"))
    shoot(page, "05-verify-email-ok")
    user = _user(db, username=username)
    assert user.status == "active" and user.email_verified

    # A new learner is sent to onboarding first.
    login(page, username, PASSWORD)
    wait_for_path(page, "/onboarding")
    expect(page.locator("#level-B1")).to_be_visible()
    shoot(page, "06-onboarding")
    page.click("#level-B1")
    page.click("#goal-travel")
    page.click("#preference-speaking")
    page.click("#onboarding-submit")
    wait_for_path(page, "/dashboard")
    expect(_toast(page, vi("onboarding.saved"))).to_be_visible()
    expect(page.locator("#dashboard-title")).to_have_text(vi("dashboard.title", name=full_name))
    expect(page.locator("#stat-level")).to_have_text("B1")
    shoot(page, "07-dashboard")

    open_page(page, "/profile")
    expect(page.locator("#full_name")).to_have_value(full_name)  # the form is filled from the server
    expect(page.locator("#profile-email")).to_have_text(email)
    shoot(page, "08-profile")
    page.fill("#full_name", new_name)
    page.fill("#city", city)
    page.click("#profile-save")
    expect(_toast(page, vi("profile.saved"))).to_be_visible()
    expect(page.locator("#profile-name")).to_have_text(new_name)
    expect(page.locator("#nav-user")).to_have_text(new_name)
    shoot(page, "09-profile-saved")
    user = _user(db, username=username)
    assert (user.full_name, user.city) == (new_name, city)

    page.reload()
    wait_hydrated(page)
    expect(page.locator("#full_name")).to_have_value(new_name)
    expect(page.locator("#city")).to_have_value(city)
    expect(page.locator("#profile-name")).to_have_text(new_name)

    page.click("#logout-button")
    wait_for_path(page, "/")
    expect(page.locator("#cta-start")).to_be_visible()
    open_page(page, "/profile")
    wait_for_path(page, lambda p: p.startswith("/login?next=/profile"))
    expect(page.locator("#identifier")).to_be_visible()
    expect(page.locator("#profile-form")).to_have_count(0)
    expect(_toast(page, vi("access.login_needed")).first).to_be_visible()
    shoot(page, "10-login-after-logout")


def test_login_from_a_protected_page_returns_to_it(page: Page) -> None:
    email, password = LEARNER_REMEMBER
    open_page(page, "/profile")
    wait_for_path(page, lambda p: p.startswith("/login?next=/profile"))
    wait_hydrated(page)
    fill_login(page, email, password)
    wait_for_path(page, "/profile")
    expect(page.locator("#profile-email")).to_have_text(email)


def test_anonymous_visitor_is_told_once_to_log_in(page: Page) -> None:
    open_page(page, "/profile")
    wait_for_path(page, lambda p: p.startswith("/login"))
    toasts = page.locator("[data-sonner-toast]")
    expect(toasts.first).to_be_visible()
    page.wait_for_timeout(1000)  # every on_load answer has arrived; toasts last 4 s
    assert toasts.count() == 1, toasts.all_inner_texts()


# --- remember me --------------------------------------------------------------------------


def test_remember_me_outlives_a_browser_restart(new_context) -> None:  # noqa: ANN001
    email, password = LEARNER_REMEMBER
    context = new_context()
    page = context.new_page()
    login(page, email, password, remember=True)
    remembered = cookie(context, "aesp_remember")
    assert remembered and remembered["value"], context.cookies()
    days_left = (remembered["expires"] - time.time()) / 86400
    assert 29.9 < days_left <= 30.01, days_left
    browser_session = cookie(context, "aesp_session")
    assert browser_session is None or browser_session["value"] == ""
    kept = persistent_cookies(context)
    context.close()

    # The browser restarts: only cookies with an expiry are left.
    restarted = new_context()
    restarted.add_cookies(kept)
    page = restarted.new_page()
    open_page(page, "/profile")
    expect(page.locator("#profile-email")).to_have_text(email)
    assert path_of(page) == "/profile"
    shoot(page, "11-profile-after-restart-remembered")


def test_without_remember_me_the_login_ends_with_the_browser(new_context) -> None:  # noqa: ANN001
    email, password = LEARNER_REMEMBER
    context = new_context()
    page = context.new_page()
    login(page, email, password)
    browser_session = cookie(context, "aesp_session")
    assert browser_session and browser_session["value"], context.cookies()
    assert browser_session["expires"] == -1  # a session cookie
    remembered = cookie(context, "aesp_remember")
    assert remembered is None or remembered["value"] == ""
    open_page(page, "/profile")
    expect(page.locator("#profile-email")).to_have_text(email)
    kept = persistent_cookies(context)
    context.close()

    restarted = new_context()
    restarted.add_cookies(kept)
    page = restarted.new_page()
    open_page(page, "/profile")
    wait_for_path(page, lambda p: p.startswith("/login"))
    expect(page.locator("#identifier")).to_be_visible()


# --- wrong passwords and the rate limit ---------------------------------------------------


def test_wrong_password_then_rate_limit_blocks_even_the_right_password(page: Page, db) -> None:  # noqa: ANN001
    email, password = LEARNER_RATE_LIMIT
    open_page(page, "/login")
    shoot(page, "12-login")
    error = page.locator("#form-error")
    for attempt in range(1, 6):
        fill_login(page, email, f"not-the-password-{attempt}")
        wait_until(lambda n=attempt: _failures(db, email) == n, message=f"failed attempt {attempt} recorded")
        expect(error).to_contain_text(vi("account.invalid_credentials"))
    shoot(page, "13-login-wrong-password")

    fill_login(page, email, password)
    expect(error).to_contain_text(vi("account.rate_limited", minutes=15))
    shoot(page, "14-login-rate-limited")
    assert path_of(page).startswith("/login")
    for name in ("aesp_session", "aesp_remember"):
        value = cookie(page.context, name)
        assert value is None or value["value"] == "", value
    user = _user(db, email=email)
    with db() as session:
        opened = session.exec(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)).one()
    assert opened == 0


def test_rate_limit_counts_per_account_whatever_identifier_is_typed(page: Page, db) -> None:  # noqa: ANN001
    email, username, password = LEARNER_RATE_LIMIT_ALIAS
    open_page(page, "/login")
    for attempt in range(1, 6):
        fill_login(page, email, f"not-the-password-{attempt}")
        wait_until(lambda n=attempt: _failures(db, email) == n, message=f"failed attempt {attempt} recorded")
    expect(page.locator("#form-error")).to_contain_text(vi("account.invalid_credentials"))
    fill_login(page, username, password)
    expect(page.locator("#form-error")).to_contain_text(vi("account.rate_limited", minutes=15))
    assert path_of(page).startswith("/login")
    assert _failures(db, username) == 0  # refused before the password was even checked


# --- role guards --------------------------------------------------------------------------


def test_learner_gets_the_forbidden_view_on_admin_pages(page: Page) -> None:
    email, password = LEARNER_FORBIDDEN
    login(page, email, password)
    for number, path in enumerate(("/admin", "/admin/users", "/admin/outbox")):
        open_page(page, path)
        wait_for_path(page, "/forbidden")
        expect(page.locator("#forbidden")).to_be_visible()
        expect(page.locator("#forbidden")).to_contain_text(vi("access.denied_title"))
        expect(page.locator("table")).to_have_count(0)
        expect(page.locator(".open-mail")).to_have_count(0)
        expect(page.locator("#mail-body")).to_have_count(0)
        assert "admin@pac.edu.vn" not in page.content()
        if number == 0:
            shoot(page, "15-forbidden")


def test_anonymous_visitor_is_sent_to_login_from_admin(page: Page) -> None:
    open_page(page, "/admin")
    wait_for_path(page, lambda p: p.startswith("/login?next=/admin"))
    expect(page.locator("#identifier")).to_be_visible()
    expect(page.locator("#forbidden")).to_have_count(0)


# --- pending accounts and confirmation links ----------------------------------------------


def test_pending_account_and_used_or_invalid_links(page: Page, admin_page: Page) -> None:
    username, email = _unique("lan")
    register(page, username=username, email=email, password=PASSWORD, full_name="Trần Lan")

    open_page(page, "/login")
    fill_login(page, email, PASSWORD)
    expect(page.locator("#form-error")).to_contain_text(vi("account.pending"))
    expect(page.locator("#resend-link")).to_be_visible()
    assert path_of(page).startswith("/login")
    shoot(page, "16-login-pending")

    link = latest_mail_link(admin_page, email, "/verify-email")
    page.goto(link)
    expect(page.locator("#verify-result")).to_contain_text(vi("verify.success"))
    page.goto(link)
    expect(page.locator("#verify-result")).to_contain_text(vi("account.token_used"))
    shoot(page, "17-verify-link-used")
    page.goto("/verify-email?token=this-is-not-a-real-token")
    expect(page.locator("#verify-result")).to_contain_text(vi("account.token_invalid"))
    shoot(page, "18-verify-link-invalid")

    # Confirmed: the same credentials now log in.
    login(page, email, PASSWORD)
    wait_for_path(page, "/onboarding")


# --- registration errors ------------------------------------------------------------------


def test_registration_rejects_bad_input_and_creates_nothing(page: Page, db) -> None:  # noqa: ANN001
    username, email = _unique("minh")
    with db() as session:
        users_before = session.exec(select(func.count()).select_from(User)).one()
    cases = [
        ("duplicate username", dict(username="learner1", email=email, password=PASSWORD), vi("account.username_taken")),
        ("duplicate e-mail", dict(username=username, email="learner1@aesp.vn", password=PASSWORD), vi("account.email_taken")),
        ("mismatched passwords", dict(username=username, email=email, password=PASSWORD, confirm=PASSWORD + "x"), vi("account.password_mismatch")),
        ("short password", dict(username=username, email=email, password="Ab1-xyz"), vi("account.password_too_short", min=8)),
    ]
    open_page(page, "/register")
    error = page.locator("#form-error")
    for label, fields, message in cases:
        fill_register(page, full_name="Lê Minh", **fields)
        expect(error, f"{label}: message").to_contain_text(message)
        assert path_of(page) == "/register", label
        if label == "short password":
            shoot(page, "19-register-error")

    with db() as session:
        assert session.exec(select(func.count()).select_from(User)).one() == users_before
        assert session.exec(select(User).where((col(User.username) == username) | (col(User.email) == email))).first() is None
        assert session.exec(select(func.count()).select_from(User).where(User.username == "learner1")).one() == 1
        assert session.exec(select(func.count()).select_from(User).where(User.email == "learner1@aesp.vn")).one() == 1


# --- language and 404 ---------------------------------------------------------------------


def test_language_switch_changes_the_page_and_persists(page: Page) -> None:
    open_page(page, "/")
    hero = page.locator("#hero-title")
    expect(hero).to_have_text(vi("landing.hero_title"))
    page.click("#lang-en")
    expect(hero).to_have_text(en("landing.hero_title"))
    expect(page.locator("#lang-en")).to_have_class(re.compile(r"\brt-variant-solid\b"))
    shoot(page, "20-landing-en")
    page.reload()
    wait_hydrated(page)
    expect(hero).to_have_text(en("landing.hero_title"))
    assert (cookie(page.context, "aesp_lang") or {}).get("value") == "en"
    open_page(page, "/login")
    expect(page.locator("#login-submit")).to_have_text(en("login.submit"))


def test_unknown_url_shows_the_404_page(page: Page) -> None:
    response = page.goto("/no-such-page/anywhere")
    wait_hydrated(page)
    expect(page.locator("#not-found")).to_have_text(vi("notfound.title"))
    assert response is not None and response.status == 404
    shoot(page, "21-not-found")
