"""Bank transfer: the customer pays into the company account with the order code in the note.

There is no callback: an admin matches the bank statement on the transfer note and marks the
order paid. "Starting" the payment only produces the instructions; the redirect goes back to
the app's own return URL, where they are shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .base import (
    BankTransferInstructions,
    CallbackError,
    CallbackVerification,
    PaymentMethod,
    PaymentRedirect,
    PaymentRequest,
    whole_vnd,
)

NOTE_PREFIX = "AESP"
# Banks strip or refuse most punctuation in transfer notes; keep the code to these.
_NOTE_SAFE_RE = re.compile(r"[^A-Za-z0-9]+")


def transfer_note(txn_ref: str, prefix: str = NOTE_PREFIX) -> str:
    """"AESP ORD20240315001": the order code, uppercase, with only letters and digits kept."""
    code = _NOTE_SAFE_RE.sub("", txn_ref).upper()
    if not code:
        raise ValueError(f"A transfer note needs an order code with letters or digits, got {txn_ref!r}.")
    return f"{prefix} {code}" if prefix else code


class BankTransferGateway:
    method = PaymentMethod.BANK_TRANSFER

    def __init__(self, bank_name: str, account_number: str, account_name: str, *, note_prefix: str = NOTE_PREFIX):
        if not bank_name or not account_number or not account_name:
            raise ValueError("Bank transfer needs a bank name, an account number and an account name.")
        self.bank_name = bank_name
        self.account_number = account_number
        self.account_name = account_name
        self.note_prefix = note_prefix

    def __repr__(self) -> str:
        return f"BankTransferGateway(bank_name={self.bank_name!r}, account_number={self.account_number!r})"

    def instructions(self, req: PaymentRequest) -> BankTransferInstructions:
        whole_vnd(req.amount)  # same amount rule as the card gateways
        return BankTransferInstructions(
            bank_name=self.bank_name,
            account_number=self.account_number,
            account_name=self.account_name,
            amount=req.amount,
            transfer_note=transfer_note(req.txn_ref, self.note_prefix),
            txn_ref=req.txn_ref,
        )

    def create_payment(self, req: PaymentRequest) -> PaymentRedirect:
        info = self.instructions(req)
        return PaymentRedirect(
            method=self.method,
            txn_ref=req.txn_ref,
            url=req.return_url,
            params={
                "bank_name": info.bank_name,
                "account_number": info.account_number,
                "account_name": info.account_name,
                "amount": str(whole_vnd(info.amount)),
                "transfer_note": info.transfer_note,
            },
            instructions=info,
        )

    def verify_callback(self, params: Mapping[str, Any]) -> CallbackVerification:
        """Bank transfers have no callback; anything posted here is refused."""
        return CallbackVerification(
            valid=False, error=CallbackError.NOT_SUPPORTED, method=self.method, raw=dict(params)
        )
