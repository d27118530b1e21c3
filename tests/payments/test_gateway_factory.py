"""get_gateway: real keys from settings, or the local sandbox when they are empty."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from aesp_app.integrations.payments import (
    PAYMENT_METHODS,
    SANDBOX_MOMO_PARTNER_CODE,
    SANDBOX_VNPAY_TMN_CODE,
    BankTransferGateway,
    MomoGateway,
    PaymentGateway,
    PaymentRequest,
    VnpayGateway,
    derive_sandbox_key,
    get_gateway,
)
from aesp_app.integrations.payments.vnpay import VNPAY_SANDBOX_URL, callback_params
from aesp_app.settings import load_settings

SECRET_KEY = "test-secret-key-for-sandbox-derivation"
# printf '%s' 'aesp.payments.vnpay-sandbox.hash-secret.v1' \
#   | openssl dgst -sha256 -hmac 'test-secret-key-for-sandbox-derivation'
# -> b8354b8f9d4ab19b4b4744e95539d569ab2180a954f9d54ad414f92506b23ce7 ; upper case, first 32.
SANDBOX_VNPAY_SECRET = "B8354B8F9D4AB19B4B4744E95539D569"


def make_settings(**changes):
    base = dict(
        secret_key=SECRET_KEY,
        public_base_url="https://aesp.example.vn",
        vnpay_tmn_code="",
        vnpay_hash_secret="",
        vnpay_payment_url="",
        momo_partner_code="",
        momo_access_key="",
        momo_secret_key="",
        momo_endpoint="",
        bank_name="Vietcombank",
        bank_account_number="0071000123456",
        bank_account_name="CONG TY AESP",
    )
    base.update(changes)
    return dataclasses.replace(load_settings(), **base)


def test_methods():
    assert PAYMENT_METHODS == ("vnpay", "momo", "bank_transfer")
    settings = make_settings()
    assert isinstance(get_gateway("vnpay", settings), VnpayGateway)
    assert isinstance(get_gateway("momo", settings), MomoGateway)
    assert isinstance(get_gateway("bank_transfer", settings), BankTransferGateway)
    for method in PAYMENT_METHODS:
        assert isinstance(get_gateway(method, settings), PaymentGateway)


def test_unknown_method():
    with pytest.raises(ValueError, match="Unknown payment method 'paypal'"):
        get_gateway("paypal", make_settings())


def test_vnpay_without_keys_is_the_local_sandbox():
    gateway = get_gateway("vnpay", make_settings())
    assert gateway.is_sandbox
    assert gateway.tmn_code == SANDBOX_VNPAY_TMN_CODE == "AESPSBX1"
    assert gateway.payment_url == "https://aesp.example.vn/payment/vnpay/sandbox"
    assert gateway.hash_secret == SANDBOX_VNPAY_SECRET
    assert SECRET_KEY not in gateway.hash_secret


def test_sandbox_secret_is_stable_per_install_and_differs_between_installs():
    one = get_gateway("vnpay", make_settings()).hash_secret
    again = get_gateway("vnpay", make_settings()).hash_secret
    other = get_gateway("vnpay", make_settings(secret_key="another-install-secret")).hash_secret
    assert one == again != other
    assert derive_sandbox_key(SECRET_KEY, "a") != derive_sandbox_key(SECRET_KEY, "b")
    with pytest.raises(ValueError):
        derive_sandbox_key("", "a")


def test_vnpay_with_keys():
    settings = make_settings(
        vnpay_tmn_code="REALTMN1",
        vnpay_hash_secret="REALSECRET0123456789ABCDEFGHIJKL",
        vnpay_payment_url="https://pay.vnpay.vn/vpcpay.html",
    )
    gateway = get_gateway("vnpay", settings)
    assert not gateway.is_sandbox
    assert (gateway.tmn_code, gateway.hash_secret, gateway.payment_url) == (
        "REALTMN1",
        "REALSECRET0123456789ABCDEFGHIJKL",
        "https://pay.vnpay.vn/vpcpay.html",
    )


def test_vnpay_keys_without_url_use_vnpay_test_environment():
    settings = make_settings(vnpay_tmn_code="REALTMN1", vnpay_hash_secret="S" * 32)
    assert get_gateway("vnpay", settings).payment_url == VNPAY_SANDBOX_URL


def test_vnpay_sandbox_round_trip():
    gateway = get_gateway("vnpay", make_settings())
    redirect = gateway.create_payment(
        PaymentRequest(
            txn_ref="ORD1",
            amount=Decimal("899000"),
            order_info="Bài kiểm tra",
            return_url="https://aesp.example.vn/payment/vnpay/return",
        )
    )
    assert redirect.url.startswith("https://aesp.example.vn/payment/vnpay/sandbox?")
    received = dict(parse_qsl(urlsplit(redirect.url).query))
    # The sandbox page builds its own gateway from the same settings and checks the request.
    page_gateway = get_gateway("vnpay", make_settings())
    assert page_gateway.check_payment_request(received).value == "none"
    answer = callback_params(
        received, page_gateway.hash_secret, response_code="00", transaction_no="1", pay_date="20240315103000"
    )
    assert gateway.verify_callback(answer).success


def test_momo_without_keys_is_the_local_sandbox():
    gateway = get_gateway("momo", make_settings())
    assert gateway.is_sandbox and gateway.partner_code == SANDBOX_MOMO_PARTNER_CODE
    assert SECRET_KEY not in gateway.secret_key and SECRET_KEY not in gateway.access_key
    redirect = gateway.create_payment(
        PaymentRequest(
            txn_ref="ORD2",
            amount=Decimal("1975000"),
            order_info="Khóa học",
            return_url="https://aesp.example.vn/payment/momo/return",
            notify_url="https://aesp.example.vn/payment/momo/ipn",
        )
    )
    assert redirect.ok
    assert redirect.url.startswith("https://aesp.example.vn/payment/momo/sandbox?")


def test_momo_with_keys():
    settings = make_settings(
        momo_partner_code="MOMOREAL", momo_access_key="ACCESS", momo_secret_key="SECRET",
        momo_endpoint="https://payment.momo.vn",
    )
    gateway = get_gateway("momo", settings)
    assert not gateway.is_sandbox
    assert gateway.endpoint == "https://payment.momo.vn/v2/gateway/api/create"
    assert get_gateway("momo", dataclasses.replace(settings, momo_endpoint="")).endpoint == (
        "https://test-payment.momo.vn/v2/gateway/api/create"
    )


def test_bank_transfer_from_settings():
    gateway = get_gateway("bank_transfer", make_settings())
    assert (gateway.bank_name, gateway.account_number, gateway.account_name) == (
        "Vietcombank", "0071000123456", "CONG TY AESP",
    )


def test_payment_modules_do_not_import_reflex():
    import pathlib
    import subprocess
    import sys

    code = (
        "import sys, aesp_app.integrations.payments, aesp_app.services.money, "
        "aesp_app.services.catalog.slugs; print('reflex' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=pathlib.Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "False"
