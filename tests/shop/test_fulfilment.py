"""Fulfilment: what each kind of product grants, exactly once; access codes; seed 001's views;
bank transfers confirmed by an admin; cancel and refund revoke access."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import select

from aesp_app.models.catalog import Course, CourseRegister, Product
from aesp_app.models.commerce import (
    Order,
    PaymentHistory,
    Purchase,
    PurchasedPackage,
    ServicePackage,
    SubscriptionPlan,
    UserSubscription,
)
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart, checkout, payments
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.errors import ShopError
from aesp_app.services.shop.fulfilment import add_months, fulfil_order

ACCESS_CODE_RE = re.compile(r"^(TST|CRS|CON)_(\d+)_(\d+)_(\d+)(?:_(\d+))?$")
NOW = dt.datetime(2026, 1, 31, 3, 0, tzinfo=dt.UTC)


def _order(session, demo, username, lines, method="bank_transfer"):
    user = demo.user(username)
    owner = CartOwner.member(user.id)
    for title, package_name, quantity in lines:
        cart.add_item(session, owner=owner, package_id=demo.package(title, package_name).id, quantity=quantity)
    return checkout.checkout(session, user_id=user.id, payment_method=method, now=NOW)


def _pay(session, demo, order):
    return payments.mark_paid_by_admin(session, order_id=order.id, admin_id=demo.user("admin").id,
                                       reference="VCB-0001", now=NOW)


def _grants(session, order_id):
    return {
        "purchased_packages": session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order_id)).all(),
        "course_registers": session.exec(select(CourseRegister).where(CourseRegister.order_id == order_id)).all(),
        "purchases": session.exec(select(Purchase).where(Purchase.order_id == order_id)).all(),
        "user_subscriptions": session.exec(select(UserSubscription).where(UserSubscription.order_id == order_id)).all(),
        "payment_history": session.exec(select(PaymentHistory).where(PaymentHistory.order_id == order_id)).all(),
    }


def _counts(session, order_id):
    return {name: len(rows) for name, rows in _grants(session, order_id).items()}


def test_seed_001_types_get_access_codes_and_views(session, demo):
    user = demo.user("learner1")
    order = _order(session, demo, "learner1", [
        ("Hướng nghiệp trực tuyến", "Gói Tăng tốc", 2),
        ("Viết luận tăng cường", "Nhóm 6 học viên", 1),
        ("Hướng nghiệp cùng chuyên gia", "Gói Toàn diện", 1),
    ])
    course_product = demo.product("Viết luận tăng cường")
    enrolled_before = course_product.enrollment_cnt
    _pay(session, demo, order)
    session.commit()

    rows = sorted(_grants(session, order.id)["purchased_packages"], key=lambda p: p.access_code)
    assert [r.product_type for r in rows] == ["consultation", "course", "career_test", "career_test"]
    ts = str(int(NOW.timestamp()))
    for row in rows:
        match = ACCESS_CODE_RE.match(row.access_code)
        assert match, row.access_code
        assert match.group(2) == str(user.id) and match.group(3) == ts and match.group(4) == str(row.package_id)
        assert (row.status, row.access_starts_at is not None, row.user_id) == ("active", True, user.id)
    tests = [r for r in rows if r.product_type == "career_test"]
    test_pkg = demo.package("Hướng nghiệp trực tuyến", "Gói Tăng tốc")
    assert sorted(r.access_code for r in tests) == [f"TST_{user.id}_{ts}_{test_pkg.id}",
                                                    f"TST_{user.id}_{ts}_{test_pkg.id}_2"]
    assert tests[0].package_price == Decimal("1975000") and tests[0].package_name == "Gói Tăng tốc"
    assert tests[0].product_name == "Hướng nghiệp trực tuyến"
    assert json.loads(tests[0].package_metadata)["question_count"] == 120
    assert json.loads(tests[0].package_features) == ["120 câu hỏi", "Báo cáo 25-26 trang"]
    assert rows[1].access_code.startswith("CRS_") and json.loads(rows[1].package_metadata)["group_size"] == "Nhóm 6"

    # The course enrols the buyer once.
    registers = _grants(session, order.id)["course_registers"]
    assert len(registers) == 1 and registers[0].status == "active"
    session.expire_all()
    assert session.get(Product, course_product.id).enrollment_cnt == enrolled_before + 1

    # Seed 001's views return the purchased rows with their old code columns.
    def view(name, code_column):
        return session.execute(sa.text(f"SELECT {code_column} FROM {name} WHERE user_id = :u ORDER BY {code_column}"),
                               {"u": user.id}).scalars().all()

    assert view("purchased_tests_view", "test_token") == sorted(r.access_code for r in tests)
    assert view("purchased_courses_view", "course_code") == [rows[1].access_code]
    assert view("consultation_bookings_view", "consultation_code") == [rows[0].access_code]
    title = session.execute(sa.text("SELECT course_title FROM purchased_courses_view WHERE user_id = :u"),
                            {"u": user.id}).scalar_one()
    assert title == "Viết luận tăng cường"


def test_fulfilment_is_idempotent(session, demo):
    order = _order(session, demo, "learner1", [("Hướng nghiệp trực tuyến", "Gói Tăng tốc", 1),
                                               ("Essay Coaching", "Essay Coaching 1:1", 1),
                                               ("AESP Premium", "Premium Monthly", 1),
                                               ("Gói luyện nói AESP", "Basic", 1)])
    _pay(session, demo, order)
    session.commit()
    first = _counts(session, order.id)
    assert first == {"purchased_packages": 2, "course_registers": 1, "purchases": 1, "user_subscriptions": 1,
                     "payment_history": 1}
    enrolled = session.get(Product, demo.product("Essay Coaching").id).enrollment_cnt
    for _ in range(3):
        assert fulfil_order(session, order=order) is None
    session.commit()
    session.expire_all()
    assert _counts(session, order.id) == first
    assert session.get(Product, demo.product("Essay Coaching").id).enrollment_cnt == enrolled


def test_unpaid_orders_are_not_fulfilled(session, demo):
    order = _order(session, demo, "learner1", [("Essay Coaching", "Essay Coaching 1:1", 1)])
    with pytest.raises(ServiceError) as exc:
        fulfil_order(session, order=order)
    assert exc.value.code is ShopError.ORDER_NOT_PAID
    assert _counts(session, order.id)["purchased_packages"] == 0


def test_service_packages_and_subscriptions(session, demo):
    user = demo.user("learner2")
    order = _order(session, demo, "learner2", [("Gói luyện nói AESP", "Pro", 2),
                                               ("AESP Premium", "Premium Yearly", 1),
                                               ("AESP Premium", "Premium Monthly", 1)])
    _pay(session, demo, order)
    session.commit()
    grants = _grants(session, order.id)
    assert grants["purchased_packages"] == []
    (purchase,) = grants["purchases"]
    pro = session.exec(select(ServicePackage).where(ServicePackage.name == "Pro")).one()
    assert (purchase.user_id, purchase.package_id, purchase.status, purchase.amount) == (
        user.id, pro.id, "completed", Decimal("998000"))
    assert purchase.transaction_id == "VCB-0001" and purchase.payment_method == "bank_transfer"
    assert purchase.end_date - purchase.start_date == dt.timedelta(days=60)

    subs = {s.plan_id: s for s in grants["user_subscriptions"]}
    yearly = session.exec(select(SubscriptionPlan).where(SubscriptionPlan.name == "Premium Yearly")).one()
    monthly = session.exec(select(SubscriptionPlan).where(SubscriptionPlan.name == "Premium Monthly")).one()
    y, m = subs[yearly.id], subs[monthly.id]
    assert (y.status, y.mentor_sessions_remaining, y.auto_renew) == ("active", 12, False)
    assert y.expires_at.replace(tzinfo=dt.UTC) == dt.datetime(2027, 1, 31, 3, 0, tzinfo=dt.UTC)
    # 31 January + one month = the last day of February.
    assert m.expires_at.replace(tzinfo=dt.UTC) == dt.datetime(2026, 2, 28, 3, 0, tzinfo=dt.UTC)
    history = {h.subscription_id: h for h in grants["payment_history"]}
    assert history[y.id].amount == Decimal("2490000") and history[y.id].status == "completed"
    assert history[m.id].amount == Decimal("249000") and history[m.id].order_id == order.id


def test_add_months():
    assert add_months(dt.datetime(2024, 1, 31), 1) == dt.datetime(2024, 2, 29)
    assert add_months(dt.datetime(2025, 11, 15), 3) == dt.datetime(2026, 2, 15)
    assert add_months(dt.datetime(2025, 3, 31), 12) == dt.datetime(2026, 3, 31)


def test_bundle_and_specialization_grant_their_parts(session, demo):
    user = demo.user("learner3")
    order = _order(session, demo, "learner3", [("Gói Khởi đầu Giao tiếp", "Trọn gói", 1),
                                               ("Fluent English Speaker", "Trọn lộ trình", 1)])
    _pay(session, demo, order)
    session.commit()
    grants = _grants(session, order.id)
    names = sorted(p.product_name for p in grants["purchased_packages"])
    # Bundle: Foundations + a month of Pro. Specialization: its three courses.
    assert names == ["Business English Conversation", "English Speaking Foundations", "English Speaking Foundations",
                     "IELTS Speaking Intensive"]
    assert all(p.access_code.startswith("CRS_") and p.package_price is None for p in grants["purchased_packages"])
    # One enrolment per course even though Foundations came twice.
    courses = {session.get(Course, r.course_id).product_id for r in grants["course_registers"]}
    assert len(grants["course_registers"]) == 3 and len(courses) == 3
    assert [p.package_id for p in grants["purchases"]] == [
        session.exec(select(ServicePackage).where(ServicePackage.name == "Pro")).one().id]
    assert len(session.exec(select(CourseRegister).where(CourseRegister.user_id == user.id)).all()) == 3


def test_mark_paid_needs_an_admin_and_a_pending_order(session, demo):
    order = _order(session, demo, "learner1", [("Essay Coaching", "Essay Coaching 1:1", 1)])
    for user_id in (demo.user("learner1").id, demo.user("mentor").id, 999999):
        with pytest.raises(ServiceError) as exc:
            payments.mark_paid_by_admin(session, order_id=order.id, admin_id=user_id)
        assert exc.value.code is ShopError.ADMIN_REQUIRED
    with pytest.raises(ServiceError) as exc:
        payments.mark_paid_by_admin(session, order_id=999999, admin_id=demo.user("admin").id)
    assert exc.value.code is ShopError.ORDER_NOT_FOUND
    paid = _pay(session, demo, order)
    assert (paid.status, paid.payment_status, paid.confirmed_by) == ("completed", "paid", demo.user("admin").id)
    with pytest.raises(ServiceError) as exc:
        _pay(session, demo, order)
    assert exc.value.code is ShopError.ORDER_NOT_PAYABLE


def test_cancel_and_refund_revoke_access(session, demo):
    lines = [("Essay Coaching", "Essay Coaching 1:1", 1), ("Hướng nghiệp trực tuyến", "Gói Tăng tốc", 1),
             ("Gói luyện nói AESP", "Basic", 1), ("AESP Premium", "Premium Monthly", 1)]
    admin = demo.user("admin")
    essay = demo.product("Essay Coaching")

    refunded = _order(session, demo, "learner1", lines)
    _pay(session, demo, refunded)
    session.commit()
    session.expire_all()
    enrolled = session.get(Product, essay.id).enrollment_cnt
    payments.refund_order(session, order_id=refunded.id, admin_id=admin.id, reason="customer request")
    session.commit()
    session.expire_all()
    grants = _grants(session, refunded.id)
    assert {p.status for p in grants["purchased_packages"]} == {"cancelled"}
    assert [r.status for r in grants["course_registers"]] == ["cancelled"]
    assert [p.status for p in grants["purchases"]] == ["refunded"]
    assert [(s.status, s.cancel_reason) for s in grants["user_subscriptions"]] == [("cancelled", "customer request")]
    assert [h.status for h in grants["payment_history"]] == ["refunded"]
    assert session.get(Product, essay.id).enrollment_cnt == enrolled - 1
    order = session.get(Order, refunded.id)
    assert order.status == "cancelled" and "Refunded by admin" in order.note
    with pytest.raises(ServiceError) as exc:
        payments.refund_order(session, order_id=refunded.id, admin_id=admin.id)
    assert exc.value.code is ShopError.ORDER_NOT_REFUNDABLE
    # Revoked access is no longer ownership: the prerequisite is missing again.
    with pytest.raises(ServiceError) as exc:
        _order(session, demo, "learner1", [("Business English Conversation", "Trọn khóa", 1)])
    assert exc.value.code is ShopError.PREREQUISITE_MISSING
    cart.clear_cart(session, owner=CartOwner.member(demo.user("learner1").id))

    # Buying the course again re-activates the enrolment.
    again = _order(session, demo, "learner1", [("Essay Coaching", "Essay Coaching 1:1", 1)])
    _pay(session, demo, again)
    session.commit()
    session.expire_all()
    assert [r.status for r in _grants(session, again.id)["course_registers"]] == ["active"]

    cancelled = _order(session, demo, "learner2", lines)
    _pay(session, demo, cancelled)
    payments.cancel_order(session, order_id=cancelled.id, admin_id=admin.id)
    grants = _grants(session, cancelled.id)
    assert [p.status for p in grants["purchases"]] == ["cancelled"]
    assert [h.status for h in grants["payment_history"]] == ["completed"]
    with pytest.raises(ServiceError) as exc:
        payments.cancel_order(session, order_id=cancelled.id, admin_id=admin.id)
    assert exc.value.code is ShopError.ORDER_NOT_CANCELLABLE
    pending = _order(session, demo, "learner2", [("Essay Coaching", "Essay Coaching 1:1", 1)])
    with pytest.raises(ServiceError) as exc:
        payments.refund_order(session, order_id=pending.id, admin_id=admin.id)
    assert exc.value.code is ShopError.ORDER_NOT_REFUNDABLE
    with pytest.raises(ServiceError) as exc:
        payments.cancel_order(session, order_id=pending.id, admin_id=demo.user("learner2").id)
    assert exc.value.code is ShopError.ADMIN_REQUIRED
    assert payments.cancel_order(session, order_id=pending.id, admin_id=admin.id).status == "cancelled"


def test_admin_actions_are_the_rule_the_actions_enforce(session, demo):
    """mark paid only for a bank transfer awaiting confirmation; refund once, recorded in
    refunded_at (not in free text)."""
    order = _order(session, demo, "learner1", [("Essay Coaching", "Essay Coaching 1:1", 1)])
    assert payments.admin_actions(order) == {"mark_paid", "cancel"}
    _pay(session, demo, order)
    assert payments.admin_actions(order) == {"cancel", "refund"}
    admin = demo.user("admin").id
    refunded = payments.refund_order(session, order_id=order.id, admin_id=admin, reason="customer asked")
    assert refunded.refunded_at is not None and payments.admin_actions(refunded) == set()
    refunded.note = "edited by hand"  # the record is the column, not the note
    with pytest.raises(ServiceError):
        payments.refund_order(session, order_id=order.id, admin_id=admin)

    online = _order(session, demo, "learner2", [("Essay Coaching", "Essay Coaching 1:1", 1)], method="vnpay")
    assert "mark_paid" not in payments.admin_actions(online)
    with pytest.raises(ServiceError):
        payments.mark_paid_by_admin(session, order_id=online.id, admin_id=admin)
