"""The cart (seed 001 shopping_cart): guests by an opaque session id from a cookie, members by
user id; merged into the member's cart at login.

Prices are never stored in the cart: every view recomputes them from the current package, and
checkout recomputes them once more before it snapshots them into order_items.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.models.base import utcnow
from aesp_app.models.catalog import PackageStatus, Product, ProductPackage, ProductStatus
from aesp_app.models.commerce import ShoppingCart
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop.errors import ShopError

MIN_QUANTITY = 1
MAX_QUANTITY = 10
SESSION_ID_MAX = 100
GUEST_CART_DAYS = 30


@dataclasses.dataclass(frozen=True)
class CartOwner:
    """Whose cart: a signed-in member (user_id) or a guest (session_id), never both."""

    user_id: int | None = None
    session_id: str | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.session_id is None):
            raise ServiceError(ShopError.CART_OWNER_INVALID)
        if self.user_id is not None and (isinstance(self.user_id, bool) or not isinstance(self.user_id, int)):
            raise ServiceError(ShopError.CART_OWNER_INVALID)
        if self.session_id is not None and (
            not isinstance(self.session_id, str) or not self.session_id.strip() or len(self.session_id) > SESSION_ID_MAX
        ):
            raise ServiceError(ShopError.CART_OWNER_INVALID)

    @classmethod
    def member(cls, user_id: int) -> CartOwner:
        return cls(user_id=user_id)

    @classmethod
    def guest(cls, session_id: str) -> CartOwner:
        return cls(session_id=session_id)

    def where(self) -> sa.ColumnElement[bool]:
        if self.user_id is not None:
            return ShoppingCart.user_id == self.user_id
        return sa.and_(ShoppingCart.session_id == self.session_id, ShoppingCart.user_id.is_(None))


@dataclasses.dataclass(frozen=True)
class CartLine:
    id: int
    product_id: int
    package_id: int | None
    product_title: str
    product_type: str
    product_slug: str
    thumbnail: str
    package_name: str
    quantity: int
    unit_price: Decimal
    original_unit_price: Decimal
    line_total: Decimal
    unavailable: bool


@dataclasses.dataclass(frozen=True)
class CartView:
    lines: tuple[CartLine, ...]
    total: Decimal  # of the available lines only
    item_count: int  # units in the available lines

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def has_unavailable(self) -> bool:
        return any(line.unavailable for line in self.lines)

    @property
    def unavailable_lines(self) -> tuple[CartLine, ...]:
        return tuple(line for line in self.lines if line.unavailable)


# --- prices and availability ---------------------------------------------------------------


def unit_price(package: ProductPackage) -> Decimal:
    """What one unit costs now: 0 for a free package, else the sale price if set, else the list
    price."""
    if package.is_free:
        return Decimal("0")
    sale = Decimal(package.sale_price or 0)
    if sale > 0:
        return sale
    return Decimal(package.original_price or 0)


def product_is_sellable(product: Product | None) -> bool:
    return product is not None and product.deleted_at is None and product.status == ProductStatus.PUBLISHED.value


def package_is_sellable(package: ProductPackage | None, product: Product | None) -> bool:
    return (
        package is not None
        and product is not None
        and package.product_id == product.id
        and package.status == PackageStatus.ACTIVE.value
        and product_is_sellable(product)
    )


def _check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise ServiceError(ShopError.QUANTITY_INVALID, min=MIN_QUANTITY, max=MAX_QUANTITY)
    return quantity


def _sellable_package(session: Session, package_id: int) -> tuple[Product, ProductPackage]:
    package = session.get(ProductPackage, package_id) if isinstance(package_id, int) else None
    if package is None:
        raise ServiceError(ShopError.PACKAGE_UNAVAILABLE)
    product = session.get(Product, package.product_id)
    if not product_is_sellable(product):
        raise ServiceError(ShopError.PRODUCT_UNAVAILABLE)
    if package.status != PackageStatus.ACTIVE.value:
        raise ServiceError(ShopError.PACKAGE_UNAVAILABLE)
    assert product is not None
    return product, package


def _owner_line(session: Session, owner: CartOwner, line_id: int) -> ShoppingCart:
    line = session.exec(select(ShoppingCart).where(ShoppingCart.id == line_id, owner.where())).first()
    if line is None:
        raise ServiceError(ShopError.CART_LINE_NOT_FOUND)
    return line


# --- operations -----------------------------------------------------------------------------


def add_item(session: Session, *, owner: CartOwner, package_id: int, quantity: int = 1) -> ShoppingCart:
    """Put QUANTITY of a package in the cart. A package already there gets its quantity raised,
    up to MAX_QUANTITY (never beyond: extra units are dropped)."""
    _check_quantity(quantity)
    product, package = _sellable_package(session, package_id)
    line = session.exec(
        select(ShoppingCart).where(owner.where(), ShoppingCart.package_id == package.id).order_by(ShoppingCart.id)
    ).first()
    if line is not None:
        line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
    else:
        line = ShoppingCart(
            user_id=owner.user_id,
            session_id=owner.session_id if owner.user_id is None else None,
            product_id=product.id,
            package_id=package.id,
            quantity=quantity,
        )
    session.add(line)
    session.flush()
    return line


def set_quantity(session: Session, *, owner: CartOwner, line_id: int, quantity: int) -> ShoppingCart:
    _check_quantity(quantity)
    line = _owner_line(session, owner, line_id)
    line.quantity = quantity
    session.add(line)
    session.flush()
    return line


def remove_item(session: Session, *, owner: CartOwner, line_id: int) -> None:
    line = _owner_line(session, owner, line_id)
    session.delete(line)
    session.flush()


def clear_cart(session: Session, *, owner: CartOwner) -> int:
    result = session.exec(sa.delete(ShoppingCart).where(owner.where()))  # type: ignore[call-overload]
    session.flush()
    return int(result.rowcount or 0)


def cart_view(session: Session, *, owner: CartOwner) -> CartView:
    """The cart with current prices; lines whose product or package stopped being sold are kept,
    flagged `unavailable`, and left out of the total."""
    rows = session.exec(select(ShoppingCart).where(owner.where()).order_by(ShoppingCart.added_at, ShoppingCart.id)).all()
    lines: list[CartLine] = []
    total = Decimal("0")
    count = 0
    for row in rows:
        product = session.get(Product, row.product_id)
        package = session.get(ProductPackage, row.package_id) if row.package_id is not None else None
        available = package_is_sellable(package, product)
        price = unit_price(package) if package is not None else Decimal("0")
        original = Decimal(package.original_price or 0) if package is not None else Decimal("0")
        line_total = price * row.quantity
        if available:
            total += line_total
            count += row.quantity
        lines.append(
            CartLine(
                id=row.id or 0,
                product_id=row.product_id,
                package_id=row.package_id,
                product_title=product.title if product is not None else "",
                product_type=product.type if product is not None else "",
                product_slug=product.slug if product is not None else "",
                thumbnail=product.thumbnail if product is not None else "",
                package_name=package.package_name if package is not None else "",
                quantity=row.quantity,
                unit_price=price,
                original_unit_price=max(original, price),
                line_total=line_total,
                unavailable=not available,
            )
        )
    return CartView(lines=tuple(lines), total=total, item_count=count)


def merge_guest_cart(session: Session, *, session_id: str, user_id: int) -> int:
    """At login: move the guest's lines into the member's cart. A package already in the member's
    cart gets the quantities added (up to MAX_QUANTITY); the guest lines are gone afterwards.
    Returns how many guest lines were merged."""
    guest = CartOwner.guest(session_id)
    member = CartOwner.member(user_id)
    guest_lines = session.exec(select(ShoppingCart).where(guest.where()).order_by(ShoppingCart.id)).all()
    if not guest_lines:
        return 0
    member_lines = {
        line.package_id: line for line in session.exec(select(ShoppingCart).where(member.where())).all()
    }
    for line in guest_lines:
        existing = member_lines.get(line.package_id)
        if existing is not None:
            existing.quantity = min(existing.quantity + line.quantity, MAX_QUANTITY)
            session.add(existing)
            session.delete(line)
        else:
            line.user_id = user_id
            line.session_id = None
            session.add(line)
            member_lines[line.package_id] = line
    session.flush()
    return len(guest_lines)


def cleanup_guest_carts(session: Session, *, older_than_days: int = GUEST_CART_DAYS, now: dt.datetime | None = None) -> int:
    """Delete guest cart lines added more than OLDER_THAN_DAYS ago; returns how many."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    result = session.exec(
        sa.delete(ShoppingCart).where(ShoppingCart.user_id.is_(None), ShoppingCart.added_at < cutoff)  # type: ignore[call-overload]
    )
    session.flush()
    return int(result.rowcount or 0)
