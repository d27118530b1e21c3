"""Payment gateways behind one small interface (see base.py): VNPay, MoMo and bank transfer.

`get_gateway(method, settings)` builds the gateway for a payment method from the settings.
Without VNPay (or MoMo) keys it returns the same gateway configured for the app's own local
sandbox, which speaks the real protocol with per-install keys derived from SECRET_KEY, so
checkout works offline.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .bank_transfer import BankTransferGateway
from .base import (
    BankTransferInstructions,
    CallbackError,
    CallbackVerification,
    CreateError,
    PaymentGateway,
    PaymentMethod,
    PaymentRedirect,
    PaymentRequest,
)
from .momo import LocalMomoSandbox, MomoGateway
from .vnpay import VNPAY_SANDBOX_URL, IpnRspCode, VnpayGateway, ipn_response

PAYMENT_METHODS = tuple(m.value for m in PaymentMethod)

SANDBOX_VNPAY_TMN_CODE = "AESPSBX1"
SANDBOX_MOMO_PARTNER_CODE = "AESPSBXMOMO"
VNPAY_SANDBOX_PATH = "/payment/vnpay/sandbox"
MOMO_SANDBOX_PATH = "/payment/momo/sandbox"
# Never resolved: the local MoMo sandbox answers in-process (LocalMomoSandbox transport).
MOMO_SANDBOX_ENDPOINT = "http://momo-sandbox.invalid/v2/gateway/api/create"


def derive_sandbox_key(secret_key: str, label: str, length: int = 32) -> str:
    """A stable per-install key for the local sandbox: HMAC-SHA256(SECRET_KEY, label), upper hex.

    One-way, so the sandbox keys (which the sandbox pages use) never reveal SECRET_KEY itself.
    """
    if not secret_key:
        raise ValueError("SECRET_KEY is needed to derive the local payment sandbox keys.")
    digest = hmac.new(secret_key.encode("utf-8"), label.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest.upper()[:length]


def vnpay_is_sandbox(settings: Any) -> bool:
    return not (settings.vnpay_tmn_code and settings.vnpay_hash_secret)


def momo_is_sandbox(settings: Any) -> bool:
    return not (settings.momo_partner_code and settings.momo_access_key and settings.momo_secret_key)


def vnpay_gateway(settings: Any) -> VnpayGateway:
    if vnpay_is_sandbox(settings):
        return VnpayGateway(
            SANDBOX_VNPAY_TMN_CODE,
            derive_sandbox_key(settings.secret_key, "aesp.payments.vnpay-sandbox.hash-secret.v1"),
            settings.public_base_url.rstrip("/") + VNPAY_SANDBOX_PATH,
            sandbox=True,
        )
    return VnpayGateway(
        settings.vnpay_tmn_code,
        settings.vnpay_hash_secret,
        settings.vnpay_payment_url or VNPAY_SANDBOX_URL,
    )


def momo_gateway(settings: Any, *, client: Any = None) -> MomoGateway:
    if momo_is_sandbox(settings):
        access_key = derive_sandbox_key(settings.secret_key, "aesp.payments.momo-sandbox.access-key.v1", 20)
        secret_key = derive_sandbox_key(settings.secret_key, "aesp.payments.momo-sandbox.secret-key.v1")
        transport = LocalMomoSandbox(
            SANDBOX_MOMO_PARTNER_CODE,
            access_key,
            secret_key,
            settings.public_base_url.rstrip("/") + MOMO_SANDBOX_PATH,
        )
        return MomoGateway(
            SANDBOX_MOMO_PARTNER_CODE,
            access_key,
            secret_key,
            MOMO_SANDBOX_ENDPOINT,
            client=client,
            transport=transport,
            sandbox=True,
        )
    return MomoGateway(
        settings.momo_partner_code,
        settings.momo_access_key,
        settings.momo_secret_key,
        settings.momo_endpoint,  # empty -> MoMo's test environment
        client=client,
    )


def bank_transfer_gateway(settings: Any) -> BankTransferGateway:
    return BankTransferGateway(settings.bank_name, settings.bank_account_number, settings.bank_account_name)


def get_gateway(method: str, settings: Any) -> PaymentGateway:
    """The gateway for "vnpay", "momo" or "bank_transfer"; ValueError for anything else."""
    try:
        kind = PaymentMethod(method)
    except ValueError:
        raise ValueError(f"Unknown payment method {method!r}; expected one of {', '.join(PAYMENT_METHODS)}.") from None
    if kind is PaymentMethod.VNPAY:
        return vnpay_gateway(settings)
    if kind is PaymentMethod.MOMO:
        return momo_gateway(settings)
    return bank_transfer_gateway(settings)


__all__ = [
    "PAYMENT_METHODS",
    "BankTransferGateway",
    "BankTransferInstructions",
    "CallbackError",
    "CallbackVerification",
    "CreateError",
    "IpnRspCode",
    "MomoGateway",
    "PaymentGateway",
    "PaymentMethod",
    "PaymentRedirect",
    "PaymentRequest",
    "VnpayGateway",
    "derive_sandbox_key",
    "get_gateway",
    "ipn_response",
]
