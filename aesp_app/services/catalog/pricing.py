"""products.min_price: the charged price of a product's cheapest active package, stored so the
shop lists, filters and sorts by price from an index. Every change to packages goes through
refresh_min_price; bulk loads call refresh_all_min_prices."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.models.catalog import PackageStatus, Product, ProductPackage
from aesp_app.services.shop.cart import unit_price


def refresh_min_price(session: Session, *, product_id: int) -> None:
    product = session.get(Product, product_id)
    if product is None:
        return
    packages = session.exec(
        select(ProductPackage).where(ProductPackage.product_id == product_id, ProductPackage.status == PackageStatus.ACTIVE.value)
    ).all()
    product.min_price = min((unit_price(p) for p in packages), default=None)
    session.add(product)
    session.flush()


def refresh_all_min_prices(session: Session) -> None:
    """One UPDATE for every product (demo data, imports, benchmarks)."""
    from aesp_app.services.catalog.listing import package_price_sql

    cheapest = (
        sa.select(sa.func.min(package_price_sql()))
        .where(ProductPackage.product_id == Product.id, ProductPackage.status == PackageStatus.ACTIVE.value)
        .scalar_subquery()
    )
    # Only rows whose price changed: a second run touches nothing (nor updated_at).
    session.exec(sa.update(Product).where(Product.min_price.is_distinct_from(cheapest)).values(min_price=cheapest))
    session.flush()
