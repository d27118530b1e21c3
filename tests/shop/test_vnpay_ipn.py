"""VNPay: the payment attempt row, the IPN answers of DESIGN.md (00, 01, 02, 04, 97, 99) with the
state they leave behind, and the return page that changes nothing."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session, select

from aesp_app.integrations.payments import get_gateway, vnpay
from aesp_app.models.commerce import Order, PurchasedPackage, VnpayTransaction
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart, checkout, payments
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.errors import ShopError
from tests.shop.conftest import ipn_params


@pytest.fixture
def paying(session, demo, settings):
    """learner1's order for two packages, with one VNPay attempt started."""
    user = demo.user("learner1")
    owner = CartOwner.member(user.id)
    cart.add_item(session, owner=owner, package_id=demo.package("Hướng nghiệp trực tuyến", "Gói Tăng tốc").id)
    cart.add_item(session, owner=owner, package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    url = payments.start_vnpay_payment(session, order_id=order.id, user_id=user.id, client_ip="203.0.113.9",
                                       settings=settings)
    session.commit()
    txn = session.exec(select(VnpayTransaction).where(VnpayTransaction.order_id == order.id)).one()
    return order, txn, url


def _state(engine, order_id):
    """Order, transactions and grants as stored (read in a fresh session)."""
    with Session(engine) as fresh:
        order = fresh.get(Order, order_id)
        txns = fresh.exec(select(VnpayTransaction).where(VnpayTransaction.order_id == order_id)).all()
        granted = fresh.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order_id)).all()
        return (
            (order.status, order.payment_status, order.payment_reference),
            [(t.status, t.vnp_response_code, t.vnp_transaction_no) for t in txns],
            sorted(p.access_code for p in granted),
        )


def test_start_payment_records_the_attempt(session, settings, paying):
    order, txn, url = paying
    gateway = get_gateway("vnpay", settings)
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    assert url.startswith(gateway.payment_url + "?")
    assert vnpay.verify_signature(query, gateway.hash_secret)
    assert query["vnp_Amount"] == str(int(order.total_amount) * 100) == str(txn.amount)
    assert query["vnp_TxnRef"] == txn.txn_ref == f"{order.order_code}-1"
    assert query["vnp_ReturnUrl"] == settings.public_base_url + payments.VNPAY_RETURN_PATH
    assert txn.amount == (1975000 + 899000) * 100
    assert txn.order_info == query["vnp_OrderInfo"] == f"Thanh toan don hang {order.order_code}"
    assert re.fullmatch(r"\d{14}", txn.create_date) and txn.create_date == query["vnp_CreateDate"]
    assert txn.expire_date == query["vnp_ExpireDate"]
    assert txn.ip_addr == "203.0.113.9" and txn.status == "pending"


def test_each_attempt_gets_its_own_txn_ref(session, demo, settings, paying):
    order, txn, _url = paying
    user = demo.user("learner1")
    payments.start_vnpay_payment(session, order_id=order.id, user_id=user.id, client_ip="1.1.1.1", settings=settings)
    refs = [t.txn_ref for t in session.exec(select(VnpayTransaction).order_by(VnpayTransaction.id)).all()]
    assert refs == [f"{order.order_code}-1", f"{order.order_code}-2"]


def test_only_the_owner_can_pay_a_payable_order(session, demo, settings, paying):
    order, _txn, _url = paying
    for user_id in (demo.user("learner2").id, demo.user("admin").id):
        with pytest.raises(ServiceError) as exc:
            payments.start_vnpay_payment(session, order_id=order.id, user_id=user_id, client_ip="1.1.1.1",
                                         settings=settings)
        assert exc.value.code is ShopError.ORDER_NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        payments.start_vnpay_payment(session, order_id=424242, user_id=order.user_id, client_ip="1.1.1.1",
                                     settings=settings)
    assert exc.value.code is ShopError.ORDER_NOT_FOUND


def test_valid_success_confirms_and_fulfils_once(session, engine, settings, paying):
    order, txn, _url = paying
    params = ipn_params(settings, txn)
    assert payments.process_vnpay_ipn(session, params=params, settings=settings) == {
        "RspCode": "00", "Message": "Confirm Success"}
    (status, txns, codes) = _state(engine, order.id)
    assert status == ("completed", "paid", "14123456")
    assert txns == [("success", "00", "14123456")]
    assert len(codes) == 2
    with Session(engine) as fresh:
        stored = fresh.get(VnpayTransaction, txn.id)
        assert (stored.vnp_transaction_status, stored.vnp_bank_code, stored.vnp_pay_date, stored.vnp_bank_tran_no,
                stored.vnp_card_type) == ("00", "NCB", "20261121120000", "VNP14123456", "ATM")
        assert json.loads(stored.raw_response)["vnp_TxnRef"] == txn.txn_ref
        paid = fresh.get(Order, order.id)
        assert paid.paid_at is not None

    # The same notice again (VNPay retries): 02, nothing changes.
    before = _state(engine, order.id)
    assert payments.process_vnpay_ipn(session, params=params, settings=settings)["RspCode"] == "02"
    assert _state(engine, order.id) == before
    # Even a signed failure notice for the confirmed transaction changes nothing.
    failed = ipn_params(settings, txn, response_code="24")
    assert payments.process_vnpay_ipn(session, params=failed, settings=settings)["RspCode"] == "02"
    assert _state(engine, order.id) == before


