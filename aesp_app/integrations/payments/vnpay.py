"""VNPay payment gateway, API version 2.1.0 (command "pay").

Signing rule (request, return URL and IPN alike): take the vnp_* parameters except
vnp_SecureHash and vnp_SecureHashType, sort them by key, URL-encode each key and value with
`urllib.parse.quote_plus` (space -> "+", ":" and "/" percent-encoded), join as key=value pairs
with "&"; vnp_SecureHash is the HMAC-SHA512 of that exact string with the hash secret, in hex.

The IPN URL is not part of the request: VNPay calls the one registered for the TmnCode in the
merchant portal. The return URL only shows the result; only the IPN confirms an order.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

from .base import (
    CallbackError,
    CallbackVerification,
    PaymentMethod,
    PaymentRedirect,
    PaymentRequest,
    format_gateway_date,
    whole_vnd,
)

VERSION = "2.1.0"
COMMAND_PAY = "pay"
CURRENCY = "VND"
DEFAULT_ORDER_TYPE = "other"
DEFAULT_EXPIRE_MINUTES = 15
SECURE_HASH = "vnp_SecureHash"
SECURE_HASH_TYPE = "vnp_SecureHashType"
# VNPay's own test environment, used when a TmnCode is configured without a payment URL.
VNPAY_SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"

RESPONSE_SUCCESS = "00"
RESPONSE_CANCELLED = "24"
TRANSACTION_STATUS_SUCCESS = "00"

ORDER_INFO_MAX = 255
_TXN_REF_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
_ORDER_INFO_UNSAFE_RE = re.compile(r"[^A-Za-z0-9 _.,:\-]+")
_SPACES_RE = re.compile(r"\s+")


class IpnRspCode(str, enum.Enum):
    """The codes a merchant answers VNPay's IPN call with."""

    CONFIRMED = "00"
    ORDER_NOT_FOUND = "01"
    ALREADY_CONFIRMED = "02"
    INVALID_AMOUNT = "04"
    INVALID_SIGNATURE = "97"
    UNKNOWN_ERROR = "99"

    @property
    def message(self) -> str:
        return _IPN_MESSAGES[self]

    @classmethod
    def for_callback_error(cls, error: CallbackError) -> IpnRspCode:
        """The IPN answer for a callback that failed verification.

        A wrong TmnCode is answered like a bad signature: the call is not authentic for us.
        """
        if error in (CallbackError.MISSING_SIGNATURE, CallbackError.INVALID_SIGNATURE, CallbackError.WRONG_MERCHANT):
            return cls.INVALID_SIGNATURE
        if error is CallbackError.INVALID_AMOUNT:
            return cls.INVALID_AMOUNT
        if error is CallbackError.NONE:
            return cls.CONFIRMED
        return cls.UNKNOWN_ERROR


_IPN_MESSAGES = {
    IpnRspCode.CONFIRMED: "Confirm Success",
    IpnRspCode.ORDER_NOT_FOUND: "Order not found",
    IpnRspCode.ALREADY_CONFIRMED: "Order already confirmed",
    IpnRspCode.INVALID_AMOUNT: "Invalid amount",
    IpnRspCode.INVALID_SIGNATURE: "Invalid signature",
    IpnRspCode.UNKNOWN_ERROR: "Unknown error",
}


def ipn_response(code: IpnRspCode | str) -> dict[str, str]:
    """The JSON body for VNPay's IPN call, e.g. {"RspCode": "00", "Message": "Confirm Success"}."""
    rsp = IpnRspCode(code)
    return {"RspCode": rsp.value, "Message": rsp.message}


