"""The one way services report a refusal: ServiceError carrying an error-code enum.

Each domain defines its own `str, Enum` of codes; a code's value is its message key in the
i18n catalogues, so states turn any refusal into a translated message without special cases.
"""

from __future__ import annotations

import enum
from typing import Any


class ServiceError(Exception):
    def __init__(self, code: enum.Enum, **params: Any) -> None:
        super().__init__(f"{code.value} {params}" if params else code.value)
        self.code = code
        self.params = params

    @property
    def message_key(self) -> str:
        return str(self.code.value)


class CommonError(str, enum.Enum):
    NOT_FOUND = "error.not_found"
    FORBIDDEN = "error.forbidden"
    LOGIN_REQUIRED = "error.login_required"
    INVALID_INPUT = "error.invalid_input"
    TOO_LONG = "error.too_long"
    REQUIRED = "error.required"