def test_tampered_amount_is_a_bad_signature(session, engine, settings, paying):
    order, txn, _url = paying
    params = ipn_params(settings, txn)
    params["vnp_Amount"] = "100"
    before = _state(engine, order.id)
    assert payments.process_vnpay_ipn(session, params=params, settings=settings) == {
        "RspCode": "97", "Message": "Invalid signature"}
    assert _state(engine, order.id) == before


def test_signed_wrong_amount_is_invalid_amount(session, engine, settings, paying):
    order, txn, _url = paying
    before = _state(engine, order.id)
    for amount in (txn.amount - 100, txn.amount + 100, 100):
        params = ipn_params(settings, txn, amount=amount)
        assert payments.process_vnpay_ipn(session, params=params, settings=settings) == {
            "RspCode": "04", "Message": "Invalid amount"}
    assert _state(engine, order.id) == before


def test_unsigned_and_foreign_notices_are_refused(session, engine, settings, paying):
    order, txn, _url = paying
    before = _state(engine, order.id)
    unsigned = ipn_params(settings, txn)
    del unsigned["vnp_SecureHash"]
    wrong_secret = ipn_params(settings, txn, secret="0" * 32)
    other_merchant = ipn_params(settings, txn, tmn_code="OTHERTMN")
    for params in (unsigned, wrong_secret, other_merchant, {}):
        assert payments.process_vnpay_ipn(session, params=params, settings=settings)["RspCode"] == "97"
    assert _state(engine, order.id) == before


def test_unknown_transaction_is_order_not_found(session, engine, settings, paying):
    order, txn, _url = paying
    ghost = VnpayTransaction(order_id=order.id, txn_ref="AESP000000NOSUCH-1", amount=txn.amount,
                             order_info=txn.order_info)
    params = ipn_params(settings, ghost)
    assert payments.process_vnpay_ipn(session, params=params, settings=settings) == {
        "RspCode": "01", "Message": "Order not found"}


@pytest.mark.parametrize("response_code, txn_status", [("24", "cancelled"), ("51", "failed")])
def test_failed_or_cancelled_payment_is_processed_but_not_paid(session, engine, settings, demo, paying,
                                                              response_code, txn_status):
    order, txn, _url = paying
    params = ipn_params(settings, txn, response_code=response_code)
    assert payments.process_vnpay_ipn(session, params=params, settings=settings)["RspCode"] == "00"
    status, txns, codes = _state(engine, order.id)
    assert status == ("pending", "failed", None)
    assert txns == [(txn_status, response_code, "14123456")]
    assert codes == []
    # A replay of the same notice: 02.
    assert payments.process_vnpay_ipn(session, params=params, settings=settings)["RspCode"] == "02"
    # The customer may try again with a new attempt, which can succeed.
    payments.start_vnpay_payment(session, order_id=order.id, user_id=order.user_id, client_ip="1.1.1.1",
                                 settings=settings)
    session.commit()
    second = session.exec(select(VnpayTransaction).where(VnpayTransaction.txn_ref == f"{order.order_code}-2")).one()
    assert payments.process_vnpay_ipn(session, params=ipn_params(settings, second, transaction_no="99"),
                                      settings=settings)["RspCode"] == "00"
    status, txns, codes = _state(engine, order.id)
    assert status == ("completed", "paid", "99") and len(codes) == 2


def test_success_for_a_cancelled_order_is_already_confirmed(session, engine, settings, demo, paying):
    order, txn, _url = paying
    payments.cancel_order(session, order_id=order.id, admin_id=demo.user("admin").id, reason="duplicate")
    session.commit()
    before = _state(engine, order.id)
    assert before[1] == [("cancelled", None, None)]
    assert payments.process_vnpay_ipn(session, params=ipn_params(settings, txn), settings=settings)["RspCode"] == "02"
    assert _state(engine, order.id) == before


def test_unexpected_error_answers_99_and_changes_nothing(session, engine, settings, paying, monkeypatch):
    order, txn, _url = paying

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(payments, "fulfil_order", broken)
    before = _state(engine, order.id)
    assert payments.process_vnpay_ipn(session, params=ipn_params(settings, txn), settings=settings) == {
        "RspCode": "99", "Message": "Unknown error"}
    assert _state(engine, order.id) == before
    # VNPay retries; once the fault is gone the notice confirms the order.
    monkeypatch.undo()
    assert payments.process_vnpay_ipn(session, params=ipn_params(settings, txn), settings=settings)["RspCode"] == "00"


def test_return_page_only_describes(session, engine, settings, paying):
    order, txn, _url = paying
    before = _state(engine, order.id)
    ok = payments.process_vnpay_return(ipn_params(settings, txn), settings=settings, language="en")
    assert ok.valid and ok.success and not ok.cancelled
    assert ok.order_code == order.order_code and ok.amount == Decimal(order.total_amount)
    assert ok.message == "Transaction successful."
    cancelled = payments.process_vnpay_return(ipn_params(settings, txn, response_code="24"), settings=settings)
    assert cancelled.valid and cancelled.cancelled and not cancelled.success
    assert cancelled.message == "Khách hàng hủy giao dịch."
    forged = ipn_params(settings, txn)
    forged["vnp_ResponseCode"] = "00"
    forged["vnp_Amount"] = "100"
    bad = payments.process_vnpay_return(forged, settings=settings)
    assert not bad.valid and not bad.success and bad.order_code == ""
    assert _state(engine, order.id) == before
