"""products.min_price follows every package change, and a bulk refresh agrees with it."""

from __future__ import annotations

from decimal import Decimal

from aesp_app.models.catalog import Product
from aesp_app.services.catalog import admin
from aesp_app.services.catalog.pricing import refresh_all_min_prices
from tests.catalog.conftest import make_product


def test_min_price_follows_package_changes(session):
    product = make_product(session, "Pricing", price=900_000, original=1_000_000)
    assert product.min_price == Decimal("900000")
    cheaper = admin.add_package(session, product_id=product.id, data={"package_name": "Lite", "original_price": 700_000})
    session.refresh(product)
    assert product.min_price == Decimal("700000")
    admin.update_package(session, package_id=cheaper.id, data={"original_price": 800_000, "sale_price": 650_000})
    session.refresh(product)
    assert product.min_price == Decimal("650000")
    admin.deactivate_package(session, package_id=cheaper.id)
    session.refresh(product)
    assert product.min_price == Decimal("900000")
    free = admin.add_package(session, product_id=product.id, data={"package_name": "Free", "is_free": True, "original_price": 0})
    session.refresh(product)
    assert product.min_price == Decimal("0")
    admin.deactivate_package(session, package_id=free.id)
    session.refresh(product)
    assert product.min_price == Decimal("900000")


def test_bulk_refresh_matches_and_touches_nothing_the_second_time(session):
    a = make_product(session, "Bulk A", price=300_000)
    b = make_product(session, "Bulk B", price=None, publish=False)  # no package: no price
    session.commit()
    session.exec(Product.__table__.update().values(min_price=None))
    refresh_all_min_prices(session)
    session.commit()
    session.refresh(a), session.refresh(b)
    assert (a.min_price, b.min_price) == (Decimal("300000"), None)
    stamp = a.updated_at
    refresh_all_min_prices(session)
    session.commit()
    session.refresh(a)
    assert a.updated_at == stamp
