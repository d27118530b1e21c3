"""MoMo payment gateway, All-in-One API v2, request type "captureWallet".

Create payment: POST JSON to {endpoint} (…/v2/gateway/api/create). The signature is the
HMAC-SHA256 hex, with the secret key, of the raw (not URL-encoded) string

    accessKey=$accessKey&amount=$amount&extraData=$extraData&ipnUrl=$ipnUrl&orderId=$orderId
    &orderInfo=$orderInfo&partnerCode=$partnerCode&redirectUrl=$redirectUrl
    &requestId=$requestId&requestType=$requestType

The access key is part of the signature only; it is not sent in the body. MoMo answers with
resultCode (0 = created) and payUrl.

Results reach us twice, with the same fields and signature: the browser comes back to
redirectUrl (GET query) and MoMo POSTs JSON to ipnUrl. The IPN signature string is

    accessKey=..&amount=..&extraData=..&message=..&orderId=..&orderInfo=..&orderType=..
    &partnerCode=..&payType=..&requestId=..&responseTime=..&resultCode=..&transId=..

resultCode 0 is a successful payment, 1006 a refusal by the customer. We answer the IPN with
HTTP 204 No Content (IPN_ACK_STATUS), which is what MoMo's current documentation asks for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from .base import (
    GMT7,
    GATEWAY_DATE_FORMAT,
    CallbackError,
    CallbackVerification,
    CreateError,
    PaymentMethod,
    PaymentRedirect,
    PaymentRequest,
    whole_vnd,
)

CREATE_PATH = "/v2/gateway/api/create"
# MoMo's own test environment, used when keys are configured without an endpoint.
MOMO_TEST_ENDPOINT = "https://test-payment.momo.vn" + CREATE_PATH
REQUEST_TYPE_CAPTURE_WALLET = "captureWallet"
DEFAULT_TIMEOUT_SECONDS = 10.0
IPN_ACK_STATUS = 204

RESULT_SUCCESS = "0"
RESULT_CANCELLED = "1006"

CREATE_SIGNATURE_FIELDS = (
    "accessKey",
    "amount",
    "extraData",
    "ipnUrl",
    "orderId",
    "orderInfo",
    "partnerCode",
    "redirectUrl",
    "requestId",
    "requestType",
)
IPN_SIGNATURE_FIELDS = (
    "accessKey",
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
)

ORDER_INFO_MAX = 200
_ORDER_ID_RE = re.compile(r"^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$")

# resultCode -> (Vietnamese, English), the ones a customer or an operator is likely to meet.
RESULT_CODES: dict[str, tuple[str, str]] = {
    "0": ("Thành công.", "Successful."),
    "9000": ("Giao dịch đã được xác nhận thành công.", "Transaction authorized."),
    "1000": (
        "Giao dịch đã được khởi tạo, chờ người dùng xác nhận thanh toán.",
        "Transaction initiated, waiting for the customer to confirm.",
    ),
    "7000": ("Giao dịch đang được xử lý.", "Transaction is being processed."),
    "1001": ("Tài khoản người dùng không đủ tiền để thanh toán.", "Insufficient funds in the MoMo wallet."),
    "1005": ("Giao dịch thất bại do URL hoặc QR code đã hết hạn.", "The payment URL or QR code has expired."),
    "1006": ("Người dùng đã từ chối xác nhận thanh toán.", "The customer declined the payment."),
    "11": ("Truy cập bị từ chối.", "Access denied."),
    "13": ("Xác thực doanh nghiệp thất bại.", "Merchant authentication failed."),
    "20": ("Yêu cầu sai định dạng.", "Bad request format."),
    "22": ("Số tiền giao dịch không hợp lệ.", "Transaction amount is out of range."),
    "41": ("Mã đơn hàng bị trùng.", "Duplicated orderId."),
    "99": ("Lỗi không xác định.", "Unknown error."),
}


def describe_result_code(code: str, language: str = "vi") -> str:
    vi, en = RESULT_CODES.get(code, RESULT_CODES["99"])
    text = en if language == "en" else vi
    return text if code in RESULT_CODES else f"{text} ({code})"


def as_text(value: Any) -> str:
    """How a JSON value appears in MoMo's signature strings (numbers without decimals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def raw_signature(fields: tuple[str, ...], values: Mapping[str, Any]) -> str:
    """key=value pairs in the given (alphabetical) order, joined with "&", nothing encoded."""
    return "&".join(f"{name}={as_text(values.get(name))}" for name in fields)


