"""VNPay 2.1.0: the payment URL, the signature and the return/IPN verification.

The expected hashes below were NOT produced by the code under test. Each one is the output of

    printf '%s' "<CANONICAL STRING>" | openssl dgst -sha512 -hmac "AESPTESTSECRET0123456789ABCDEFGH"

on the canonical string written out by hand next to it (sorted vnp_* keys, values encoded as
urllib.parse.quote_plus would: space -> "+", ":" -> %3A, "/" -> %2F, "?" -> %3F, "=" -> %3D,
"&" -> %26).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from aesp_app.integrations.payments.base import CallbackError, PaymentMethod, PaymentRequest
from aesp_app.integrations.payments.vnpay import (
    RESPONSE_CODES,
    IpnRspCode,
    VnpayGateway,
    callback_params,
    canonical_query,
    clean_order_info,
    describe_response_code,
    ipn_response,
    sign_params,
    signed_url,
    strip_diacritics,
    verify_signature,
)

SECRET = "AESPTESTSECRET0123456789ABCDEFGH"
TMN = "AESPTEST"
PAY_URL = "https://pay.example.vn/paymentv2/vpcpay.html"

# --- Vector 1: a payment request --------------------------------------------------------------
# 1,975,000 VND, created 2024-03-15 03:30:00 UTC = 10:30:00 GMT+7, expires 15 minutes later.
REQUEST_1_CANONICAL = (
    "vnp_Amount=197500000&vnp_Command=pay&vnp_CreateDate=20240315103000&vnp_CurrCode=VND"
    "&vnp_ExpireDate=20240315104500&vnp_IpAddr=203.0.113.7&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+don+hang+ORD20240315001&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Faesp.example.vn%2Fpayment%2Fvnpay%2Freturn&vnp_TmnCode=AESPTEST"
    "&vnp_TxnRef=ORD20240315001&vnp_Version=2.1.0"
)
REQUEST_1_HASH = (
    "9bc4252daf056df6709a1528541af6d7fea15469a69c9cf235225ef374b772d4"
    "ff04568d92e9e1811635f560ffd15bebbf77e60dbacfdcb6bdaf631c925e60a1"
)

# --- Vector 2: encoding edge cases ------------------------------------------------------------
# Decimal("5199000.00"), bank code, English locale, IPv6 client, a return URL with its own query,
# order info with diacritics, "&", parentheses and a colon; created 2024-12-31 16:50 UTC, i.e.
# 23:50 GMT+7, so the expiry date crosses into the next year.
REQUEST_2_CANONICAL = (
    "vnp_Amount=519900000&vnp_BankCode=VNPAYQR&vnp_Command=pay&vnp_CreateDate=20241231235000"
    "&vnp_CurrCode=VND&vnp_ExpireDate=20250101000500&vnp_IpAddr=2001%3Adb8%3A%3A1&vnp_Locale=en"
    "&vnp_OrderInfo=Khoa+hoc+IELTS+7.0+Speaking+Mentor%3A+Dang&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Faesp.example.vn%2Fpayment%2Fvnpay%2Freturn%3Flang%3Den%26next%3D%2Forders"
    "&vnp_TmnCode=AESPTEST&vnp_TxnRef=ORD-2024-0042&vnp_Version=2.1.0"
)
REQUEST_2_HASH = (
    "d9c26f85773c182b05e23f8363106f4c473c0da69950bbcd455992b695d4b705"
    "c7ffeea78c2190e83e2ccef609c9c3f5e2725fb6f46e65b044ab054196134105"
)

# --- Vector 3: a successful return / IPN ------------------------------------------------------
SUCCESS_CALLBACK = {
    "vnp_Amount": "197500000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14382960",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang ORD20240315001",
    "vnp_PayDate": "20240315103512",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "AESPTEST",
    "vnp_TransactionNo": "14382960",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "ORD20240315001",
}
SUCCESS_CANONICAL = (
    "vnp_Amount=197500000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14382960&vnp_CardType=ATM"
    "&vnp_OrderInfo=Thanh+toan+don+hang+ORD20240315001&vnp_PayDate=20240315103512"
    "&vnp_ResponseCode=00&vnp_TmnCode=AESPTEST&vnp_TransactionNo=14382960"
    "&vnp_TransactionStatus=00&vnp_TxnRef=ORD20240315001"
)
SUCCESS_HASH = (
    "16d44367cf4e8ad9ec1786468906f46bbcd55902bd31053b59426c92cb1496bc"
    "74277424908ecf65f0a32b987ed9c848a6a723d1d674199ca7ccbbfd73367203"
)

# --- Vector 4: a return after the customer cancelled (24) --------------------------------------
CANCEL_CALLBACK = {
    "vnp_Amount": "197500000",
    "vnp_BankCode": "NCB",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang ORD20240315001",
    "vnp_PayDate": "20240315104100",
    "vnp_ResponseCode": "24",
    "vnp_TmnCode": "AESPTEST",
    "vnp_TransactionNo": "0",
    "vnp_TransactionStatus": "02",
    "vnp_TxnRef": "ORD20240315001",
}
CANCEL_CANONICAL = (
    "vnp_Amount=197500000&vnp_BankCode=NCB&vnp_CardType=ATM"
    "&vnp_OrderInfo=Thanh+toan+don+hang+ORD20240315001&vnp_PayDate=20240315104100"
    "&vnp_ResponseCode=24&vnp_TmnCode=AESPTEST&vnp_TransactionNo=0"
    "&vnp_TransactionStatus=02&vnp_TxnRef=ORD20240315001"
)
CANCEL_HASH = (
    "3ca0dae6044e6c12a98bd423a4458ca3766caa30c4269711bb65eb0f7cf21873"
    "ffcbf4e971a307bddb120fa375a99590dc555b2a6aee60d2a3da691acf5e0e3f"
)


@pytest.fixture
def gateway() -> VnpayGateway:
    return VnpayGateway(TMN, SECRET, PAY_URL)


def request_1(**changes) -> PaymentRequest:
    fields = dict(
        txn_ref="ORD20240315001",
        amount=Decimal("1975000"),
        order_info="Thanh toán đơn hàng ORD20240315001",
        client_ip="203.0.113.7",
        return_url="https://aesp.example.vn/payment/vnpay/return",
        notify_url="https://aesp.example.vn/payment/vnpay/ipn",
        locale="vi",
        created_at=dt.datetime(2024, 3, 15, 3, 30, 0, tzinfo=dt.timezone.utc),
    )
    fields.update(changes)
    return PaymentRequest(**fields)


def signed(params: dict[str, str], hash_value: str) -> dict[str, str]:
    return {**params, "vnp_SecureHash": hash_value}


# ---------------------------------------------------------------------------------------------
# Building the payment URL
# ---------------------------------------------------------------------------------------------


def test_payment_url_matches_the_independent_vector(gateway):
    redirect = gateway.create_payment(request_1())

    assert redirect.ok
    assert redirect.method is PaymentMethod.VNPAY
    assert redirect.txn_ref == "ORD20240315001"
    assert redirect.url == f"{PAY_URL}?{REQUEST_1_CANONICAL}&vnp_SecureHash={REQUEST_1_HASH}"
    assert redirect.params["vnp_SecureHash"] == REQUEST_1_HASH


def test_encoding_vector_spaces_colons_slashes_and_vietnamese(gateway):
    redirect = gateway.create_payment(
        request_1(
            txn_ref="ORD-2024-0042",
            amount=Decimal("5199000.00"),
            order_info="Khóa học IELTS 7.0 & Speaking (Mentor: Đặng)",
            client_ip="2001:db8::1",
            return_url="https://aesp.example.vn/payment/vnpay/return?lang=en&next=/orders",
            locale="en",
            bank_code="VNPAYQR",
            created_at=dt.datetime(2024, 12, 31, 16, 50, 0, tzinfo=dt.timezone.utc),
        )
    )

    assert redirect.url == f"{PAY_URL}?{REQUEST_2_CANONICAL}&vnp_SecureHash={REQUEST_2_HASH}"
    query = urlsplit(redirect.url).query
    assert "vnp_OrderInfo=Khoa+hoc+IELTS+7.0+Speaking+Mentor%3A+Dang&" in query
    assert "%20" not in query


def test_request_parameters(gateway):
    params = gateway.build_params(request_1())

    assert params == {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": "AESPTEST",
        "vnp_Amount": "197500000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "ORD20240315001",
        "vnp_OrderInfo": "Thanh toan don hang ORD20240315001",
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": "https://aesp.example.vn/payment/vnpay/return",
        "vnp_IpAddr": "203.0.113.7",
        "vnp_CreateDate": "20240315103000",
        "vnp_ExpireDate": "20240315104500",
    }


def test_dates_are_gmt7_whatever_the_input_zone(gateway):
    paris = dt.timezone(dt.timedelta(hours=1))
    params = gateway.build_params(request_1(created_at=dt.datetime(2024, 3, 15, 4, 30, tzinfo=paris)))
    assert params["vnp_CreateDate"] == "20240315103000"


def test_expiry_and_order_type_are_configurable():
    gateway = VnpayGateway(TMN, SECRET, PAY_URL, order_type="billpayment", expire_minutes=30)
    params = gateway.build_params(request_1())
    assert params["vnp_ExpireDate"] == "20240315110000"
    assert params["vnp_OrderType"] == "billpayment"


def test_invalid_client_ip_falls_back_to_loopback(gateway):
    assert gateway.build_params(request_1(client_ip="not-an-ip"))["vnp_IpAddr"] == "127.0.0.1"
    forwarded = gateway.build_params(request_1(client_ip="198.51.100.4, 10.0.0.1"))
    assert forwarded["vnp_IpAddr"] == "198.51.100.4"


@pytest.mark.parametrize(
    "amount, message",
    [
        (Decimal("1975000.5"), "whole number"),
        (Decimal("0"), "greater than zero"),
        (Decimal("-1000"), "greater than zero"),
        (Decimal("NaN"), "finite"),
        (1975000.0, "Decimal or int"),
        ("1975000", "Decimal or int"),
    ],
)
def test_refuses_bad_amounts(gateway, amount, message):
    with pytest.raises(ValueError, match=message):
        gateway.create_payment(request_1(amount=amount))


def test_accepts_int_and_integral_decimal_amounts(gateway):
    assert gateway.build_params(request_1(amount=899000))["vnp_Amount"] == "89900000"
    assert gateway.build_params(request_1(amount=Decimal("899000.00")))["vnp_Amount"] == "89900000"


@pytest.mark.parametrize("txn_ref", ["ORD 1", "ORD#1", "Đơn1", "x" * 101])
def test_refuses_unsafe_txn_refs(gateway, txn_ref):
    with pytest.raises(ValueError, match="vnp_TxnRef"):
        gateway.create_payment(request_1(txn_ref=txn_ref))


def test_request_needs_aware_datetime_and_known_locale():
    with pytest.raises(ValueError, match="timezone-aware"):
        request_1(created_at=dt.datetime(2024, 3, 15, 10, 30))
    with pytest.raises(ValueError, match="locale"):
        request_1(locale="fr")


def test_order_info_cleaning():
    assert strip_diacritics("Đặng Thị Ánh Tuyết – đồng ý") == "Dang Thi Anh Tuyet – dong y"
    assert clean_order_info("Thanh toán: đơn #42 <script>") == "Thanh toan: don 42 script"
    assert clean_order_info("   ") == ""
    assert clean_order_info("###", fallback="Thanh toan don hang X") == "Thanh toan don hang X"
    assert len(clean_order_info("a" * 400)) == 255


def test_empty_order_info_gets_a_default(gateway):
    params = gateway.build_params(request_1(order_info="!!!"))
    assert params["vnp_OrderInfo"] == "Thanh toan don hang ORD20240315001"


def test_canonical_query_excludes_hash_fields_and_foreign_keys():
    params = {
        "vnp_TxnRef": "A1",
        "vnp_Amount": "100",
        "vnp_SecureHash": "abc",
        "vnp_SecureHashType": "HmacSHA512",
        "utm_source": "mail",
    }
    assert canonical_query(params) == "vnp_Amount=100&vnp_TxnRef=A1"


def test_sign_params_and_signed_url_match_the_vectors():
    assert sign_params(SUCCESS_CALLBACK, SECRET) == SUCCESS_HASH
    assert sign_params(CANCEL_CALLBACK, SECRET) == CANCEL_HASH
    assert canonical_query(SUCCESS_CALLBACK) == SUCCESS_CANONICAL
    url = signed_url("https://aesp.example.vn/payment/vnpay/return", SUCCESS_CALLBACK, SECRET)
    assert url == f"https://aesp.example.vn/payment/vnpay/return?{SUCCESS_CANONICAL}&vnp_SecureHash={SUCCESS_HASH}"


def test_repr_hides_the_secret(gateway):
    assert SECRET not in repr(gateway)


# ---------------------------------------------------------------------------------------------
# Verifying return / IPN callbacks
# ---------------------------------------------------------------------------------------------


def test_success_callback(gateway):
    result = gateway.verify_callback(signed(SUCCESS_CALLBACK, SUCCESS_HASH))

    assert result.valid and result.error is CallbackError.NONE
    assert result.success and not result.cancelled and not result.failed
    assert result.txn_ref == "ORD20240315001"
    assert result.amount == Decimal("1975000")
    assert result.response_code == "00"
    assert result.transaction_no == "14382960"
    assert result.bank_code == "NCB"
    assert result.pay_date == "20240315103512"
    assert result.paid_at == dt.datetime(2024, 3, 15, 3, 35, 12, tzinfo=dt.timezone.utc)
    assert result.message == "Giao dịch thành công."
    assert result.raw["vnp_BankTranNo"] == "VNP14382960"


def test_cancelled_callback(gateway):
    result = gateway.verify_callback(signed(CANCEL_CALLBACK, CANCEL_HASH))

    assert result.valid
    assert result.cancelled and not result.success and result.failed
    assert result.response_code == "24"


def test_failed_callback_is_neither_success_nor_cancel(gateway):
    params = {**SUCCESS_CALLBACK, "vnp_ResponseCode": "51", "vnp_TransactionStatus": "02"}
    result = gateway.verify_callback(signed(params, sign_params(params, SECRET)))
    assert result.valid and result.failed and not result.cancelled
    assert result.message == RESPONSE_CODES["51"][0]


def test_response_00_without_transaction_status_00_is_not_success(gateway):
    params = {**SUCCESS_CALLBACK, "vnp_TransactionStatus": "01"}
    result = gateway.verify_callback(signed(params, sign_params(params, SECRET)))
    assert result.valid and not result.success


def test_hash_in_upper_case_is_accepted(gateway):
    result = gateway.verify_callback(signed(SUCCESS_CALLBACK, SUCCESS_HASH.upper()))
    assert result.valid and result.success


def test_secure_hash_type_and_foreign_params_are_ignored(gateway):
    params = {**signed(SUCCESS_CALLBACK, SUCCESS_HASH), "vnp_SecureHashType": "HmacSHA512", "lang": "en"}
    assert gateway.verify_callback(params).valid


def test_tampered_amount_is_rejected(gateway):
    params = signed({**SUCCESS_CALLBACK, "vnp_Amount": "100"}, SUCCESS_HASH)
    result = gateway.verify_callback(params)
    assert not result.valid and result.error is CallbackError.INVALID_SIGNATURE
    assert not result.success and result.amount is None


@pytest.mark.parametrize(
    "key, value",
    [
        ("vnp_ResponseCode", "24"),
        ("vnp_TxnRef", "ORD20240315002"),
        ("vnp_OrderInfo", "Thanh toan don hang ORD20240315002"),
    ],
)
def test_tampered_param_is_rejected(gateway, key, value):
    result = gateway.verify_callback(signed({**SUCCESS_CALLBACK, key: value}, SUCCESS_HASH))
    assert result.error is CallbackError.INVALID_SIGNATURE and not result.valid


def test_added_vnp_param_is_rejected(gateway):
    params = {**signed(SUCCESS_CALLBACK, SUCCESS_HASH), "vnp_Extra": "1"}
    assert gateway.verify_callback(params).error is CallbackError.INVALID_SIGNATURE


def test_missing_or_garbage_hash_is_rejected(gateway):
    assert gateway.verify_callback(SUCCESS_CALLBACK).error is CallbackError.MISSING_SIGNATURE
    assert gateway.verify_callback(signed(SUCCESS_CALLBACK, "")).error is CallbackError.MISSING_SIGNATURE
    assert gateway.verify_callback(signed(SUCCESS_CALLBACK, "đ" * 128)).error is CallbackError.INVALID_SIGNATURE
    assert gateway.verify_callback(signed(SUCCESS_CALLBACK, SUCCESS_HASH[:-2])).error is CallbackError.INVALID_SIGNATURE


def test_wrong_secret_is_rejected():
    other = VnpayGateway(TMN, "ANOTHERSECRET0123456789ABCDEFGHI", PAY_URL)
    assert other.verify_callback(signed(SUCCESS_CALLBACK, SUCCESS_HASH)).error is CallbackError.INVALID_SIGNATURE


def test_wrong_tmn_code_is_rejected_even_with_a_good_signature():
    other = VnpayGateway("OTHERTMN", SECRET, PAY_URL)
    result = other.verify_callback(signed(SUCCESS_CALLBACK, SUCCESS_HASH))
    assert not result.valid and result.error is CallbackError.WRONG_MERCHANT and not result.success


def test_signed_but_malformed_amount_or_missing_txn_ref(gateway):
    params = {**SUCCESS_CALLBACK, "vnp_Amount": "19750000x"}
    assert gateway.verify_callback(signed(params, sign_params(params, SECRET))).error is CallbackError.INVALID_AMOUNT
    params = {k: v for k, v in SUCCESS_CALLBACK.items() if k != "vnp_TxnRef"}
    assert gateway.verify_callback(signed(params, sign_params(params, SECRET))).error is CallbackError.MISSING_FIELD


def test_amount_is_divided_by_100_exactly(gateway):
    params = {**SUCCESS_CALLBACK, "vnp_Amount": "12345"}
    assert gateway.verify_callback(signed(params, sign_params(params, SECRET))).amount == Decimal("123.45")


def test_empty_values_signed_either_way_are_accepted(gateway):
    params = {**SUCCESS_CALLBACK, "vnp_BankTranNo": ""}
    with_empty = sign_params(params, SECRET)
    without_empty = sign_params({k: v for k, v in params.items() if v}, SECRET)
    assert with_empty != without_empty
    assert gateway.verify_callback(signed(params, with_empty)).valid
    assert gateway.verify_callback(signed(params, without_empty)).valid


def test_round_trip_request_then_sandbox_callback(gateway):
    redirect = gateway.create_payment(request_1())
    # What a browser (or the sandbox page) receives, decoded from the URL.
    received = dict(parse_qsl(urlsplit(redirect.url).query, keep_blank_values=True))
    assert verify_signature(received, SECRET)
    assert gateway.check_payment_request(received) is CallbackError.NONE

    answer = callback_params(
        received, SECRET, response_code="00", transaction_no="900001", pay_date="20240315103700"
    )
    result = gateway.verify_callback(answer)
    assert result.valid and result.success
    assert result.amount == Decimal("1975000") and result.txn_ref == "ORD20240315001"

    cancel = callback_params(received, SECRET, response_code="24", transaction_no="0", pay_date="20240315103700")
    cancelled = gateway.verify_callback(cancel)
    assert cancelled.valid and cancelled.cancelled and not cancelled.success
    assert cancel["vnp_TransactionStatus"] == "02"


def test_check_payment_request_refusals(gateway):
    params = dict(parse_qsl(urlsplit(gateway.create_payment(request_1()).url).query))
    assert gateway.check_payment_request({**params, "vnp_Amount": "1"}) is CallbackError.INVALID_SIGNATURE
    assert VnpayGateway("OTHERTMN", SECRET, PAY_URL).check_payment_request(params) is CallbackError.WRONG_MERCHANT
    bad_version = {**params, "vnp_Version": "2.0.0"}
    bad_version["vnp_SecureHash"] = sign_params(bad_version, SECRET)
    assert gateway.check_payment_request(bad_version) is CallbackError.INVALID_FIELD
    odd_amount = {**params, "vnp_Amount": "197500050"}
    odd_amount["vnp_SecureHash"] = sign_params(odd_amount, SECRET)
    assert gateway.check_payment_request(odd_amount) is CallbackError.INVALID_AMOUNT


# ---------------------------------------------------------------------------------------------
# IPN answers and display texts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, expected",
    [
        ("00", {"RspCode": "00", "Message": "Confirm Success"}),
        ("01", {"RspCode": "01", "Message": "Order not found"}),
        ("02", {"RspCode": "02", "Message": "Order already confirmed"}),
        ("04", {"RspCode": "04", "Message": "Invalid amount"}),
        ("97", {"RspCode": "97", "Message": "Invalid signature"}),
        ("99", {"RspCode": "99", "Message": "Unknown error"}),
    ],
)
def test_ipn_response(code, expected):
    assert ipn_response(code) == expected
    assert ipn_response(IpnRspCode(code)) == expected


def test_ipn_response_refuses_unknown_codes():
    with pytest.raises(ValueError):
        ipn_response("05")


def test_ipn_code_for_verification_errors():
    assert IpnRspCode.for_callback_error(CallbackError.INVALID_SIGNATURE) is IpnRspCode.INVALID_SIGNATURE
    assert IpnRspCode.for_callback_error(CallbackError.MISSING_SIGNATURE) is IpnRspCode.INVALID_SIGNATURE
    assert IpnRspCode.for_callback_error(CallbackError.WRONG_MERCHANT) is IpnRspCode.INVALID_SIGNATURE
    assert IpnRspCode.for_callback_error(CallbackError.INVALID_AMOUNT) is IpnRspCode.INVALID_AMOUNT
    assert IpnRspCode.for_callback_error(CallbackError.MISSING_FIELD) is IpnRspCode.UNKNOWN_ERROR


def test_response_code_texts_cover_the_common_codes():
    for code in ("00", "07", "09", "10", "11", "12", "13", "24", "51", "65", "75", "79", "99"):
        vi, en = RESPONSE_CODES[code]
        assert vi and en
    assert describe_response_code("24", "en") == "The payment was cancelled by the customer."
    assert describe_response_code("24") == "Khách hàng hủy giao dịch."
    assert describe_response_code("42", "en") == "Other error. (42)"


def test_result_is_immutable(gateway):
    result = gateway.verify_callback(signed(SUCCESS_CALLBACK, SUCCESS_HASH))
    with pytest.raises(AttributeError):
        result.success = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.raw["vnp_Amount"] = "1"  # type: ignore[index]
