"""The interface language: a cookie for visitors, the account's setting for members."""

from __future__ import annotations

import reflex as rx

from aesp_app.i18n import CATALOGS, translate
from aesp_app.settings import get_settings

LANG_COOKIE_SECONDS = 365 * 24 * 3600


class I18nState(rx.State):
    lang: str = rx.Cookie("", name="aesp_lang", max_age=LANG_COOKIE_SECONDS, same_site="lax")

    @rx.var
    def language(self) -> str:
        return self.lang if self.lang in CATALOGS else get_settings().default_language

    @rx.var
    def tr(self) -> dict[str, str]:
        return CATALOGS[self.language]

    def _text(self, key: str, **params) -> str:  # noqa: ANN003
        """Server-side translation in the visitor's language (toasts, form errors). Private:
        every public method of a state is an event handler the browser could call."""
        return translate(key, self.language, **params)

    @rx.event
    async def set_language(self, lang: str):
        if not isinstance(lang, str) or lang not in CATALOGS:
            return rx.toast.error(self._text("profile.language_invalid"))
        self.lang = lang
        # Members keep their choice across devices.
        from aesp_app.states.auth import remember_language

        await remember_language(self, lang)