def hmac_sha256_hex(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def create_signature(body: Mapping[str, Any], access_key: str, secret_key: str) -> str:
    return hmac_sha256_hex(secret_key, raw_signature(CREATE_SIGNATURE_FIELDS, {**body, "accessKey": access_key}))


def ipn_signature(params: Mapping[str, Any], access_key: str, secret_key: str) -> str:
    return hmac_sha256_hex(secret_key, raw_signature(IPN_SIGNATURE_FIELDS, {**params, "accessKey": access_key}))


def _same_hex(expected: str, received: Any) -> bool:
    if not isinstance(received, str) or not received:
        return False
    try:
        received_bytes = received.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode("ascii"), received_bytes)


def verify_create_signature(body: Mapping[str, Any], access_key: str, secret_key: str) -> bool:
    """Check a create-payment body (what MoMo does; the local sandbox uses it)."""
    return _same_hex(create_signature(body, access_key, secret_key), body.get("signature"))


def result_params(
    create_body: Mapping[str, Any],
    access_key: str,
    secret_key: str,
    *,
    result_code: int,
    trans_id: int,
    response_time_ms: int,
    pay_type: str = "qr",
    message: str = "",
    order_type: str = "momo_wallet",
) -> dict[str, Any]:
    """A signed IPN / redirect payload for a create-payment body, as MoMo sends it.

    Used by the app's local sandbox, which plays MoMo when no real keys are configured.
    """
    payload: dict[str, Any] = {
        "partnerCode": create_body["partnerCode"],
        "orderId": create_body["orderId"],
        "requestId": create_body["requestId"],
        "amount": int(create_body["amount"]),
        "orderInfo": create_body.get("orderInfo", ""),
        "orderType": order_type,
        "transId": trans_id,
        "resultCode": result_code,
        "message": message or describe_result_code(str(result_code), "en"),
        "payType": pay_type,
        "responseTime": response_time_ms,
        "extraData": create_body.get("extraData", ""),
    }
    payload["signature"] = ipn_signature(payload, access_key, secret_key)
    return payload


def _response_time_to_pay_date(value: str) -> str:
    if not value.isdigit():
        return ""
    moment = dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.timezone.utc)
    return moment.astimezone(GMT7).strftime(GATEWAY_DATE_FORMAT)


def create_url(endpoint: str) -> str:
    """The endpoint may be a host ("https://test-payment.momo.vn") or the full create URL."""
    endpoint = endpoint.rstrip("/")
    return endpoint if urlsplit(endpoint).path not in ("", "/") else endpoint + CREATE_PATH


