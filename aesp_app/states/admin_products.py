"""Admin: the catalogue's products — status (draft, published, archived), soft delete, restore."""

from __future__ import annotations

import math

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services.catalog import admin as catalog_admin
from aesp_app.services.clock import format_local
from aesp_app.services.errors import ServiceError
from aesp_app.states.auth import Viewer, authorize
from aesp_app.states.common import to_int
from aesp_app.states.i18n import I18nState


class AdminProductsState(rx.State):
    products: list[dict[str, str]] = []
    search: str = ""
    status: str = ""
    show: str = "active"  # active | deleted | all
    page: int = 1
    pages: int = 1

    def _load(self, viewer: Viewer) -> None:
        with session_scope() as session:
            result = catalog_admin.list_products_admin(
                session, include_deleted=self.show == "all", only_deleted=self.show == "deleted",
                status=self.status or None, search=self.search or None, page=self.page,
            )
        self.pages = max(1, math.ceil(result.total / result.page_size))
        self.products = [
            {"id": str(r.id), "type": r.type, "slug": r.slug, "title": r.title, "status": r.status,
             "deleted": "1" if r.deleted else "", "packages": str(r.package_count),
             "updated": format_local(r.updated_at, viewer.timezone), "href": f"/shop/{r.type}/{r.slug}"}
            for r in result.items
        ]

    @rx.event
    async def load(self):
        viewer = await authorize(self, Role.ADMIN, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        self._load(viewer)

    @rx.event
    async def filter(self, form: dict):
        viewer = await authorize(self, Role.ADMIN, action="filter")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        status = str(form.get("status", "") or "")
        show = str(form.get("show", "") or "active")
        self.search = str(form.get("search", "") or "")[:100]
        self.status = status if status in {"draft", "published", "archived"} else ""
        self.show = show if show in {"active", "deleted", "all"} else "active"
        self.page = 1
        self._load(viewer)

    @rx.event
    async def go_to_page(self, page: int):
        viewer = await authorize(self, Role.ADMIN, action="go_to_page")
        if not isinstance(viewer, Viewer):
            return viewer
        self.page = max(1, min(to_int(page, 1), self.pages))
        self._load(viewer)

    async def _act(self, action: str, run) -> list | None:  # noqa: ANN001
        viewer = await authorize(self, Role.ADMIN, action=action)
        if not isinstance(viewer, Viewer):
            return viewer
        i18n = await self.get_state(I18nState)
        try:
            with session_scope() as session:
                product = run(session)
                title = product.title
        except ServiceError as err:
            return [rx.toast.error(i18n._text(err.message_key, **err.params))]
        self._load(viewer)
        return [rx.toast.success(i18n._text(f"admin_products.done_{action}", title=title))]

    @rx.event
    async def set_status(self, product_id: int, status: str):
        return await self._act("set_status", lambda s: catalog_admin.set_status(s, product_id=to_int(product_id), status=str(status)))

    @rx.event
    async def delete(self, product_id: int):
        return await self._act("delete", lambda s: catalog_admin.soft_delete(s, product_id=to_int(product_id)))

    @rx.event
    async def restore(self, product_id: int):
        def run(session):  # noqa: ANN001, ANN202
            product = catalog_admin.get_product(session, to_int(product_id), allow_deleted=True)
            return catalog_admin.restore(session, slug=product.slug, type=product.type)

        return await self._act("restore", run)
