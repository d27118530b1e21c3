"""Housekeeping the shop needs regularly: unpaid orders lapse, stale guest carts go."""

from __future__ import annotations

from sqlmodel import Session

from aesp_app.services.shop.cart import cleanup_guest_carts
from aesp_app.services.shop.checkout import expire_unpaid_orders


def run_maintenance(session: Session) -> dict[str, int]:
    """One pass; safe to run from several workers at once (each step is idempotent)."""
    expired = expire_unpaid_orders(session)
    carts = cleanup_guest_carts(session)
    return {"expired_orders": expired, "removed_guest_cart_lines": carts}
