"""Every catalogue error code has an English and a Vietnamese message with the same
placeholders as the parameters the services pass."""

from __future__ import annotations

import string

from aesp_app.i18n import CATALOGS
from aesp_app.services.catalog.listing import CatalogError

CODES = {code.value for code in CatalogError}
EN = {k: v for k, v in CATALOGS["en"].items() if k in CODES}
VI = {k: v for k, v in CATALOGS["vi"].items() if k in CODES}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_has_both_messages_with_the_same_placeholders():
    codes = {code.value for code in CatalogError}
    assert set(EN) == codes == set(VI)
    for key in codes:
        assert key.startswith("catalog.")
        assert EN[key].strip() and VI[key].strip()
        assert _fields(EN[key]) == _fields(VI[key]), key


def test_vietnamese_messages_are_written_with_diacritics():
    assert all(any(ord(ch) > 127 for ch in text) for text in VI.values())


def test_placeholders_match_the_parameters():
    expected = {
        CatalogError.FIELD_REQUIRED: {"field"}, CatalogError.FIELD_TOO_LONG: {"field", "max"},
        CatalogError.SLUG_TAKEN: {"slug", "type"}, CatalogError.SLUG_AMBIGUOUS: {"slug", "types"},
        CatalogError.PRODUCT_DELETED: {"slug"}, CatalogError.PRICE_INVALID: {"field"},
        CatalogError.PUBLISH_NEEDS_PACKAGE: set(),
    }
    for code, fields in expected.items():
        assert _fields(EN[code.value]) == fields
