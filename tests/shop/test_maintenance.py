"""Shop housekeeping: the command and the service expire unpaid orders and stale guest carts."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from sqlmodel import select

from aesp_app.models.accounts import User
from aesp_app.models.base import utcnow
from aesp_app.models.commerce import Order, ShoppingCart
from aesp_app.models.catalog import ProductPackage
from aesp_app.services.demo_data import load_demo_data
from aesp_app.services.shop.maintenance import run_maintenance


def test_maintenance_expires_old_unpaid_orders_and_stale_guest_lines(session):
    load_demo_data(session)
    package = session.exec(select(ProductPackage).where(ProductPackage.is_free.is_(False))).first()
    old = utcnow() - dt.timedelta(days=40)
    session.add(ShoppingCart(session_id="old-guest", product_id=package.product_id, package_id=package.id, quantity=1, added_at=old))
    session.add(ShoppingCart(session_id="new-guest", product_id=package.product_id, package_id=package.id, quantity=1))
    learner = session.exec(select(User).where(User.email == "learner1@aesp.vn")).one()
    session.add(Order(order_code="AESPOLD0001", user_id=learner.id, total_amount=100000, created_at=old, expires_at=old + dt.timedelta(minutes=30)))
    session.commit()

    counts = run_maintenance(session)
    session.commit()
    assert counts == {"expired_orders": 1, "removed_guest_cart_lines": 1}
    assert session.exec(select(Order).where(Order.order_code == "AESPOLD0001")).one().status == "cancelled"
    assert [c.session_id for c in session.exec(select(ShoppingCart)).all()] == ["new-guest"]
    assert run_maintenance(session) == {"expired_orders": 0, "removed_guest_cart_lines": 0}


def test_shop_maintain_command(app_env, engine):
    out = subprocess.run(
        [sys.executable, "-m", "aesp_app", "shop", "maintain"],
        env={**os.environ, "DATABASE_URL": app_env}, capture_output=True, text=True, timeout=60, check=True,
    )
    assert out.stdout.startswith("Expired 0 unpaid order(s); removed 0 stale guest cart line(s).")
