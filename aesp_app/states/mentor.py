"""The mentor desk: the mentor's learners and the sessions recorded with them."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services import mentoring
from aesp_app.services.clock import format_local
from aesp_app.states.auth import Viewer, authorize


class MentorState(rx.State):
    learners: list[dict[str, str]] = []
    sessions: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        viewer = await authorize(self, Role.MENTOR, Role.ADMIN, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            learners = mentoring.learners_of(session, mentor_id=viewer.id)
            sessions = mentoring.sessions_with(session, mentor_id=viewer.id)
        self.learners = [
            {"name": x.name, "email": x.email, "level": x.level, "sessions": str(x.sessions), "streak": str(x.streak),
             "overall": "" if x.overall is None else str(round(x.overall))}
            for x in learners
        ]
        self.sessions = [
            {"id": str(s.id), "learner": s.learner, "topic": s.topic, "date": format_local(s.started_at, viewer.timezone),
             "score": "" if s.overall is None else str(round(s.overall)), "done": "1" if s.completed else ""}
            for s in sessions
        ]
