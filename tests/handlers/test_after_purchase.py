"""After purchase, through the real event path: a member opens only their own test code, answers
and submits it; an admin schedules a consultation and cancels an order, which revokes the test."""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import select

from aesp_app.db import session_scope
from aesp_app.models.base import utcnow
from aesp_app.models.commerce import Order, PurchasedPackage
from aesp_app.services.shop import career_test
from aesp_app.states.admin_shop import AdminShopState
from aesp_app.states.career_test import CareerTestState


def _package(user_id: int, code: str, product_type: str = "career_test", order_id: int | None = None) -> int:
    with session_scope() as session:
        purchased = PurchasedPackage(
            user_id=user_id, order_id=order_id, access_code=code, product_type=product_type, status="active",
            product_name="Hướng nghiệp trực tuyến", package_name="Gói Khởi động",
            package_features=json.dumps(["30 câu hỏi", "Báo cáo 5 trang"], ensure_ascii=False),
        )
        session.add(purchased)
        session.flush()
        return purchased.id


def _toasted(result) -> bool:
    return any("toast" in str(e.payload) for e in result.events)


def _open(browser, code: str):
    return browser.call(CareerTestState.load, {}, path=f"/tests/{code}", query={"code": code})


def test_a_learner_cannot_open_another_learners_test(browser_as, accounts):
    code = f"TST_{accounts['learner']}_1_1"
    _package(accounts["learner"], code)
    for role in ("mentor", "admin"):  # members, but not the owner
        browser = browser_as(role)
        _open(browser, code)
        state = browser.state(CareerTestState)
        assert state.error and state.questions == [] and state.info == {}
        browser.call(CareerTestState.answer, {"question_id": "1", "value": "3"}, path=f"/tests/{code}", query={"code": code})
        browser.call(CareerTestState.submit, {}, path=f"/tests/{code}", query={"code": code})
    with session_scope() as session:
        row = session.exec(select(PurchasedPackage).where(PurchasedPackage.access_code == code)).one()
        assert row.access_count == 0 and row.usage_data is None and row.status == "active"


def test_the_owner_answers_and_submits(browser_as, accounts):
    code = f"TST_{accounts['learner']}_2_1"
    _package(accounts["learner"], code)
    browser = browser_as("learner")
    _open(browser, code)
    state = browser.state(CareerTestState)
    assert state.error == "" and len(state.questions) == 30 and state.info["access_count"] == "1"
    where = {"path": f"/tests/{code}", "query": {"code": code}}
    # Arguments are checked: nonsense is refused and nothing is saved.
    for bad in ({"question_id": "x", "value": "3"}, {"question_id": "1", "value": "9"}, {"question_id": 9999, "value": 3},
                {"question_id": None, "value": None}):
        result = browser.call(CareerTestState.answer, bad, **where)
        assert _toasted(result), bad
    assert browser.state(CareerTestState).answers == {}
    for n, q in enumerate(state.questions):
        browser.call(CareerTestState.answer, {"question_id": q["id"], "value": str(n % 5 + 1)}, **where)
    assert len(browser.state(CareerTestState).answers) == 30
    browser.call(CareerTestState.submit, {}, **where)
    done = browser.state(CareerTestState)
    assert done.completed and len(done.result_code) == 3 and len(done.scores) == 6 and done.fields
    # Reopening shows the result and counts a second access.
    _open(browser, code)
    again = browser.state(CareerTestState)
    assert again.completed and again.info["access_count"] == "2" and again.result_code == done.result_code


def test_admin_schedules_a_consultation_in_their_zone(browser_as, accounts):
    purchased_id = _package(accounts["learner"], f"CON_{accounts['learner']}_3_1", product_type="consultation")
    admin = browser_as("admin")
    admin.call(AdminShopState.load_consultations, {})
    assert [c["id"] for c in admin.state(AdminShopState).consultations] == [str(purchased_id)]
    result = admin.call(AdminShopState.set_support, {"form": {"purchased_id": str(purchased_id), "support_status": "scheduled", "scheduled_at": "2020-01-01T09:00"}})
    assert _toasted(result)
    local = (utcnow() + dt.timedelta(days=3)).astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M")
    admin.call(AdminShopState.set_support, {"form": {"purchased_id": str(purchased_id), "support_status": "scheduled", "scheduled_at": local}})
    row = admin.state(AdminShopState).consultations[0]
    assert row["support"] == "scheduled" and row["scheduled_input"] == local  # the admin's zone: Asia/Ho_Chi_Minh
    with session_scope() as session:
        stored = session.get(PurchasedPackage, purchased_id).scheduled_at
    assert stored.strftime("%Y-%m-%dT%H:%M") == (dt.datetime.fromisoformat(local) - dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")


def test_admin_cancels_an_order_and_the_test_stops_working(browser_as, accounts):
    with session_scope() as session:
        order = Order(order_code="AESP261121CANCEL01", user_id=accounts["learner"], total_amount=0, status="completed",
                      payment_status="paid", payment_method="free", paid_at=utcnow())
        session.add(order)
        session.flush()
        order_id = order.id
    code = f"TST_{accounts['learner']}_4_1"
    _package(accounts["learner"], code, order_id=order_id)
    admin = browser_as("admin")
    admin.call(AdminShopState.load_orders, {})
    assert [o["code"] for o in admin.state(AdminShopState).orders] == ["AESP261121CANCEL01"]
    admin.call(AdminShopState.ask, {"order_id": str(order_id), "action": "cancel"})
    assert admin.state(AdminShopState).dialog_action == "cancel"
    admin.call(AdminShopState.confirm, {"form": {"text": "duplicate order"}})
    state = admin.state(AdminShopState)
    assert state.dialog_action == "" and state.orders[0]["status"] == "cancelled"
    with session_scope() as session:
        assert session.get(Order, order_id).status == "cancelled"
        assert "duplicate order" in session.get(Order, order_id).note

    learner = browser_as("learner")
    _open(learner, code)
    assert learner.state(CareerTestState).error and learner.state(CareerTestState).questions == []
    assert career_test.CareerTestError.CANCELLED.value  # the message shown is that key's text
