"""The cart (guests by a cookie id, members by account) and checkout."""

from __future__ import annotations

import secrets

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services.errors import ServiceError
from aesp_app.services.money import format_vnd
from aesp_app.services.shop import cart as cart_service
from aesp_app.services.shop import checkout as checkout_service
from aesp_app.services.shop.cart import CartOwner
from aesp_app.states.auth import Viewer, authorize, current_viewer
from aesp_app.states.common import to_int
from aesp_app.states.i18n import I18nState

CART_COOKIE_SECONDS = 30 * 24 * 3600
MEMBERS = (Role.LEARNER, Role.MENTOR, Role.ADMIN)


class CartState(rx.State):
    # A random guest cart id; useless to anyone who cannot guess it (192 bits).
    cart_id: str = rx.Cookie("", name="aesp_cart", max_age=CART_COOKIE_SECONDS, same_site="lax")
    lines: list[dict[str, str]] = []
    total: str = ""
    item_count: int = 0
    has_unavailable: bool = False
    error: str = ""
    busy: bool = False

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    async def _owner(self, *, create: bool = False) -> CartOwner | None:
        viewer = await current_viewer(self)
        if viewer is not None:
            return CartOwner.member(viewer.id)
        if not self.cart_id and create:
            self.cart_id = secrets.token_urlsafe(24)
        return CartOwner.guest(self.cart_id) if self.cart_id else None

    def _fill(self, owner: CartOwner | None) -> None:
        if owner is None:
            self.lines, self.total, self.item_count, self.has_unavailable = [], format_vnd(0), 0, False
            return
        with session_scope() as session:
            view = cart_service.cart_view(session, owner=owner)
        self.lines = [
            {
                "id": str(line.id),
                "title": line.product_title,
                "package": line.package_name,
                "href": f"/shop/{line.product_type}/{line.product_slug}",
                "thumbnail": line.thumbnail or "",
                "quantity": str(line.quantity),
                "unit_price": format_vnd(line.unit_price),
                "original": format_vnd(line.original_unit_price) if line.original_unit_price > line.unit_price else "",
                "line_total": format_vnd(line.line_total),
                "unavailable": "1" if line.unavailable else "",
            }
            for line in view.lines
        ]
        self.total, self.item_count, self.has_unavailable = format_vnd(view.total), view.item_count, view.has_unavailable

    @rx.event
    async def load(self):
        """Anyone: a visitor sees their guest cart, a member their own."""
        self.error = ""
        self._fill(await self._owner())

    @rx.event
    async def add(self, package_id: int, quantity: int = 1):
        owner = await self._owner(create=True)
        try:
            with session_scope() as session:
                cart_service.add_item(session, owner=owner, package_id=to_int(package_id), quantity=to_int(quantity, 1))
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self._fill(owner)
        return rx.toast.success(await self._t("cart.added"))

    @rx.event
    async def set_quantity(self, line_id: int, quantity: int):
        owner = await self._owner()
        if owner is None:
            return rx.toast.error(await self._t("shop.cart_line_not_found"))
        try:
            with session_scope() as session:
                cart_service.set_quantity(session, owner=owner, line_id=to_int(line_id), quantity=to_int(quantity))
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self._fill(owner)

    @rx.event
    async def remove(self, line_id: int):
        owner = await self._owner()
        if owner is None:
            return rx.toast.error(await self._t("shop.cart_line_not_found"))
        try:
            with session_scope() as session:
                cart_service.remove_item(session, owner=owner, line_id=to_int(line_id))
        except ServiceError as err:
            return rx.toast.error(await self._t(err.message_key, **err.params))
        self._fill(owner)

    @rx.event
    async def checkout(self, form: dict):
        viewer = await authorize(self, *MEMBERS, action="checkout")
        if not isinstance(viewer, Viewer):
            return viewer
        self.error = ""
        method = str((form or {}).get("payment_method", "") if isinstance(form, dict) else "")[:20]
        try:
            with session_scope() as session:
                order = checkout_service.checkout(session, user_id=viewer.id, payment_method=method)
                code, paid = order.order_code, order.payment_status == "paid"
        except ServiceError as err:
            self.error = await self._t(err.message_key, **err.params)
            return rx.toast.error(self.error)
        self._fill(CartOwner.member(viewer.id))
        if paid:
            return [rx.toast.success(await self._t("checkout.free_done")), rx.redirect(f"/orders/{code}")]
        return rx.redirect(f"/orders/{code}?pay=1")


async def merge_guest_cart_on_login(state: rx.State, user_id: int) -> None:
    """Called by the login handler: the guest's lines join the member's cart."""
    cart = await state.get_state(CartState)
    if cart.cart_id:
        with session_scope() as session:
            cart_service.merge_guest_cart(session, session_id=cart.cart_id, user_id=user_id)
        cart.cart_id = ""
    cart._fill(CartOwner.member(user_id))

