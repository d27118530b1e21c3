"""Message catalogues (Vietnamese and English). Every user-facing string has a key here;
pages read them through I18nState, services through `translate`."""

from __future__ import annotations

from typing import Any

from aesp_app.i18n.en import MESSAGES as EN
from aesp_app.i18n.vi import MESSAGES as VI

CATALOGS: dict[str, dict[str, str]] = {"vi": VI, "en": EN}
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate(key: str, lang: str | None = "vi", **params: Any) -> str:
    catalog = CATALOGS.get(lang or "vi", VI)
    text = catalog.get(key) or EN.get(key) or key
    return text.format_map(_KeepMissing(params)) if params else text
