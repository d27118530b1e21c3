"""Checkout: orders with price snapshots, refusals that name what is wrong, prerequisites, free
orders completed at once, unpaid orders expiring."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlmodel import select

from aesp_app.models.base import utcnow
from aesp_app.models.catalog import ProductStatus
from aesp_app.models.commerce import (
    GatewayTxnStatus,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    PurchasedPackage,
    ShoppingCart,
    VnpayTransaction,
)
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart, checkout
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.errors import ShopError
from aesp_app.services.shop.payments import start_vnpay_payment

ORDER_CODE_RE = re.compile(r"^AESP\d{6}[A-Z2-7]{8}$")


def _fill(session, demo, username, *packages):
    owner = CartOwner.member(demo.user(username).id)
    for title, package_name, quantity in packages:
        cart.add_item(session, owner=owner, package_id=demo.package(title, package_name).id, quantity=quantity)
    return owner


def test_checkout_snapshots_prices_and_clears_the_cart(session, demo):
    user = demo.user("learner1")
    owner = _fill(session, demo, "learner1", ("Viết luận tăng cường", "Nhóm 4 học viên", 1),
                  ("Hướng nghiệp trực tuyến", "Gói Tăng tốc", 2))
    order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    session.commit()

    assert ORDER_CODE_RE.match(order.order_code) and len(order.order_code) <= 20
    assert order.total_amount == Decimal("7600000") + 2 * Decimal("1975000")
    assert (order.status, order.payment_status, order.payment_method) == ("pending", "pending", "vnpay")
    assert order.customer_email == user.email and order.expires_at is not None
    assert cart.cart_view(session, owner=owner).is_empty

    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all()
    snapshot = [(i.product_name, i.package_name, i.product_type, i.quantity, i.unit_price, i.original_unit_price,
                 i.total_price) for i in items]
    assert snapshot == [
        ("Viết luận tăng cường", "Nhóm 4 học viên", "course", 1, Decimal("7600000"), Decimal("9999000"),
         Decimal("7600000")),
        ("Hướng nghiệp trực tuyến", "Gói Tăng tốc", "career_test", 2, Decimal("1975000"), Decimal("1975000"),
         Decimal("3950000")),
    ]

    # Later catalogue changes never touch the order.
    package = demo.package("Viết luận tăng cường", "Nhóm 4 học viên")
    package.sale_price = Decimal("100000")
    package.package_name = "Renamed"
    product = demo.product("Viết luận tăng cường")
    product.title = "Renamed course"
    session.add_all([package, product])
    session.commit()
    session.expire_all()
    item = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).first()
    assert (item.product_name, item.package_name, item.unit_price, item.total_price) == (
        "Viết luận tăng cường", "Nhóm 4 học viên", Decimal("7600000"), Decimal("7600000"))
    assert session.get(Order, order.id).total_amount == Decimal("11550000")


def test_order_codes_are_unique_and_short():
    codes = {checkout.new_order_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(ORDER_CODE_RE.match(code) and len(code) == 18 for code in codes)


def test_empty_cart_and_bad_method_are_refused(session, demo):
    user = demo.user("learner1")
    with pytest.raises(ServiceError) as exc:
        checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    assert exc.value.code is ShopError.CART_EMPTY
    _fill(session, demo, "learner1", ("Essay Coaching", "Essay Coaching 1:1", 1))
    for method in ("free", "cash", ""):
        with pytest.raises(ServiceError) as exc:
            checkout.checkout(session, user_id=user.id, payment_method=method)
        assert exc.value.code is ShopError.PAYMENT_METHOD_INVALID
    assert session.exec(select(Order)).all() == []


def test_unavailable_lines_are_named(session, demo):
    user = demo.user("learner1")
    owner = _fill(session, demo, "learner1", ("Essay Coaching", "Essay Coaching 1:1", 1),
                  ("CV và Phỏng vấn", "Cố vấn Cao cấp", 1))
    product = demo.product("CV và Phỏng vấn")
    product.status = ProductStatus.ARCHIVED.value
    session.add(product)
    session.flush()
    with pytest.raises(ServiceError) as exc:
        checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    assert exc.value.code is ShopError.CART_HAS_UNAVAILABLE
    assert exc.value.params["items"] == "CV và Phỏng vấn (Cố vấn Cao cấp)"
    assert session.exec(select(Order)).all() == []
    assert len(cart.cart_view(session, owner=owner).lines) == 2


def test_prerequisites_refused_with_names_then_allowed_when_owned(session, demo):
    user = demo.user("learner2")
    _fill(session, demo, "learner2", ("IELTS Speaking Intensive", "Trọn khóa", 1))
    with pytest.raises(ServiceError) as exc:
        checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    assert exc.value.code is ShopError.PREREQUISITE_MISSING
    assert exc.value.params["product"] == "IELTS Speaking Intensive"
    assert exc.value.params["required"] == "English Speaking Foundations"
    assert session.exec(select(Order)).all() == []

    # Bought in the same order: allowed.
    _fill(session, demo, "learner2", ("English Speaking Foundations", "Trọn khóa", 1))
    order = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")
    assert order.total_amount == Decimal("2690000") + Decimal("990000")


def test_prerequisite_owned_through_a_paid_order(session, demo):
    admin, user = demo.user("admin"), demo.user("learner3")
    _fill(session, demo, "learner3", ("English Speaking Foundations", "Trọn khóa", 1))
    first = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")
    from aesp_app.services.shop.payments import mark_paid_by_admin

    # Not paid yet: still missing.
    _fill(session, demo, "learner3", ("Business English Conversation", "Trọn khóa", 1))
    with pytest.raises(ServiceError) as exc:
        checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    assert exc.value.code is ShopError.PREREQUISITE_MISSING
    mark_paid_by_admin(session, order_id=first.id, admin_id=admin.id, reference="VCB 123")
    second = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    assert second.total_amount == Decimal("1790000")


def test_free_order_completes_and_is_fulfilled_at_once(session, demo):
    user = demo.user("learner1")
    _fill(session, demo, "learner1", ("Hướng nghiệp trực tuyến", "Gói Khởi động", 1))
    order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    session.commit()
    assert order.total_amount == Decimal("0")
    assert (order.status, order.payment_status, order.payment_method) == ("completed", "paid", "free")
    assert order.paid_at is not None and order.expires_at is None
    granted = session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).all()
    assert len(granted) == 1
    assert granted[0].access_code.startswith(f"TST_{user.id}_")
    assert granted[0].status == "active" and granted[0].package_price == Decimal("0")


@pytest.mark.parametrize("total, allowed", [("4999", False), ("5000", True), ("999999999", True),
                                             ("1000000000", False)])
def test_vnpay_amount_range(total, allowed):
    if allowed:
        checkout.check_vnpay_amount(Decimal(total))
    else:
        with pytest.raises(ServiceError) as exc:
            checkout.check_vnpay_amount(Decimal(total))
        assert exc.value.code is ShopError.AMOUNT_OUT_OF_RANGE
        assert exc.value.params == {"gateway": "VNPay", "min": "5.000 ₫", "max": "999.999.999 ₫"}


def test_vnpay_checkout_refuses_a_total_vnpay_does_not_accept(session, demo):
    user = demo.user("learner1")
    package = demo.package("Essay Coaching", "Essay Coaching 1:1")
    package.sale_price = Decimal("100000000")
    session.add(package)
    _fill(session, demo, "learner1", ("Essay Coaching", "Essay Coaching 1:1", 10))
    with pytest.raises(ServiceError) as exc:
        checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    assert exc.value.code is ShopError.AMOUNT_OUT_OF_RANGE
    # A bank transfer has no such limit.
    order = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")
    assert order.total_amount == Decimal("1000000000")


def test_expire_unpaid_orders(session, demo, settings):
    user = demo.user("learner1")
    now = utcnow()
    long_ago = now - dt.timedelta(minutes=45)

    def place(method, when):
        _fill(session, demo, "learner1", ("Essay Coaching", "Essay Coaching 1:1", 1))
        return checkout.checkout(session, user_id=user.id, payment_method=method, now=when)

    stale = place("vnpay", long_ago)
    txn_url = start_vnpay_payment(session, order_id=stale.id, user_id=user.id, client_ip="1.2.3.4",
                                  settings=settings, now=long_ago + dt.timedelta(minutes=1))
    assert txn_url
    fresh = place("vnpay", now - dt.timedelta(minutes=5))
    transfer = place("bank_transfer", long_ago)
    # A VNPay attempt started late keeps its order open until VNPay's own expiry.
    late = place("vnpay", now - dt.timedelta(minutes=40))  # payable until 10 minutes ago
    start_vnpay_payment(session, order_id=late.id, user_id=user.id, client_ip="1.2.3.4", settings=settings,
                        now=now - dt.timedelta(minutes=11))  # VNPay accepts it for 15 minutes
    free_paid = place("momo", long_ago)
    free_paid.payment_status = PaymentStatus.PAID.value
    session.add(free_paid)
    session.commit()

    assert checkout.expire_unpaid_orders(session, older_than_minutes=30, now=now) == 1
    session.commit()
    states = {o.id: o.status for o in session.exec(select(Order)).all()}
    assert states == {stale.id: "cancelled", fresh.id: "pending", transfer.id: "pending", late.id: "pending",
                      free_paid.id: "pending"}
    assert session.get(Order, stale.id).cancelled_at is not None
    txn = session.exec(select(VnpayTransaction).where(VnpayTransaction.order_id == stale.id)).one()
    assert txn.status == GatewayTxnStatus.EXPIRED.value
    assert checkout.expire_unpaid_orders(session, now=now) == 0
    # Three days on, the bank transfer and the late attempt lapse too.
    assert checkout.expire_unpaid_orders(session, now=now + dt.timedelta(days=4)) == 3
    assert session.get(Order, free_paid.id).status == OrderStatus.PENDING.value
    assert session.exec(select(ShoppingCart)).all() == []
