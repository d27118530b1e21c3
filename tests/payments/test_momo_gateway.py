"""MoMo v2 captureWallet: create signature, HTTP create call, IPN/redirect verification.

The expected signatures were NOT produced by the code under test. Each one is the output of

    printf '%s' "<RAW STRING>" | openssl dgst -sha256 -hmac "aespTestSecretKey0123456789abcdef"

on the raw string written out by hand next to it (UTF-8, nothing URL-encoded).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from aesp_app.integrations.payments.base import CallbackError, CreateError, PaymentMethod, PaymentRequest
from aesp_app.integrations.payments.momo import (
    IPN_ACK_STATUS,
    LocalMomoSandbox,
    MomoGateway,
    create_signature,
    create_url,
    describe_result_code,
    ipn_signature,
    result_params,
    verify_create_signature,
)

PARTNER = "AESPTESTMOMO"
ACCESS = "AESPTESTACCESS01"
SECRET = "aespTestSecretKey0123456789abcdef"
ENDPOINT = "https://momo.example.vn/v2/gateway/api/create"
ORDER_INFO = "Thanh toán đơn hàng ORD20240315002"

CREATE_RAW = (
    "accessKey=AESPTESTACCESS01&amount=899000&extraData="
    "&ipnUrl=https://aesp.example.vn/payment/momo/ipn&orderId=ORD20240315002"
    "&orderInfo=Thanh toán đơn hàng ORD20240315002&partnerCode=AESPTESTMOMO"
    "&redirectUrl=https://aesp.example.vn/payment/momo/return&requestId=REQ20240315002"
    "&requestType=captureWallet"
)
CREATE_SIGNATURE = "09e08c193ba77160e230f11708f4cfdc39f8b2219df8c4fe06928363251eec27"

IPN_SUCCESS_RAW = (
    "accessKey=AESPTESTACCESS01&amount=899000&extraData=&message=Successful."
    "&orderId=ORD20240315002&orderInfo=Thanh toán đơn hàng ORD20240315002&orderType=momo_wallet"
    "&partnerCode=AESPTESTMOMO&payType=qr&requestId=REQ20240315002&responseTime=1710473712000"
    "&resultCode=0&transId=4088878653"
)
IPN_SUCCESS_SIGNATURE = "bbb52700219464ac2f684e3179bf26774398273f0fd86dad3ef053194df11a97"
# The IPN body as MoMo posts it: numbers are JSON numbers.
IPN_SUCCESS = {
    "partnerCode": "AESPTESTMOMO",
    "orderId": "ORD20240315002",
    "requestId": "REQ20240315002",
    "amount": 899000,
    "orderInfo": ORDER_INFO,
    "orderType": "momo_wallet",
    "transId": 4088878653,
    "resultCode": 0,
    "message": "Successful.",
    "payType": "qr",
    "responseTime": 1710473712000,
    "extraData": "",
    "signature": IPN_SUCCESS_SIGNATURE,
}

IPN_DECLINED_RAW = (
    "accessKey=AESPTESTACCESS01&amount=899000&extraData=&message=Transaction denied by user."
    "&orderId=ORD20240315002&orderInfo=Thanh toán đơn hàng ORD20240315002&orderType=momo_wallet"
    "&partnerCode=AESPTESTMOMO&payType=&requestId=REQ20240315002&responseTime=1710473790000"
    "&resultCode=1006&transId=4088878700"
)
IPN_DECLINED_SIGNATURE = "e00094df1ace98671646ad0605f35bb5e47f4aced395a9b76674ba42b8a17d14"
IPN_DECLINED = {
    **IPN_SUCCESS,
    "message": "Transaction denied by user.",
    "payType": "",
    "responseTime": 1710473790000,
    "resultCode": 1006,
    "transId": 4088878700,
    "signature": IPN_DECLINED_SIGNATURE,
}


def test_vectors_are_nfc_text():
    # The openssl input was typed as NFC (precomposed) UTF-8; keep the constants that way.
    for text in (CREATE_RAW, IPN_SUCCESS_RAW, IPN_DECLINED_RAW, ORDER_INFO):
        assert unicodedata.is_normalized("NFC", text)


def payment_request(**changes) -> PaymentRequest:
    fields = dict(
        txn_ref="ORD20240315002",
        amount=Decimal("899000"),
        order_info=ORDER_INFO,
        client_ip="203.0.113.7",
        return_url="https://aesp.example.vn/payment/momo/return",
        notify_url="https://aesp.example.vn/payment/momo/ipn",
        locale="vi",
        created_at=dt.datetime(2024, 3, 15, 3, 35, tzinfo=dt.timezone.utc),
    )
    fields.update(changes)
    return PaymentRequest(**fields)


def make_gateway(handler=None, **kwargs) -> MomoGateway:
    client = httpx.Client(transport=httpx.MockTransport(handler)) if handler else None
    return MomoGateway(
        PARTNER, ACCESS, SECRET, ENDPOINT, client=client, request_id_factory=lambda req: "REQ20240315002", **kwargs
    )


def momo_answer(body: dict, **fields) -> dict:
    data = {
        "partnerCode": body["partnerCode"],
        "requestId": body["requestId"],
        "orderId": body["orderId"],
        "amount": body["amount"],
        "responseTime": 1710473700000,
        "message": "Thành công.",
        "resultCode": 0,
        "payUrl": "https://test-payment.momo.vn/v2/gateway/pay?t=TOKEN",
        "deeplink": "momo://app?action=payWithApp&t=TOKEN",
        "qrCodeUrl": "2|99|0987654321|||0|0|899000",
    }
    data.update(fields)
    return data


# ---------------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------------


def test_create_signature_matches_the_independent_vector():
    body = make_gateway().build_body(payment_request(), "REQ20240315002")
    assert body["signature"] == CREATE_SIGNATURE
    assert create_signature(body, ACCESS, SECRET) == CREATE_SIGNATURE
    assert verify_create_signature(body, ACCESS, SECRET)


def test_create_body_fields():
    body = make_gateway().build_body(payment_request(locale="en"), "REQ20240315002")
    assert body == {
        "partnerCode": "AESPTESTMOMO",
        "requestId": "REQ20240315002",
        "amount": 899000,
        "orderId": "ORD20240315002",
        "orderInfo": ORDER_INFO,
        "redirectUrl": "https://aesp.example.vn/payment/momo/return",
        "ipnUrl": "https://aesp.example.vn/payment/momo/ipn",
        "requestType": "captureWallet",
        "extraData": "",
        "lang": "en",
        "signature": CREATE_SIGNATURE,  # lang is not part of the signature
    }
    assert "accessKey" not in body


def test_order_info_is_normalized_to_nfc():
    decomposed = unicodedata.normalize("NFD", ORDER_INFO)
    body = make_gateway().build_body(payment_request(order_info=decomposed), "REQ20240315002")
    assert body["orderInfo"] == ORDER_INFO and body["signature"] == CREATE_SIGNATURE


def test_ipn_signature_matches_the_independent_vectors():
    assert ipn_signature(IPN_SUCCESS, ACCESS, SECRET) == IPN_SUCCESS_SIGNATURE
    assert ipn_signature(IPN_DECLINED, ACCESS, SECRET) == IPN_DECLINED_SIGNATURE


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"amount": Decimal("899000.5")}, "whole number"),
        ({"amount": Decimal("0")}, "greater than zero"),
        ({"txn_ref": "ORD 1"}, "orderId"),
        ({"txn_ref": "-ORD1"}, "orderId"),
        ({"notify_url": ""}, "IPN URL"),
    ],
)
def test_build_body_refusals(changes, message):
    with pytest.raises(ValueError, match=message):
        make_gateway().build_body(payment_request(**changes), "R1")


# ---------------------------------------------------------------------------------------------
# create_payment over HTTP (httpx.MockTransport)
# ---------------------------------------------------------------------------------------------


def test_create_payment_success():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=momo_answer(json.loads(request.content)))

    redirect = make_gateway(handler).create_payment(payment_request())

    assert redirect.ok and redirect.method is PaymentMethod.MOMO
    assert redirect.url == "https://test-payment.momo.vn/v2/gateway/pay?t=TOKEN"
    assert redirect.extra["deeplink"].startswith("momo://")
    assert redirect.extra["qrCodeUrl"]
    assert redirect.params["signature"] == CREATE_SIGNATURE
    assert len(seen) == 1
    assert seen[0].method == "POST" and str(seen[0].url) == ENDPOINT
    assert seen[0].headers["content-type"] == "application/json"
    assert json.loads(seen[0].content)["signature"] == CREATE_SIGNATURE


def test_create_payment_momo_error_code():
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(
            400, json=momo_answer(body, resultCode=41, message="Duplicated orderId.", payUrl=None)
        )

    redirect = make_gateway(handler).create_payment(payment_request())

    assert not redirect.ok
    assert redirect.error is CreateError.GATEWAY_REFUSED
    assert redirect.gateway_code == "41" and redirect.message == "Duplicated orderId."
    assert redirect.url == ""


def test_timeout_is_retried_once_then_reported():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    redirect = make_gateway(handler).create_payment(payment_request())

    assert not redirect.ok and redirect.error is CreateError.TIMEOUT
    assert len(calls) == 2
    # The retry reuses the requestId so MoMo can deduplicate it.
    assert json.loads(calls[0].content)["requestId"] == json.loads(calls[1].content)["requestId"]


def test_network_error_then_success_on_retry():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json=momo_answer(json.loads(request.content)))

    redirect = make_gateway(handler).create_payment(payment_request())
    assert redirect.ok and len(calls) == 2


def test_network_error_twice_is_reported():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    redirect = make_gateway(handler).create_payment(payment_request())
    assert redirect.error is CreateError.NETWORK_ERROR


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(502, text="<html>Bad gateway</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"message": "no result code"}),
    ],
)
def test_unreadable_answers_are_invalid_response(response):
    redirect = make_gateway(lambda request: response).create_payment(payment_request())
    assert redirect.error is CreateError.INVALID_RESPONSE


def test_success_without_pay_url_or_for_another_order_is_invalid():
    def no_url(request):
        return httpx.Response(200, json=momo_answer(json.loads(request.content), payUrl=""))

    def other_order(request):
        return httpx.Response(200, json=momo_answer(json.loads(request.content), orderId="ORD999"))

    assert make_gateway(no_url).create_payment(payment_request()).error is CreateError.INVALID_RESPONSE
    assert make_gateway(other_order).create_payment(payment_request()).error is CreateError.INVALID_RESPONSE


def test_endpoint_may_be_a_host_or_the_create_url():
    assert create_url("https://test-payment.momo.vn") == "https://test-payment.momo.vn/v2/gateway/api/create"
    assert create_url("https://test-payment.momo.vn/") == "https://test-payment.momo.vn/v2/gateway/api/create"
    assert create_url(ENDPOINT) == ENDPOINT


def test_repr_hides_the_keys():
    text = repr(make_gateway())
    assert SECRET not in text and ACCESS not in text


# ---------------------------------------------------------------------------------------------
# IPN and redirect verification
# ---------------------------------------------------------------------------------------------


def test_ipn_success():
    result = make_gateway().verify_callback(IPN_SUCCESS)

    assert result.valid and result.error is CallbackError.NONE
    assert result.success and not result.cancelled
    assert result.method is PaymentMethod.MOMO
    assert result.txn_ref == "ORD20240315002"
    assert result.amount == Decimal("899000")
    assert result.response_code == "0"
    assert result.transaction_no == "4088878653"
    assert result.bank_code == "qr"
    # 1710473712000 ms = 2024-03-15 03:35:12 UTC = 10:35:12 GMT+7
    assert result.pay_date == "20240315103512"
    assert result.paid_at == dt.datetime(2024, 3, 15, 3, 35, 12, tzinfo=dt.timezone.utc)


def test_redirect_query_with_string_values_verifies_too():
    query = {key: str(value) for key, value in IPN_SUCCESS.items()}
    result = make_gateway().verify_callback(query)
    assert result.valid and result.success


def test_ipn_declined_by_customer():
    result = make_gateway().verify_callback(IPN_DECLINED)
    assert result.valid and result.cancelled and not result.success and result.failed
    assert result.response_code == "1006"


def test_ipn_other_failure():
    payload = {**IPN_SUCCESS, "resultCode": 1001, "message": "Insufficient funds."}
    payload["signature"] = ipn_signature(payload, ACCESS, SECRET)
    result = make_gateway().verify_callback(payload)
    assert result.valid and result.failed and not result.cancelled


def test_ipn_signature_upper_case_is_accepted():
    assert make_gateway().verify_callback({**IPN_SUCCESS, "signature": IPN_SUCCESS_SIGNATURE.upper()}).valid


@pytest.mark.parametrize(
    "changes",
    [{"amount": 1000}, {"resultCode": 1006}, {"orderId": "ORD20240315003"}, {"transId": 1}, {"extraData": "e30="}],
)
def test_tampered_ipn_is_rejected(changes):
    result = make_gateway().verify_callback({**IPN_SUCCESS, **changes})
    assert not result.valid and result.error is CallbackError.INVALID_SIGNATURE and not result.success


def test_missing_signature_and_wrong_keys():
    unsigned = {k: v for k, v in IPN_SUCCESS.items() if k != "signature"}
    assert make_gateway().verify_callback(unsigned).error is CallbackError.MISSING_SIGNATURE
    other_secret = MomoGateway(PARTNER, ACCESS, "x" * 32, ENDPOINT)
    assert other_secret.verify_callback(IPN_SUCCESS).error is CallbackError.INVALID_SIGNATURE
    other_access = MomoGateway(PARTNER, "OTHERACCESS", SECRET, ENDPOINT)
    assert other_access.verify_callback(IPN_SUCCESS).error is CallbackError.INVALID_SIGNATURE


def test_wrong_partner_code_with_a_good_signature():
    other = MomoGateway("OTHERPARTNER", ACCESS, SECRET, ENDPOINT)
    result = other.verify_callback(IPN_SUCCESS)
    assert result.error is CallbackError.WRONG_MERCHANT and not result.valid


def test_ipn_ack_is_204():
    assert IPN_ACK_STATUS == 204


def test_result_code_texts():
    assert describe_result_code("1006", "en") == "The customer declined the payment."
    assert describe_result_code("0") == "Thành công."
    assert describe_result_code("4242", "en") == "Unknown error. (4242)"


# ---------------------------------------------------------------------------------------------
# The local sandbox transport
# ---------------------------------------------------------------------------------------------

SANDBOX_PAGE = "http://localhost:3000/payment/momo/sandbox"


def sandbox_gateway(**keys) -> MomoGateway:
    transport = LocalMomoSandbox(
        keys.get("partner", PARTNER), keys.get("access", ACCESS), keys.get("secret", SECRET), SANDBOX_PAGE
    )
    return MomoGateway(
        PARTNER, ACCESS, SECRET, "http://momo-sandbox.invalid/v2/gateway/api/create", transport=transport, sandbox=True
    )


def test_sandbox_round_trip():
    gateway = sandbox_gateway()
    redirect = gateway.create_payment(payment_request())
    assert redirect.ok
    assert redirect.url.startswith(SANDBOX_PAGE + "?")

    # The sandbox page gets the signed create parameters and can check them ...
    page_params = dict(parse_qsl(urlsplit(redirect.url).query, keep_blank_values=True))
    page_params["amount"] = int(page_params["amount"])
    assert verify_create_signature(page_params, ACCESS, SECRET)
    assert page_params["ipnUrl"] == "https://aesp.example.vn/payment/momo/ipn"

    # ... then posts a signed result, which the gateway accepts.
    paid = result_params(page_params, ACCESS, SECRET, result_code=0, trans_id=900001, response_time_ms=1710473712000)
    result = gateway.verify_callback(paid)
    assert result.valid and result.success and result.amount == Decimal("899000")
    assert result.txn_ref == "ORD20240315002"

    declined = result_params(page_params, ACCESS, SECRET, result_code=1006, trans_id=900002, response_time_ms=1)
    assert gateway.verify_callback(declined).cancelled


def test_sandbox_refuses_a_badly_signed_request():
    redirect = sandbox_gateway(secret="another-secret").create_payment(payment_request())
    assert redirect.error is CreateError.GATEWAY_REFUSED and redirect.gateway_code == "13"
