"""A member's orders, payments and purchased packages (access codes)."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services.clock import format_local
from aesp_app.services.errors import ServiceError
from aesp_app.services.money import format_vnd
from aesp_app.services.shop import orders as order_service
from aesp_app.services.shop import payments as payment_service
from aesp_app.settings import get_settings
from aesp_app.states.auth import Viewer, authorize
from aesp_app.states.common import route_param
from aesp_app.states.i18n import I18nState

MEMBERS = (Role.LEARNER, Role.MENTOR, Role.ADMIN)


class OrdersState(rx.State):
    orders: list[dict[str, str]] = []
    order: dict[str, str] = {}
    items: list[dict[str, str]] = []
    purchased: list[dict[str, str]] = []
    bank: dict[str, str] = {}
    error: str = ""
    not_found: bool = False

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    @staticmethod
    def _purchased_row(p, zone: str) -> dict[str, str]:  # noqa: ANN001
        return {
            "id": str(p.id),
            "code": p.access_code,
            "product": p.product_name or "",
            "package": p.package_name or "",
            "type": p.product_type,
            "status": p.status,
            "support": p.support_status,
            "scheduled": format_local(p.scheduled_at, zone),
            "expires": format_local(p.expires_at, zone, with_time=False),
            "access_count": str(p.access_count),
        }

    @rx.event
    async def load_orders(self):
        viewer = await authorize(self, *MEMBERS, action="load_orders")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            rows = order_service.list_orders(session, user_id=viewer.id)
            self.orders = [
                {
                    "code": o.order_code,
                    "total": format_vnd(o.total_amount),
                    "status": o.status,
                    "payment_status": o.payment_status,
                    "method": o.payment_method or "",
                    "created": format_local(o.created_at, viewer.timezone),
                }
                for o in rows
            ]

    def _load_order(self, viewer: Viewer, code: str) -> None:
        self.not_found, self.error = False, ""
        try:
            with session_scope() as session:
                detail = order_service.get_order_by_code(session, order_code=code, user_id=viewer.id)
                o = detail.order
                self.order = {
                    "code": o.order_code,
                    "id": str(o.id),
                    "total": format_vnd(o.total_amount),
                    "status": o.status,
                    "payment_status": o.payment_status,
                    "method": o.payment_method or "",
                    "created": format_local(o.created_at, viewer.timezone),
                    "paid": format_local(o.paid_at, viewer.timezone),
                    "expires": format_local(o.expires_at, viewer.timezone),
                    "payable": "1" if payment_service.is_payable(o) else "",
                }
                self.items = [
                    {
                        "product": i.product_name or "",
                        "package": i.package_name or "",
                        "quantity": str(i.quantity),
                        "unit_price": format_vnd(i.unit_price),
                        "total": format_vnd(i.total_price),
                    }
                    for i in detail.items
                ]
                self.purchased = [self._purchased_row(p, viewer.timezone) for p in detail.purchased]
                if o.payment_method == "bank_transfer" and payment_service.is_payable(o):
                    info = payment_service.bank_transfer_instructions(o, settings=get_settings())
                    self.bank = {
                        "bank": info.bank_name,
                        "account": info.account_number,
                        "name": info.account_name,
                        "amount": format_vnd(info.amount),
                        "note": info.transfer_note,
                    }
                else:
                    self.bank = {}
        except ServiceError:
            self.not_found = True
            self.order, self.items, self.purchased, self.bank = {}, [], [], {}

    @rx.event
    async def load_order(self):
        viewer = await authorize(self, *MEMBERS, action="load_order")
        if not isinstance(viewer, Viewer):
            return viewer
        self._load_order(viewer, route_param(self, "code", 20))

    @rx.event
    async def pay(self, method: str):
        """Start a payment attempt for the order on the page (the member's own, still payable)."""
        viewer = await authorize(self, *MEMBERS, action="pay")
        if not isinstance(viewer, Viewer):
            return viewer
        code = route_param(self, "code", 20)
        language = (await self.get_state(I18nState)).language
        try:
            with session_scope() as session:
                detail = order_service.get_order_by_code(session, order_code=code, user_id=viewer.id)
                if method == "vnpay":
                    url = payment_service.start_vnpay_payment(
                        session, order_id=detail.order.id, user_id=viewer.id, client_ip=self.router.session.client_ip or "127.0.0.1",
                        settings=get_settings(), locale=language,
                    )
                elif method == "momo":
                    url = payment_service.start_momo_payment(
                        session, order_id=detail.order.id, user_id=viewer.id, settings=get_settings(), locale=language
                    )
                else:
                    return rx.toast.error(await self._t("shop.payment_method_invalid"))
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        return rx.redirect(url)

    @rx.event
    async def load_purchases(self):
        viewer = await authorize(self, *MEMBERS, action="load_purchases")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            rows = order_service.list_purchased_packages(session, user_id=viewer.id)
            self.purchased = [self._purchased_row(p, viewer.timezone) for p in rows]


def _return_view(outcome) -> dict[str, str]:  # noqa: ANN001
    return {
        "valid": "1" if outcome.valid else "",
        "success": "1" if outcome.success else "",
        "cancelled": "1" if outcome.cancelled else "",
        "order_code": outcome.order_code,
        "amount": format_vnd(outcome.amount) if outcome.amount is not None else "",
        "message": outcome.message,
    }


async def _order_paid(state: rx.State, order_code: str) -> bool:
    """Whether the viewer's own order is paid (the IPN may arrive a moment after the customer)."""
    from aesp_app.states.auth import current_viewer

    viewer = await current_viewer(state)
    if viewer is None or not order_code:
        return False
    try:
        with session_scope() as session:
            return order_service.get_order_by_code(session, order_code=order_code, user_id=viewer.id).order.payment_status == "paid"
    except ServiceError:
        return False


class PaymentReturnState(rx.State):
    """/payment/vnpay/return: shows the result. It changes nothing; only the IPN confirms."""

    result: dict[str, str] = {}
    order_paid: bool = False
    checks: int = 0

    @rx.event
    async def load(self):
        params = {str(k): str(v) for k, v in self.router.url.query_parameters.items()}
        language = (await self.get_state(I18nState)).language
        outcome = payment_service.process_vnpay_return(params, settings=get_settings(), language=language)
        self.result = _return_view(outcome)
        self.checks = 0
        self.order_paid = await _order_paid(self, outcome.order_code)

    @rx.event
    async def refresh(self):
        """The IPN may arrive a moment after the customer: the page asks again."""
        self.checks += 1
        self.order_paid = await _order_paid(self, self.result.get("order_code", ""))


class SandboxState(rx.State):
    """The app's own VNPay and MoMo payment pages (only without real keys): the shop service
    checks the signed request and signs the result; this page then calls our IPN, as the
    gateway would, and sends the customer back. Anyone holding a correctly signed payment link
    may play the customer here: that is what a sandbox is. The IPN still checks signature,
    merchant, amount and order state."""

    gateway: str = ""
    _request: dict[str, str] = {}
    info: dict[str, str] = {}
    error: str = ""
    busy: bool = False

    async def _load(self, gateway: str) -> None:
        from aesp_app.services.shop import sandbox

        self.gateway, self._request, self.info, self.error = gateway, {}, {}, ""
        params = {str(k): str(v) for k, v in self.router.url.query_parameters.items()}
        check = sandbox.vnpay_request if gateway == "vnpay" else sandbox.momo_request
        try:
            request = check(params, settings=get_settings())
        except ServiceError as err:
            self.error = (await self.get_state(I18nState))._text(err.message_key, **err.params)
            return
        self._request = request.params
        self.info = {"merchant": request.merchant, "txn_ref": request.txn_ref, "order_info": request.order_info,
                     "amount": format_vnd(request.amount)}

    @rx.event
    async def load_vnpay(self):
        await self._load("vnpay")

    @rx.event
    async def load_momo(self):
        await self._load("momo")

    @rx.event
    async def complete(self, outcome: str):
        import httpx

        from aesp_app.services.shop import sandbox

        settings = get_settings()
        decide = sandbox.vnpay_outcome if self.gateway == "vnpay" else sandbox.momo_outcome
        try:
            if not self._request:
                raise ServiceError(sandbox.ShopError.SANDBOX_INVALID)
            result = decide(self._request, str(outcome), settings=settings)
        except ServiceError as err:
            yield rx.toast.error((await self.get_state(I18nState))._text(err.message_key, **err.params))
            return
        self.busy = True
        yield
        try:
            async with httpx.AsyncClient(timeout=15) as client:
                if result.ipn_method == "GET":
                    await client.get(result.ipn_url, params=result.ipn_query)
                else:
                    await client.post(result.ipn_url, json=result.ipn_json)
        except httpx.HTTPError:
            pass  # as with the real gateways: the return page shows the result; the order waits for an IPN
        self.busy = False
        self._request = {}
        yield rx.redirect(result.return_url)


class MomoReturnState(rx.State):
    """/payment/momo/return: shows MoMo's result; only the IPN confirms the order."""

    result: dict[str, str] = {}
    order_paid: bool = False

    @rx.event
    async def load(self):
        params = {str(k): str(v) for k, v in self.router.url.query_parameters.items()}
        language = (await self.get_state(I18nState)).language
        outcome = payment_service.process_momo_return(params, settings=get_settings(), language=language)
        self.result = _return_view(outcome)
        self.order_paid = await _order_paid(self, outcome.order_code)
