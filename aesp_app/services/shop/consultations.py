"""Consultation packages after purchase: an admin follows each one up (support_status) and sets
the appointment (scheduled_at). The buyer sees both on their purchases.

The admin gives the appointment in their own time zone as "YYYY-MM-DDTHH:MM" (what an HTML
datetime-local input sends); it is stored in UTC. A "scheduled" status needs a time in the
future; other statuses keep the time already set unless a new one is given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from aesp_app.models.accounts import Role, User
from aesp_app.models.base import utcnow
from aesp_app.models.commerce import Order, PurchasedPackage, PurchasedPackageStatus, SupportStatus
from aesp_app.services.clock import is_valid_zone
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop.errors import ShopError

PRODUCT_TYPE = "consultation"
MAX_LIST = 200
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class ConsultationError(str, enum.Enum):
    NOT_FOUND = "consultation.not_found"
    STATUS_INVALID = "consultation.status_invalid"
    TIME_REQUIRED = "consultation.time_required"
    TIME_INVALID = "consultation.time_invalid"
    TIME_PAST = "consultation.time_past"
    ZONE_INVALID = "consultation.zone_invalid"
    CANCELLED = "consultation.cancelled"


@dataclasses.dataclass(frozen=True)
class ConsultationRow:
    purchased: PurchasedPackage
    customer_name: str
    customer_email: str
    customer_phone: str
    order_code: str


def _require_admin(session: Session, admin_id: int) -> User:
    admin = session.get(User, admin_id) if isinstance(admin_id, int) and not isinstance(admin_id, bool) else None
    if admin is None or admin.role != Role.ADMIN.value:
        raise ServiceError(ShopError.ADMIN_REQUIRED)
    return admin


def admin_list_consultations(session: Session, *, admin_id: int, support_status: str | None = None,
                             limit: int = 100) -> list[ConsultationRow]:
    """Every purchased consultation with its buyer, newest first; optionally one support status."""
    _require_admin(session, admin_id)
    statement = (
        select(PurchasedPackage, User, Order)
        .join(User, User.id == PurchasedPackage.user_id)
        .outerjoin(Order, Order.id == PurchasedPackage.order_id)
        .where(PurchasedPackage.product_type == PRODUCT_TYPE)
    )
    if support_status:
        if support_status not in {s.value for s in SupportStatus}:
            raise ServiceError(ConsultationError.STATUS_INVALID)
        statement = statement.where(PurchasedPackage.support_status == support_status)
    limit = max(1, min(int(limit), MAX_LIST))
    rows = session.exec(
        statement.order_by(PurchasedPackage.created_at.desc(), PurchasedPackage.id.desc()).limit(limit)
    ).all()
    return [
        ConsultationRow(
            purchased=purchased,
            customer_name=(order.customer_name if order is not None and order.customer_name else user.full_name) or user.username,
            customer_email=(order.customer_email if order is not None and order.customer_email else user.email) or "",
            customer_phone=(order.customer_phone if order is not None and order.customer_phone else user.phone) or "",
            order_code=order.order_code if order is not None else "",
        )
        for purchased, user, order in rows
    ]


def parse_local(value: str, zone: str) -> dt.datetime:
    """"YYYY-MM-DDTHH:MM" in ZONE -> an aware UTC datetime."""
    if not isinstance(zone, str) or not is_valid_zone(zone):
        raise ServiceError(ConsultationError.ZONE_INVALID)
    text = value.strip() if isinstance(value, str) else ""
    try:
        naive = dt.datetime.strptime(text[:16], LOCAL_FORMAT) if len(text) in (16, 19) else None
    except ValueError:
        naive = None
    if naive is None:
        raise ServiceError(ConsultationError.TIME_INVALID)
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def local_input_value(moment: dt.datetime | None, zone: str) -> str:
    """A stored UTC time as the "YYYY-MM-DDTHH:MM" a datetime-local input shows in ZONE."""
    if moment is None:
        return ""
    from aesp_app.services.clock import to_local

    return to_local(moment, zone).strftime(LOCAL_FORMAT)


def set_support(session: Session, *, admin_id: int, purchased_id: int, support_status: str,
                scheduled_at_local: str = "", zone: str, now: dt.datetime | None = None) -> PurchasedPackage:
    """Set a consultation's support status and, in the admin's ZONE, its appointment time."""
    _require_admin(session, admin_id)
    now = now or utcnow()
    purchased = None
    if isinstance(purchased_id, int) and not isinstance(purchased_id, bool):
        purchased = session.exec(
            select(PurchasedPackage)
            .where(PurchasedPackage.id == purchased_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    if purchased is None or purchased.product_type != PRODUCT_TYPE:
        raise ServiceError(ConsultationError.NOT_FOUND)
    if purchased.status in (PurchasedPackageStatus.CANCELLED.value, PurchasedPackageStatus.EXPIRED.value):
        raise ServiceError(ConsultationError.CANCELLED)
    if not isinstance(support_status, str) or support_status not in {s.value for s in SupportStatus}:
        raise ServiceError(ConsultationError.STATUS_INVALID)
    text = scheduled_at_local.strip() if isinstance(scheduled_at_local, str) else ""
    scheduled = parse_local(text, zone) if text else None
    if support_status == SupportStatus.SCHEDULED.value:
        if scheduled is None:
            raise ServiceError(ConsultationError.TIME_REQUIRED)
        if scheduled <= now:
            raise ServiceError(ConsultationError.TIME_PAST)
    purchased.support_status = support_status
    if scheduled is not None:
        purchased.scheduled_at = scheduled
    purchased.updated_at = now
    session.add(purchased)
    session.flush()
    return purchased
