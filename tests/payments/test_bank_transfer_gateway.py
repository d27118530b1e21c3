"""Bank transfer: instructions only, no callback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aesp_app.integrations.payments.bank_transfer import BankTransferGateway, transfer_note
from aesp_app.integrations.payments.base import (
    BankTransferInstructions,
    CallbackError,
    PaymentGateway,
    PaymentMethod,
    PaymentRequest,
)


@pytest.fixture
def gateway() -> BankTransferGateway:
    return BankTransferGateway("Vietcombank", "0071000123456", "CONG TY AESP")


def request(**changes) -> PaymentRequest:
    fields = dict(
        txn_ref="ORD20240315003",
        amount=Decimal("24750000"),
        order_info="Gói Mentor 3 tháng",
        return_url="https://aesp.example.vn/orders/ORD20240315003",
    )
    fields.update(changes)
    return PaymentRequest(**fields)


def test_instructions(gateway):
    info = gateway.instructions(request())
    assert info == BankTransferInstructions(
        bank_name="Vietcombank",
        account_number="0071000123456",
        account_name="CONG TY AESP",
        amount=Decimal("24750000"),
        transfer_note="AESP ORD20240315003",
        txn_ref="ORD20240315003",
    )


def test_create_payment_returns_to_the_app_with_instructions(gateway):
    redirect = gateway.create_payment(request())
    assert redirect.ok and redirect.method is PaymentMethod.BANK_TRANSFER
    assert redirect.url == "https://aesp.example.vn/orders/ORD20240315003"
    assert redirect.instructions is not None
    assert "ORD20240315003" in redirect.instructions.transfer_note
    assert redirect.params["amount"] == "24750000"
    assert redirect.params["transfer_note"] == "AESP ORD20240315003"


def test_transfer_note_keeps_only_letters_and_digits():
    assert transfer_note("ord-2024_0042") == "AESP ORD20240042"
    assert transfer_note("ORD1", prefix="") == "ORD1"
    with pytest.raises(ValueError, match="order code"):
        transfer_note("---")


def test_amount_rules_are_the_same_as_for_cards(gateway):
    with pytest.raises(ValueError, match="whole number"):
        gateway.instructions(request(amount=Decimal("10.5")))
    with pytest.raises(ValueError, match="greater than zero"):
        gateway.instructions(request(amount=Decimal("0")))


def test_no_callback(gateway):
    result = gateway.verify_callback({"txn_ref": "ORD20240315003", "status": "paid"})
    assert not result.valid and not result.success
    assert result.error is CallbackError.NOT_SUPPORTED


def test_needs_account_details():
    with pytest.raises(ValueError):
        BankTransferGateway("Vietcombank", "", "CONG TY AESP")


def test_is_a_payment_gateway(gateway):
    assert isinstance(gateway, PaymentGateway)
