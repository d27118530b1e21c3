"""A member's orders, payments and purchased packages (access codes)."""

from __future__ import annotations

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.integrations.payments import get_gateway
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
        self.result = {
            "valid": "1" if outcome.valid else "",
            "success": "1" if outcome.success else "",
            "cancelled": "1" if outcome.cancelled else "",
            "order_code": outcome.order_code,
            "amount": format_vnd(outcome.amount) if outcome.amount is not None else "",
            "message": outcome.message,
        }
        self.checks = 0
        await self._check_order()

    async def _check_order(self) -> None:
        from aesp_app.states.auth import current_viewer

        viewer = await current_viewer(self)
        self.order_paid = False
        if viewer is None or not self.result.get("order_code"):
            return
        try:
            with session_scope() as session:
                detail = order_service.get_order_by_code(session, order_code=self.result["order_code"], user_id=viewer.id)
                self.order_paid = detail.order.payment_status == "paid"
        except ServiceError:
            self.order_paid = False

    @rx.event
    async def refresh(self):
        """The IPN may arrive a moment after the customer: the page asks again a few times."""
        self.checks += 1
        await self._check_order()


class VnpaySandboxState(rx.State):
    """The app's own VNPay sandbox page (only when no real VNPay keys are configured): it checks
    the signed payment URL like VNPay does, then calls our IPN and the return URL, signed with
    the sandbox secret."""

    _request: dict[str, str] = {}
    info: dict[str, str] = {}
    error: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        from aesp_app.integrations.payments import vnpay_is_sandbox

        settings = get_settings()
        self._request, self.info, self.error = {}, {}, ""
        i18n = await self.get_state(I18nState)
        if not vnpay_is_sandbox(settings):
            self.error = i18n._text("sandbox.disabled")
            return
        params = {str(k): str(v) for k, v in self.router.url.query_parameters.items()}
        gateway = get_gateway("vnpay", settings)
        problem = gateway.check_payment_request(params)
        if problem.value != "none":
            self.error = i18n._text("sandbox.invalid_request")
            return
        self._request = params
        amount = int(params["vnp_Amount"]) // 100
        self.info = {
            "merchant": params.get("vnp_TmnCode", ""),
            "txn_ref": params.get("vnp_TxnRef", ""),
            "order_info": params.get("vnp_OrderInfo", ""),
            "amount": format_vnd(amount),
        }

    @rx.event
    async def complete(self, outcome: str):
        """Anyone holding a correctly signed payment URL may play the customer here: that is
        what a sandbox is. The IPN still checks signature, merchant, amount and order state."""
        import datetime as dt
        import secrets
        import urllib.parse

        import httpx

        from aesp_app.integrations.payments import vnpay_is_sandbox
        from aesp_app.integrations.payments.vnpay import callback_params
        from aesp_app.services.clock import utcnow

        settings = get_settings()
        if not self._request or not vnpay_is_sandbox(settings) or outcome not in {"pay", "cancel"}:
            yield rx.toast.error((await self.get_state(I18nState))._text("sandbox.invalid_request"))
            return
        gateway = get_gateway("vnpay", settings)
        pay_date = (utcnow() + dt.timedelta(hours=7)).strftime("%Y%m%d%H%M%S")
        params = callback_params(
            self._request, gateway.hash_secret, response_code="00" if outcome == "pay" else "24",
            transaction_no=str(secrets.randbelow(90_000_000) + 10_000_000), pay_date=pay_date,
        )
        query = urllib.parse.urlencode(params)
        self.busy = True
        yield
        try:
            async with httpx.AsyncClient(timeout=15) as client:
                await client.get(f"{settings.public_base_url}/payment/vnpay/ipn?{query}")
        except httpx.HTTPError:
            pass  # as with VNPay: the return page shows the result; the order waits for an IPN
        self.busy = False
        return_url = self._request.get("vnp_ReturnUrl", "/")
        self._request = {}
        yield rx.redirect(f"{return_url}{'&' if '?' in return_url else '?'}{query}")


