"""Every event handler is an endpoint anyone can call with any arguments.

AUTHORIZATION lists each handler of the app with who may call it and a payload to call it
with. The test calls each one through the real event path as anonymous, learner, mentor and
admin, and checks that the server refused exactly the callers it should (a refusal is logged
on "aesp.security" and changes nothing). A handler missing from the table fails the test:
every new handler must add its row here.
"""

from __future__ import annotations

import importlib
import logging
import pathlib

import pytest
import reflex as rx

from tests.handlers.roles import ADMIN, ALL, LEARNER, MEMBERS

PROFILE_FORM = {"form": {"full_name": "Nguyễn Văn A", "city": "Hà Nội", "timezone": "Asia/Ho_Chi_Minh", "language": "vi"}}

# "StateName.handler": (who may call it, payload)
AUTHORIZATION: dict[str, tuple[frozenset[str], dict]] = {
    # Language and session: public by nature; they only act on the caller's own session.
    "I18nState.set_language": (ALL, {"lang": "en"}),
    "AuthState.check_session": (ALL, {}),
    "AuthState.require_login": (ALL, {}),
    "AuthState.require_admin": (ALL, {}),
    "AuthState.require_mentor": (ALL, {}),
    "AuthState.require_learner": (ALL, {}),
    "AuthState.redirect_if_logged_in": (ALL, {}),
    "AuthState.login": (ALL, {"form": {"identifier": "nobody", "password": "wrong-password"}}),
    "AuthState.logout": (ALL, {}),
    # Visitor flows (tokens in the link are the authorization)
    "AccountState.register": (ALL, {"form": {"username": "x", "email": "bad", "password": "1"}}),
    "AccountState.verify_from_link": (ALL, {}),
    "AccountState.resend_verification": (ALL, {"form": {"email": "nobody@aesp.test"}}),
    "AccountState.request_reset": (ALL, {"form": {"email": "nobody@aesp.test"}}),
    "AccountState.load_reset": (ALL, {}),
    "AccountState.reset_password": (ALL, {"form": {"password": "x", "password_confirm": "x"}}),
    # The member's own profile
    "ProfileState.load": (MEMBERS, {}),
    "ProfileState.save": (MEMBERS, PROFILE_FORM),
    "ProfileState.change_password": (MEMBERS, {"form": {"current_password": "wrong", "new_password": "new-password-1", "new_password_confirm": "new-password-1"}}),
    "ProfileState.logout_other_sessions": (MEMBERS, {}),
    "ProfileState.load_onboarding": (LEARNER, {}),
    "ProfileState.save_onboarding": (LEARNER, {"form": {"level": "B1", "goal": "career", "preference": "speaking"}}),
    "DashboardState.load": (LEARNER, {}),
    # Administration
    "AdminState.load_overview": (ADMIN, {}),
    "AdminState.load_users": (ADMIN, {}),
    "AdminState.search_users": (ADMIN, {"form": {"search": "a", "role": "learner"}}),
    "AdminState.users_page": (ADMIN, {"delta": 1}),
    "AdminState.set_role": (ADMIN, {"user_id": 0, "role": "mentor"}),
    "AdminState.set_status": (ADMIN, {"user_id": 0, "status": "banned"}),
    "AdminState.load_outbox": (ADMIN, {}),
    "AdminState.filter_outbox": (ADMIN, {"form": {"to": "a@b.c"}}),
    "AdminState.outbox_page": (ADMIN, {"delta": 1}),
    "AdminState.show_mail": (ADMIN, {"mail_id": 1}),
    "AdminState.close_mail": (ALL, {}),
    # Cart: visitors have a guest cart (cookie id), members their own
    "CartState.load": (ALL, {}),
    "CartState.add": (ALL, {"package_id": 999999, "quantity": 1}),
    "CartState.set_quantity": (ALL, {"line_id": 999999, "quantity": 2}),
    "CartState.remove": (ALL, {"line_id": 999999}),
    "CartState.checkout": (MEMBERS, {"form": {"payment_method": "vnpay"}}),
    # Orders and purchases: the member's own only (another's order is "not found")
    "OrdersState.load_orders": (MEMBERS, {}),
    "OrdersState.load_order": (MEMBERS, {}),
    "OrdersState.pay": (MEMBERS, {"method": "vnpay"}),
    "OrdersState.load_purchases": (MEMBERS, {}),
    # Payment pages: the return page only displays; the sandbox acts only on a signed request
    "PaymentReturnState.load": (ALL, {}),
    "PaymentReturnState.refresh": (ALL, {}),
    "SandboxState.load_vnpay": (ALL, {}),
    "SandboxState.load_momo": (ALL, {}),
    "SandboxState.complete": (ALL, {"outcome": "pay"}),
}


# Each area may keep its rows in tests/handlers/rows_<area>.py as ROWS = {...}; they join the table.
for _module in sorted(pathlib.Path(__file__).parent.glob("rows_*.py")):
    _rows = importlib.import_module(f"tests.handlers.{_module.stem}").ROWS
    _overlap = set(_rows) & set(AUTHORIZATION)
    assert not _overlap, f"{_module.name} repeats rows: {_overlap}"
    AUTHORIZATION.update(_rows)


def app_handlers() -> dict[str, object]:
    """Every event handler defined by the app's states, as "StateName.handler"."""
    import aesp_app.aesp_app  # noqa: F401  (imports every state)

    found: dict[str, object] = {}
    pending = list(rx.State.get_substates())
    while pending:
        state = pending.pop()
        pending.extend(state.get_substates())
        if not state.__module__.startswith("aesp_app."):
            continue
        for name, handler in state.event_handlers.items():
            if name.startswith("_") or not handler.fn.__module__.startswith("aesp_app."):
                continue
            found[f"{state.__name__}.{name}"] = handler
    return found


def test_every_handler_has_a_row():
    handlers = app_handlers()
    missing = sorted(set(handlers) - set(AUTHORIZATION))
    stale = sorted(set(AUTHORIZATION) - set(handlers))
    assert not missing, f"handlers without an authorization row: {missing}"
    assert not stale, f"rows for handlers that no longer exist: {stale}"


def _denied(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "aesp.security" and r.getMessage().startswith("denied")]


@pytest.mark.parametrize("handler_name", sorted(AUTHORIZATION))
def test_handler_refuses_exactly_the_wrong_callers(handler_name, browser_as, caplog):
    handler = app_handlers()[handler_name]
    allowed, payload = AUTHORIZATION[handler_name]
    caplog.set_level(logging.WARNING, logger="aesp.security")
    for role in ("anonymous", "learner", "mentor", "admin"):
        caplog.clear()
        browser = browser_as(role)
        browser.call(handler, payload)
        denied = _denied(caplog)
        if role in allowed:
            assert not denied, f"{handler_name} refused {role}: {denied}"
        else:
            assert denied, f"{handler_name} did not refuse {role}"
