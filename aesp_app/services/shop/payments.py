"""Paying an order: VNPay (payment URL, IPN, return page), bank transfer confirmed by an admin,
and an admin's cancel or refund, which revokes what the order granted.

Only the IPN confirms a VNPay payment (DESIGN.md, "Payments"): signature and TmnCode (97), the
transaction by vnp_TxnRef (01), then under a row lock on the order the amount (04) and the state
(02), then success (00 and fulfilment) or failure/cancel (still 00: the notice was processed).
Anything unexpected answers 99 with nothing changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.integrations.payments import PaymentRequest, get_gateway, momo_gateway
from aesp_app.integrations.payments.base import BankTransferInstructions, parse_gateway_date
from aesp_app.integrations.payments.vnpay import IpnRspCode, describe_response_code, ipn_response
from aesp_app.models.accounts import Role, User
from aesp_app.models.base import utcnow
from aesp_app.models.catalog import CourseRegister, CourseRegisterStatus, Course, Product
from aesp_app.models.commerce import (
    GatewayTxnStatus,
    MomoTransaction,
    Order,
    OrderStatus,
    PaymentHistory,
    PaymentHistoryStatus,
    PaymentMethod,
    PaymentStatus,
    Purchase,
    PurchasedPackage,
    PurchasedPackageStatus,
    PurchaseStatus,
    SubscriptionStatus,
    UserSubscription,
    VnpayTransaction,
)
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop.checkout import check_momo_amount, check_vnpay_amount
from aesp_app.services.shop.errors import ShopError
from aesp_app.services.shop.fulfilment import fulfil_order, lock_order

log = logging.getLogger(__name__)

VNPAY_RETURN_PATH = "/payment/vnpay/return"
VNPAY_IPN_PATH = "/payment/vnpay/ipn"  # registered for the TmnCode in VNPay's merchant portal
MOMO_RETURN_PATH = "/payment/momo/return"
MOMO_IPN_PATH = "/payment/momo/ipn"  # sent with every MoMo payment request


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def is_payable(order: Order, now: dt.datetime | None = None) -> bool:
    """Whether a payment may still be started for ORDER: pending, not paid, not free, not lapsed."""
    now = now or utcnow()
    expires_at = _as_utc(order.expires_at)
    return (
        order.status == OrderStatus.PENDING.value
        and order.payment_status in (PaymentStatus.PENDING.value, PaymentStatus.FAILED.value)
        and Decimal(order.total_amount) > 0
        and (expires_at is None or expires_at > now)
    )


def bank_transfer_instructions(order: Order, *, settings: Any) -> BankTransferInstructions:
    """What a customer paying ORDER by bank transfer needs: account, amount and the transfer note
    (the order code) an admin matches on the statement before marking the order paid."""
    gateway = get_gateway(PaymentMethod.BANK_TRANSFER.value, settings)
    return gateway.instructions(
        PaymentRequest(txn_ref=order.order_code, amount=Decimal(order.total_amount), order_info=f"Don hang {order.order_code}")
    )


# --- VNPay ----------------------------------------------------------------------------------


def start_vnpay_payment(
    session: Session,
    *,
    order_id: int,
    user_id: int,
    client_ip: str,
    settings: Any,
    now: dt.datetime | None = None,
    locale: str = "vi",
    bank_code: str = "",
) -> str:
    """A new VNPay attempt for the user's own pending order: records a vnpay_transactions row
    (status pending, every request field) and returns the signed payment URL."""
    now = now or utcnow()
    order = lock_order(session, order_id) if isinstance(order_id, int) else None
    if order is None or order.user_id != user_id:
        raise ServiceError(ShopError.ORDER_NOT_FOUND)
    if not is_payable(order, now):
        raise ServiceError(ShopError.ORDER_NOT_PAYABLE)
    check_vnpay_amount(Decimal(order.total_amount))
    attempts = session.exec(
        select(sa.func.count()).select_from(VnpayTransaction).where(VnpayTransaction.order_id == order.id)
    ).one()
    txn_ref = f"{order.order_code}-{int(attempts) + 1}"
    gateway = get_gateway(PaymentMethod.VNPAY.value, settings)
    redirect = gateway.create_payment(
        PaymentRequest(
            txn_ref=txn_ref,
            amount=Decimal(order.total_amount),
            order_info=f"Thanh toan don hang {order.order_code}",
            client_ip=client_ip,
            return_url=settings.public_base_url.rstrip("/") + VNPAY_RETURN_PATH,
            locale="en" if locale == "en" else "vi",
            created_at=now,
            bank_code=bank_code,
        )
    )
    params = redirect.params
    session.add(
        VnpayTransaction(
            order_id=order.id,
            txn_ref=txn_ref,
            amount=int(params["vnp_Amount"]),
            order_info=params["vnp_OrderInfo"],
            create_date=params["vnp_CreateDate"],
            expire_date=params["vnp_ExpireDate"],
            ip_addr=params["vnp_IpAddr"],
            status=GatewayTxnStatus.PENDING.value,
        )
    )
    order.payment_method = PaymentMethod.VNPAY.value
    order.payment_status = PaymentStatus.PENDING.value
    # The order may not lapse while VNPay still accepts this attempt.
    vnp_expiry = parse_gateway_date(params["vnp_ExpireDate"])
    current = _as_utc(order.expires_at)
    if vnp_expiry is not None and (current is None or vnp_expiry > current):
        order.expires_at = vnp_expiry
    session.add(order)
    session.flush()
    return redirect.url


def _record_vnpay_fields(txn: VnpayTransaction, raw: Mapping[str, str]) -> None:
    txn.vnp_response_code = raw.get("vnp_ResponseCode") or None
    txn.vnp_transaction_status = raw.get("vnp_TransactionStatus") or None
    txn.vnp_transaction_no = raw.get("vnp_TransactionNo") or None
    txn.vnp_bank_code = raw.get("vnp_BankCode") or None
    txn.vnp_bank_tran_no = raw.get("vnp_BankTranNo") or None
    txn.vnp_card_type = raw.get("vnp_CardType") or None
    txn.vnp_pay_date = raw.get("vnp_PayDate") or None
    txn.raw_response = json.dumps(dict(raw), ensure_ascii=False, sort_keys=True)


def _already_settled(txn: Any, order: Order) -> bool:
    """The attempt or the order was already decided: a repeated notice changes nothing."""
    return (
        txn.status != GatewayTxnStatus.PENDING.value
        or order.status != OrderStatus.PENDING.value
        or order.payment_status == PaymentStatus.PAID.value
    )


def _settle(session: Session, txn: Any, order: Order, result: Any, *, method: PaymentMethod, reference: str) -> IpnRspCode:
    """Apply a verified gateway result to the locked attempt and order; fulfil a paid order."""
    now = utcnow()
    if result.success:
        txn.status = GatewayTxnStatus.SUCCESS.value
        order.status = OrderStatus.COMPLETED.value
        order.payment_status = PaymentStatus.PAID.value
        order.payment_method = method.value
        order.payment_reference = reference
        order.paid_at = result.paid_at or now
        session.add_all([txn, order])
        session.flush()
        fulfil_order(session, order=order, now=now)
    else:
        txn.status = GatewayTxnStatus.CANCELLED.value if result.cancelled else GatewayTxnStatus.FAILED.value
        order.payment_status = PaymentStatus.FAILED.value
        session.add_all([txn, order])
    session.flush()
    return IpnRspCode.CONFIRMED


def _handle_vnpay_ipn(session: Session, params: Mapping[str, str], settings: Any) -> IpnRspCode:
    gateway = get_gateway(PaymentMethod.VNPAY.value, settings)
    result = gateway.verify_callback(params)
    if not result.valid:
        return IpnRspCode.for_callback_error(result.error)
    txn = session.exec(select(VnpayTransaction).where(VnpayTransaction.txn_ref == result.txn_ref)).first()
    if txn is None:
        return IpnRspCode.ORDER_NOT_FOUND
    order = lock_order(session, txn.order_id)
    if order is None:
        return IpnRspCode.ORDER_NOT_FOUND
    # Read again under the order lock, as a locking read: on InnoDB a plain read would still
    # see the snapshot taken before the lock was granted.
    txn = session.exec(
        select(VnpayTransaction)
        .where(VnpayTransaction.id == txn.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    received = int(result.raw["vnp_Amount"])
    if received != txn.amount or Decimal(received) / 100 != Decimal(order.total_amount):
        return IpnRspCode.INVALID_AMOUNT
    if _already_settled(txn, order):
        return IpnRspCode.ALREADY_CONFIRMED
    _record_vnpay_fields(txn, result.raw)
    return _settle(session, txn, order, result, method=PaymentMethod.VNPAY, reference=result.transaction_no or txn.txn_ref)


def process_vnpay_ipn(session: Session, *, params: Mapping[str, str], settings: Any) -> dict[str, str]:
    """Handle VNPay's IPN call and return the JSON answer {"RspCode", "Message"}.

    This is its own unit of work: it commits what it changed (00) and rolls back otherwise, so
    the answer always matches what is stored. Give it a fresh Session."""
    try:
        code = _handle_vnpay_ipn(session, {str(k): "" if v is None else str(v) for k, v in params.items()}, settings)
        if code is IpnRspCode.CONFIRMED:
            session.commit()
        else:
            session.rollback()
        return ipn_response(code)
    except Exception:  # noqa: BLE001 - VNPay must get an answer; it retries on 99
        log.exception("VNPay IPN failed for vnp_TxnRef=%r", params.get("vnp_TxnRef"))
        session.rollback()
        return ipn_response(IpnRspCode.UNKNOWN_ERROR)


@dataclasses.dataclass(frozen=True)
class PaymentReturn:
    """What a gateway's return page shows. It changes nothing: only the IPN confirms an order."""

    valid: bool
    success: bool
    cancelled: bool
    txn_ref: str
    order_code: str
    amount: Decimal | None
    response_code: str
    message: str


