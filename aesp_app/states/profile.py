"""The member's own profile, password, sessions and onboarding."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services import accounts, profiles
from aesp_app.services.clock import format_local
from aesp_app.services.errors import ServiceError
from aesp_app.states.account import _text
from aesp_app.states.auth import AuthState, Viewer, authorize
from aesp_app.states.i18n import I18nState

ANY_MEMBER = (Role.LEARNER, Role.MENTOR, Role.ADMIN)


class ProfileState(rx.State):
    form: dict[str, str] = {}
    email: str = ""
    role: str = ""
    email_verified: bool = False
    member_since: str = ""
    last_login: str = ""
    sessions: list[dict[str, str]] = []
    error: str = ""
    password_error: str = ""

    onboarding: dict[str, str] = {}
    onboarding_error: str = ""

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    def _fill(self, viewer: Viewer) -> None:
        with session_scope() as session:
            user = accounts.get_user(session, viewer.id)
            self.form = {
                "full_name": user.full_name or "",
                "phone": user.phone or "",
                "birth_date": user.birth_date.isoformat() if user.birth_date else "",
                "gender": user.gender or "",
                "address": user.address or "",
                "city": user.city or "",
                "country": user.country or "",
                "avatar_url": user.avatar_url or "",
                "bio": user.bio or "",
                "specialty": user.specialty or "",
                "timezone": user.timezone,
                "language": user.language,
            }
            self.email, self.role, self.email_verified = user.email, user.role, user.email_verified
            self.member_since = format_local(user.created_at, user.timezone, with_time=False)
            self.last_login = format_local(user.last_login, user.timezone)
            self.sessions = [
                {
                    "id": str(row.id),
                    "agent": accounts.describe_user_agent(row.user_agent),
                    "ip": row.ip_address or "",
                    "expires": format_local(row.expires_at, user.timezone),
                    "remember": "1" if row.is_remember else "",
                    "current": "",
                }
                for row in accounts.active_sessions(session, user_id=user.id)
            ]

    @rx.event
    async def load(self):
        viewer = await authorize(self, *ANY_MEMBER, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        self.error = self.password_error = ""
        self._fill(viewer)

    @rx.event
    async def save(self, form: dict):
        viewer = await authorize(self, *ANY_MEMBER, action="save")
        if not isinstance(viewer, Viewer):
            return viewer
        self.error = ""
        if not isinstance(form, dict):
            self.error = await self._t("error.invalid_input")
            return
        data = profiles.ProfileUpdate(
            full_name=_text(form, "full_name", 400),
            phone=_text(form, "phone", 100),
            birth_date=_text(form, "birth_date", 20),
            gender=_text(form, "gender", 20),
            address=_text(form, "address", 1000),
            city=_text(form, "city", 400),
            country=_text(form, "country", 400),
            avatar_url=_text(form, "avatar_url", 1000),
            bio=_text(form, "bio", 5000),
            specialty=_text(form, "specialty", 400),
            timezone=_text(form, "timezone", 64) or viewer.timezone,
            language=_text(form, "language", 5) or viewer.language,
        )
        try:
            with session_scope() as session:
                profiles.update_profile(session, user_id=viewer.id, data=data)
        except ServiceError as err:
            self.error = await self._t(err.message_key, **err.params)
            return rx.toast.error(self.error)
        (await self.get_state(I18nState)).lang = data.language
        await (await self.get_state(AuthState))._refresh()
        self._fill(viewer)
        return rx.toast.success(await self._t("profile.saved"))

    @rx.event
    async def change_password(self, form: dict):
        viewer = await authorize(self, *ANY_MEMBER, action="change_password")
        if not isinstance(viewer, Viewer):
            return viewer
        self.password_error = ""
        auth = await self.get_state(AuthState)
        try:
            with session_scope() as session:
                accounts.change_password(
                    session,
                    user_id=viewer.id,
                    current_password=_text(form, "current_password"),
                    new_password=_text(form, "new_password"),
                    new_password_confirm=_text(form, "new_password_confirm"),
                    keep_token=auth._token(),
                )
        except ServiceError as err:
            self.password_error = await self._t(err.message_key, **err.params)
            return
        self._fill(viewer)
        return rx.toast.success(await self._t("profile.password_changed"))

    @rx.event
    async def logout_other_sessions(self):
        viewer = await authorize(self, *ANY_MEMBER, action="logout_other_sessions")
        if not isinstance(viewer, Viewer):
            return viewer
        auth = await self.get_state(AuthState)
        with session_scope() as session:
            count = accounts.revoke_all_sessions(session, user_id=viewer.id, except_token=auth._token())
        self._fill(viewer)
        return rx.toast.success(await self._t("profile.logged_out_others", count=count))

    @rx.event
    async def load_onboarding(self):
        viewer = await authorize(self, Role.LEARNER, action="load_onboarding")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            profile = profiles.get_or_create_profile(session, user_id=viewer.id)
            self.onboarding = {
                "level": profile.grade_level or "",
                "goal": profile.primary_goal or "",
                "preference": profile.study_preference or "",
            }
        self.onboarding_error = ""

    @rx.event
    async def save_onboarding(self, form: dict):
        viewer = await authorize(self, Role.LEARNER, action="save_onboarding")
        if not isinstance(viewer, Viewer):
            return viewer
        self.onboarding_error = ""
        try:
            with session_scope() as session:
                profiles.save_onboarding(
                    session,
                    user_id=viewer.id,
                    level=_text(form, "level", 10),
                    goal=_text(form, "goal", 30),
                    preference=_text(form, "preference", 30),
                )
        except ServiceError as err:
            self.onboarding_error = await self._t(err.message_key, **err.params)
            return
        await (await self.get_state(AuthState))._refresh()
        return [rx.toast.success(await self._t("onboarding.saved")), rx.redirect("/dashboard")]
