"""Reading orders and purchases, always for their owner: another user's order is "not found"."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.models.accounts import Role, User
from aesp_app.models.commerce import Order, OrderItem, PurchasedPackage
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop.errors import ShopError

MAX_LIST = 200


@dataclasses.dataclass(frozen=True)
class OrderDetail:
    order: Order
    items: tuple[OrderItem, ...]
    purchased: tuple[PurchasedPackage, ...]


def list_orders(session: Session, *, user_id: int, limit: int = 50) -> list[Order]:
    """The user's orders, newest first."""
    limit = max(1, min(int(limit), MAX_LIST))
    return list(
        session.exec(
            select(Order).where(Order.user_id == user_id).order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
        ).all()
    )


def _detail(session: Session, order: Order | None, user_id: int) -> OrderDetail:
    if order is None or order.user_id != user_id:
        raise ServiceError(ShopError.ORDER_NOT_FOUND)
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all()
    purchased = session.exec(
        select(PurchasedPackage).where(PurchasedPackage.order_id == order.id).order_by(PurchasedPackage.id)
    ).all()
    return OrderDetail(order=order, items=tuple(items), purchased=tuple(purchased))


def get_order(session: Session, *, order_id: int, user_id: int) -> OrderDetail:
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    return _detail(session, order, user_id)


def get_order_by_code(session: Session, *, order_code: str, user_id: int) -> OrderDetail:
    code = (order_code or "").strip().upper()[:20]
    order = session.exec(select(Order).where(Order.order_code == code)).first() if code else None
    return _detail(session, order, user_id)


def list_purchased_packages(session: Session, *, user_id: int, product_type: str | None = None) -> list[PurchasedPackage]:
    """The user's purchased career tests, courses and consultations (seed 001), newest first."""
    statement = select(PurchasedPackage).where(PurchasedPackage.user_id == user_id)
    if product_type:
        statement = statement.where(PurchasedPackage.product_type == product_type)
    return list(session.exec(statement.order_by(PurchasedPackage.created_at.desc(), PurchasedPackage.id.desc())).all())


def admin_list_orders(
    session: Session,
    *,
    admin_id: int,
    status: str | None = None,
    payment_status: str | None = None,
    payment_method: str | None = None,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[Order]:
    """Every order for an admin (newest first), filtered by state, method, or an order code or
    customer e-mail that contains SEARCH; e.g. bank transfers waiting for confirmation."""
    admin = session.get(User, admin_id) if isinstance(admin_id, int) else None
    if admin is None or admin.role != Role.ADMIN.value:
        raise ServiceError(ShopError.ADMIN_REQUIRED)
    statement = select(Order)
    if status:
        statement = statement.where(Order.status == status)
    if payment_status:
        statement = statement.where(Order.payment_status == payment_status)
    if payment_method:
        statement = statement.where(Order.payment_method == payment_method)
    term = (search or "").strip()[:100]
    if term:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            sa.or_(Order.order_code.ilike(pattern, escape="\\"), Order.customer_email.ilike(pattern, escape="\\"))
        )
    limit = max(1, min(int(limit), MAX_LIST))
    return list(
        session.exec(
            statement.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit).offset(max(0, int(offset)))
        ).all()
    )
