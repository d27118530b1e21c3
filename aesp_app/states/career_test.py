"""/tests/[code]: the online career test of a purchased package, for the member who owns the code."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services.clock import format_local
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import career_test as service
from aesp_app.states.auth import Viewer, authorize
from aesp_app.states.common import route_param, to_int
from aesp_app.states.i18n import I18nState

MEMBERS = (Role.LEARNER, Role.MENTOR, Role.ADMIN)
CODE_LIMIT = 100


class CareerTestState(rx.State):
    info: dict[str, str] = {}
    questions: list[dict[str, str]] = []
    answers: dict[str, str] = {}
    scores: list[dict[str, str]] = []
    fields: list[dict[str, str]] = []
    result_code: str = ""
    completed: bool = False
    error: str = ""
    loaded: bool = False
    busy: bool = False

    @rx.var
    def answered(self) -> int:
        return len(self.answers)

    @rx.var
    def total(self) -> int:
        return len(self.questions)

    @rx.var
    def progress(self) -> int:
        return round(100 * len(self.answers) / len(self.questions)) if self.questions else 0

    @rx.var
    def all_answered(self) -> bool:
        return bool(self.questions) and len(self.answers) >= len(self.questions)

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    def _clear(self) -> None:
        self.info, self.questions, self.answers = {}, [], {}
        self.scores, self.fields, self.result_code, self.completed = [], [], "", False

    def _show(self, view: service.TestView, viewer: Viewer) -> None:
        self.info = {
            "code": view.access_code,
            "product": view.product_name,
            "package": view.package_name,
            "access_count": str(view.access_count),
            "first_access": format_local(view.first_accessed_at, viewer.timezone),
            "last_access": format_local(view.last_accessed_at, viewer.timezone),
            "completed_at": format_local(view.result.completed_at, viewer.timezone) if view.result else "",
        }
        self.questions = [
            {"id": str(q.id), "number": str(n), "type": q.type, "vi": q.vi, "en": q.en}
            for n, q in enumerate(view.questions, start=1)
        ]
        self.answers = {str(k): str(v) for k, v in view.answers.items()}
        self.completed = view.result is not None
        self._show_result(view.result)

    def _show_result(self, found: service.TestResult | None) -> None:
        if found is None:
            self.scores, self.fields, self.result_code = [], [], ""
            return
        self.result_code = found.code
        ranked = sorted(service.TYPES, key=lambda t: (-found.scores[t], service.TYPES.index(t)))
        self.scores = [{"type": t, "percent": str(found.scores[t]), "top": "1" if t in found.code else ""} for t in ranked]
        self.fields = [
            {"type": t, "vi": f.vi, "en": f.en}
            for t in found.code
            for f in found.fields.get(t, ())
        ]

    @rx.event
    async def load(self):
        viewer = await authorize(self, *MEMBERS, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        self._clear()
        self.error, self.loaded = "", False
        code = route_param(self, "code", CODE_LIMIT)
        try:
            with session_scope() as session:
                view = service.open_test(session, user_id=viewer.id, access_code=code)
                self._show(view, viewer)
        except ServiceError as err:
            self.error = await self._t(err.message_key, **err.params)
        self.loaded = True

    @rx.event
    async def answer(self, question_id: str, value: str):
        """Save one answer at once (the page saves as the member goes)."""
        viewer = await authorize(self, *MEMBERS, action="answer")
        if not isinstance(viewer, Viewer):
            return viewer
        qid, choice = to_int(question_id, 0), to_int(value, 0)
        if qid <= 0 or not service.MIN_VALUE <= choice <= service.MAX_VALUE:
            return rx.toast.error(await self._t("career_test.answers_invalid"))
        code = route_param(self, "code", CODE_LIMIT)
        try:
            with session_scope() as session:
                view = service.save_answers(session, user_id=viewer.id, access_code=code, answers={qid: choice})
                self.answers = {str(k): str(v) for k, v in view.answers.items()}
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))

    @rx.event
    async def submit(self):
        viewer = await authorize(self, *MEMBERS, action="submit")
        if not isinstance(viewer, Viewer):
            return viewer
        code = route_param(self, "code", CODE_LIMIT)
        self.busy = True
        try:
            with session_scope() as session:
                view = service.submit(session, user_id=viewer.id, access_code=code)
                self._show(view, viewer)
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        finally:
            self.busy = False
        return [rx.toast.success(await self._t("career_test.submitted")), rx.scroll_to("test-result")]
