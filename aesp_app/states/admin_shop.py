"""Admin: orders (bank transfers marked paid, cancel, refund) and consultation follow-up."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.models.commerce import OrderStatus, PaymentMethod, PaymentStatus, SupportStatus
from aesp_app.services.clock import format_local
from aesp_app.services.errors import ServiceError
from aesp_app.services.money import format_vnd
from aesp_app.services.shop import consultations as consultation_service
from aesp_app.services.shop import orders as order_service
from aesp_app.services.shop import payments as payment_service
from aesp_app.states.auth import Viewer, authorize
from aesp_app.states.common import to_int
from aesp_app.states.i18n import I18nState

PAGE_SIZE = 50
ORDER_STATUSES = {s.value for s in OrderStatus}
PAYMENT_STATUSES = {s.value for s in PaymentStatus}
PAYMENT_METHODS = {m.value for m in PaymentMethod}
SUPPORT_STATUSES = {s.value for s in SupportStatus}
ACTIONS = ("paid", "cancel", "refund")
TEXT_LIMIT = 500


def _choice(value, allowed: set[str]) -> str:  # noqa: ANN001
    text = str(value or "") if isinstance(value, (str, int)) else ""
    return text if text in allowed else ""


def _text(value, limit: int) -> str:  # noqa: ANN001
    return value.strip()[:limit] if isinstance(value, str) else ""


def _order_row(o, viewer: Viewer) -> dict[str, str]:  # noqa: ANN001
    actions = payment_service.admin_actions(o)  # the same rule the actions enforce
    return {
        "id": str(o.id),
        "code": o.order_code,
        "customer": o.customer_name or "",
        "email": o.customer_email or "",
        "total": format_vnd(o.total_amount),
        "status": o.status,
        "payment_status": o.payment_status,
        "method": o.payment_method or "",
        "reference": o.payment_reference or "",
        "created": format_local(o.created_at, viewer.timezone),
        "paid": format_local(o.paid_at, viewer.timezone),
        "can_mark_paid": "1" if "mark_paid" in actions else "",
        "can_cancel": "1" if "cancel" in actions else "",
        "can_refund": "1" if "refund" in actions else "",
        "refunded": "1" if o.refunded_at is not None else "",
    }


class AdminShopState(rx.State):
    orders: list[dict[str, str]] = []
    order_search: str = ""
    order_status: str = ""
    order_payment_status: str = ""
    order_method: str = ""
    order_page: int = 0

    # The confirm dialog: which action on which order.
    orders_more: bool = False

    dialog_action: str = ""
    dialog_order_id: str = ""
    dialog_order_code: str = ""

    consultations: list[dict[str, str]] = []
    support_filter: str = ""

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    # --- orders ----------------------------------------------------------------------------

    def _load_orders(self, viewer: Viewer) -> None:
        with session_scope() as session:
            rows = order_service.admin_list_orders(
                session, admin_id=viewer.id, status=self.order_status or None,
                payment_status=self.order_payment_status or None, payment_method=self.order_method or None,
                search=self.order_search, limit=PAGE_SIZE, offset=self.order_page * PAGE_SIZE,
            )
            self.orders = [_order_row(o, viewer) for o in rows]
            self.orders_more = len(rows) == PAGE_SIZE


    @rx.event
    async def load_orders(self):
        viewer = await authorize(self, Role.ADMIN, action="load_orders")
        if not isinstance(viewer, Viewer):
            return viewer
        self.dialog_action, self.dialog_order_id, self.dialog_order_code = "", "", ""
        self._load_orders(viewer)

    @rx.event
    async def filter_orders(self, form: dict):
        viewer = await authorize(self, Role.ADMIN, action="filter_orders")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        self.order_search = _text(form.get("search"), 100)
        self.order_status = _choice(form.get("status"), ORDER_STATUSES)
        self.order_payment_status = _choice(form.get("payment_status"), PAYMENT_STATUSES)
        self.order_method = _choice(form.get("method"), PAYMENT_METHODS)
        self.order_page = 0
        self._load_orders(viewer)

    @rx.event
    async def orders_page(self, delta: int):
        viewer = await authorize(self, Role.ADMIN, action="orders_page")
        if not isinstance(viewer, Viewer):
            return viewer
        step = 1 if to_int(delta) > 0 else -1
        if step > 0 and not self.orders_more:
            return
        self.order_page = max(0, min(10_000, self.order_page + step))
        self._load_orders(viewer)

    @rx.event
    async def ask(self, order_id: str, action: str):
        """Open the confirm dialog for ACTION (paid, cancel, refund) on a listed order."""
        viewer = await authorize(self, Role.ADMIN, action="ask")
        if not isinstance(viewer, Viewer):
            return viewer
        wanted = str(to_int(order_id))
        row = next((o for o in self.orders if o["id"] == wanted), None)
        if row is None or action not in ACTIONS:
            return rx.toast.error(await self._t("shop.order_not_found"))
        self.dialog_action, self.dialog_order_id, self.dialog_order_code = action, row["id"], row["code"]

    @rx.event
    async def close_dialog(self):
        viewer = await authorize(self, Role.ADMIN, action="close_dialog")
        if not isinstance(viewer, Viewer):
            return viewer
        self.dialog_action, self.dialog_order_id, self.dialog_order_code = "", "", ""

    @rx.event
    async def confirm(self, form: dict):
        """The dialog's form: runs the action it was opened for, with the reason or reference typed."""
        viewer = await authorize(self, Role.ADMIN, action="confirm")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        text = _text(form.get("text"), TEXT_LIMIT)
        action, order_id = self.dialog_action, to_int(self.dialog_order_id)
        if action == "paid":
            return await self._mark_paid(viewer, order_id, text)
        if action in ("cancel", "refund"):
            return await self._revoke(viewer, order_id, text, refund=action == "refund")
        return rx.toast.error(await self._t("shop.order_not_found"))

    async def _done(self, viewer: Viewer, key: str, code: str):  # noqa: ANN202
        self.dialog_action, self.dialog_order_id, self.dialog_order_code = "", "", ""
        self._load_orders(viewer)
        return rx.toast.success(await self._t(key, code=code))

    async def _mark_paid(self, viewer: Viewer, order_id: int, reference: str):  # noqa: ANN202
        try:
            with session_scope() as session:
                order = payment_service.mark_paid_by_admin(session, order_id=order_id, admin_id=viewer.id, reference=reference[:100] or None)
                code = order.order_code
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        return await self._done(viewer, "admin_shop.marked_paid", code)

    async def _revoke(self, viewer: Viewer, order_id: int, reason: str, *, refund: bool):  # noqa: ANN202
        try:
            with session_scope() as session:
                call = payment_service.refund_order if refund else payment_service.cancel_order
                order = call(session, order_id=order_id, admin_id=viewer.id, reason=reason)
                code = order.order_code
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        return await self._done(viewer, "admin_shop.refunded" if refund else "admin_shop.cancelled", code)

    @rx.event
    async def mark_paid(self, order_id: int, reference: str = ""):
        viewer = await authorize(self, Role.ADMIN, action="mark_paid")
        if not isinstance(viewer, Viewer):
            return viewer
        return await self._mark_paid(viewer, to_int(order_id), _text(reference, 100))

    @rx.event
    async def cancel(self, order_id: int, reason: str = ""):
        viewer = await authorize(self, Role.ADMIN, action="cancel")
        if not isinstance(viewer, Viewer):
            return viewer
        return await self._revoke(viewer, to_int(order_id), _text(reason, TEXT_LIMIT), refund=False)

    @rx.event
    async def refund(self, order_id: int, reason: str = ""):
        viewer = await authorize(self, Role.ADMIN, action="refund")
        if not isinstance(viewer, Viewer):
            return viewer
        return await self._revoke(viewer, to_int(order_id), _text(reason, TEXT_LIMIT), refund=True)

    # --- consultations ---------------------------------------------------------------------

    def _load_consultations(self, viewer: Viewer) -> None:
        with session_scope() as session:
            rows = consultation_service.admin_list_consultations(
                session, admin_id=viewer.id, support_status=self.support_filter or None
            )
            self.consultations = [
                {
                    "id": str(r.purchased.id),
                    "code": r.purchased.access_code,
                    "product": r.purchased.product_name or "",
                    "package": r.purchased.package_name or "",
                    "status": r.purchased.status,
                    "support": r.purchased.support_status,
                    "scheduled": format_local(r.purchased.scheduled_at, viewer.timezone),
                    "scheduled_input": consultation_service.local_input_value(r.purchased.scheduled_at, viewer.timezone),
                    "customer": r.customer_name,
                    "email": r.customer_email,
                    "phone": r.customer_phone,
                    "order_code": r.order_code,
                    "bought": format_local(r.purchased.created_at, viewer.timezone, with_time=False),
                    # Changes with every save, so the row's form shows the stored values again.
                    "key": f"{r.purchased.id}-{r.purchased.support_status}-{r.purchased.scheduled_at}",
                    "editable": "1" if r.purchased.status not in ("cancelled", "expired") else "",
                }
                for r in rows
            ]

    @rx.event
    async def load_consultations(self):
        viewer = await authorize(self, Role.ADMIN, action="load_consultations")
        if not isinstance(viewer, Viewer):
            return viewer
        self._load_consultations(viewer)

    @rx.event
    async def filter_consultations(self, support_status: str):
        viewer = await authorize(self, Role.ADMIN, action="filter_consultations")
        if not isinstance(viewer, Viewer):
            return viewer
        self.support_filter = _choice(support_status, SUPPORT_STATUSES)
        self._load_consultations(viewer)

    @rx.event
    async def set_support(self, form: dict):
        viewer = await authorize(self, Role.ADMIN, action="set_support")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        try:
            with session_scope() as session:
                consultation_service.set_support(
                    session,
                    admin_id=viewer.id,
                    purchased_id=to_int(form.get("purchased_id"), 0),
                    support_status=_text(form.get("support_status"), 20),
                    scheduled_at_local=_text(form.get("scheduled_at"), 19),
                    zone=viewer.timezone,
                )
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self._load_consultations(viewer)
        return rx.toast.success(await self._t("admin_shop.support_saved"))
