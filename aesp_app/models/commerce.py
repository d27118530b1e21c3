"""Commerce: cart, orders with price snapshots, payment transactions (VNPay, MoMo), and what a paid
order grants: purchased_packages (001), purchases of service packages, subscriptions and their
payment history (000).

One path serves every seed: cart -> order + order_items (snapshots) -> a payment transaction
confirms it -> fulfilment writes course_registers, purchased_packages (access code TST_/CRS_/CON_),
purchases (a `packages` row) or user_subscriptions + payment_history (a plan).

Money is Numeric VND. The gateways' own integer amounts (VNPay: VND x 100; MoMo: VND) are kept
as BIGINT exactly as they were sent and received.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import (
    created_at_field,
    fk,
    longtext_field,
    money_field,
    text_field,
    updated_at_field,
    utcnow,
    varchar,
)


class OrderStatus(str, enum.Enum):
    PENDING = "pending"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PaymentStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


class PaymentMethod(str, enum.Enum):
    VNPAY = "vnpay"
    MOMO = "momo"
    BANK_TRANSFER = "bank_transfer"
    FREE = "free"  # orders whose total is 0


class GatewayTxnStatus(str, enum.Enum):
    """vnpay_transactions.status (seed 001) and momo_transactions.status."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PurchasedPackageStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class SupportStatus(str, enum.Enum):
    NONE = "none"
    CONTACTED = "contacted"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class PurchaseStatus(str, enum.Enum):
    PENDING = "pending"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class PlanPeriod(str, enum.Enum):
    MONTH = "month"
    YEAR = "year"