# vnp_ResponseCode -> (Vietnamese, English), for the return page.
RESPONSE_CODES: dict[str, tuple[str, str]] = {
    "00": ("Giao dịch thành công.", "Transaction successful."),
    "07": (
        "Trừ tiền thành công. Giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất thường).",
        "Amount debited, but the transaction is under review as suspicious.",
    ),
    "09": (
        "Thẻ/Tài khoản của khách hàng chưa đăng ký dịch vụ InternetBanking tại ngân hàng.",
        "The card or account is not registered for Internet Banking.",
    ),
    "10": (
        "Khách hàng xác thực thông tin thẻ/tài khoản không đúng quá 3 lần.",
        "Card or account details were entered wrongly more than 3 times.",
    ),
    "11": (
        "Đã hết hạn chờ thanh toán. Xin quý khách vui lòng thực hiện lại giao dịch.",
        "The payment window expired. Please try again.",
    ),
    "12": ("Thẻ/Tài khoản của khách hàng bị khóa.", "The card or account is locked."),
    "13": (
        "Quý khách nhập sai mật khẩu xác thực giao dịch (OTP). Xin quý khách vui lòng thực hiện lại giao dịch.",
        "Wrong one-time password (OTP). Please try again.",
    ),
    "24": ("Khách hàng hủy giao dịch.", "The payment was cancelled by the customer."),
    "51": (
        "Tài khoản của quý khách không đủ số dư để thực hiện giao dịch.",
        "Insufficient balance in the account.",
    ),
    "65": (
        "Tài khoản của quý khách đã vượt quá hạn mức giao dịch trong ngày.",
        "The account has exceeded its daily transaction limit.",
    ),
    "75": ("Ngân hàng thanh toán đang bảo trì.", "The paying bank is under maintenance."),
    "79": (
        "Quý khách nhập sai mật khẩu thanh toán quá số lần quy định. Xin quý khách vui lòng thực hiện lại giao dịch.",
        "The payment password was entered wrongly too many times. Please try again.",
    ),
    "99": ("Các lỗi khác.", "Other error."),
}


def describe_response_code(code: str, language: str = "vi") -> str:
    """A sentence for the customer; unknown codes get the generic text with the code."""
    vi, en = RESPONSE_CODES.get(code, RESPONSE_CODES["99"])
    text = en if language == "en" else vi
    if code not in RESPONSE_CODES:
        text = f"{text} ({code})" if code else text
    return text


