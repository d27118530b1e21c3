"""Two hundred copies of the same valid IPN at once, each on its own session (MariaDB/MySQL row
locks): exactly one confirms and fulfils, the others answer "already confirmed"."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlmodel import Session, select

from aesp_app.models.catalog import CourseRegister
from aesp_app.models.commerce import Order, OrderItem, PurchasedPackage, VnpayTransaction
from aesp_app.services.shop import cart, checkout, payments
from aesp_app.services.shop.cart import CartOwner
from tests.shop.conftest import ipn_params

THREADS = 200


def test_concurrent_identical_ipns_fulfil_once(session, engine, demo, settings):
    if engine.dialect.name != "mysql":
        pytest.skip("row locks are a MariaDB/MySQL matter; SQLite serialises writers")
    user = demo.user("learner1")
    owner = CartOwner.member(user.id)
    cart.add_item(session, owner=owner, package_id=demo.package("Hướng nghiệp trực tuyến", "Gói Tăng tốc").id)
    cart.add_item(session, owner=owner, package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    cart.add_item(session, owner=owner, package_id=demo.package("Hướng nghiệp cùng chuyên gia", "Gói Học đường").id)
    order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    payments.start_vnpay_payment(session, order_id=order.id, user_id=user.id, client_ip="1.2.3.4", settings=settings)
    session.commit()
    txn = session.exec(select(VnpayTransaction).where(VnpayTransaction.order_id == order.id)).one()
    params = ipn_params(settings, txn)

    barrier = threading.Barrier(THREADS)
    answers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            with Session(engine, expire_on_commit=False) as own:
                barrier.wait(timeout=30)
                answer = payments.process_vnpay_ipn(own, params=params, settings=settings)
            with lock:
                answers.append(answer["RspCode"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Counter(answers) == {"00": 1, "02": THREADS - 1}
    with Session(engine) as fresh:
        stored = fresh.get(Order, order.id)
        assert (stored.status, stored.payment_status) == ("completed", "paid")
        items = fresh.exec(select(OrderItem).where(OrderItem.order_id == order.id)).all()
        granted = fresh.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).all()
        assert len(items) == 3
        assert sorted(p.order_item_id for p in granted) == sorted(i.id for i in items)
        assert len(fresh.exec(select(CourseRegister).where(CourseRegister.user_id == user.id)).all()) == 1
        assert fresh.get(VnpayTransaction, txn.id).status == "success"


def test_concurrent_checkouts_of_one_cart_make_one_order(session, engine, demo, monkeypatch):
    if engine.dialect.name != "mysql":
        pytest.skip("row locks are a MariaDB/MySQL matter; SQLite serialises writers")
    import time

    from aesp_app.services.errors import ServiceError

    real_view = checkout.cart_view

    def slow_view(*args, **kwargs):  # widen the window between reading the cart and ordering
        view = real_view(*args, **kwargs)
        time.sleep(0.2)
        return view

    monkeypatch.setattr(checkout, "cart_view", slow_view)

    user = demo.user("learner2")
    cart.add_item(session, owner=CartOwner.member(user.id),
                  package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    session.commit()
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def place() -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait(timeout=30)
            try:
                checkout.checkout(own, user_id=user.id, payment_method="vnpay")
                own.commit()
                outcome = "order"
            except ServiceError as exc:
                own.rollback()
                outcome = exc.code.value
            except Exception as exc:  # noqa: BLE001
                own.rollback()
                outcome = type(exc).__name__
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=place) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(outcomes) == {"order": 1, "shop.cart_empty": threads_count - 1}
    with Session(engine) as fresh:
        assert len(fresh.exec(select(Order).where(Order.user_id == user.id)).all()) == 1
