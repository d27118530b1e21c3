"""MoMo through the local sandbox: the attempt row, and the IPN with the same checks and
outcomes as VNPay's (MoMo itself is always answered 204)."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from aesp_app.integrations.payments import IpnRspCode, momo_gateway
from aesp_app.integrations.payments import momo
from aesp_app.models.commerce import MomoTransaction, Order, PurchasedPackage
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart, checkout, payments
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.errors import ShopError


@pytest.fixture
def momo_order(session, demo, settings):
    user = demo.user("learner1")
    owner = CartOwner.member(user.id)
    cart.add_item(session, owner=owner, package_id=demo.package("Hướng nghiệp trực tuyến", "Gói Tăng tốc").id)
    order = checkout.checkout(session, user_id=user.id, payment_method="momo")
    url = payments.start_momo_payment(session, order_id=order.id, user_id=user.id, settings=settings)
    session.commit()
    txn = session.exec(select(MomoTransaction).where(MomoTransaction.order_id == order.id)).one()
    return order, txn, url


def _ipn(settings, txn, *, result_code=0, amount=None, secret=None):
    gateway = momo_gateway(settings)
    body = {"partnerCode": gateway.partner_code, "orderId": txn.momo_order_id, "requestId": txn.request_id,
            "amount": amount if amount is not None else txn.amount, "orderInfo": txn.order_info, "extraData": ""}
    return momo.result_params(body, gateway.access_key, secret or gateway.secret_key, result_code=result_code,
                              trans_id=4088000001, response_time_ms=int(time.time() * 1000))


def _state(engine, order_id):
    with Session(engine) as fresh:
        order = fresh.get(Order, order_id)
        txns = fresh.exec(select(MomoTransaction).where(MomoTransaction.order_id == order_id)).all()
        granted = fresh.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order_id)).all()
        return (order.status, order.payment_status), [(t.status, t.result_code) for t in txns], len(granted)


def test_start_records_the_attempt(session, settings, momo_order):
    order, txn, url = momo_order
    assert url.startswith(settings.public_base_url + "/payment/momo/sandbox?")
    assert txn.momo_order_id == f"{order.order_code}-M1" and txn.amount == 1975000
    assert txn.status == "pending" and txn.pay_url == url and txn.request_type == "captureWallet"


def test_success_confirms_once(session, engine, settings, momo_order):
    order, txn, _url = momo_order
    params = _ipn(settings, txn)
    assert payments.process_momo_ipn(session, params=params, settings=settings) is IpnRspCode.CONFIRMED
    assert _state(engine, order.id) == (("completed", "paid"), [("success", 0)], 1)
    with Session(engine) as fresh:
        assert fresh.get(Order, order.id).payment_reference == "4088000001"
    assert payments.process_momo_ipn(session, params=params, settings=settings) is IpnRspCode.ALREADY_CONFIRMED
    assert _state(engine, order.id) == (("completed", "paid"), [("success", 0)], 1)


def test_refusals_change_nothing(session, engine, settings, momo_order):
    order, txn, _url = momo_order
    before = _state(engine, order.id)
    tampered = _ipn(settings, txn)
    tampered["amount"] = 1000
    assert payments.process_momo_ipn(session, params=tampered, settings=settings) is IpnRspCode.INVALID_SIGNATURE
    assert payments.process_momo_ipn(session, params=_ipn(settings, txn, secret="x" * 32),
                                     settings=settings) is IpnRspCode.INVALID_SIGNATURE
    assert payments.process_momo_ipn(session, params=_ipn(settings, txn, amount=1000),
                                     settings=settings) is IpnRspCode.INVALID_AMOUNT
    ghost = MomoTransaction(order_id=order.id, request_id="nope", momo_order_id="AESP000000GHOST-M1",
                            amount=txn.amount, order_info=txn.order_info)
    assert payments.process_momo_ipn(session, params=_ipn(settings, ghost),
                                     settings=settings) is IpnRspCode.ORDER_NOT_FOUND
    assert _state(engine, order.id) == before


def test_declined_payment_is_recorded_not_paid(session, engine, settings, momo_order):
    order, txn, _url = momo_order
    assert payments.process_momo_ipn(session, params=_ipn(settings, txn, result_code=1006),
                                     settings=settings) is IpnRspCode.CONFIRMED
    assert _state(engine, order.id) == (("pending", "failed"), [("cancelled", 1006)], 0)


def test_momo_amount_limits(session, demo):
    user = demo.user("learner1")
    cart.add_item(session, owner=CartOwner.member(user.id),
                  package_id=demo.package("Viết luận tăng cường", "Học cá nhân 1:1").id, quantity=3)
    with pytest.raises(ServiceError) as exc:
        checkout.checkout(session, user_id=user.id, payment_method="momo")
    assert exc.value.code is ShopError.AMOUNT_OUT_OF_RANGE and exc.value.params["gateway"] == "MoMo"
