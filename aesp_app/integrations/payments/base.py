"""The small interface every payment gateway implements (VNPay, MoMo, bank transfer).

Gateways are pure protocol code: they build signed requests and verify signed callbacks. They
never touch the database; the order service decides what a verified callback means for an order
(amount, state, row lock) and answers the gateway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

# VNPay and MoMo both speak Vietnam time (UTC+7, no daylight saving) in their date strings.
GMT7 = dt.timezone(dt.timedelta(hours=7), name="GMT+7")
GATEWAY_DATE_FORMAT = "%Y%m%d%H%M%S"


class PaymentMethod(str, enum.Enum):
    VNPAY = "vnpay"
    MOMO = "momo"
    BANK_TRANSFER = "bank_transfer"


class CreateError(str, enum.Enum):
    """Why a payment could not be started."""

    NONE = "none"
    NETWORK_ERROR = "network_error"  # no answer from the gateway (after one retry)
    TIMEOUT = "timeout"  # the gateway did not answer in time (after one retry)
    GATEWAY_REFUSED = "gateway_refused"  # the gateway answered with an error code
    INVALID_RESPONSE = "invalid_response"  # the answer was not what the protocol promises


class CallbackError(str, enum.Enum):
    """Why a callback (return URL or IPN) is not trusted. NONE means it is authentic."""

    NONE = "none"
    MISSING_SIGNATURE = "missing_signature"
    INVALID_SIGNATURE = "invalid_signature"
    WRONG_MERCHANT = "wrong_merchant"  # signed, but for another merchant code
    MISSING_FIELD = "missing_field"  # signed, but a field the protocol requires is absent
    INVALID_FIELD = "invalid_field"  # signed, but a field has a value the protocol does not allow
    INVALID_AMOUNT = "invalid_amount"  # signed, but the amount is not a number
    NOT_SUPPORTED = "not_supported"  # this method has no callback (bank transfer)


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return types.MappingProxyType(dict(value or {}))


def whole_vnd(amount: Decimal | int) -> int:
    """A positive whole number of VND as an int; ValueError otherwise.

    VND has no minor unit in practice, so gateways take whole amounts only; Decimal("5199000.00")
    is fine, Decimal("10.5") is refused rather than rounded.
    """
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise ValueError(f"Amount must be a Decimal or int number of VND, got {type(amount).__name__}.")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"Amount must be a finite number of VND, got {amount}.")
    if value != value.to_integral_value():
        raise ValueError(f"Amount must be a whole number of VND (no decimals), got {amount}.")
    if value <= 0:
        raise ValueError(f"Amount must be greater than zero, got {amount}.")
    return int(value)


def format_gateway_date(moment: dt.datetime) -> str:
    """yyyyMMddHHmmss in GMT+7, the date format of VNPay (and of our stored pay dates)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Gateway dates need a timezone-aware datetime.")
    return moment.astimezone(GMT7).strftime(GATEWAY_DATE_FORMAT)


def parse_gateway_date(text: str | None) -> dt.datetime | None:
    """yyyyMMddHHmmss in GMT+7 -> aware UTC datetime; None when absent or malformed."""
    if not text or len(text) != 14 or not text.isdigit():
        return None
    try:
        local = dt.datetime.strptime(text, GATEWAY_DATE_FORMAT).replace(tzinfo=GMT7)
    except ValueError:
        return None
    return local.astimezone(dt.timezone.utc)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclasses.dataclass(frozen=True)
class PaymentRequest:
    """What the order service asks a gateway to collect.

    txn_ref: the merchant's reference for this payment attempt (unique per attempt; VNPay's
    vnp_TxnRef, MoMo's orderId, the bank-transfer note). locale is the app language, "vi" or "en".
    """

    txn_ref: str
    amount: Decimal
    order_info: str
    client_ip: str = "127.0.0.1"
    return_url: str = ""
    notify_url: str = ""
    locale: str = "vi"
    created_at: dt.datetime = dataclasses.field(default_factory=_utc_now)
    bank_code: str = ""  # VNPay only: preselect a bank / method (e.g. "NCB", "VNPAYQR")

    def __post_init__(self) -> None:
        if not self.txn_ref:
            raise ValueError("PaymentRequest.txn_ref must not be empty.")
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise ValueError("PaymentRequest.created_at must be a timezone-aware datetime.")
        if self.locale not in {"vi", "vn", "en"}:
            raise ValueError(f"PaymentRequest.locale must be 'vi' or 'en', got {self.locale!r}.")

    @property
    def language(self) -> str:
        """The app language: "vi" or "en" (VNPay's own "vn" is accepted as "vi")."""
        return "en" if self.locale == "en" else "vi"


@dataclasses.dataclass(frozen=True)
class BankTransferInstructions:
    bank_name: str
    account_number: str
    account_name: str
    amount: Decimal
    transfer_note: str  # contains the order code; the admin matches statements on it
    txn_ref: str


@dataclasses.dataclass(frozen=True)
class PaymentRedirect:
    """The result of starting a payment: where to send the browser, or why it failed.

    params are the exact parameters sent to the gateway (to store for audit); extra holds
    gateway-specific answers (MoMo's deeplink and QR code URL).
    """

    method: PaymentMethod
    txn_ref: str
    url: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    error: CreateError = CreateError.NONE
    gateway_code: str = ""  # the gateway's own result code when it refused
    message: str = ""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    instructions: BankTransferInstructions | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen_mapping(self.params))
        object.__setattr__(self, "extra", _frozen_mapping(self.extra))

    @property
    def ok(self) -> bool:
        return self.error is CreateError.NONE


@dataclasses.dataclass(frozen=True)
class CallbackVerification:
    """A callback checked against the protocol: the signature, the merchant code, the fields.

    valid means the callback is authentic and well formed; only then do success/cancelled mean
    anything. success is the gateway's word that the money was taken; the order service must
    still compare amount and order state before confirming anything. pay_date is the gateway
    time as yyyyMMddHHmmss in GMT+7 (VNPay's vnp_PayDate; MoMo's responseTime converted).
    """

    valid: bool
    error: CallbackError
    method: PaymentMethod
    txn_ref: str = ""
    amount: Decimal | None = None
    success: bool = False
    cancelled: bool = False
    response_code: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: str = ""
    message: str = ""
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", _frozen_mapping(self.raw))

    @property
    def failed(self) -> bool:
        """Authentic, and the payment did not go through (cancel included)."""
        return self.valid and not self.success

    @property
    def paid_at(self) -> dt.datetime | None:
        return parse_gateway_date(self.pay_date)


@runtime_checkable
class PaymentGateway(Protocol):
    method: PaymentMethod

    def create_payment(self, req: PaymentRequest) -> PaymentRedirect: ...

    def verify_callback(self, params: Mapping[str, Any]) -> CallbackVerification: ...
