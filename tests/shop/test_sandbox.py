"""The local VNPay and MoMo sandboxes: they accept only requests signed by our own gateway code,
and their signed callbacks pass (or, when tampered, fail) the same checks as the real IPN."""

from __future__ import annotations

import dataclasses
import urllib.parse
from decimal import Decimal

import pytest

from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import payments, sandbox
from aesp_app.services.shop.cart import CartOwner, add_item
from aesp_app.services.shop.checkout import checkout
from aesp_app.services.shop.errors import ShopError


def _order(session, demo, method):
    user = demo.user("learner1")
    add_item(session, owner=CartOwner.member(user.id), package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    order = checkout(session, user_id=user.id, payment_method=method)
    return user, order


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_vnpay_sandbox_pays_through_the_real_ipn(session, demo, settings):
    user, order = _order(session, demo, "vnpay")
    url = payments.start_vnpay_payment(session, order_id=order.id, user_id=user.id, client_ip="1.2.3.4", settings=settings)
    session.commit()
    request = sandbox.vnpay_request(_query(url), settings=settings)
    assert request.amount == Decimal(order.total_amount) and request.txn_ref.startswith(order.order_code)

    paid = sandbox.vnpay_outcome(_query(url), "pay", settings=settings)
    assert paid.ipn_url.endswith("/payment/vnpay/ipn") and paid.ipn_method == "GET"
    assert payments.process_vnpay_ipn(session, params=paid.ipn_query, settings=settings)["RspCode"] == "00"
    shown = payments.process_vnpay_return(_query(paid.return_url), settings=settings)
    assert shown.valid and shown.success and shown.order_code == order.order_code


def test_vnpay_sandbox_cancel_and_tampering(session, demo, settings):
    user, order = _order(session, demo, "vnpay")
    url = payments.start_vnpay_payment(session, order_id=order.id, user_id=user.id, client_ip="1.2.3.4", settings=settings)
    session.commit()
    params = _query(url)
    cancelled = sandbox.vnpay_outcome(params, "cancel", settings=settings)
    assert cancelled.ipn_query["vnp_ResponseCode"] == "24"
    assert payments.process_vnpay_return(_query(cancelled.return_url), settings=settings).cancelled
    for bad in ({**params, "vnp_Amount": str(int(params["vnp_Amount"]) + 100)}, {k: v for k, v in params.items() if k != "vnp_SecureHash"}):
        with pytest.raises(ServiceError) as info:
            sandbox.vnpay_request(bad, settings=settings)
        assert info.value.code == ShopError.SANDBOX_INVALID
    with pytest.raises(ServiceError):
        sandbox.vnpay_outcome(params, "steal", settings=settings)


def test_momo_sandbox_pays_and_its_return_is_read(session, demo, settings):
    user, order = _order(session, demo, "momo")
    url = payments.start_momo_payment(session, order_id=order.id, user_id=user.id, settings=settings)
    session.commit()
    paid = sandbox.momo_outcome(_query(url), "pay", settings=settings)
    assert paid.ipn_method == "POST" and paid.ipn_json["resultCode"] == 0
    assert payments.process_momo_ipn(session, params=paid.ipn_json, settings=settings).value == "00"
    shown = payments.process_momo_return(_query(paid.return_url), settings=settings)
    assert shown.valid and shown.success and shown.order_code == order.order_code
    tampered = {**_query(paid.return_url), "amount": "1"}
    assert not payments.process_momo_return(tampered, settings=settings).valid


def test_sandboxes_are_off_with_real_keys(settings):
    real = dataclasses.replace(settings, vnpay_tmn_code="REALCODE", vnpay_hash_secret="x" * 32, vnpay_payment_url="https://pay.example/v2")
    with pytest.raises(ServiceError) as info:
        sandbox.vnpay_request({}, settings=real)
    assert info.value.code == ShopError.SANDBOX_DISABLED
