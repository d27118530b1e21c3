"""Admin: products (status, soft delete, restore)."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, page_header, pager, t
from aesp_app.states.admin_products import AdminProductsState
from aesp_app.states.i18n import I18nState

STATUSES = ["draft", "published", "archived"]


def _row(p: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.cond(p["deleted"] == "", rx.link(p["title"], href=p["href"], weight="medium"), rx.text(p["title"], weight="medium", color_scheme="gray")),
            rx.text(I18nState.tr["ptype." + p["type"].to(str)], " · ", p["slug"], size="1", color_scheme="gray"),
            spacing="0",
        )),
        rx.table.cell(
            rx.cond(
                p["deleted"] != "",
                rx.badge(t("admin_products.deleted"), color_scheme="red"),
                rx.el.select(
                    *[rx.el.option(t(f"pstatus.{s}"), value=s) for s in STATUSES],
                    value=p["status"],
                    on_change=lambda value: AdminProductsState.set_status(p["id"], value),
                    class_name="aesp-select",
                    aria_label="status",
                ),
            )
        ),
        rx.table.cell(p["packages"]),
        rx.table.cell(p["updated"], white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                p["deleted"] != "",
                rx.button(t("admin_products.restore"), size="1", variant="soft", color_scheme="green", on_click=AdminProductsState.restore(p["id"]), class_name="restore-product"),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(rx.button(t("admin_products.delete"), size="1", variant="soft", color_scheme="red", class_name="delete-product")),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title(t("admin_products.delete_title")),
                        rx.alert_dialog.description(t("admin_products.delete_body")),
                        rx.hstack(
                            rx.alert_dialog.cancel(rx.button(t("form.cancel"), variant="soft")),
                            rx.alert_dialog.action(rx.button(t("admin_products.delete"), color_scheme="red", on_click=AdminProductsState.delete(p["id"]))),
                            justify="end",
                            spacing="3",
                        ),
                    ),
                ),
            )
        ),
    )


@app_page("/admin/products", "admin_products.title", guard="admin", on_load=[AdminProductsState.load])
def admin_products_page() -> rx.Component:
    return rx.vstack(
        page_header("admin_products.title", "admin_products.subtitle"),
        rx.form(
            rx.hstack(
                rx.input(name="search", placeholder=t("admin_products.search"), max_length=100, size="3", flex="1", min_width="12em"),
                rx.box(rx.el.select(rx.el.option(t("admin_products.any_status"), value=""), *[rx.el.option(t(f"pstatus.{s}"), value=s) for s in STATUSES], name="status", class_name="aesp-select"), width="10em"),
                rx.box(rx.el.select(rx.el.option(t("admin_products.show_active"), value="active"), rx.el.option(t("admin_products.show_deleted"), value="deleted"),
                                    rx.el.option(t("admin_products.show_all"), value="all"), name="show", class_name="aesp-select", id="show-products"), width="10em"),
                rx.button(rx.icon("search"), type="submit", size="3", aria_label="search"),
                width="100%",
                wrap="wrap",
            ),
            on_submit=AdminProductsState.filter,
            reset_on_submit=False,
            width="100%",
        ),
        card(
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(t("admin_products.col_product")),
                        rx.table.column_header_cell(t("admin_products.col_status")),
                        rx.table.column_header_cell(t("admin_products.col_packages")),
                        rx.table.column_header_cell(t("admin_products.col_updated")),
                        rx.table.column_header_cell(""),
                    )),
                    rx.table.body(rx.foreach(AdminProductsState.products, _row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            pager(
                AdminProductsState.page.to_string() + " / " + AdminProductsState.pages.to_string(),
                on_prev=AdminProductsState.go_to_page(AdminProductsState.page - 1), on_next=AdminProductsState.go_to_page(AdminProductsState.page + 1),
                has_prev=AdminProductsState.page > 1, has_next=AdminProductsState.page < AdminProductsState.pages,
            ),
        ),
        width="100%",
        spacing="4",
    )
