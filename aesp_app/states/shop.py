"""The shop's listing and product pages (visitors and members alike)."""

from __future__ import annotations

import math
import urllib.parse

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.services.catalog import detail as detail_service
from aesp_app.services.catalog import listing
from aesp_app.services.errors import ServiceError
from aesp_app.services.money import format_vnd
from aesp_app.states.auth import current_viewer
from aesp_app.states.common import route_param, to_int
from aesp_app.states.i18n import I18nState

FILTER_KEYS = ("type", "category", "label", "min_price", "max_price", "q", "sort", "page")


def _price(value) -> str:  # noqa: ANN001
    return format_vnd(value) if value is not None else ""


class ShopState(rx.State):
    products: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    filters: dict[str, str] = {}
    categories: list[dict[str, str]] = []
    error: str = ""

    def _query(self) -> listing.ProductQuery:
        f = self.filters
        return listing.ProductQuery(
            type=f.get("type") or None,
            category=f.get("category") or None,
            label=f.get("label") or None,
            min_price=to_int(f.get("min_price"), None) if f.get("min_price") else None,
            max_price=to_int(f.get("max_price"), None) if f.get("max_price") else None,
            search=f.get("q") or None,
            sort=f.get("sort") or listing.SortOrder.RELEVANCE.value,
            page=max(1, min(to_int(f.get("page"), 1), 10_000)),
        )

    async def _search(self) -> None:
        self.error = ""
        try:
            with session_scope() as session:
                result = listing.list_products(session, query=self._query())
                if not self.categories:
                    self.categories = [{"slug": c.slug, "name": c.name, "count": str(c.count)} for c in listing.facets(session).categories]
        except ServiceError as err:
            self.error = (await self.get_state(I18nState))._text(err.message_key, **err.params)
            self.products, self.total, self.pages = [], 0, 1
            return
        self.products = [
            {
                "href": f"/shop/{c.type}/{c.slug}",
                "type": c.type,
                "title": c.title,
                "summary": c.short_description or "",
                "thumbnail": c.thumbnail or "",
                "label": c.label or "",
                "category": c.category_name or "",
                "price": _price(c.min_price),
                "original": _price(c.original_price) if c.original_price and c.min_price is not None and c.original_price > c.min_price else "",
                "free": "1" if c.is_free else "",
                "rating": f"{c.rating_avg:.1f}" if c.rating_cnt else "",
                "rating_cnt": str(c.rating_cnt),
                "packages": str(c.package_count),
            }
            for c in result.items
        ]
        self.total, self.page = result.total, result.page
        self.pages = max(1, math.ceil(result.total / result.page_size))

    @rx.event
    async def load(self):
        """Anyone: filters come from the URL, so a search can be shared and bookmarked."""
        params = self.router.url.query_parameters
        self.filters = {k: str(params.get(k, ""))[:100] for k in FILTER_KEYS if params.get(k)}
        await self._search()

    def _url(self) -> str:
        query = {k: v for k, v in self.filters.items() if v}
        return "/shop" + ("?" + urllib.parse.urlencode(query) if query else "")

    @rx.event
    async def apply_filters(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.filters = {k: str(form.get(k, "") or "").strip()[:100] for k in FILTER_KEYS if k != "page" and form.get(k)}
        return rx.redirect(self._url())

    @rx.event
    async def go_to_page(self, page: int):
        self.filters = {**self.filters, "page": str(max(1, min(to_int(page, 1), self.pages)))}
        return rx.redirect(self._url())


class ProductState(rx.State):
    product: dict[str, str] = {}
    packages: list[dict[str, str]] = []
    related: list[dict[str, str]] = []
    prerequisites: list[dict[str, str]] = []
    parts: list[dict[str, str]] = []
    outcomes: list[str] = []
    curriculum: list[str] = []
    not_found: bool = False

    @staticmethod
    def _link(link) -> dict[str, str]:  # noqa: ANN001
        return {
            "title": link.title,
            "href": f"/shop/{link.type}/{link.slug}" if link.available else "",
            "owned": "1" if link.owned else "",
            "thumbnail": link.thumbnail or "",
            "type": link.type,
        }

    @rx.event
    async def load(self):
        """Anyone: a published product; draft, archived and deleted ones are not found."""
        viewer = await current_viewer(self)
        kind, slug = route_param(self, "type", 30), route_param(self, "slug", 255)
        with session_scope() as session:
            d = detail_service.product_detail(session, type=kind, slug=slug, viewer_id=viewer.id if viewer else None)
        self.not_found = d is None
        if d is None:
            self.product, self.packages, self.related, self.prerequisites, self.parts = {}, [], [], [], []
            return
        self.product = {
            "id": str(d.id), "type": d.type, "title": d.title, "summary": d.short_description or "",
            "description": d.description or "", "thumbnail": d.thumbnail or "", "label": d.label or "",
            "category": d.category_name or "", "duration": d.duration or "", "audience": d.target_audience or "",
            "instructor": d.instructor_info or "", "format": d.teaching_format or "",
            "questions": str(d.question_count or ""), "age_range": d.age_range or "", "report_pages": d.report_pages or "",
            "rating": f"{d.rating_avg:.1f}" if d.rating_cnt else "", "rating_cnt": str(d.rating_cnt),
            "enrolled": str(d.enrollment_cnt), "requirements": (d.course.requirements if d.course else "") or "",
            "difficulty": (d.course.difficulty if d.course else "") or "",
            "missing": ", ".join(p.title for p in d.missing_prerequisites),
        }
        self.packages = [
            {
                "id": str(p.id), "name": p.name, "description": p.description or "",
                "price": format_vnd(p.price), "original": format_vnd(p.original_price) if p.original_price > p.price else "",
                "free": "1" if p.is_free else "", "group": p.group_size or "", "features": " · ".join(p.features),
            }
            for p in d.packages
        ]
        self.outcomes = [line.strip("-• ").strip() for line in (d.learning_outcomes or "").splitlines() if line.strip()]
        self.curriculum = [line.strip("-• ").strip() for line in (d.curriculum or "").splitlines() if line.strip()]
        self.related = [self._link(r) for r in d.related]
        self.prerequisites = [self._link(r) for r in d.prerequisites]
        parts = (d.specialization.courses if d.specialization else ()) + (d.bundle.items if d.bundle else ())
        self.parts = [self._link(r) for r in parts]
