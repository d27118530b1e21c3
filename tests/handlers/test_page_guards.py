"""Guarded pages: the guard lets the right role in and only then runs the page's loaders."""

from __future__ import annotations

import logging

from aesp_app.states.admin import AdminState
from aesp_app.states.auth import AuthState


def test_admin_guard_runs_the_page_loader_for_an_admin(browser_as):
    admin = browser_as("admin")
    admin.call(AuthState.require_admin, path="/admin/users")
    assert [u["username"] for u in admin.state(AdminState).users] == ["learner1", "mentor1", "admin1"]


def test_guard_sends_a_learner_away_without_running_the_loader(browser_as, caplog):
    caplog.set_level(logging.WARNING, logger="aesp.security")
    learner = browser_as("learner")
    result = learner.call(AuthState.require_admin, path="/admin/users")
    assert "/forbidden" in result.redirects()
    assert learner.state(AdminState).users == []
    # Refused once, by the page guard; the loader never ran, so it refused nothing.
    messages = [r.getMessage() for r in caplog.records if r.name == "aesp.security"]
    assert any(m.startswith("page denied") for m in messages)
    assert not any(m.startswith("denied") for m in messages)


def test_anonymous_visitor_is_sent_to_login_with_the_page_to_return_to(browser_as):
    anonymous = browser_as("anonymous")
    result = anonymous.call(AuthState.require_admin, path="/admin/users")
    assert result.redirects() == ["/login?next=/admin/users"]
