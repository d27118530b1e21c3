"""The learner's home: plan and progress at a glance."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services import dashboard
from aesp_app.states.auth import Viewer, authorize


class DashboardState(rx.State):
    summary: dict[str, str] = {}

    @rx.event
    async def load(self):
        viewer = await authorize(self, Role.LEARNER, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            self.summary = dashboard.learner_summary(session, user_id=viewer.id)