class MomoSandboxState(rx.State):
    """The app's own MoMo test page (only without real MoMo keys): it checks the signed create
    request like MoMo, then posts a signed result to our IPN and sends the customer back."""

    _request: dict[str, str] = {}
    info: dict[str, str] = {}
    error: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        from aesp_app.integrations.payments import momo_is_sandbox
        from aesp_app.integrations.payments.momo import verify_create_signature

        settings = get_settings()
        self._request, self.info, self.error = {}, {}, ""
        i18n = await self.get_state(I18nState)
        if not momo_is_sandbox(settings):
            self.error = i18n._text("sandbox.disabled")
            return
        params = {str(k): str(v) for k, v in self.router.url.query_parameters.items()}
        gateway = get_gateway("momo", settings)
        amount = params.get("amount", "")
        if not amount.isdigit() or not verify_create_signature({**params, "amount": int(amount)}, gateway.access_key, gateway.secret_key):
            self.error = i18n._text("sandbox.invalid_request")
            return
        self._request = params
        self.info = {"merchant": params.get("partnerCode", ""), "txn_ref": params.get("orderId", ""),
                     "order_info": params.get("orderInfo", ""), "amount": format_vnd(int(amount))}

    @rx.event
    async def complete(self, outcome: str):
        """Like the VNPay sandbox: anyone holding the signed request may play the customer; the
        IPN still checks signature, partner, amount and order state."""
        import time
        import urllib.parse

        import httpx

        from aesp_app.integrations.payments import momo_is_sandbox
        from aesp_app.integrations.payments.momo import result_params

        settings = get_settings()
        if not self._request or not momo_is_sandbox(settings) or outcome not in {"pay", "cancel"}:
            yield rx.toast.error((await self.get_state(I18nState))._text("sandbox.invalid_request"))
            return
        gateway = get_gateway("momo", settings)
        create = {**self._request, "amount": int(self._request["amount"])}
        payload = result_params(create, gateway.access_key, gateway.secret_key, result_code=0 if outcome == "pay" else 1006,
                                trans_id=int(time.time() * 1000) % 10**10, response_time_ms=int(time.time() * 1000))
        self.busy = True
        yield
        try:
            async with httpx.AsyncClient(timeout=15) as client:
                await client.post(self._request.get("ipnUrl") or f"{settings.public_base_url}/payment/momo/ipn", json=payload)
        except httpx.HTTPError:
            pass  # as with MoMo: the order waits for a later IPN
        self.busy = False
        return_url = self._request.get("redirectUrl", "/")
        self._request = {}
        query = urllib.parse.urlencode({k: str(v) for k, v in payload.items()})
        yield rx.redirect(f"{return_url}{'&' if '?' in return_url else '?'}{query}")


class MomoReturnState(rx.State):
    """/payment/momo/return: shows MoMo's result; only the IPN confirms the order."""

    result: dict[str, str] = {}
    order_paid: bool = False

    @rx.event
    async def load(self):
        from aesp_app.integrations.payments.momo import describe_result_code
        from aesp_app.states.auth import current_viewer

        params = {str(k): str(v) for k, v in self.router.url.query_parameters.items()}
        language = (await self.get_state(I18nState)).language
        check = get_gateway("momo", get_settings()).verify_callback(params)
        order_code = check.txn_ref.rsplit("-", 1)[0] if check.valid else ""
        self.result = {
            "valid": "1" if check.valid else "", "success": "1" if check.valid and check.success else "",
            "cancelled": "1" if check.valid and check.cancelled else "", "order_code": order_code,
            "amount": format_vnd(check.amount) if check.valid and check.amount is not None else "",
            "message": describe_result_code(check.response_code if check.valid else "99", language),
        }
        self.order_paid = False
        viewer = await current_viewer(self)
        if viewer is not None and order_code:
            try:
                with session_scope() as session:
                    detail = order_service.get_order_by_code(session, order_code=order_code, user_id=viewer.id)
                    self.order_paid = detail.order.payment_status == "paid"
            except ServiceError:
                self.order_paid = False
