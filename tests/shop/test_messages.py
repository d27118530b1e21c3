"""Every shop error code has an English and a Vietnamese message with the same placeholders."""

from __future__ import annotations

import string

from aesp_app.i18n import CATALOGS
from aesp_app.services.shop.errors import ShopError


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


CODES = {code.value for code in ShopError}
EN = {k: v for k, v in CATALOGS["en"].items() if k in CODES}
VI = {k: v for k, v in CATALOGS["vi"].items() if k in CODES}


def test_every_code_has_both_messages_with_the_same_placeholders():
    codes = CODES
    assert set(EN) == codes == set(VI)
    for key in codes:
        assert EN[key].strip() and VI[key].strip()
        assert _fields(EN[key]) == _fields(VI[key]), key
        assert all(value.startswith("shop.") for value in codes)


def test_vietnamese_messages_are_written_with_diacritics():
    assert all(any(ord(ch) > 127 for ch in text) for text in VI.values())


def test_error_params_fill_the_placeholders():
    assert _fields(EN[ShopError.QUANTITY_INVALID.value]) == {"min", "max"}
    assert _fields(EN[ShopError.CART_HAS_UNAVAILABLE.value]) == {"items"}
    assert _fields(EN[ShopError.PREREQUISITE_MISSING.value]) == {"product", "required"}
    assert _fields(EN[ShopError.AMOUNT_OUT_OF_RANGE.value]) == {"gateway", "min", "max"}