class MomoGateway:
    """Starts MoMo wallet payments over HTTP and verifies MoMo's redirect and IPN callbacks.

    client: an httpx.Client to send with (tests pass one with httpx.MockTransport). Without one,
    a short-lived client is made per call, over `transport` when given (the local sandbox passes
    LocalMomoSandbox).
    A network error or timeout is retried once with the same requestId (MoMo deduplicates on it).
    """

    method = PaymentMethod.MOMO

    def __init__(
        self,
        partner_code: str,
        access_key: str,
        secret_key: str,
        endpoint: str = MOMO_TEST_ENDPOINT,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        request_type: str = REQUEST_TYPE_CAPTURE_WALLET,
        request_id_factory: Callable[[PaymentRequest], str] | None = None,
        sandbox: bool = False,
    ) -> None:
        if not partner_code or not access_key or not secret_key:
            raise ValueError("MoMo needs a partner code, an access key and a secret key.")
        self.partner_code = partner_code
        self.access_key = access_key
        self.secret_key = secret_key
        self.endpoint = create_url(endpoint or MOMO_TEST_ENDPOINT)
        self.client = client
        self.transport = transport
        self.timeout = timeout
        self.request_type = request_type
        self.request_id_factory = request_id_factory or (lambda req: uuid.uuid4().hex)
        self.is_sandbox = sandbox

    def __repr__(self) -> str:  # never show the keys
        return f"MomoGateway(partner_code={self.partner_code!r}, endpoint={self.endpoint!r}, sandbox={self.is_sandbox})"

    def build_body(self, req: PaymentRequest, request_id: str) -> dict[str, Any]:
        vnd = whole_vnd(req.amount)
        if len(req.txn_ref) > 50 or not _ORDER_ID_RE.match(req.txn_ref):
            raise ValueError(f"MoMo orderId must be letters and digits joined by '-', '_' or '.', got {req.txn_ref!r}.")
        if not req.return_url or not req.notify_url:
            raise ValueError("MoMo needs a redirect URL (return_url) and an IPN URL (notify_url).")
        order_info = unicodedata.normalize("NFC", " ".join(req.order_info.split()))[:ORDER_INFO_MAX]
        body: dict[str, Any] = {
            "partnerCode": self.partner_code,
            "requestId": request_id,
            "amount": vnd,
            "orderId": req.txn_ref,
            "orderInfo": order_info or f"Thanh toán đơn hàng {req.txn_ref}",
            "redirectUrl": req.return_url,
            "ipnUrl": req.notify_url,
            "requestType": self.request_type,
            "extraData": "",
            "lang": req.language,
        }
        body["signature"] = create_signature(body, self.access_key, self.secret_key)
        return body

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        if self.client is not None:
            return self.client.post(self.endpoint, json=body, timeout=self.timeout)
        with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
            return client.post(self.endpoint, json=body)

    def create_payment(self, req: PaymentRequest) -> PaymentRedirect:
        body = self.build_body(req, self.request_id_factory(req))

        def failed(error: CreateError, message: str, code: str = "") -> PaymentRedirect:
            return PaymentRedirect(
                method=self.method, txn_ref=req.txn_ref, params=body, error=error, gateway_code=code, message=message
            )

        response = None
        last_error: httpx.TransportError | None = None
        for _attempt in range(2):
            try:
                response = self._post(body)
                break
            except httpx.TransportError as exc:  # includes timeouts
                last_error = exc
        if response is None:
            if isinstance(last_error, httpx.TimeoutException):
                return failed(CreateError.TIMEOUT, "MoMo did not answer in time.")
            return failed(CreateError.NETWORK_ERROR, f"MoMo could not be reached: {type(last_error).__name__}.")

        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            return failed(CreateError.INVALID_RESPONSE, f"MoMo answered HTTP {response.status_code} without JSON.")
        if not isinstance(data, dict) or "resultCode" not in data:
            return failed(CreateError.INVALID_RESPONSE, f"MoMo answered HTTP {response.status_code} without a resultCode.")
        result_code = as_text(data.get("resultCode"))
        message = as_text(data.get("message"))
        if result_code != RESULT_SUCCESS:
            return failed(
                CreateError.GATEWAY_REFUSED,
                message or describe_result_code(result_code, req.language),
                result_code,
            )
        pay_url = as_text(data.get("payUrl"))
        if response.is_error or not pay_url:
            return failed(CreateError.INVALID_RESPONSE, "MoMo reported success without a payUrl.", result_code)
        if as_text(data.get("orderId", req.txn_ref)) != req.txn_ref:
            return failed(CreateError.INVALID_RESPONSE, "MoMo answered for another orderId.", result_code)
        extra = {key: as_text(data[key]) for key in ("deeplink", "qrCodeUrl", "responseTime") if data.get(key)}
        return PaymentRedirect(
            method=self.method, txn_ref=req.txn_ref, url=pay_url, params=body, gateway_code=result_code,
            message=message, extra=extra,
        )

    def verify_callback(self, params: Mapping[str, Any]) -> CallbackVerification:
        """Check an IPN body (JSON, numbers as numbers) or a redirect query (all strings)."""
        raw = {str(key): as_text(value) for key, value in params.items()}
        result_code = raw.get("resultCode", "")
        common = {
            "method": self.method,
            "txn_ref": raw.get("orderId", ""),
            "response_code": result_code,
            "transaction_no": raw.get("transId", ""),
            "bank_code": raw.get("payType", ""),
            "pay_date": _response_time_to_pay_date(raw.get("responseTime", "")),
            "message": raw.get("message", ""),
            "raw": raw,
        }

        def rejected(error: CallbackError) -> CallbackVerification:
            return CallbackVerification(valid=False, error=error, **common)

        if not raw.get("signature"):
            return rejected(CallbackError.MISSING_SIGNATURE)
        if not _same_hex(ipn_signature(raw, self.access_key, self.secret_key), raw["signature"]):
            return rejected(CallbackError.INVALID_SIGNATURE)
        if raw.get("partnerCode") != self.partner_code:
            return rejected(CallbackError.WRONG_MERCHANT)
        if not raw.get("orderId") or not result_code:
            return rejected(CallbackError.MISSING_FIELD)
        amount_text = raw.get("amount", "")
        if not (amount_text.isascii() and amount_text.isdigit()):
            return rejected(CallbackError.INVALID_AMOUNT)
        return CallbackVerification(
            valid=True,
            error=CallbackError.NONE,
            amount=Decimal(int(amount_text)),
            success=result_code == RESULT_SUCCESS,
            cancelled=result_code == RESULT_CANCELLED,
            **common,
        )


