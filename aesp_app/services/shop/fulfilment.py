"""Fulfilment: what a paid order grants, written exactly once per order.

Per order item, by the product type snapshotted at checkout:
- career_test / course / consultation: one purchased_packages row per unit, with an access code
  TST_/CRS_/CON_{user_id}_{unix timestamp}_{package_id} (a "_2", "_3", ... suffix on a clash);
  a course also enrols the buyer (course_registers; products.enrollment_cnt + 1).
- service_package: a purchases row for the linked seed-000 package, from now for
  duration_days x quantity.
- subscription: a user_subscriptions row for the linked plan (quantity months or years) and its
  payment_history row.
- bundle: each bundle item is granted as above (its named package, else its first active one).
- specialization: each course of the series is granted as a course.

Exactly once: the order row is locked, and an order counts as fulfilled as soon as any row
granted for it exists (purchased_packages, course_registers, purchases, user_subscriptions or
payment_history with its order_id). Those rows are written in the same transaction that marks
the order paid, so a second call finds them and does nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.models.base import utcnow
from aesp_app.models.catalog import (
    ACCESS_CODE_PREFIXES,
    Bundle,
    BundleItem,
    Course,
    CourseRegister,
    CourseRegisterStatus,
    PackageStatus,
    Product,
    ProductPackage,
    ProductType,
    Specialization,
    SpecializationCourse,
)
from aesp_app.models.commerce import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentHistory,
    PaymentHistoryStatus,
    PaymentStatus,
    PlanPeriod,
    Purchase,
    PurchasedPackage,
    PurchasedPackageStatus,
    PurchaseStatus,
    ServicePackage,
    SubscriptionPlan,
    SubscriptionStatus,
    UserSubscription,
)
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop.errors import ShopError

log = logging.getLogger(__name__)

# Tables whose rows are what an order granted; each has an order_id column.
GRANT_TABLES = (PurchasedPackage, CourseRegister, Purchase, UserSubscription, PaymentHistory)


def lock_order(session: Session, order_id: int) -> Order | None:
    """The order row, locked until the transaction ends (SELECT ... FOR UPDATE on MySQL), read
    fresh from the database rather than from the session's identity map."""
    return session.exec(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def is_fulfilled(session: Session, order_id: int) -> bool:
    for model in GRANT_TABLES:
        if session.exec(select(model.id).where(model.order_id == order_id).limit(1)).first() is not None:
            return True
    return False


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """Same day-of-month MONTHS later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def access_code(prefix: str, user_id: int, moment: dt.datetime, package_id: int | None) -> str:
    return f"{prefix}_{user_id}_{int(moment.timestamp())}_{package_id or 0}"


class _Fulfiller:
    def __init__(self, session: Session, order: Order, now: dt.datetime) -> None:
        self.session = session
        self.order = order
        self.now = now
        self.codes: set[str] = set()
        self.granted: dict[str, int] = {}

    def _count(self, key: str) -> None:
        self.granted[key] = self.granted.get(key, 0) + 1

    def _unique_code(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.codes or self.session.exec(
            select(PurchasedPackage.id).where(PurchasedPackage.access_code == candidate)
        ).first() is not None:
            n += 1
            candidate = f"{base}_{n}"
        self.codes.add(candidate)
        return candidate

    def item(self, item: OrderItem) -> None:
        product = self.session.get(Product, item.product_id) if item.product_id else None
        package = self.session.get(ProductPackage, item.package_id) if item.package_id else None
        self.grant(
            product_type=item.product_type,
            product=product,
            package=package,
            quantity=item.quantity,
            item=item,
            product_name=item.product_name,
            package_name=item.package_name,
            price=item.unit_price,
            amount=item.total_price,
        )

    def grant(
        self,
        *,
        product_type: str,
        product: Product | None,
        package: ProductPackage | None,
        quantity: int,
        item: OrderItem,
        product_name: str,
        package_name: str | None,
        price: Decimal | None,
        amount: Decimal,
        via: str | None = None,
    ) -> None:
        if product_type in ACCESS_CODE_PREFIXES:
            self.access_packages(product_type, product, package, quantity, item, product_name, package_name, price, via)
            if product_type == ProductType.COURSE.value and product is not None:
                self.enrol(product)
        elif product_type == ProductType.SERVICE_PACKAGE.value:
            self.service_package(package, quantity, amount)
        elif product_type == ProductType.SUBSCRIPTION.value:
            self.subscription(package, quantity, amount, product_name)
        elif product_type == ProductType.BUNDLE.value and product is not None:
            self.bundle(product, quantity, item)
        elif product_type == ProductType.SPECIALIZATION.value and product is not None:
            self.specialization(product, quantity, item)
        else:
            log.warning("Order %s item %s: nothing to grant for type %r", self.order.id, item.id, product_type)

    # --- seed 001: purchased_packages with access codes -----------------------------------

    def access_packages(
        self,
        product_type: str,
        product: Product | None,
        package: ProductPackage | None,
        quantity: int,
        item: OrderItem,
        product_name: str,
        package_name: str | None,
        price: Decimal | None,
        via: str | None,
    ) -> None:
        prefix = ACCESS_CODE_PREFIXES[product_type]
        package_id = package.id if package is not None else item.package_id
        metadata: dict[str, Any] = {}
        if product is not None:
            for key in ("question_count", "duration", "age_range", "report_pages", "teaching_format"):
                value = getattr(product, key, None)
                if value is not None:
                    metadata[key] = value
        if package is not None:
            if package.group_size:
                metadata["group_size"] = package.group_size
            if package.access_days:
                metadata["access_days"] = package.access_days
        if via:
            metadata["included_in"] = via
        expires_at = (
            self.now + dt.timedelta(days=package.access_days) if package is not None and package.access_days else None
        )
        for _unit in range(quantity):
            self.session.add(
                PurchasedPackage(
                    user_id=self.order.user_id,
                    order_id=self.order.id,
                    order_item_id=item.id,
                    product_id=product.id if product is not None else item.product_id,
                    package_id=package_id,
                    access_code=self._unique_code(access_code(prefix, self.order.user_id, self.now, package_id)),
                    package_name=package_name,
                    product_name=product_name,
                    product_type=product_type,
                    package_price=price,
                    package_features=package.special_features if package is not None else None,
                    package_metadata=json.dumps(metadata, ensure_ascii=False) if metadata else None,
                    status=PurchasedPackageStatus.ACTIVE.value,
                    access_starts_at=self.now,
                    expires_at=expires_at,
                )
            )
            self._count("purchased_packages")

    def enrol(self, product: Product) -> None:
        course = self.session.exec(select(Course).where(Course.product_id == product.id)).first()
        if course is None:
            return
        register = self.session.exec(
            select(CourseRegister).where(
                CourseRegister.user_id == self.order.user_id, CourseRegister.course_id == course.id
            )
        ).first()
        if register is not None and register.status in (
            CourseRegisterStatus.ACTIVE.value,
            CourseRegisterStatus.COMPLETED.value,
        ):
            register.order_id = self.order.id  # already enrolled: the new order now backs it
            self.session.add(register)
            return
        if register is None:
            register = CourseRegister(user_id=self.order.user_id, course_id=course.id)
        register.status = CourseRegisterStatus.ACTIVE.value
        register.order_id = self.order.id
        self.session.add(register)
        self.session.exec(
            sa.update(Product).where(Product.id == product.id).values(enrollment_cnt=Product.enrollment_cnt + 1)  # type: ignore[call-overload]
        )
        self._count("course_registers")

    # --- seed 000: purchases, subscriptions ----------------------------------------------------

    def service_package(self, package: ProductPackage | None, quantity: int, amount: Decimal) -> None:
        service = self.session.get(ServicePackage, package.service_package_id) if package and package.service_package_id else None
        if service is None:
            log.warning("Order %s: package %s sells no service package", self.order.id, package and package.id)
            return
        self.session.add(
            Purchase(
                user_id=self.order.user_id,
                package_id=service.id,
                order_id=self.order.id,
                amount=amount,
                status=PurchaseStatus.COMPLETED.value,
                payment_method=self.order.payment_method,
                transaction_id=self.order.payment_reference or self.order.order_code,
                start_date=self.now,
                end_date=self.now + dt.timedelta(days=service.duration_days * quantity),
            )
        )
        self._count("purchases")

    def subscription(self, package: ProductPackage | None, quantity: int, amount: Decimal, product_name: str) -> None:
        plan = self.session.get(SubscriptionPlan, package.subscription_plan_id) if package and package.subscription_plan_id else None
        if plan is None:
            log.warning("Order %s: package %s sells no subscription plan", self.order.id, package and package.id)
            return
        months = quantity * (12 if plan.period == PlanPeriod.YEAR.value else 1)
        subscription = UserSubscription(
            user_id=self.order.user_id,
            plan_id=plan.id,
            order_id=self.order.id,
            status=SubscriptionStatus.ACTIVE.value,
            started_at=self.now,
            expires_at=add_months(self.now, months),
            auto_renew=False,  # paid once through a gateway; renewing is a new order
            payment_method=self.order.payment_method,
            mentor_sessions_remaining=plan.mentor_sessions * quantity,
        )
        self.session.add(subscription)
        self.session.flush()
        self.session.add(
            PaymentHistory(
                user_id=self.order.user_id,
                subscription_id=subscription.id,
                order_id=self.order.id,
                amount=amount,
                currency=self.order.currency,
                payment_method=self.order.payment_method,
                transaction_id=self.order.payment_reference or self.order.order_code,
                status=PaymentHistoryStatus.COMPLETED.value,
                description=f"{product_name} — {plan.name} ({self.order.order_code})",
                paid_at=self.order.paid_at or self.now,
            )
        )
        self._count("user_subscriptions")

    # --- seed 003: bundles and specializations -----------------------------------------------

    def _first_active_package(self, product_id: int) -> ProductPackage | None:
        return self.session.exec(
            select(ProductPackage)
            .where(ProductPackage.product_id == product_id, ProductPackage.status == PackageStatus.ACTIVE.value)
            .order_by(ProductPackage.sort_order, ProductPackage.id)
        ).first()

    def _grant_included(self, product: Product, package: ProductPackage | None, quantity: int, item: OrderItem,
                        via: Product) -> None:
        self.grant(
            product_type=product.type,
            product=product,
            package=package,
            quantity=quantity,
            item=item,
            product_name=product.title,
            package_name=package.package_name if package is not None else None,
            price=None,
            amount=Decimal("0"),
            via=via.title,
        )

    def bundle(self, product: Product, quantity: int, item: OrderItem) -> None:
        bundle = self.session.exec(select(Bundle).where(Bundle.product_id == product.id)).first()
        if bundle is None:
            return
        entries = self.session.exec(
            select(BundleItem).where(BundleItem.bundle_id == bundle.id).order_by(BundleItem.position, BundleItem.id)
        ).all()
        for entry in entries:
            included = self.session.get(Product, entry.product_id)
            if included is None or included.type == ProductType.BUNDLE.value:
                continue
            package = self.session.get(ProductPackage, entry.package_id) if entry.package_id else None
            package = package or self._first_active_package(included.id)
            self._grant_included(included, package, quantity, item, product)

    def specialization(self, product: Product, quantity: int, item: OrderItem) -> None:
        spec = self.session.exec(select(Specialization).where(Specialization.product_id == product.id)).first()
        if spec is None:
            return
        links = self.session.exec(
            select(SpecializationCourse)
            .where(SpecializationCourse.specialization_id == spec.id)
            .order_by(SpecializationCourse.position, SpecializationCourse.id)
        ).all()
        for link in links:
            course = self.session.get(Course, link.course_id)
            included = self.session.get(Product, course.product_id) if course is not None else None
            if included is None:
                continue
            self._grant_included(included, self._first_active_package(included.id), quantity, item, product)


def fulfil_order(session: Session, *, order: Order, now: dt.datetime | None = None) -> dict[str, int] | None:
    """Grant what the paid ORDER bought. Returns what was written per table, or None when the
    order had already been fulfilled (nothing is written then). Flushes; the caller commits."""
    locked = lock_order(session, order.id)
    if locked is None:
        raise ServiceError(ShopError.ORDER_NOT_FOUND)
    if locked.payment_status != PaymentStatus.PAID.value or locked.status != OrderStatus.COMPLETED.value:
        raise ServiceError(ShopError.ORDER_NOT_PAID)
    if is_fulfilled(session, locked.id):
        return None
    fulfiller = _Fulfiller(session, locked, now or utcnow())
    items = session.exec(select(OrderItem).where(OrderItem.order_id == locked.id).order_by(OrderItem.id)).all()
    for item in items:
        fulfiller.item(item)
    session.flush()
    return fulfiller.granted
