"""Authorization rows for the career test and the admin's orders and consultations."""

from tests.handlers.roles import ADMIN, MEMBERS

ROWS: dict[str, tuple[frozenset[str], dict]] = {
    # The career test of a purchased package: any member, and only their own code (else "not found")
    "CareerTestState.load": (MEMBERS, {}),
    "CareerTestState.answer": (MEMBERS, {"question_id": 1, "value": 3}),
    "CareerTestState.submit": (MEMBERS, {}),
    # Admin: orders and consultations
    "AdminShopState.load_orders": (ADMIN, {}),
    "AdminShopState.filter_orders": (ADMIN, {"form": {"search": "AESP", "status": "pending", "payment_status": "pending", "method": "bank_transfer"}}),
    "AdminShopState.orders_page": (ADMIN, {"delta": 1}),
    "AdminShopState.ask": (ADMIN, {"order_id": 999999, "action": "cancel"}),
    "AdminShopState.close_dialog": (ADMIN, {}),
    "AdminShopState.confirm": (ADMIN, {"form": {"text": "x"}}),
    "AdminShopState.mark_paid": (ADMIN, {"order_id": 999999, "reference": "FT123"}),
    "AdminShopState.cancel": (ADMIN, {"order_id": 999999, "reason": "x"}),
    "AdminShopState.refund": (ADMIN, {"order_id": 999999, "reason": "x"}),
    "AdminShopState.load_consultations": (ADMIN, {}),
    "AdminShopState.filter_consultations": (ADMIN, {"support_status": "scheduled"}),
    "AdminShopState.set_support": (ADMIN, {"form": {"purchased_id": 999999, "support_status": "scheduled", "scheduled_at": "2030-01-01T09:00"}}),
}