class LocalMomoSandbox(httpx.BaseTransport):
    """MoMo's create-payment endpoint, played in-process for the app's offline sandbox.

    It checks the request as MoMo would (JSON, partner code, signature, amount) and answers with
    a payUrl on the app's sandbox page, carrying the signed create parameters so that page can
    check them and later post a signed result (see result_params) to the IPN URL.
    """

    def __init__(self, partner_code: str, access_key: str, secret_key: str, pay_page_url: str) -> None:
        self.partner_code = partner_code
        self.access_key = access_key
        self.secret_key = secret_key
        self.pay_page_url = pay_page_url

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._answer(400, {}, 20)
        if not isinstance(body, dict):
            return self._answer(400, {}, 20)
        if request.method != "POST" or urlsplit(str(request.url)).path != CREATE_PATH:
            return self._answer(404, body, 20)
        if body.get("partnerCode") != self.partner_code or not verify_create_signature(
            body, self.access_key, self.secret_key
        ):
            return self._answer(401, body, 13)
        amount = body.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            return self._answer(400, body, 22)
        query = {key: as_text(body.get(key)) for key in CREATE_SIGNATURE_FIELDS if key != "accessKey"}
        query["signature"] = as_text(body.get("signature"))
        pay_url = f"{self.pay_page_url}?{urlencode(query)}"
        return self._answer(200, body, 0, payUrl=pay_url)

    def _answer(self, status: int, body: Mapping[str, Any], result_code: int, **extra: Any) -> httpx.Response:
        data = {
            "partnerCode": body.get("partnerCode", ""),
            "requestId": body.get("requestId", ""),
            "orderId": body.get("orderId", ""),
            "amount": body.get("amount", 0),
            "responseTime": int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000),
            "message": describe_result_code(str(result_code), "en"),
            "resultCode": result_code,
            **extra,
        }
        return httpx.Response(status, json=data)
