"""Reading orders and purchases: only the owner sees them."""

from __future__ import annotations

import pytest

from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart, checkout, orders
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.errors import ShopError


def test_owner_reads_orders_and_purchases_others_do_not(session, demo):
    user, other = demo.user("learner1"), demo.user("learner2")
    owner = CartOwner.member(user.id)
    cart.add_item(session, owner=owner, package_id=demo.package("Hướng nghiệp trực tuyến", "Gói Khởi động").id)
    free = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    cart.add_item(session, owner=owner, package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    paid_later = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")

    assert {o.id for o in orders.list_orders(session, user_id=user.id)} == {free.id, paid_later.id}
    assert orders.list_orders(session, user_id=other.id) == []
    detail = orders.get_order(session, order_id=free.id, user_id=user.id)
    assert [i.package_name for i in detail.items] == ["Gói Khởi động"] and len(detail.purchased) == 1
    assert orders.get_order_by_code(session, order_code=free.order_code.lower(), user_id=user.id).order.id == free.id
    for call in (lambda: orders.get_order(session, order_id=free.id, user_id=other.id),
                 lambda: orders.get_order(session, order_id=123456, user_id=user.id),
                 lambda: orders.get_order_by_code(session, order_code=free.order_code, user_id=other.id),
                 lambda: orders.get_order_by_code(session, order_code="", user_id=user.id)):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.code is ShopError.ORDER_NOT_FOUND

    tests = orders.list_purchased_packages(session, user_id=user.id, product_type="career_test")
    assert [p.product_name for p in tests] == ["Hướng nghiệp trực tuyến"]
    assert orders.list_purchased_packages(session, user_id=user.id, product_type="course") == []
    assert orders.list_purchased_packages(session, user_id=other.id) == []


def test_admin_lists_and_filters_orders(session, demo):
    admin = demo.user("admin")
    placed = {}
    for username, method in (("learner1", "bank_transfer"), ("learner2", "vnpay"), ("learner3", "bank_transfer")):
        user = demo.user(username)
        cart.add_item(session, owner=CartOwner.member(user.id),
                      package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
        placed[username] = checkout.checkout(session, user_id=user.id, payment_method=method)
    waiting = orders.admin_list_orders(session, admin_id=admin.id, payment_method="bank_transfer",
                                       payment_status="pending")
    assert {o.id for o in waiting} == {placed["learner1"].id, placed["learner3"].id}
    code = placed["learner2"].order_code
    assert [o.id for o in orders.admin_list_orders(session, admin_id=admin.id, search=code[-6:].lower())] == [
        placed["learner2"].id]
    email = demo.user("learner3").email
    assert [o.id for o in orders.admin_list_orders(session, admin_id=admin.id, search=email)] == [
        placed["learner3"].id]
    assert orders.admin_list_orders(session, admin_id=admin.id, search="%") == []
    assert len(orders.admin_list_orders(session, admin_id=admin.id, limit=2)) == 2
    with pytest.raises(ServiceError) as exc:
        orders.admin_list_orders(session, admin_id=demo.user("learner1").id)
    assert exc.value.code is ShopError.ADMIN_REQUIRED


def test_payable_and_bank_transfer_instructions(session, demo, settings):
    """The order page's rules: an order can be paid only while pending, unpaid and not lapsed;
    the bank-transfer note is the order code the admin matches on the statement."""
    import datetime as dt

    from aesp_app.models.base import utcnow
    from aesp_app.services.shop import cart as cart_service
    from aesp_app.services.shop import checkout as checkout_service
    from aesp_app.services.shop import payments as payment_service
    from aesp_app.services.shop.cart import CartOwner

    user = demo.user("learner1")
    cart_service.add_item(session, owner=CartOwner.member(user.id),
                          package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    order = checkout_service.checkout(session, user_id=user.id, payment_method="bank_transfer")
    assert payment_service.is_payable(order)
    info = payment_service.bank_transfer_instructions(order, settings=settings)
    assert info.transfer_note == f"AESP {order.order_code}"
    assert info.amount == order.total_amount
    assert not payment_service.is_payable(order, utcnow() + dt.timedelta(days=4))  # lapsed
    order.payment_status = "paid"
    assert not payment_service.is_payable(order)
