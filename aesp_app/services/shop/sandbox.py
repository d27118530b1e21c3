"""The app's own stand-ins for the VNPay and MoMo payment pages (only while no real keys are
configured): check an incoming payment request as the gateway would, and produce the signed
callbacks the gateway would send — the IPN for our server and the customer's return URL.

The page (states/orders.py) sends the IPN over HTTP, as the gateway does, and then redirects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import urllib.parse
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aesp_app.integrations.payments import get_gateway, momo_is_sandbox, vnpay_is_sandbox
from aesp_app.integrations.payments.momo import result_params, verify_create_signature
from aesp_app.integrations.payments.vnpay import callback_params
from aesp_app.models.base import utcnow
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop.errors import ShopError

OUTCOMES = ("pay", "cancel")
VNPAY_CANCELLED = "24"  # "customer cancelled" in VNPay's response codes
MOMO_CANCELLED = 1006  # "customer cancelled" in MoMo's result codes


@dataclasses.dataclass(frozen=True)
class SandboxRequest:
    """A checked payment request, as the sandbox page shows it."""

    params: dict[str, str]
    merchant: str
    txn_ref: str
    order_info: str
    amount: Decimal  # VND


@dataclasses.dataclass(frozen=True)
class SandboxOutcome:
    """What the gateway would do next: notify our IPN, then send the customer back."""

    ipn_url: str
    ipn_method: str  # "GET" (VNPay, signed query) or "POST" (MoMo, signed JSON)
    ipn_query: dict[str, str]
    ipn_json: dict[str, Any]
    return_url: str  # with the signed result in its query


def _strings(params: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): "" if v is None else str(v) for k, v in params.items()}


def _with_query(url: str, params: Mapping[str, Any]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode({k: str(v) for k, v in params.items()})}"


# --- VNPay -----------------------------------------------------------------------------------


def vnpay_request(params: Mapping[str, Any], *, settings: Any) -> SandboxRequest:
    if not vnpay_is_sandbox(settings):
        raise ServiceError(ShopError.SANDBOX_DISABLED)
    raw = _strings(params)
    if get_gateway("vnpay", settings).check_payment_request(raw).value != "none":
        raise ServiceError(ShopError.SANDBOX_INVALID)
    return SandboxRequest(params=raw, merchant=raw["vnp_TmnCode"], txn_ref=raw["vnp_TxnRef"],
                          order_info=raw.get("vnp_OrderInfo", ""), amount=Decimal(int(raw["vnp_Amount"]) // 100))


def vnpay_outcome(params: Mapping[str, Any], outcome: str, *, settings: Any, now: dt.datetime | None = None) -> SandboxOutcome:
    """Signed callback parameters for a paid or cancelled payment (checked again first)."""
    if outcome not in OUTCOMES:
        raise ServiceError(ShopError.SANDBOX_INVALID)
    request = vnpay_request(params, settings=settings)
    gateway = get_gateway("vnpay", settings)
    pay_date = ((now or utcnow()) + dt.timedelta(hours=7)).strftime("%Y%m%d%H%M%S")  # VNPay dates are GMT+7
    result = callback_params(
        request.params, gateway.hash_secret, response_code="00" if outcome == "pay" else VNPAY_CANCELLED,
        transaction_no=str(secrets.randbelow(90_000_000) + 10_000_000), pay_date=pay_date,
    )
    return SandboxOutcome(
        ipn_url=f"{settings.public_base_url}/payment/vnpay/ipn", ipn_method="GET", ipn_query=result, ipn_json={},
        return_url=_with_query(request.params["vnp_ReturnUrl"], result),
    )


# --- MoMo ------------------------------------------------------------------------------------


def momo_request(params: Mapping[str, Any], *, settings: Any) -> SandboxRequest:
    if not momo_is_sandbox(settings):
        raise ServiceError(ShopError.SANDBOX_DISABLED)
    raw = _strings(params)
    amount = raw.get("amount", "")
    gateway = get_gateway("momo", settings)
    if not amount.isdigit() or not verify_create_signature({**raw, "amount": int(amount)}, gateway.access_key, gateway.secret_key):
        raise ServiceError(ShopError.SANDBOX_INVALID)
    return SandboxRequest(params=raw, merchant=raw.get("partnerCode", ""), txn_ref=raw.get("orderId", ""),
                          order_info=raw.get("orderInfo", ""), amount=Decimal(int(amount)))


def momo_outcome(params: Mapping[str, Any], outcome: str, *, settings: Any, now: dt.datetime | None = None) -> SandboxOutcome:
    if outcome not in OUTCOMES:
        raise ServiceError(ShopError.SANDBOX_INVALID)
    request = momo_request(params, settings=settings)
    gateway = get_gateway("momo", settings)
    millis = int((now or utcnow()).timestamp() * 1000)
    payload = result_params(
        {**request.params, "amount": int(request.amount)}, gateway.access_key, gateway.secret_key,
        result_code=0 if outcome == "pay" else MOMO_CANCELLED, trans_id=millis % 10**10, response_time_ms=millis,
    )
    return SandboxOutcome(
        ipn_url=request.params.get("ipnUrl") or f"{settings.public_base_url}/payment/momo/ipn", ipn_method="POST",
        ipn_query={}, ipn_json=payload, return_url=_with_query(request.params.get("redirectUrl") or "/", payload),
    )