class SubscriptionStatus(str, enum.Enum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PAUSED = "paused"


class PaymentHistoryStatus(str, enum.Enum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"


# --- cart and orders ----------------------------------------------------------------------


class ShoppingCart(SQLModel, table=True):
    """001's cart: guests by session_id, signed-in users by user_id; merged at login."""

    __tablename__ = "shopping_cart"
    __table_args__ = (sa.Index("idx_shopping_cart_session", "session_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = fk("users.id")
    session_id: str | None = varchar(100)
    product_id: int = fk("products.id", nullable=False)
    package_id: int | None = fk("product_packages.id")
    quantity: int = Field(default=1, nullable=False)
    added_at: dt.datetime | None = created_at_field()


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        sa.Index("idx_orders_user", "user_id"),
        sa.Index("idx_orders_status", "status"),
        sa.Index("idx_orders_payment_status", "payment_status"),
        sa.Index("idx_orders_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_code: str = varchar(20, nullable=False, unique=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # idx_orders_user
    total_amount: Decimal = money_field(nullable=False)
    currency: str = varchar(10, default="VND", nullable=False)
    status: str = varchar(20, default=OrderStatus.PENDING.value, nullable=False)
    payment_method: str | None = varchar(50)
    payment_status: str = varchar(20, default=PaymentStatus.PENDING.value, nullable=False)
    # Gateway transaction number or bank transfer reference that paid it.
    payment_reference: str | None = varchar(100)
    # Who bought it, as it was at checkout (invoices and notices).
    customer_name: str | None = varchar(100)
    customer_email: str | None = varchar(255)
    customer_phone: str | None = varchar(20)
    note: str | None = text_field()
    # The admin who confirmed a bank transfer.
    confirmed_by: int | None = fk("users.id", ondelete="SET NULL")
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()
    paid_at: dt.datetime | None = Field(default=None)
    expires_at: dt.datetime | None = Field(default=None)  # unpaid orders lapse
    cancelled_at: dt.datetime | None = Field(default=None)
    refunded_at: dt.datetime | None = Field(default=None)  # the money went back (refund_order)


class OrderItem(SQLModel, table=True):
    """A line of an order with snapshots of name, type and price at checkout (001)."""

    __tablename__ = "order_items"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = fk("orders.id", nullable=False)
    product_id: int | None = fk("products.id", ondelete="SET NULL")
    package_id: int | None = fk("product_packages.id", ondelete="SET NULL")
    quantity: int = Field(default=1, nullable=False)
    unit_price: Decimal = money_field(nullable=False)
    original_unit_price: Decimal | None = money_field()
    total_price: Decimal = money_field(nullable=False)
    product_name: str = varchar(255, nullable=False)
    package_name: str | None = varchar(100)
    product_type: str = varchar(30, nullable=False)
    product_slug: str | None = varchar(255)
    created_at: dt.datetime | None = created_at_field()


# --- payment transactions -----------------------------------------------------------------


class VnpayTransaction(SQLModel, table=True):
    """One VNPay 2.1.0 payment attempt: what was sent and what VNPay answered (001)."""

    __tablename__ = "vnpay_transactions"
    __table_args__ = (
        sa.Index("idx_vnpay_order", "order_id"),
        sa.Index("idx_vnpay_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = fk("orders.id", nullable=False, index=False)  # idx_vnpay_order
    txn_ref: str = varchar(255, nullable=False, unique=True)
    amount: int = Field(sa_type=sa.BigInteger, nullable=False)  # vnp_Amount: VND x 100
    order_info: str | None = text_field()
    create_date: str | None = varchar(14)  # yyyyMMddHHmmss, GMT+7
    expire_date: str | None = varchar(14)
    ip_addr: str | None = varchar(45)
    vnp_response_code: str | None = varchar(10)
    vnp_transaction_status: str | None = varchar(10)
    vnp_transaction_no: str | None = varchar(50)
    vnp_bank_code: str | None = varchar(20)
    vnp_bank_tran_no: str | None = varchar(255)
    vnp_card_type: str | None = varchar(20)
    vnp_pay_date: str | None = varchar(14)
    status: str = varchar(20, default=GatewayTxnStatus.PENDING.value, nullable=False)
    raw_response: str | None = longtext_field()  # JSON of the vnp_* parameters received
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class MomoTransaction(SQLModel, table=True):
    """One MoMo (all-in-one, v2) payment attempt, kept like vnpay_transactions for audit."""

    __tablename__ = "momo_transactions"
    __table_args__ = (
        sa.Index("idx_momo_order", "order_id"),
        sa.Index("idx_momo_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = fk("orders.id", nullable=False, index=False)  # idx_momo_order
    request_id: str = varchar(64, nullable=False, unique=True)
    momo_order_id: str = varchar(64, nullable=False, unique=True)  # the orderId sent to MoMo
    amount: int = Field(sa_type=sa.BigInteger, nullable=False)  # VND
    order_info: str | None = text_field()
    request_type: str | None = varchar(50)
    pay_url: str | None = text_field()
    result_code: int | None = Field(default=None)
    message: str | None = varchar(255)
    trans_id: str | None = varchar(50)
    pay_type: str | None = varchar(30)
    status: str = varchar(20, default=GatewayTxnStatus.PENDING.value, nullable=False)
    raw_response: str | None = longtext_field()  # JSON
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


# --- what a paid order grants -------------------------------------------------------------


class PurchasedPackage(SQLModel, table=True):
    """Every purchased career test, course or consultation package with its access code (001).
    Views purchased_courses_view, purchased_tests_view, consultation_bookings_view read it."""

    __tablename__ = "purchased_packages"
    __table_args__ = (
        sa.Index("idx_purchased_user", "user_id"),
        sa.Index("idx_purchased_status", "status"),
        sa.Index("idx_purchased_product_type", "product_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # idx_purchased_user
    order_id: int | None = fk("orders.id")
    order_item_id: int | None = fk("order_items.id", ondelete="SET NULL")
    product_id: int | None = fk("products.id", ondelete="SET NULL")
    package_id: int | None = fk("product_packages.id", ondelete="SET NULL")
    access_code: str = varchar(100, nullable=False, unique=True)  # TST_/CRS_/CON_{user}_{ts}_{pkg}
    package_name: str | None = varchar(100)
    product_name: str | None = varchar(255)
    product_type: str = varchar(30, nullable=False)
    package_price: Decimal | None = money_field()
    package_features: str | None = text_field()  # JSON
    package_metadata: str | None = text_field()  # JSON (question_count, duration, ...)
    status: str = varchar(20, default=PurchasedPackageStatus.PENDING.value, nullable=False)
    access_starts_at: dt.datetime | None = Field(default=None)
    expires_at: dt.datetime | None = Field(default=None)
    first_accessed_at: dt.datetime | None = Field(default=None)
    last_accessed_at: dt.datetime | None = Field(default=None)
    access_count: int = Field(default=0, nullable=False)
    usage_data: str | None = longtext_field()  # JSON (progress, results)
    support_status: str = varchar(20, default=SupportStatus.NONE.value, nullable=False)
    scheduled_at: dt.datetime | None = Field(default=None)  # consultations
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class ServicePackage(SQLModel, table=True):
    """Seed 000 `packages`: a service package (AI features, mentor sessions per month)."""

    __tablename__ = "packages"

    id: int | None = Field(default=None, primary_key=True)
    name: str = varchar(100, nullable=False)
    description: str | None = text_field()
    price: Decimal = money_field(nullable=False)
    duration_days: int = Field(nullable=False)
    has_mentor: bool = Field(default=False, nullable=False)
    has_ai_advanced: bool = Field(default=False, nullable=False)
    max_sessions_per_month: int = Field(default=10, nullable=False)
    features: str | None = text_field()  # JSON list
    is_active: bool = Field(default=True, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class Purchase(SQLModel, table=True):
    """A bought service package (000)."""

    __tablename__ = "purchases"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    package_id: int = fk("packages.id", nullable=False, ondelete=None)
    order_id: int | None = fk("orders.id", ondelete="SET NULL")
    amount: Decimal = money_field(nullable=False)
    status: str = varchar(20, default=PurchaseStatus.PENDING.value, nullable=False)
    payment_method: str | None = varchar(50)
    transaction_id: str | None = varchar(100)
    start_date: dt.datetime | None = Field(default=None)
    end_date: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class SubscriptionPlan(SQLModel, table=True):
    __tablename__ = "subscription_plans"

    id: int | None = Field(default=None, primary_key=True)
    name: str = varchar(100, nullable=False)
    price: Decimal = money_field(default=Decimal("0"), nullable=False)
    currency: str = varchar(10, default="VND", nullable=False)
    period: str = varchar(20, default=PlanPeriod.MONTH.value, nullable=False)
    original_price: Decimal | None = money_field()
    discount_percent: int | None = Field(default=None)
    features: str | None = text_field()  # JSON list
    limitations: str | None = text_field()  # JSON list
    mentor_sessions: int = Field(default=0, nullable=False)
    is_popular: bool = Field(default=False, nullable=False)
    is_active: bool = Field(default=True, nullable=False)
    sort_order: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class UserSubscription(SQLModel, table=True):
    __tablename__ = "user_subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    plan_id: int = fk("subscription_plans.id", nullable=False, ondelete=None)
    order_id: int | None = fk("orders.id", ondelete="SET NULL")
    status: str = varchar(50, default=SubscriptionStatus.ACTIVE.value, nullable=False)
    started_at: dt.datetime | None = Field(default_factory=utcnow)
    expires_at: dt.datetime | None = Field(default=None)
    cancelled_at: dt.datetime | None = Field(default=None)
    cancel_reason: str | None = text_field()
    auto_renew: bool = Field(default=True, nullable=False)
    payment_method: str | None = varchar(50)
    mentor_sessions_remaining: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class PaymentHistory(SQLModel, table=True):
    __tablename__ = "payment_history"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    subscription_id: int | None = fk("user_subscriptions.id", ondelete="SET NULL")
    order_id: int | None = fk("orders.id", ondelete="SET NULL")
    amount: Decimal = money_field(nullable=False)
    currency: str = varchar(10, default="VND", nullable=False)
    payment_method: str | None = varchar(50)
    transaction_id: str | None = varchar(255)
    status: str = varchar(50, default=PaymentHistoryStatus.PENDING.value, nullable=False)
    description: str | None = text_field()
    paid_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