def strip_diacritics(text: str) -> str:
    """Vietnamese without accents: "Thanh toán đơn hàng" -> "Thanh toan don hang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_order_info(text: str, fallback: str = "") -> str:
    """vnp_OrderInfo: no diacritics, only letters, digits, space and _ . , : - ; at most 255."""
    ascii_text = strip_diacritics(text)
    ascii_text = _ORDER_INFO_UNSAFE_RE.sub(" ", ascii_text)
    ascii_text = _SPACES_RE.sub(" ", ascii_text).strip()[:ORDER_INFO_MAX].strip()
    return ascii_text or fallback


def _hash_input(params: Mapping[str, Any], skip_empty: bool = False) -> dict[str, str]:
    data = {
        str(key): "" if value is None else str(value)
        for key, value in params.items()
        if str(key).startswith("vnp_") and key not in (SECURE_HASH, SECURE_HASH_TYPE)
    }
    if skip_empty:
        data = {key: value for key, value in data.items() if value != ""}
    return data


def canonical_query(params: Mapping[str, Any], *, skip_empty: bool = False) -> str:
    """The exact string VNPay signs: vnp_* keys (hash fields excluded), sorted, quote_plus'ed.

    skip_empty drops parameters with an empty value, as VNPay's Java and .NET samples do; its PHP
    sample keeps them. Requests never carry empty values, so both agree on what we sign.
    """
    data = _hash_input(params, skip_empty)
    return "&".join(f"{quote_plus(key)}={quote_plus(data[key])}" for key in sorted(data))


def hmac_sha512_hex(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha512).hexdigest()


def sign_params(params: Mapping[str, Any], secret: str) -> str:
    """vnp_SecureHash for PARAMS (a payment request or a return/IPN callback)."""
    return hmac_sha512_hex(secret, canonical_query(params))


def signed_url(base_url: str, params: Mapping[str, Any], secret: str) -> str:
    """base_url?{canonical query}&vnp_SecureHash={hash}: how both sides put signed params in a URL."""
    query = canonical_query(params)
    return f"{base_url}?{query}&{SECURE_HASH}={hmac_sha512_hex(secret, query)}"


def verify_signature(params: Mapping[str, Any], secret: str) -> bool:
    """Constant-time check of vnp_SecureHash (hex, any letter case)."""
    received = params.get(SECURE_HASH)
    if not received or not isinstance(received, str):
        return False
    try:
        received_bytes = received.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    expected = hmac_sha512_hex(secret, canonical_query(params)).encode("ascii")
    if hmac.compare_digest(expected, received_bytes):
        return True
    # A callback with empty values may have been signed without them (see canonical_query).
    if any(value in ("", None) for key, value in params.items() if str(key).startswith("vnp_")):
        expected = hmac_sha512_hex(secret, canonical_query(params, skip_empty=True)).encode("ascii")
        return hmac.compare_digest(expected, received_bytes)
    return False


def callback_params(
    request_params: Mapping[str, Any],
    secret: str,
    *,
    response_code: str,
    transaction_no: str,
    pay_date: str,
    bank_code: str = "NCB",
    card_type: str = "ATM",
    bank_tran_no: str = "",
) -> dict[str, str]:
    """Signed return/IPN parameters for a payment request, as VNPay sends them.

    Used by the app's local sandbox, which plays VNPay when no real keys are configured.
    The transaction status is 00 for response code 00 and 02 (failed) otherwise.
    """
    params = {
        "vnp_Amount": str(request_params["vnp_Amount"]),
        "vnp_BankCode": bank_code,
        "vnp_CardType": card_type,
        "vnp_OrderInfo": str(request_params.get("vnp_OrderInfo", "")),
        "vnp_PayDate": pay_date,
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": str(request_params["vnp_TmnCode"]),
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": TRANSACTION_STATUS_SUCCESS if response_code == RESPONSE_SUCCESS else "02",
        "vnp_TxnRef": str(request_params["vnp_TxnRef"]),
    }
    if bank_tran_no:
        params["vnp_BankTranNo"] = bank_tran_no
    params[SECURE_HASH] = sign_params(params, secret)
    return params


def _client_ip(raw: str) -> str:
    candidate = (raw or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return "127.0.0.1"


class VnpayGateway:
    """Builds VNPay 2.1.0 payment URLs and verifies return/IPN callbacks."""

    method = PaymentMethod.VNPAY

    def __init__(
        self,
        tmn_code: str,
        hash_secret: str,
        payment_url: str,
        *,
        order_type: str = DEFAULT_ORDER_TYPE,
        expire_minutes: int = DEFAULT_EXPIRE_MINUTES,
        sandbox: bool = False,
    ) -> None:
        if not tmn_code or not hash_secret or not payment_url:
            raise ValueError("VNPay needs a TmnCode, a hash secret and a payment URL.")
        if expire_minutes <= 0:
            raise ValueError("VNPay expire_minutes must be positive.")
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.payment_url = payment_url
        self.order_type = order_type
        self.expire_minutes = expire_minutes
        self.is_sandbox = sandbox

    def __repr__(self) -> str:  # never show the secret
        return f"VnpayGateway(tmn_code={self.tmn_code!r}, payment_url={self.payment_url!r}, sandbox={self.is_sandbox})"

    def build_params(self, req: PaymentRequest) -> dict[str, str]:
        """The vnp_* request parameters (unsigned). ValueError for a bad amount or reference."""
        vnd = whole_vnd(req.amount)
        if not _TXN_REF_RE.match(req.txn_ref):
            raise ValueError(
                f"vnp_TxnRef must be 1-100 letters, digits, '_', '.' or '-', got {req.txn_ref!r}."
            )
        if not req.return_url:
            raise ValueError("VNPay needs a return URL.")
        created = req.created_at
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": COMMAND_PAY,
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(vnd * 100),
            "vnp_CurrCode": CURRENCY,
            "vnp_TxnRef": req.txn_ref,
            "vnp_OrderInfo": clean_order_info(req.order_info, fallback=f"Thanh toan don hang {req.txn_ref}"),
            "vnp_OrderType": self.order_type,
            "vnp_Locale": "en" if req.language == "en" else "vn",
            "vnp_ReturnUrl": req.return_url,
            "vnp_IpAddr": _client_ip(req.client_ip),
            "vnp_CreateDate": format_gateway_date(created),
            "vnp_ExpireDate": format_gateway_date(created + dt.timedelta(minutes=self.expire_minutes)),
        }
        if req.bank_code:
            params["vnp_BankCode"] = req.bank_code
        return params

    def create_payment(self, req: PaymentRequest) -> PaymentRedirect:
        params = self.build_params(req)
        query = canonical_query(params)
        secure_hash = hmac_sha512_hex(self.hash_secret, query)
        url = f"{self.payment_url}?{query}&{SECURE_HASH}={secure_hash}"
        return PaymentRedirect(
            method=self.method,
            txn_ref=req.txn_ref,
            url=url,
            params={**params, SECURE_HASH: secure_hash},
        )

    def sign(self, params: Mapping[str, Any]) -> str:
        return sign_params(params, self.hash_secret)

    def check_payment_request(self, params: Mapping[str, Any]) -> CallbackError:
        """What VNPay checks on an incoming payment URL (the local sandbox page uses this):
        the signature, our TmnCode, version, command and a whole positive amount."""
        raw = {str(k): "" if v is None else str(v) for k, v in params.items()}
        if not raw.get(SECURE_HASH):
            return CallbackError.MISSING_SIGNATURE
        if not verify_signature(raw, self.hash_secret):
            return CallbackError.INVALID_SIGNATURE
        if raw.get("vnp_TmnCode") != self.tmn_code:
            return CallbackError.WRONG_MERCHANT
        required = ("vnp_Version", "vnp_Command", "vnp_TxnRef", "vnp_ReturnUrl", "vnp_CreateDate")
        if any(not raw.get(key) for key in required):
            return CallbackError.MISSING_FIELD
        if raw["vnp_Version"] != VERSION or raw["vnp_Command"] != COMMAND_PAY:
            return CallbackError.INVALID_FIELD
        amount = raw.get("vnp_Amount", "")
        if not (amount.isascii() and amount.isdigit()) or int(amount) <= 0 or int(amount) % 100:
            return CallbackError.INVALID_AMOUNT
        return CallbackError.NONE

    def verify_callback(self, params: Mapping[str, Any]) -> CallbackVerification:
        """Check a return-URL or IPN query: signature, TmnCode, amount; then read the result."""
        raw = {str(k): "" if v is None else str(v) for k, v in params.items()}
        common = {
            "method": self.method,
            "txn_ref": raw.get("vnp_TxnRef", ""),
            "response_code": raw.get("vnp_ResponseCode", ""),
            "transaction_no": raw.get("vnp_TransactionNo", ""),
            "bank_code": raw.get("vnp_BankCode", ""),
            "pay_date": raw.get("vnp_PayDate", ""),
            "raw": raw,
        }

        def rejected(error: CallbackError) -> CallbackVerification:
            return CallbackVerification(valid=False, error=error, **common)

        if not raw.get(SECURE_HASH):
            return rejected(CallbackError.MISSING_SIGNATURE)
        if not verify_signature(raw, self.hash_secret):
            return rejected(CallbackError.INVALID_SIGNATURE)
        if raw.get("vnp_TmnCode") != self.tmn_code:
            return rejected(CallbackError.WRONG_MERCHANT)
        if not raw.get("vnp_TxnRef") or not raw.get("vnp_ResponseCode"):
            return rejected(CallbackError.MISSING_FIELD)
        amount_text = raw.get("vnp_Amount", "")
        if not amount_text.isascii() or not amount_text.isdigit():
            return rejected(CallbackError.INVALID_AMOUNT)

        response_code = raw["vnp_ResponseCode"]
        status = raw.get("vnp_TransactionStatus", "")
        return CallbackVerification(
            valid=True,
            error=CallbackError.NONE,
            amount=Decimal(int(amount_text)) / 100,
            success=response_code == RESPONSE_SUCCESS and status == TRANSACTION_STATUS_SUCCESS,
            cancelled=response_code == RESPONSE_CANCELLED,
            message=describe_response_code(response_code, "vi"),
            **common,
        )