def _payment_return(result: Any, message: str) -> PaymentReturn:
    # Attempt references are "<order code>-<attempt>" (VNPay "-1", MoMo "-M1").
    return PaymentReturn(
        valid=result.valid,
        success=result.valid and result.success,
        cancelled=result.valid and result.cancelled,
        txn_ref=result.txn_ref if result.valid else "",
        order_code=result.txn_ref.rsplit("-", 1)[0] if result.valid else "",
        amount=result.amount if result.valid else None,
        response_code=result.response_code if result.valid else "",
        message=message,
    )


def process_vnpay_return(params: Mapping[str, str], *, settings: Any, language: str = "vi") -> PaymentReturn:
    result = get_gateway(PaymentMethod.VNPAY.value, settings).verify_callback(params)
    return _payment_return(result, describe_response_code(result.response_code if result.valid else "99", language))


def process_momo_return(params: Mapping[str, str], *, settings: Any, language: str = "vi") -> PaymentReturn:
    from aesp_app.integrations.payments.momo import describe_result_code

    result = get_gateway(PaymentMethod.MOMO.value, settings).verify_callback(params)
    return _payment_return(result, describe_result_code(result.response_code if result.valid else "99", language))


# --- MoMo -----------------------------------------------------------------------------------


def start_momo_payment(
    session: Session,
    *,
    order_id: int,
    user_id: int,
    settings: Any,
    now: dt.datetime | None = None,
    locale: str = "vi",
    client: Any = None,
) -> str:
    """A new MoMo attempt for the user's own pending order: asks MoMo for a payment page, records
    the momo_transactions row (status pending) and returns MoMo's payUrl. When MoMo refuses or
    cannot be reached: ServiceError shop.payment_unavailable (nothing is recorded)."""
    now = now or utcnow()
    order = lock_order(session, order_id) if isinstance(order_id, int) else None
    if order is None or order.user_id != user_id:
        raise ServiceError(ShopError.ORDER_NOT_FOUND)
    if not is_payable(order, now):
        raise ServiceError(ShopError.ORDER_NOT_PAYABLE)
    check_momo_amount(Decimal(order.total_amount))
    attempts = session.exec(
        select(sa.func.count()).select_from(MomoTransaction).where(MomoTransaction.order_id == order.id)
    ).one()
    txn_ref = f"{order.order_code}-M{int(attempts) + 1}"
    base = settings.public_base_url.rstrip("/")
    redirect = momo_gateway(settings, client=client).create_payment(
        PaymentRequest(
            txn_ref=txn_ref,
            amount=Decimal(order.total_amount),
            order_info=f"Thanh toán đơn hàng {order.order_code}",
            return_url=base + MOMO_RETURN_PATH,
            notify_url=base + MOMO_IPN_PATH,
            locale="en" if locale == "en" else "vi",
            created_at=now,
        )
    )
    if not redirect.ok:
        log.warning("MoMo refused order %s: %s %s %s", order.order_code, redirect.error.value,
                    redirect.gateway_code, redirect.message)
        raise ServiceError(ShopError.PAYMENT_UNAVAILABLE, reason=redirect.error.value)
    body = redirect.params
    code = str(redirect.gateway_code or "")
    session.add(
        MomoTransaction(
            order_id=order.id,
            request_id=str(body["requestId"]),
            momo_order_id=txn_ref,
            amount=int(body["amount"]),
            order_info=str(body["orderInfo"]),
            request_type=str(body["requestType"]),
            pay_url=redirect.url,
            result_code=int(code) if code.isdigit() else None,
            message=(redirect.message or None) and redirect.message[:255],
            status=GatewayTxnStatus.PENDING.value,
        )
    )
    order.payment_method = PaymentMethod.MOMO.value
    order.payment_status = PaymentStatus.PENDING.value
    session.add(order)
    session.flush()
    return redirect.url


