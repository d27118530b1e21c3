"""Registration, e-mail verification and password reset (visitor pages)."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.services import accounts
from aesp_app.services.errors import ServiceError
from aesp_app.settings import get_settings
from aesp_app.states.i18n import I18nState


def _text(form: dict, key: str, limit: int = 1000) -> str:
    value = form.get(key, "") if isinstance(form, dict) else ""
    return str(value)[:limit] if value is not None else ""


class AccountState(rx.State):
    register_error: str = ""
    registered_email: str = ""
    busy: bool = False

    verify_message: str = ""
    verify_ok: bool = False
    verify_checked: bool = False

    resend_message: str = ""
    forgot_message: str = ""
    forgot_error: str = ""

    reset_token: str = ""
    reset_error: str = ""
    reset_done: bool = False

    @rx.var
    def password_min(self) -> int:
        return get_settings().password_min_length

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    @rx.event
    async def register(self, form: dict):
        self.register_error = ""
        if not isinstance(form, dict):
            self.register_error = await self._t("error.invalid_input")
            return
        lang = (await self.get_state(I18nState)).language
        try:
            with session_scope() as session:
                user = accounts.register(
                    session,
                    username=_text(form, "username", 200),
                    email=_text(form, "email", 400),
                    password=_text(form, "password"),
                    password_confirm=_text(form, "password_confirm"),
                    full_name=_text(form, "full_name", 400),
                    language=lang,
                )
                self.registered_email = user.email
        except ServiceError as err:
            self.register_error = await self._t(err.message_key, **err.params)
            return
        return rx.redirect("/register/done")

    @rx.event
    async def verify_from_link(self):
        """on_load of /verify-email?token=…"""
        self.verify_checked, self.verify_ok, self.verify_message = False, False, ""
        token = str(self.router.url.query_parameters.get("token", ""))
        try:
            with session_scope() as session:
                accounts.verify_email(session, token=token)
            self.verify_ok = True
            self.verify_message = await self._t("verify.success")
        except ServiceError as err:
            self.verify_message = await self._t(err.message_key, **err.params)
        self.verify_checked = True

    @rx.event
    async def resend_verification(self, form: dict):
        self.resend_message = ""
        try:
            with session_scope() as session:
                accounts.resend_verification(session, email=_text(form, "email", 400))
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self.resend_message = await self._t("verify.resend_done")

    @rx.event
    async def request_reset(self, form: dict):
        self.forgot_message, self.forgot_error = "", ""
        try:
            with session_scope() as session:
                accounts.request_password_reset(session, email=_text(form, "email", 400))
        except ServiceError as err:
            self.forgot_error = await self._t(err.message_key, **err.params)
            return
        self.forgot_message = await self._t("forgot.done", minutes=get_settings().reset_token_minutes)

    @rx.event
    def load_reset(self):
        """on_load of /reset-password?token=…: keep the token for the form."""
        self.reset_token = str(self.router.url.query_parameters.get("token", ""))[:200]
        self.reset_error, self.reset_done = "", False

    @rx.event
    async def reset_password(self, form: dict):
        self.reset_error = ""
        try:
            with session_scope() as session:
                accounts.reset_password(
                    session, token=self.reset_token, password=_text(form, "password"), password_confirm=_text(form, "password_confirm")
                )
        except ServiceError as err:
            self.reset_error = await self._t(err.message_key, **err.params)
            return
        self.reset_done = True
        self.reset_token = ""
        return [rx.toast.success(await self._t("reset.success")), rx.redirect("/login")]
