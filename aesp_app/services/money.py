"""VND amounts: display, strict parsing and the gateway amount.

Prices are Decimal everywhere (never float). VND is shown without decimals, with dots between
thousands and the ₫ sign after a space: Decimal("1975000") -> "1.975.000 ₫".
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from aesp_app.integrations.payments.base import whole_vnd

CURRENCY_SIGN = "₫"
# Digits, grouped by dots in threes when grouped at all; an optional currency mark after.
_VND_RE = re.compile(r"^(?P<number>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+) ?(?:₫|đ|Đ|VND|VNĐ|vnd|vnđ)?$")


def format_vnd(amount: Decimal | int) -> str:
    """Decimal("24750000") -> "24.750.000 ₫"; a fraction is rounded half up to whole VND."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"format_vnd needs a Decimal or int, got {type(amount).__name__}.")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"Cannot format {amount} as VND.")
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if whole < 0 else ""
    return f"{sign}{abs(whole):,}".replace(",", ".") + f" {CURRENCY_SIGN}"


def parse_vnd(text: str) -> Decimal:
    """Strict: "1.975.000", "1975000", "1.975.000 ₫", "1.975.000đ", "899000 VND" -> Decimal.

    Refused with ValueError: empty text, signs, decimals ("1,5", "1975000.00"), wrong grouping
    ("1.97.000", "1,975,000") and anything else that is not a whole, non-negative VND amount.
    """
    if not isinstance(text, str):
        raise ValueError(f"A VND amount must be text, got {type(text).__name__}.")
    cleaned = text.replace("\u00a0", " ").strip()
    match = _VND_RE.match(cleaned)
    if not match:
        raise ValueError(f"{text!r} is not a VND amount; write it like 1.975.000 or 1975000.")
    try:
        return Decimal(match.group("number").replace(".", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets digits through
        raise ValueError(f"{text!r} is not a VND amount.") from exc


def to_vnpay_amount(amount: Decimal | int) -> int:
    """vnp_Amount: whole, positive VND times 100. ValueError for decimals, zero or negatives."""
    return whole_vnd(amount) * 100
