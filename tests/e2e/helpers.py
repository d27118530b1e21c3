"""What the browser journeys share: opening a page once React has taken it over, logging in,
reading a link from the admin outbox, screenshots, and waiting on the database."""

from __future__ import annotations

import os
import pathlib
import re
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from aesp_app.i18n import translate

ROOT = pathlib.Path(__file__).resolve().parents[2]
# pytest-playwright empties test-results/ when any pytest session starts; E2E_SCREENSHOT_DIR
# keeps the pictures somewhere else.
SCREENSHOT_DIR = pathlib.Path(os.environ.get("E2E_SCREENSHOT_DIR") or ROOT / "test-results" / "screenshots")
SIZES = {"desktop": (1280, 860), "phone": (390, 844)}
DESKTOP = {"width": 1280, "height": 860}

# Demo accounts (python -m aesp_app demo-data); each journey that changes an account's state
# (failed logins, sessions) uses its own.
ADMIN = ("admin@pac.edu.vn", "admin")
MENTOR = ("mentor@aesp.vn", "mentor12345")
LEARNER_REMEMBER = ("learner1@aesp.vn", "learner12345")
LEARNER_FORBIDDEN = ("learner2@aesp.vn", "learner12345")
LEARNER_RATE_LIMIT = ("learner3@aesp.vn", "learner12345")
LEARNER_RATE_LIMIT_ALIAS = ("customer@example.com", "customer", "customer")  # e-mail, username, password

# The prerendered HTML is on screen before React hydrates it: a form submitted then would be
# a plain GET. React marks every element it owns with a __reactFiber$… key; the language
# switch is on every page.
_HYDRATED_JS = """() => {
  const el = document.querySelector('#lang-vi');
  return !!el && Object.keys(el).some(k => k.startsWith('__reactFiber') || k.startsWith('__reactProps'));
}"""


def vi(key: str, **params: Any) -> str:
    return translate(key, "vi", **params)


def en(key: str, **params: Any) -> str:
    return translate(key, "en", **params)


def wait_hydrated(page: Page, timeout: float = 15_000) -> None:
    page.wait_for_function(_HYDRATED_JS, timeout=timeout)


def open_page(page: Page, path: str) -> None:
    """Go to PATH (relative to the context's base URL) and wait until React runs the page."""
    page.goto(path)
    wait_hydrated(page)


def path_of(page: Page) -> str:
    """The current path with its query, e.g. /login?next=/profile."""
    return _path(page.url)


def wait_for_path(page: Page, predicate: Callable[[str], bool] | str, timeout: float = 15_000) -> None:
    """Wait until the URL's path (with its query) matches: an exact path or a predicate."""
    check = predicate if callable(predicate) else (lambda p, wanted=predicate: p.split("?", 1)[0] == wanted)
    page.wait_for_url(lambda url: check(_path(url)), timeout=timeout)


def _path(url: str) -> str:
    """http://host/profile/?a=1 -> /profile?a=1 (the static server may add a trailing slash)."""
    rest = url.split("://", 1)[-1]
    full = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, sep, query = full.partition("?")
    return (path.rstrip("/") or "/") + sep + query


def fill_login(page: Page, ident: str, password: str, remember: bool = False) -> None:
    page.fill("#identifier", ident)
    page.fill("#password", password)
    box = page.locator("#remember")
    if (box.get_attribute("aria-checked") == "true") != remember:
        box.click()
    expect(box).to_have_attribute("aria-checked", "true" if remember else "false")
    page.click("#login-submit")


def login(page: Page, ident: str, password: str, remember: bool = False) -> None:
    """Log in through /login and wait until the app has moved on from the login page."""
    open_page(page, "/login")
    fill_login(page, ident, password, remember)
    wait_for_path(page, lambda p: not p.startswith("/login"))
    wait_hydrated(page)


def latest_mail_link(admin_page: Page, to_email: str, path: str, timeout: float = 15.0) -> str:
    """The link to PATH in the newest mail to TO_EMAIL, read as an admin reads it: filter the
    outbox by recipient, open the newest mail, take the URL out of its body."""
    open_page(admin_page, "/admin/outbox")
    expect(admin_page.locator("#outbox-filter")).to_be_visible()
    admin_page.fill("#outbox-filter", to_email)
    admin_page.press("#outbox-filter", "Enter")
    first_cells = admin_page.locator("table tbody tr td:first-child")
    deadline = time.monotonic() + timeout
    while True:
        texts = [t.strip() for t in first_cells.all_inner_texts()]
        if texts and all(t == to_email for t in texts):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {to_email} in the outbox (rows: {texts[:5]})")
        admin_page.wait_for_timeout(200)
    admin_page.locator("table tbody tr").first.locator(".open-mail").click()
    body = admin_page.locator("#mail-body")
    expect(body).to_be_visible()
    text = body.inner_text()
    match = re.search(r"https?://[^\s/]+" + re.escape(path) + r"\?token=[^\s]+", text)
    assert match, f"no {path} link in the mail to {to_email}:\n{text}"
    return match.group(0)


def shoot(page: Page, name: str) -> None:
    """Full-page PNGs of what the page shows now, at desktop and phone widths."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    try:
        for label, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            # From the top, so the sticky bar is drawn at the top of the full-page picture.
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(250)  # let the layout settle at the new width
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(original)


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.1)


def persistent_cookies(context: BrowserContext) -> list[dict]:
    """What survives closing the browser: cookies with an expiry (session cookies have -1)."""
    return [c for c in context.cookies() if c.get("expires", -1) not in (-1, None)]


def cookie(context: BrowserContext, name: str) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def fill_register(page: Page, *, username: str, email: str, password: str, confirm: str | None = None, full_name: str = "") -> None:
    page.fill("#full_name", full_name)
    page.fill("#username", username)
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#password_confirm", password if confirm is None else confirm)
    page.click("#register-submit")


def register(page: Page, *, username: str, email: str, password: str, full_name: str = "") -> None:
    """Sign up through /register and wait for the "check your mailbox" page."""
    open_page(page, "/register")
    fill_register(page, username=username, email=email, password=password, full_name=full_name)
    wait_for_path(page, "/register/done")
    expect(page.locator("#register-done")).to_contain_text(email)


def make_learner(db, prefix: str, password: str = "Luyen-noi-2024") -> tuple[str, str]:  # noqa: ANN001
    """A fresh active learner with onboarding done, written straight to the database: (e-mail,
    password). For journeys that need an account of their own but are not about signing up."""
    import uuid

    from aesp_app.models.accounts import Role, User, UserProfile, UserStatus
    from aesp_app.models.practice import LearnerProgress
    from aesp_app.services.security import hash_password

    tag = uuid.uuid4().hex[:8]
    email = f"{prefix}.{tag}@example.com"
    with db() as session:
        user = User(
            email=email, username=f"{prefix}{tag}", password_hash=hash_password(password), full_name=f"Học viên {tag}",
            role=Role.LEARNER.value, status=UserStatus.ACTIVE.value, email_verified=True,
        )
        session.add(user)
        session.flush()
        session.add(UserProfile(user_id=user.id, full_name=user.full_name, onboarding_completed=True))
        session.add(LearnerProgress(user_id=user.id))
        session.commit()
    return email, password


def hold(page: Page, selector: str, ms: int) -> None:
    """Press and hold the element (a hold-to-talk button) for MS milliseconds, then release."""
    target = page.locator(selector)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box, f"{selector} is not on screen"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()
