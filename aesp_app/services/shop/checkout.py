"""Checkout: the member's cart becomes an order with price snapshots in order_items.

The total is computed here only, from the current package prices; later price changes never
touch an order. A free order (total 0) is completed and fulfilled at once. Unpaid orders lapse
(expire_unpaid_orders).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.integrations.payments.base import GMT7
from aesp_app.models.accounts import User
from aesp_app.models.base import utcnow
from aesp_app.models.catalog import Course, CourseRegister, CourseRegisterStatus, Product, ProductPackage, ProductPrerequisite
from aesp_app.models.commerce import (
    GatewayTxnStatus,
    MomoTransaction,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PurchasedPackage,
    PurchasedPackageStatus,
    ShoppingCart,
    VnpayTransaction,
)
from aesp_app.services.errors import CommonError, ServiceError
from aesp_app.services.money import format_vnd
from aesp_app.services.shop.cart import CartOwner, cart_view, clear_cart
from aesp_app.services.shop.errors import ShopError
from aesp_app.services.shop.fulfilment import fulfil_order

ORDER_CODE_PREFIX = "AESP"
ORDER_PAYMENT_MINUTES = 30  # an online payment must be made within this time
BANK_TRANSFER_DAYS = 3  # a bank transfer order waits this long for the admin to confirm it
# What VNPay accepts per transaction.
VNPAY_MIN_AMOUNT = Decimal("5000")
VNPAY_MAX_AMOUNT = Decimal("999999999")
# What MoMo accepts per captureWallet payment.
MOMO_MIN_AMOUNT = Decimal("1000")
MOMO_MAX_AMOUNT = Decimal("50000000")
CHECKOUT_METHODS = (PaymentMethod.VNPAY.value, PaymentMethod.MOMO.value, PaymentMethod.BANK_TRANSFER.value)


def new_order_code(moment: dt.datetime | None = None) -> str:
    """AESP + yymmdd (Vietnam date) + 8 random base32 characters: 18 characters."""
    day = (moment or utcnow()).astimezone(GMT7).strftime("%y%m%d")
    random_part = base64.b32encode(secrets.token_bytes(5)).decode("ascii")
    return f"{ORDER_CODE_PREFIX}{day}{random_part}"


def _check_range(total: Decimal, low: Decimal, high: Decimal, gateway: str) -> None:
    if not low <= total <= high:
        raise ServiceError(ShopError.AMOUNT_OUT_OF_RANGE, gateway=gateway, min=format_vnd(low), max=format_vnd(high))


def check_vnpay_amount(total: Decimal) -> None:
    _check_range(total, VNPAY_MIN_AMOUNT, VNPAY_MAX_AMOUNT, "VNPay")


def check_momo_amount(total: Decimal) -> None:
    _check_range(total, MOMO_MIN_AMOUNT, MOMO_MAX_AMOUNT, "MoMo")


def owned_product_ids(session: Session, *, user_id: int, product_ids: set[int]) -> set[int]:
    """Which of PRODUCT_IDS the user owns: an item of a completed, paid order, an active or
    completed purchased package, or a course enrolment that was not cancelled."""
    if not product_ids:
        return set()
    owned: set[int] = set()
    owned.update(
        pid
        for pid in session.exec(
            select(OrderItem.product_id)
            .join(Order, Order.id == OrderItem.order_id)
            .where(
                Order.user_id == user_id,
                Order.status == OrderStatus.COMPLETED.value,
                Order.payment_status == PaymentStatus.PAID.value,
                OrderItem.product_id.in_(product_ids),
            )
        ).all()
        if pid is not None
    )
    owned.update(
        pid
        for pid in session.exec(
            select(PurchasedPackage.product_id).where(
                PurchasedPackage.user_id == user_id,
                PurchasedPackage.status.in_(
                    [PurchasedPackageStatus.ACTIVE.value, PurchasedPackageStatus.COMPLETED.value]
                ),
                PurchasedPackage.product_id.in_(product_ids),
            )
        ).all()
        if pid is not None
    )
    owned.update(
        session.exec(
            select(Course.product_id)
            .join(CourseRegister, CourseRegister.course_id == Course.id)
            .where(
                CourseRegister.user_id == user_id,
                CourseRegister.status != CourseRegisterStatus.CANCELLED.value,
                Course.product_id.in_(product_ids),
            )
        ).all()
    )
    return owned


def check_prerequisites(session: Session, *, user_id: int, product_ids: set[int]) -> None:
    """Every prerequisite of every product must be owned or bought in the same order; refuses
    with the first product that misses some, naming the missing ones."""
    rows = session.exec(
        select(ProductPrerequisite.product_id, ProductPrerequisite.required_id).where(
            ProductPrerequisite.product_id.in_(product_ids)
        )
    ).all()
    required: dict[int, set[int]] = {}
    for product_id, required_id in rows:
        if required_id not in product_ids:
            required.setdefault(product_id, set()).add(required_id)
    if not required:
        return
    owned = owned_product_ids(session, user_id=user_id, product_ids=set().union(*required.values()))
    for product_id in sorted(required):
        missing = sorted(required[product_id] - owned)
        if missing:
            product = session.get(Product, product_id)
            titles = [p.title for p in (session.get(Product, m) for m in missing) if p is not None]
            raise ServiceError(
                ShopError.PREREQUISITE_MISSING,
                product=product.title if product is not None else "",
                required=", ".join(titles),
                missing_ids=missing,
            )


def checkout(session: Session, *, user_id: int, payment_method: str, note: str | None = None,
             now: dt.datetime | None = None) -> Order:
    """Turn the member's cart into an order. Refuses an empty cart, unavailable lines (named),
    missing prerequisites (named), and an unknown payment method. Clears the cart."""
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise ServiceError(CommonError.LOGIN_REQUIRED)
    if payment_method not in CHECKOUT_METHODS:
        raise ServiceError(ShopError.PAYMENT_METHOD_INVALID)
    now = now or utcnow()
    owner = CartOwner.member(user_id)
    # Lock the cart's lines first: a second checkout of the same cart (double click, two tabs)
    # waits here and then finds the cart empty instead of making a second order.
    locked = session.exec(
        select(ShoppingCart.id).where(owner.where()).with_for_update().execution_options(populate_existing=True)
    ).all()
    if not locked:
        raise ServiceError(ShopError.CART_EMPTY)
    view = cart_view(session, owner=owner)
    if view.is_empty:
        raise ServiceError(ShopError.CART_EMPTY)
    if view.has_unavailable:
        names = [
            f"{line.product_title} ({line.package_name})" if line.package_name else line.product_title or "?"
            for line in view.unavailable_lines
        ]
        raise ServiceError(ShopError.CART_HAS_UNAVAILABLE, items=", ".join(names),
                           line_ids=[line.id for line in view.unavailable_lines])
    check_prerequisites(session, user_id=user_id, product_ids={line.product_id for line in view.lines})

    total = sum((line.line_total for line in view.lines), Decimal("0"))
    free = total == 0
    if not free and payment_method == PaymentMethod.VNPAY.value:
        check_vnpay_amount(total)
    if not free and payment_method == PaymentMethod.MOMO.value:
        check_momo_amount(total)

    code = new_order_code(now)
    while session.exec(select(Order.id).where(Order.order_code == code)).first() is not None:
        code = new_order_code(now)  # pragma: no cover - 40 random bits per day
    order = Order(
        order_code=code,
        user_id=user_id,
        total_amount=total,
        currency="VND",
        status=OrderStatus.PENDING.value,
        payment_method=PaymentMethod.FREE.value if free else payment_method,
        payment_status=PaymentStatus.PENDING.value,
        customer_name=user.full_name or user.username,
        customer_email=user.email,
        customer_phone=user.phone,
        note=(note or "").strip()[:2000] or None,
        created_at=now,
        expires_at=None
        if free
        else now
        + (
            dt.timedelta(days=BANK_TRANSFER_DAYS)
            if payment_method == PaymentMethod.BANK_TRANSFER.value
            else dt.timedelta(minutes=ORDER_PAYMENT_MINUTES)
        ),
    )
    session.add(order)
    session.flush()
    for line in view.lines:
        package = session.get(ProductPackage, line.package_id) if line.package_id is not None else None
        session.add(
            OrderItem(
                order_id=order.id,
                product_id=line.product_id,
                package_id=line.package_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                original_unit_price=line.original_unit_price,
                total_price=line.line_total,
                product_name=line.product_title,
                package_name=package.package_name if package is not None else None,
                product_type=line.product_type,
                product_slug=line.product_slug,
            )
        )
    clear_cart(session, owner=owner)
    session.flush()
    if free:
        order.status = OrderStatus.COMPLETED.value
        order.payment_status = PaymentStatus.PAID.value
        order.paid_at = now
        session.add(order)
        session.flush()
        fulfil_order(session, order=order, now=now)
    return order


def expire_unpaid_orders(session: Session, *, older_than_minutes: int = ORDER_PAYMENT_MINUTES,
                         now: dt.datetime | None = None) -> int:
    """Cancel pending, unpaid orders created more than OLDER_THAN_MINUTES ago whose payment window
    (orders.expires_at: extended by each VNPay attempt to its vnp_ExpireDate, three days for a
    bank transfer) has passed too. Their pending gateway transactions become expired. Returns how
    many orders were cancelled."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(minutes=older_than_minutes)
    candidates = session.exec(
        select(Order.id).where(
            Order.status == OrderStatus.PENDING.value,
            Order.payment_status != PaymentStatus.PAID.value,
            Order.created_at < cutoff,
            sa.or_(Order.expires_at.is_(None), Order.expires_at < now),
        )
    ).all()
    count = 0
    for order_id in candidates:
        order = session.exec(
            select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
        ).first()
        # Re-checked under the lock: an IPN may have paid it meanwhile.
        if order is None or order.status != OrderStatus.PENDING.value or order.payment_status == PaymentStatus.PAID.value:
            continue
        order.status = OrderStatus.CANCELLED.value
        order.cancelled_at = now
        session.add(order)
        for model in (VnpayTransaction, MomoTransaction):
            session.exec(
                sa.update(model)  # type: ignore[call-overload]
                .where(model.order_id == order.id, model.status == GatewayTxnStatus.PENDING.value)
                .values(status=GatewayTxnStatus.EXPIRED.value)
            )
        count += 1
    session.flush()
    return count
