"""Administration of accounts and the mail outbox."""

from __future__ import annotations

import reflex as rx
from sqlmodel import func, select

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role, User
from aesp_app.services import accounts, mail
from aesp_app.services.clock import format_local
from aesp_app.services.errors import ServiceError
from aesp_app.states.auth import Viewer, authorize
from aesp_app.states.common import to_int
from aesp_app.states.i18n import I18nState

PAGE_SIZE = 20


class AdminState(rx.State):
    users: list[dict[str, str]] = []
    user_search: str = ""
    user_role_filter: str = ""
    user_page: int = 0
    users_count: int = 0
    outbox_count: int = 0

    users_more: bool = False
    mails_more: bool = False
    mails: list[dict[str, str]] = []
    mail_filter: str = ""
    mail_page: int = 0
    open_mail: dict[str, str] = {}

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    # --- overview ------------------------------------------------------------------------

    @rx.event
    async def load_overview(self):
        viewer = await authorize(self, Role.ADMIN, action="load_overview")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            self.users_count = int(session.exec(select(func.count()).select_from(User)).one())
            self.outbox_count = mail.count_outbox(session)

    # --- users ---------------------------------------------------------------------------

    def _load_users(self, viewer: Viewer) -> None:
        with session_scope() as session:
            rows = accounts.list_users(
                session, search=self.user_search, role=self.user_role_filter, limit=PAGE_SIZE + 1, offset=self.user_page * PAGE_SIZE
            )
            self.users_more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
            self.users = [
                {
                    "id": str(u.id),
                    "username": u.username,
                    "email": u.email,
                    "full_name": u.full_name or "",
                    "role": u.role,
                    "status": u.status,
                    "joined": format_local(u.created_at, viewer.timezone, with_time=False),
                    "is_self": "1" if u.id == viewer.id else "",
                }
                for u in rows
            ]

    @rx.event
    async def load_users(self):
        viewer = await authorize(self, Role.ADMIN, action="load_users")
        if not isinstance(viewer, Viewer):
            return viewer
        self._load_users(viewer)

    @rx.event
    async def search_users(self, form: dict):
        viewer = await authorize(self, Role.ADMIN, action="search_users")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        role = str(form.get("role", "") or "")
        self.user_search = str(form.get("search", "") or "")[:100]
        self.user_role_filter = role if role in {r.value for r in Role} else ""
        self.user_page = 0
        self._load_users(viewer)

    @rx.event
    async def users_page(self, delta: int):
        viewer = await authorize(self, Role.ADMIN, action="users_page")
        if not isinstance(viewer, Viewer):
            return viewer
        step = 1 if to_int(delta) > 0 else -1
        if step > 0 and not self.users_more:
            return
        self.user_page = max(0, min(10_000, self.user_page + step))
        self._load_users(viewer)

    @rx.event
    async def set_role(self, user_id: int, role: str):
        viewer = await authorize(self, Role.ADMIN, action="set_role")
        if not isinstance(viewer, Viewer):
            return viewer
        try:
            with session_scope() as session:
                user = accounts.set_user_role(session, actor_id=viewer.id, user_id=to_int(user_id), role=str(role))
                name = user.username
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self._load_users(viewer)
        return rx.toast.success(await self._t("admin_users.role_changed", user=name, role=await self._t(f"role.{role}")))

    @rx.event
    async def set_status(self, user_id: int, status: str):
        viewer = await authorize(self, Role.ADMIN, action="set_status")
        if not isinstance(viewer, Viewer):
            return viewer
        try:
            with session_scope() as session:
                user = accounts.set_user_status(session, actor_id=viewer.id, user_id=to_int(user_id), status=str(status))
                name = user.username
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self._load_users(viewer)
        return rx.toast.success(await self._t("admin_users.status_changed", user=name, status=await self._t(f"status.{status}")))

    # --- outbox --------------------------------------------------------------------------

    def _load_mails(self, viewer: Viewer) -> None:
        with session_scope() as session:
            rows = mail.list_outbox(session, to=self.mail_filter or None, limit=PAGE_SIZE + 1, offset=self.mail_page * PAGE_SIZE)
            self.mails_more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
            self.mails = [
                {
                    "id": str(m.id),
                    "to": m.to_address,
                    "subject": m.subject,
                    "status": m.status,
                    "kind": m.kind,
                    "time": format_local(m.created_at, viewer.timezone),
                    "body": m.body_text,
                    "error": m.error or "",
                }
                for m in rows
            ]

    @rx.event
    async def load_outbox(self):
        viewer = await authorize(self, Role.ADMIN, action="load_outbox")
        if not isinstance(viewer, Viewer):
            return viewer
        self.open_mail = {}
        self._load_mails(viewer)

    @rx.event
    async def filter_outbox(self, form: dict):
        viewer = await authorize(self, Role.ADMIN, action="filter_outbox")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        self.mail_filter = str(form.get("to", "") or "").strip().lower()[:255]
        self.mail_page = 0
        self._load_mails(viewer)

    @rx.event
    async def outbox_page(self, delta: int):
        viewer = await authorize(self, Role.ADMIN, action="outbox_page")
        if not isinstance(viewer, Viewer):
            return viewer
        step = 1 if to_int(delta) > 0 else -1
        if step > 0 and not self.mails_more:
            return
        self.mail_page = max(0, min(10_000, self.mail_page + step))
        self._load_mails(viewer)

    @rx.event
    async def show_mail(self, mail_id: int):
        viewer = await authorize(self, Role.ADMIN, action="show_mail")
        if not isinstance(viewer, Viewer):
            return viewer
        wanted = str(to_int(mail_id))
        self.open_mail = next((m for m in self.mails if m["id"] == wanted), {})

    @rx.event
    async def close_mail(self):
        self.open_mail = {}
