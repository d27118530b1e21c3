"""Message catalogues: Vietnamese and English have the same keys and placeholders, and every key
the code uses (literal t()/translate() calls, error codes, dynamic prefixes) exists."""

from __future__ import annotations

import ast
import enum
import pathlib
import re
import string

import pytest

from aesp_app.i18n import CATALOGS, EN, VI, translate
from aesp_app.models.accounts import MailStatus, Role, UserStatus
from aesp_app.services import accounts, errors, profiles

APP = pathlib.Path(__file__).resolve().parents[2] / "aesp_app"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+$")
TRANSLATING_CALLS = {"t", "_t", "translate"}


def python_files() -> list[pathlib.Path]:
    return sorted(p for p in APP.rglob("*.py") if "i18n" not in p.relative_to(APP).parts[:1])


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def literal_keys() -> dict[str, list[str]]:
    """First-argument string literals of t(...), .t(...), ._t(...), translate(...) calls."""
    found: dict[str, list[str]] = {}
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in TRANSLATING_CALLS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, []).append(f"{path.relative_to(APP)}:{node.lineno}")
    return found


def key_like_literals() -> dict[str, list[str]]:
    """Any string literal shaped like a key whose namespace the catalogues use (labels kept in
    tuples, page titles passed to decorators, error params such as a field's label)."""
    namespaces = {key.split(".")[0] for key in EN}
    found: dict[str, list[str]] = {}
    for path in python_files():
        if path.relative_to(APP).parts[0] == "models":
            continue  # "table.column" references (e.g. "orders.id"), never messages
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY_RE.match(node.value):
                # Prefixes completed at run time ("practice.mic_" + code) and file names are not keys.
                if node.value.endswith("_") or node.value.rsplit(".", 1)[-1] in {"json", "py", "txt", "csv", "wav"}:
                    continue
                if node.value.split(".")[0] in namespaces:
                    found.setdefault(node.value, []).append(f"{path.relative_to(APP)}:{node.lineno}")
    return found


def message_enums_in_source() -> dict[str, list[str]]:
    """Values of every `str, Enum` class under aesp_app/ whose values all look like message keys
    (error codes), by "path:Class": found by reading the source, so new services are covered
    without listing them here."""
    found: dict[str, list[str]] = {}
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b) for b in node.bases}
            if "str" not in bases or not bases & {"enum.Enum", "Enum"}:
                continue
            values = [
                stmt.value.value
                for stmt in node.body
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
            ]
            if values and all(KEY_RE.match(v) for v in values):
                found[f"{path.relative_to(APP).as_posix()}:{node.name}"] = values
    return found


# Enums whose messages are known to be missing from the catalogues (a strict xfail each: remove
# the entry once the keys are in en.py and vi.py).
KNOWN_MISSING: dict[str, str] = {}


def _enum_params() -> list:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSING[name])) if name in KNOWN_MISSING else name
        for name in sorted(message_enums_in_source())
    ]


def test_catalogues_have_identical_keys():
    assert set(EN) - set(VI) == set(), "missing in vi.py"
    assert set(VI) - set(EN) == set(), "missing in en.py"


def test_no_empty_messages():
    for lang, catalog in CATALOGS.items():
        assert [k for k, v in catalog.items() if not isinstance(v, str) or not v.strip()] == [], lang


def test_keys_are_well_formed():
    assert [k for k in EN if not KEY_RE.match(k)] == []


@pytest.mark.parametrize("key", sorted(EN))
def test_placeholders_match(key):
    assert placeholders(EN[key]) == placeholders(VI[key]), (EN[key], VI[key])


def test_every_message_formats():
    """A stray brace would make translate() raise at run time."""
    for lang, catalog in CATALOGS.items():
        for key, text in catalog.items():
            params = {name: "X" for name in placeholders(text)}
            rendered = translate(key, lang, **params) if params else text.format_map({})
            assert "{" not in rendered and "}" not in rendered, (lang, key)


def test_scanners_find_something():
    """Guards the scans below against silently matching nothing."""
    assert len(literal_keys()) > 50
    enums = message_enums_in_source()
    assert "account.username_taken" in enums["services/accounts.py:AccountError"]
    assert "profile.phone_invalid" in enums["services/profiles.py:ProfileError"]
    assert "error.not_found" in enums["services/errors.py:CommonError"]


def test_literal_keys_exist():
    missing = {k: where for k, where in literal_keys().items() if k not in EN or k not in VI}
    assert missing == {}


def test_key_like_literals_exist():
    missing = {k: where for k, where in key_like_literals().items() if k not in EN or k not in VI}
    assert missing == {}


@pytest.mark.parametrize("enum_name", _enum_params())
def test_error_codes_in_source_exist(enum_name):
    values = message_enums_in_source()[enum_name]
    assert [v for v in values if v not in EN or v not in VI] == []


@pytest.mark.parametrize("codes", [accounts.AccountError, profiles.ProfileError, errors.CommonError])
def test_error_enums_exist(codes: type[enum.Enum]):
    assert [c.value for c in codes if c.value not in EN or c.value not in VI] == []


def test_dynamic_keys_exist():
    """Keys built at run time: role/status badges, mail statuses, onboarding choices, field labels."""
    dynamic = (
        [f"role.{r.value}" for r in Role]
        + [f"status.{s.value}" for s in UserStatus]
        + [f"mailstatus.{m.value}" for m in MailStatus]
        + [f"level.{v}" for v in profiles.LEVELS]
        + [f"goal.{v}" for v in profiles.GOALS]
        + [f"preference.{v}" for v in profiles.PREFERENCES]
        + [f"profile.gender_{g}" for g in profiles.GENDERS]
        + [label for _, label in profiles.TEXT_LIMITS.values()]
    )
    assert [k for k in dynamic if k not in EN or k not in VI] == []


def test_mail_templates_take_their_params():
    for lang in CATALOGS:
        body = translate("mail.verify.body", lang, name="An", link="https://x/verify-email?token=T", hours=48)
        assert "https://x/verify-email?token=T" in body and "48" in body and "An" in body and "{" not in body
        body = translate("mail.reset.body", lang, name="An", link="https://x/reset-password?token=T", minutes=60)
        assert "https://x/reset-password?token=T" in body and "60" in body and "{" not in body


def test_translate_fallbacks():
    assert translate("nav.home", "en") == EN["nav.home"]
    assert translate("nav.home", "vi") == VI["nav.home"]
    assert translate("nav.home", "fr") == VI["nav.home"]
    assert translate("nav.home", None) == VI["nav.home"]
    assert translate("no.such_key", "en") == "no.such_key"
    assert translate("account.password_too_short", "en") == EN["account.password_too_short"]  # no params: left as is
    assert "{min}" not in translate("account.password_too_short", "en", min=8)
    # A missing parameter keeps its placeholder rather than raising.
    assert "{max}" in translate("error.too_long", "en", field="City")
