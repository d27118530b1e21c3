"""Catalogue fixtures: a small shop built through the admin services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aesp_app.models.accounts import User
from aesp_app.models.catalog import Category, Product
from aesp_app.services.catalog import admin


def make_user(session, name: str = "learner") -> User:
    user = User(username=name, email=f"{name}@example.vn", password_hash="x")
    session.add(user)
    session.flush()
    return user


def make_category(session, slug: str, name: str | None = None, parent: Category | None = None) -> Category:
    category = Category(slug=slug, name=name or slug.title(), parent_id=parent.id if parent else None)
    session.add(category)
    session.flush()
    return category


def make_product(session, title: str, *, type: str = "course", price: int | None = 500_000,  # noqa: A002
                 original: int | None = None, free: bool = False, publish: bool = True,
                 detail: dict[str, Any] | None = None, **fields: Any) -> Product:
    """A product with one package (sale PRICE, list ORIGINAL or PRICE), published unless asked."""
    product = admin.create_product(
        session, data={"title": title, "short_description": fields.pop("short_description", f"About {title}"),
                       "type": type, **fields},
        owner_id=None, detail=detail,
    )
    if price is not None or free:
        admin.add_package(session, product_id=product.id, data={
            "package_name": "Standard",
            "original_price": Decimal(0 if free else (original if original is not None else price)),
            "sale_price": Decimal(0 if free else price),
            "is_free": free,
        })
    if publish:
        admin.set_status(session, product_id=product.id, status="published")
    return product


@pytest.fixture
def make(session):
    def _make(title: str, **kwargs: Any) -> Product:
        return make_product(session, title, **kwargs)

    return _make
