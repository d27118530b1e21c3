"""Every shop error code has an English and a Vietnamese message with the same placeholders."""

from __future__ import annotations

import string

from aesp_app.i18n import shop_messages
from aesp_app.services.shop.errors import ShopError


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_has_both_messages_with_the_same_placeholders():
    codes = {code.value for code in ShopError}
    assert set(shop_messages.EN) == codes == set(shop_messages.VI)
    for key in codes:
        assert shop_messages.EN[key].strip() and shop_messages.VI[key].strip()
        assert _fields(shop_messages.EN[key]) == _fields(shop_messages.VI[key]), key
        assert all(value.startswith("shop.") for value in codes)


def test_vietnamese_messages_are_written_with_diacritics():
    assert all(any(ord(ch) > 127 for ch in text) for text in shop_messages.VI.values())


def test_error_params_fill_the_placeholders():
    assert _fields(shop_messages.EN[ShopError.QUANTITY_INVALID.value]) == {"min", "max"}
    assert _fields(shop_messages.EN[ShopError.CART_HAS_UNAVAILABLE.value]) == {"items"}
    assert _fields(shop_messages.EN[ShopError.PREREQUISITE_MISSING.value]) == {"product", "required"}
    assert _fields(shop_messages.EN[ShopError.AMOUNT_OUT_OF_RANGE.value]) == {"gateway", "min", "max"}
