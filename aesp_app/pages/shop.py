"""The shop: listing with filters and the product page."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, pager, t
from aesp_app.models.catalog import ProductLabel, ProductType
from aesp_app.services.catalog.listing import SortOrder
from aesp_app.states.cart import CartState
from aesp_app.states.i18n import I18nState
from aesp_app.states.shop import ProductState, ShopState

TYPES = [p.value for p in ProductType]
LABELS = [label.value for label in ProductLabel]
SORTS = [s.value for s in SortOrder]


def _tr(prefix: str, value: rx.Var) -> rx.Var:
    return I18nState.tr[prefix + value.to(str)]


def _select(name: str, options: list[rx.Component], value: rx.Var) -> rx.Component:
    return rx.el.select(*options, name=name, id=f"filter-{name}", default_value=value, class_name="aesp-select")


def _filters() -> rx.Component:
    f = ShopState.filters
    return rx.form(
        rx.vstack(
            rx.input(name="q", placeholder=t("shop.search"), default_value=f["q"], max_length=100, width="100%", size="3", id="filter-q"),
            _select("type", [rx.el.option(t("shop.all_types"), value=""), *[rx.el.option(t(f"ptype.{v}"), value=v) for v in TYPES]], f["type"]),
            rx.el.select(
                rx.el.option(t("shop.all_categories"), value=""),
                rx.foreach(ShopState.categories, lambda c: rx.el.option(c["name"], value=c["slug"])),
                name="category", id="filter-category", default_value=f["category"], class_name="aesp-select",
            ),
            _select("label", [rx.el.option(t("shop.all_labels"), value=""), *[rx.el.option(t(f"plabel.{v}"), value=v) for v in LABELS]], f["label"]),
            rx.hstack(
                rx.input(name="min_price", type="number", min="0", step="1000", placeholder=t("shop.min_price"), default_value=f["min_price"], width="100%"),
                rx.input(name="max_price", type="number", min="0", step="1000", placeholder=t("shop.max_price"), default_value=f["max_price"], width="100%"),
                width="100%",
            ),
            _select("sort", [rx.el.option(t(f"sort.{v}"), value=v) for v in SORTS], f["sort"]),
            rx.button(t("shop.apply"), type="submit", width="100%", id="filter-apply"),
            rx.link(t("shop.clear"), href="/shop", size="2"),
            spacing="3",
            width="100%",
        ),
        on_submit=ShopState.apply_filters,
        reset_on_submit=False,
        key=ShopState.filters.to_string(),
        width="100%",
    )


def _product_card(p: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.badge(_tr("ptype.", p["type"]), color_scheme="indigo", variant="soft"),
                    rx.cond(p["label"] != "", rx.badge(_tr("plabel.", p["label"]), color_scheme="orange")),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.heading(p["title"], size="4", class_name="product-title"),
                rx.text(p["summary"], size="2", color_scheme="gray", class_name="line-clamp-3"),
                rx.spacer(),
                rx.hstack(
                    rx.cond(p["free"] != "", rx.text(t("shop.free"), weight="bold", color=rx.color("green", 10)),
                            rx.text(t("shop.from"), " ", rx.text.strong(p["price"]))),
                    rx.cond(p["original"] != "", rx.text(p["original"], size="1", color_scheme="gray", text_decoration="line-through")),
                    rx.spacer(),
                    rx.cond(p["rating"] != "", rx.hstack(rx.icon("star", size=14, color=rx.color("amber", 9)), rx.text(p["rating"], size="1"), spacing="1", align="center")),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                spacing="2",
                height="100%",
                align="start",
            ),
            height="100%",
            class_name="product-card",
        ),
        href=p["href"],
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


@app_page("/shop", "shop.title", on_load=[ShopState.load])
def shop_page() -> rx.Component:
    return rx.vstack(
        rx.heading(t("shop.title"), size="7", as_="h1"),
        rx.text(t("shop.subtitle"), color_scheme="gray"),
        rx.grid(
            rx.box(card(_filters())),
            rx.vstack(
                rx.text(t("shop.results").replace("{count}", ShopState.total.to_string()), size="2", color_scheme="gray", id="shop-count"),
                rx.cond(
                    ShopState.products.length() == 0,
                    card(rx.text(t("shop.no_results"))),
                    rx.grid(rx.foreach(ShopState.products, _product_card), columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%"),
                ),
                pager(
                    ShopState.page.to_string() + " / " + ShopState.pages.to_string(),
                    on_prev=ShopState.go_to_page(ShopState.page - 1), on_next=ShopState.go_to_page(ShopState.page + 1),
                    has_prev=ShopState.page > 1, has_next=ShopState.page < ShopState.pages,
                ),
                width="100%",
                spacing="3",
            ),
            columns=rx.breakpoints(initial="1", md="260px 1fr"),
            spacing="5",
            width="100%",
            margin_top="1em",
        ),
        width="100%",
    )


def _package(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(p["name"], size="4"),
            rx.cond(p["group"] != "", rx.badge(p["group"], variant="soft")),
            rx.cond(p["description"] != "", rx.text(p["description"], size="2", color_scheme="gray")),
            rx.cond(p["features"] != "", rx.text(p["features"], size="2")),
            rx.hstack(
                rx.cond(p["free"] != "", rx.heading(t("shop.free"), size="5", color=rx.color("green", 10)), rx.heading(p["price"], size="5")),
                rx.cond(p["original"] != "", rx.text(p["original"], color_scheme="gray", text_decoration="line-through")),
                align="baseline",
                spacing="2",
                wrap="wrap",
            ),
            rx.button(rx.icon("shopping-cart", size=16), t("shop.add_to_cart"), on_click=CartState.add(p["id"], 1), width="100%", class_name="add-to-cart"),
            spacing="2",
            align="start",
            height="100%",
        ),
        class_name="package-card",
    )


def _links(title_key: str, items: rx.Var) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        card(
            rx.heading(t(title_key), size="4"),
            rx.foreach(
                items,
                lambda r: rx.hstack(
                    rx.cond(r["href"] != "", rx.link(r["title"], href=r["href"]), rx.text(r["title"])),
                    rx.cond(r["owned"] != "", rx.badge(t("shop.owned"), color_scheme="green")),
                    spacing="2",
                    align="center",
                ),
            ),
        ),
    )


@app_page("/shop/[type]/[slug]", "shop.title", on_load=[ProductState.load])
def product_page() -> rx.Component:
    p = ProductState.product
    fact = lambda key, value: rx.cond(value != "", rx.hstack(rx.text(t(key), color_scheme="gray", size="2"), rx.text(value, size="2", weight="medium"), spacing="2"))  # noqa: E731
    return rx.cond(
        ProductState.not_found,
        card(rx.heading(t("shop.not_found"), size="5"), rx.link(t("cart.browse"), href="/shop")),
        rx.vstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=16), t("shop.back"), align="center", spacing="1"), href="/shop", size="2"),
            rx.hstack(rx.badge(_tr("ptype.", p["type"]), variant="soft"), rx.cond(p["label"] != "", rx.badge(_tr("plabel.", p["label"]), color_scheme="orange")), rx.text(p["category"], size="2", color_scheme="gray")),
            rx.heading(p["title"], size="8", as_="h1", id="product-title"),
            rx.text(p["summary"], size="4", color_scheme="gray"),
            rx.hstack(
                rx.cond(p["rating"] != "", rx.hstack(rx.icon("star", size=16, color=rx.color("amber", 9)), rx.text(p["rating"], " (", p["rating_cnt"], ")"), align="center", spacing="1")),
                rx.cond(p["enrolled"] != "0", rx.text(t("shop.enrolled").replace("{count}", p["enrolled"]), size="2")),
                spacing="4",
            ),
            rx.cond(p["missing"] != "", rx.callout(t("shop.needs_prerequisites").replace("{items}", p["missing"]), color_scheme="orange", icon="info")),
            rx.grid(rx.foreach(ProductState.packages, _package), columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%", id="packages"),
            card(
                fact("shop.duration", p["duration"]), fact("shop.audience", p["audience"]),
                fact("shop.format", rx.cond(p["format"] != "", _tr("format.", p["format"]), "")),
                fact("shop.questions", p["questions"]), fact("shop.age_range", p["age_range"]), fact("shop.report_pages", p["report_pages"]),
                fact("shop.difficulty", rx.cond(p["difficulty"] != "", _tr("cdifficulty.", p["difficulty"]), "")), fact("shop.instructor", p["instructor"]), fact("shop.requirements", p["requirements"]),
                rx.cond(p["description"] != "", rx.text(p["description"], white_space="pre-line")),
            ),
            rx.cond(ProductState.outcomes.length() > 0, card(rx.heading(t("shop.outcomes"), size="4"), rx.unordered_list(rx.foreach(ProductState.outcomes, rx.list_item)))),
            rx.cond(ProductState.curriculum.length() > 0, card(rx.heading(t("shop.curriculum"), size="4"), rx.ordered_list(rx.foreach(ProductState.curriculum, rx.list_item)))),
            _links("shop.includes", ProductState.parts),
            _links("shop.prerequisites", ProductState.prerequisites),
            _links("shop.related", ProductState.related),
            spacing="4",
            width="100%",
        ),
    )