def _handle_momo_ipn(session: Session, params: Mapping[str, Any], settings: Any) -> IpnRspCode:
    result = momo_gateway(settings).verify_callback(params)
    if not result.valid:
        return IpnRspCode.for_callback_error(result.error)
    txn = session.exec(select(MomoTransaction).where(MomoTransaction.momo_order_id == result.txn_ref)).first()
    if txn is None or result.raw.get("requestId") != txn.request_id:
        return IpnRspCode.ORDER_NOT_FOUND
    order = lock_order(session, txn.order_id)
    if order is None:
        return IpnRspCode.ORDER_NOT_FOUND
    txn = session.exec(
        select(MomoTransaction)
        .where(MomoTransaction.id == txn.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    received = int(result.raw["amount"])
    if received != txn.amount or Decimal(received) != Decimal(order.total_amount):
        return IpnRspCode.INVALID_AMOUNT
    if _already_settled(txn, order):
        return IpnRspCode.ALREADY_CONFIRMED
    code = result.response_code
    txn.result_code = int(code) if code.lstrip("-").isdigit() else None
    txn.message = (result.message or None) and result.message[:255]
    txn.trans_id = result.transaction_no or None
    txn.pay_type = result.bank_code or None
    txn.raw_response = json.dumps(dict(result.raw), ensure_ascii=False, sort_keys=True)
    return _settle(session, txn, order, result, method=PaymentMethod.MOMO, reference=result.transaction_no or txn.momo_order_id)


def process_momo_ipn(session: Session, *, params: Mapping[str, Any], settings: Any) -> IpnRspCode:
    """Handle MoMo's IPN (JSON body) with the same checks and outcomes as the VNPay IPN, and
    return the outcome (for the log: MoMo itself is always answered HTTP 204). Its own unit of
    work, like process_vnpay_ipn."""
    try:
        code = _handle_momo_ipn(session, params, settings)
        if code is IpnRspCode.CONFIRMED:
            session.commit()
        else:
            session.rollback()
        return code
    except Exception:  # noqa: BLE001 - MoMo retries an IPN it could not deliver
        log.exception("MoMo IPN failed for orderId=%r", params.get("orderId"))
        session.rollback()
        return IpnRspCode.UNKNOWN_ERROR


# --- admin: bank transfer, cancel, refund -----------------------------------------------------


def _require_admin(session: Session, admin_id: int) -> User:
    admin = session.get(User, admin_id) if isinstance(admin_id, int) else None
    if admin is None or admin.role != Role.ADMIN.value:
        raise ServiceError(ShopError.ADMIN_REQUIRED)
    return admin


def _locked_order(session: Session, order_id: int) -> Order:
    order = lock_order(session, order_id) if isinstance(order_id, int) else None
    if order is None:
        raise ServiceError(ShopError.ORDER_NOT_FOUND)
    return order


def _close_pending_transactions(session: Session, order: Order, status: GatewayTxnStatus) -> None:
    for model in (VnpayTransaction, MomoTransaction):
        session.exec(
            sa.update(model)  # type: ignore[call-overload]
            .where(model.order_id == order.id, model.status == GatewayTxnStatus.PENDING.value)
            .values(status=status.value)
        )


def admin_actions(order: Order) -> frozenset[str]:
    """What an admin may still do with ORDER — the one rule the admin page and the actions share:
    "mark_paid" (a bank transfer awaiting confirmation), "cancel", "refund" (paid, not free, not
    refunded yet)."""
    actions = set()
    if (
        order.status == OrderStatus.PENDING.value
        and order.payment_status != PaymentStatus.PAID.value
        and order.payment_method == PaymentMethod.BANK_TRANSFER.value
    ):
        actions.add("mark_paid")
    if order.status != OrderStatus.CANCELLED.value:
        actions.add("cancel")
    if order.payment_status == PaymentStatus.PAID.value and Decimal(order.total_amount) > 0 and order.refunded_at is None:
        actions.add("refund")
    return frozenset(actions)


def mark_paid_by_admin(session: Session, *, order_id: int, admin_id: int, reference: str | None = None,
                       now: dt.datetime | None = None) -> Order:
    """An admin matched a bank transfer to the order: it becomes paid and is fulfilled."""
    _require_admin(session, admin_id)
    now = now or utcnow()
    order = _locked_order(session, order_id)
    if "mark_paid" not in admin_actions(order):
        raise ServiceError(ShopError.ORDER_NOT_PAYABLE)
    order.status = OrderStatus.COMPLETED.value
    order.payment_status = PaymentStatus.PAID.value
    order.payment_method = PaymentMethod.BANK_TRANSFER.value
    order.payment_reference = ((reference or "").strip() or f"BANK-{order.order_code}")[:100]
    order.confirmed_by = admin_id
    order.paid_at = now
    session.add(order)
    # An online attempt still open must not confirm the order a second time.
    _close_pending_transactions(session, order, GatewayTxnStatus.CANCELLED)
    session.flush()
    fulfil_order(session, order=order, now=now)
    return order


def _revoke_access(session: Session, order: Order, *, refund: bool, reason: str, now: dt.datetime) -> None:
    session.exec(
        sa.update(PurchasedPackage)  # type: ignore[call-overload]
        .where(PurchasedPackage.order_id == order.id)
        .values(status=PurchasedPackageStatus.CANCELLED.value, updated_at=now)
    )
    registers = session.exec(
        select(CourseRegister).where(
            CourseRegister.order_id == order.id, CourseRegister.status != CourseRegisterStatus.CANCELLED.value
        )
    ).all()
    for register in registers:
        register.status = CourseRegisterStatus.CANCELLED.value
        session.add(register)
        course = session.get(Course, register.course_id)
        if course is not None:
            session.exec(
                sa.update(Product)  # type: ignore[call-overload]
                .where(Product.id == course.product_id, Product.enrollment_cnt > 0)
                .values(enrollment_cnt=Product.enrollment_cnt - 1)
            )
    session.exec(
        sa.update(Purchase)  # type: ignore[call-overload]
        .where(Purchase.order_id == order.id)
        .values(status=(PurchaseStatus.REFUNDED if refund else PurchaseStatus.CANCELLED).value, updated_at=now)
    )
    session.exec(
        sa.update(UserSubscription)  # type: ignore[call-overload]
        .where(UserSubscription.order_id == order.id, UserSubscription.status != SubscriptionStatus.CANCELLED.value)
        .values(status=SubscriptionStatus.CANCELLED.value, cancelled_at=now, cancel_reason=reason or None,
                auto_renew=False, updated_at=now)
    )
    if refund:
        session.exec(
            sa.update(PaymentHistory)  # type: ignore[call-overload]
            .where(PaymentHistory.order_id == order.id)
            .values(status=PaymentHistoryStatus.REFUNDED.value)
        )


def _append_note(order: Order, line: str) -> None:
    order.note = f"{order.note}\n{line}" if order.note else line


def cancel_order(session: Session, *, order_id: int, admin_id: int, reason: str = "",
                 now: dt.datetime | None = None) -> Order:
    """Cancel an order (pending or completed). A completed order loses what it granted; its
    payment is kept as received (use refund_order when the money goes back)."""
    _require_admin(session, admin_id)
    now = now or utcnow()
    order = _locked_order(session, order_id)
    if "cancel" not in admin_actions(order):
        raise ServiceError(ShopError.ORDER_NOT_CANCELLABLE)
    was_completed = order.status == OrderStatus.COMPLETED.value
    order.status = OrderStatus.CANCELLED.value
    order.cancelled_at = now
    _append_note(order, f"Cancelled by admin #{admin_id}" + (f": {reason.strip()}" if reason.strip() else ""))
    session.add(order)
    _close_pending_transactions(session, order, GatewayTxnStatus.CANCELLED)
    if was_completed:
        _revoke_access(session, order, refund=False, reason=reason.strip(), now=now)
    session.flush()
    return order


def refund_order(session: Session, *, order_id: int, admin_id: int, reason: str = "",
                 now: dt.datetime | None = None) -> Order:
    """The money of a paid order went back: the order is cancelled, what it granted is revoked,
    purchases and payment history are marked refunded. payment_status stays "paid" (it was
    received); refunded_at records the refund and the note who made it."""
    _require_admin(session, admin_id)
    now = now or utcnow()
    order = _locked_order(session, order_id)
    if "refund" not in admin_actions(order):
        raise ServiceError(ShopError.ORDER_NOT_REFUNDABLE)
    order.status = OrderStatus.CANCELLED.value
    order.cancelled_at = order.cancelled_at or now
    order.refunded_at = now
    _append_note(order, f"Refunded by admin #{admin_id}" + (f": {reason.strip()}" if reason.strip() else ""))
    session.add(order)
    _revoke_access(session, order, refund=True, reason=reason.strip(), now=now)
    session.flush()
    return order
