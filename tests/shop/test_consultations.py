"""Consultations after purchase: the admin's list, support status and the appointment time given
in the admin's zone and stored in UTC; the buyer's purchases show both."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from aesp_app.models.commerce import PurchasedPackage
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart, checkout, consultations, orders, payments
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.consultations import ConsultationError
from aesp_app.services.shop.errors import ShopError

PRODUCT = "Hướng nghiệp cùng chuyên gia"
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def _buy(session, demo, username="learner1", package_name="Gói Học đường"):
    user = demo.user(username)
    cart.add_item(session, owner=CartOwner.member(user.id), package_id=demo.package(PRODUCT, package_name).id)
    order = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")
    payments.mark_paid_by_admin(session, order_id=order.id, admin_id=demo.user("admin").id)
    session.commit()
    return user, order, session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).one()


def _raises(code, call):
    with pytest.raises(ServiceError) as exc:
        call()
    assert exc.value.code is code, exc.value.code


def test_admin_lists_consultations_with_their_buyers(session, demo):
    admin = demo.user("admin")
    user, order, first = _buy(session, demo)
    _user2, _order2, second = _buy(session, demo, "learner2", "Gói Toàn diện")
    # A career test is not a consultation.
    cart.add_item(session, owner=CartOwner.member(user.id), package_id=demo.package("Hướng nghiệp trực tuyến", "Gói Khởi động").id)
    checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    session.commit()

    rows = consultations.admin_list_consultations(session, admin_id=admin.id)
    assert {r.purchased.id for r in rows} == {first.id, second.id}
    mine = next(r for r in rows if r.purchased.id == first.id)
    assert mine.order_code == order.order_code and mine.customer_email == user.email and mine.customer_name
    assert mine.purchased.access_code.startswith("CON_")

    consultations.set_support(session, admin_id=admin.id, purchased_id=second.id, support_status="contacted", zone="Asia/Ho_Chi_Minh", now=NOW)
    assert [r.purchased.id for r in consultations.admin_list_consultations(session, admin_id=admin.id, support_status="contacted")] == [second.id]
    assert [r.purchased.id for r in consultations.admin_list_consultations(session, admin_id=admin.id, support_status="none")] == [first.id]
    _raises(ConsultationError.STATUS_INVALID, lambda: consultations.admin_list_consultations(session, admin_id=admin.id, support_status="bogus"))
    _raises(ShopError.ADMIN_REQUIRED, lambda: consultations.admin_list_consultations(session, admin_id=user.id))


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("Asia/Ho_Chi_Minh", "2026-11-25T09:30", dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)),
        ("America/New_York", "2026-11-25T09:30", dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)),  # EST, UTC−5
        ("America/New_York", "2027-07-01T09:00", dt.datetime(2027, 7, 1, 13, 0, tzinfo=dt.UTC)),  # EDT, UTC−4
        ("Asia/Tokyo", "2026-11-22T00:15", dt.datetime(2026, 11, 21, 15, 15, tzinfo=dt.UTC)),
    ],
)
def test_scheduled_time_is_given_in_the_admins_zone_and_stored_in_utc(session, demo, zone, local, utc):
    admin = demo.user("admin")
    user, _order, purchased = _buy(session, demo)
    consultations.set_support(session, admin_id=admin.id, purchased_id=purchased.id, support_status="scheduled",
                              scheduled_at_local=local, zone=zone, now=NOW)
    session.commit()
    session.refresh(purchased)
    assert purchased.support_status == "scheduled" and purchased.scheduled_at == utc
    assert consultations.local_input_value(purchased.scheduled_at, zone) == local
    # The buyer's own purchases show it.
    mine = orders.list_purchased_packages(session, user_id=user.id, product_type="consultation")
    assert [(p.support_status, p.scheduled_at) for p in mine] == [("scheduled", utc)]


def test_set_support_validates(session, demo):
    admin = demo.user("admin")
    user, order, purchased = _buy(session, demo)

    def call(**kwargs):
        args = {"admin_id": admin.id, "purchased_id": purchased.id, "support_status": "scheduled",
                "scheduled_at_local": "2026-11-25T09:30", "zone": "Asia/Ho_Chi_Minh", "now": NOW} | kwargs
        return lambda: consultations.set_support(session, **args)

    _raises(ShopError.ADMIN_REQUIRED, call(admin_id=user.id))
    _raises(ShopError.ADMIN_REQUIRED, call(admin_id="1"))
    _raises(ConsultationError.NOT_FOUND, call(purchased_id=999999))
    _raises(ConsultationError.NOT_FOUND, call(purchased_id="1"))
    _raises(ConsultationError.STATUS_INVALID, call(support_status="done"))
    _raises(ConsultationError.STATUS_INVALID, call(support_status=None))
    _raises(ConsultationError.TIME_REQUIRED, call(scheduled_at_local=""))
    _raises(ConsultationError.TIME_REQUIRED, call(scheduled_at_local="   "))
    for bad in ("25/11/2026 09:30", "2026-13-01T09:00", "2026-11-25", "2026-11-25T25:00", "tomorrow", "2026-11-25T09:30:00Z"):
        _raises(ConsultationError.TIME_INVALID, call(scheduled_at_local=bad))
    _raises(ConsultationError.ZONE_INVALID, call(zone="Mars/Base"))
    _raises(ConsultationError.TIME_PAST, call(scheduled_at_local="2026-11-21T16:59"))  # 09:59 UTC
    _raises(ConsultationError.TIME_PAST, call(scheduled_at_local="2026-11-21T17:00"))  # exactly now
    session.refresh(purchased)
    assert purchased.support_status == "none" and purchased.scheduled_at is None

    consultations.set_support(**{"session": session, "admin_id": admin.id, "purchased_id": purchased.id,
                                 "support_status": "scheduled", "scheduled_at_local": "2026-11-21T17:01",
                                 "zone": "Asia/Ho_Chi_Minh", "now": NOW})
    # Later statuses keep the appointment unless a new time is given; a past time is fine then.
    consultations.set_support(session, admin_id=admin.id, purchased_id=purchased.id, support_status="in_progress",
                              zone="Asia/Ho_Chi_Minh", now=NOW + dt.timedelta(days=1))
    session.refresh(purchased)
    assert purchased.support_status == "in_progress"
    assert purchased.scheduled_at == dt.datetime(2026, 11, 21, 10, 1, tzinfo=dt.UTC)
    consultations.set_support(session, admin_id=admin.id, purchased_id=purchased.id, support_status="resolved",
                              scheduled_at_local="2026-11-20T08:00", zone="Asia/Ho_Chi_Minh", now=NOW)
    session.refresh(purchased)
    assert purchased.support_status == "resolved" and purchased.scheduled_at == dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)

    # A cancelled order revokes the package: no more follow-up on it.
    payments.cancel_order(session, order_id=order.id, admin_id=admin.id, reason="test")
    _raises(ConsultationError.CANCELLED, call(support_status="contacted", scheduled_at_local=""))


def test_a_career_test_is_not_a_consultation(session, demo):
    admin, user = demo.user("admin"), demo.user("learner1")
    cart.add_item(session, owner=CartOwner.member(user.id), package_id=demo.package("Hướng nghiệp trực tuyến", "Gói Khởi động").id)
    order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    test = session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).one()
    _raises(ConsultationError.NOT_FOUND, lambda: consultations.set_support(
        session, admin_id=admin.id, purchased_id=test.id, support_status="contacted", zone="Asia/Ho_Chi_Minh"))
