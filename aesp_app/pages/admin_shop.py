"""Admin: orders (/admin/orders) and consultation follow-up (/admin/consultations)."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, page_header, pager, t
from aesp_app.models.commerce import OrderStatus, PaymentMethod, PaymentStatus, SupportStatus
from aesp_app.states.admin_shop import AdminShopState
from aesp_app.states.i18n import I18nState

ORDER_STATUSES = [s.value for s in OrderStatus]
PAYMENT_STATUSES = [s.value for s in PaymentStatus]
PAYMENT_METHODS = [m.value for m in PaymentMethod]
SUPPORT_STATUSES = [s.value for s in SupportStatus]
PAY_COLORS = {"paid": "green", "pending": "orange", "failed": "red"}
ORDER_COLORS = {"completed": "green", "pending": "orange", "cancelled": "gray"}


def _badge(prefix: str, value: rx.Var, colors: dict[str, str]) -> rx.Component:
    return rx.badge(I18nState.tr[prefix + value.to(str)], color_scheme=rx.match(value, *colors.items(), "gray"))


def _filter_select(name: str, all_key: str, values: list[str], prefix: str, current: rx.Var) -> rx.Component:
    return rx.box(
        rx.el.select(
            rx.el.option(t(all_key), value=""),
            *[rx.el.option(t(prefix + v), value=v) for v in values],
            name=name,
            default_value=current,
            class_name="aesp-select",
            aria_label=name,
        ),
        min_width="12.5em",
        flex="1",
    )


def _order_actions(o: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            o["can_mark_paid"] != "",
            rx.button(t("admin_shop.mark_paid"), size="1", color_scheme="green", on_click=AdminShopState.ask(o["id"], "paid"), class_name="order-mark-paid"),
        ),
        rx.cond(
            o["can_refund"] != "",
            rx.button(t("admin_shop.refund"), size="1", variant="soft", color_scheme="orange", on_click=AdminShopState.ask(o["id"], "refund"), class_name="order-refund"),
        ),
        rx.cond(
            o["can_cancel"] != "",
            rx.button(t("admin_shop.cancel"), size="1", variant="soft", color_scheme="red", on_click=AdminShopState.ask(o["id"], "cancel"), class_name="order-cancel"),
        ),
        spacing="2",
        wrap="wrap",
    )


def _order_row(o: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.code(o["code"]), rx.text(o["created"], size="1", color_scheme="gray"), spacing="1")),
        rx.table.cell(rx.vstack(rx.text(o["customer"], weight="medium"), rx.text(o["email"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.text(o["total"], weight="bold"), white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                _badge("paystatus.", o["payment_status"], PAY_COLORS),
                rx.cond(o["method"] != "", rx.text(I18nState.tr["paymethod." + o["method"].to(str)], size="1", color_scheme="gray")),
                rx.cond(o["reference"] != "", rx.text(o["reference"], size="1", color_scheme="gray")),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.vstack(
                _badge("orderstatus.", o["status"], ORDER_COLORS),
                rx.cond(o["refunded"] != "", rx.badge(t("admin_shop.refunded_badge"), color_scheme="orange", variant="outline")),
                spacing="1",
            )
        ),
        rx.table.cell(_order_actions(o)),
    )


def _order_card(o: rx.Var) -> rx.Component:
    """The phone layout of an order row."""
    return rx.card(
        rx.vstack(
            rx.hstack(rx.code(o["code"]), rx.spacer(), rx.text(o["total"], weight="bold"), width="100%", align="center"),
            rx.text(o["customer"], " · ", o["email"], size="2"),
            rx.text(o["created"], size="1", color_scheme="gray"),
            rx.hstack(
                _badge("paystatus.", o["payment_status"], PAY_COLORS),
                _badge("orderstatus.", o["status"], ORDER_COLORS),
                rx.cond(o["method"] != "", rx.text(I18nState.tr["paymethod." + o["method"].to(str)], size="1", color_scheme="gray")),
                rx.cond(o["refunded"] != "", rx.badge(t("admin_shop.refunded_badge"), color_scheme="orange", variant="outline")),
                wrap="wrap",
                align="center",
            ),
            rx.cond(o["reference"] != "", rx.text(o["reference"], size="1", color_scheme="gray")),
            _order_actions(o),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _confirm_dialog() -> rx.Component:
    action = AdminShopState.dialog_action
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.match(action, ("paid", t("admin_shop.confirm_paid_title")), ("refund", t("admin_shop.confirm_refund_title")), t("admin_shop.confirm_cancel_title")),
                " ",
                AdminShopState.dialog_order_code,
            ),
            rx.alert_dialog.description(
                rx.match(action, ("paid", t("admin_shop.confirm_paid_body")), ("refund", t("admin_shop.confirm_refund_body")), t("admin_shop.confirm_cancel_body")),
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.el.label(rx.cond(action == "paid", t("admin_shop.reference"), t("admin_shop.reason")), html_for="dialog-text",
                                style={"fontWeight": "500", "fontSize": "0.95em"}),
                    rx.input(name="text", id="dialog-text", max_length=rx.cond(action == "paid", 100, 500), width="100%", size="3",
                             placeholder=rx.cond(action == "paid", t("admin_shop.reference_hint"), t("admin_shop.reason_hint"))),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(t("admin_shop.keep"), variant="soft", color_scheme="gray", type="button", on_click=AdminShopState.close_dialog)),
                        rx.button(
                            rx.match(action, ("paid", t("admin_shop.mark_paid")), ("refund", t("admin_shop.refund")), t("admin_shop.cancel")),
                            type="submit",
                            color_scheme=rx.match(action, ("paid", "green"), ("refund", "orange"), "red"),
                            id="dialog-confirm",
                        ),
                        justify="end",
                        width="100%",
                        spacing="3",
                    ),
                    spacing="3",
                    width="100%",
                    margin_top="1em",
                ),
                on_submit=AdminShopState.confirm,
                reset_on_submit=True,
            ),
            max_width="480px",
        ),
        open=action != "",
    )


@app_page("/admin/orders", "admin_shop.orders_title", guard="admin", on_load=[AdminShopState.load_orders])
def admin_orders_page() -> rx.Component:
    return rx.vstack(
        page_header("admin_shop.orders_title", "admin_shop.orders_subtitle"),
        rx.form(
            rx.flex(
                rx.input(name="search", placeholder=t("admin_shop.search"), max_length=100, size="3", flex="2", min_width="14em",
                         default_value=AdminShopState.order_search, id="order-search"),
                _filter_select("status", "admin_shop.all_statuses", ORDER_STATUSES, "orderstatus.", AdminShopState.order_status),
                _filter_select("payment_status", "admin_shop.all_payments", PAYMENT_STATUSES, "paystatus.", AdminShopState.order_payment_status),
                _filter_select("method", "admin_shop.all_methods", PAYMENT_METHODS, "paymethod.", AdminShopState.order_method),
                rx.button(rx.icon("search"), t("admin_shop.filter"), type="submit", size="3"),
                width="100%",
                wrap="wrap",
                spacing="3",
                align="center",
            ),
            on_submit=AdminShopState.filter_orders,
            reset_on_submit=False,
            width="100%",
        ),
        rx.mobile_only(rx.vstack(rx.foreach(AdminShopState.orders, _order_card), spacing="3", width="100%"), width="100%"),
        card(
            rx.tablet_and_desktop(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("admin_shop.col_order")),
                            rx.table.column_header_cell(t("admin_shop.col_customer")),
                            rx.table.column_header_cell(t("admin_shop.col_total")),
                            rx.table.column_header_cell(t("admin_shop.col_payment")),
                            rx.table.column_header_cell(t("admin_shop.col_status")),
                            rx.table.column_header_cell(t("admin_shop.col_actions")),
                        )
                    ),
                    rx.table.body(rx.foreach(AdminShopState.orders, _order_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(AdminShopState.orders.length() == 0, rx.text(t("admin_shop.orders_empty"), color_scheme="gray")),
            pager(
                t("common.page").replace("{page}", (AdminShopState.order_page + 1).to_string()),
                on_prev=AdminShopState.orders_page(-1), on_next=AdminShopState.orders_page(1),
                has_prev=AdminShopState.order_page > 0, has_next=AdminShopState.orders_more,
            ),
        ),
        _confirm_dialog(),
        width="100%",
        spacing="4",
    )


def _support_form(c: rx.Var) -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.input(type="hidden", name="purchased_id", value=c["id"]),
            rx.box(
                rx.el.select(
                    *[rx.el.option(t(f"support.{s}"), value=s) for s in SUPPORT_STATUSES],
                    name="support_status",
                    default_value=c["support"],
                    class_name="aesp-select",
                    aria_label=t("admin_shop.col_support"),
                ),
                min_width="10em",
            ),
            rx.input(type="datetime-local", name="scheduled_at", default_value=c["scheduled_input"], size="2",
                     aria_label=t("admin_shop.scheduled_at"), min_width="13em"),
            rx.button(t("admin_shop.save"), type="submit", size="2", class_name="support-save"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        on_submit=AdminShopState.set_support,
        reset_on_submit=False,
        key=c["key"],
    )


def _consultation_card(c: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(c["customer"], weight="bold"),
                    rx.text(c["email"], size="1", color_scheme="gray"),
                    rx.cond(c["phone"] != "", rx.text(c["phone"], size="1", color_scheme="gray")),
                    spacing="0",
                ),
                rx.spacer(),
                rx.vstack(
                    rx.badge(I18nState.tr["support." + c["support"].to(str)],
                             color_scheme=rx.match(c["support"], ("scheduled", "blue"), ("resolved", "green"), ("in_progress", "orange"), "gray")),
                    rx.cond(c["status"] != "active", rx.badge(I18nState.tr["ppstatus." + c["status"].to(str)], variant="outline")),
                    spacing="1",
                    align="end",
                ),
                width="100%",
                align="start",
            ),
            rx.vstack(
                rx.text(c["product"], " — ", c["package"], size="2", weight="medium"),
                rx.hstack(rx.code(c["code"], size="1"), rx.cond(c["order_code"] != "", rx.text(c["order_code"], " · ", c["bought"], size="1", color_scheme="gray")), wrap="wrap", align="center"),
                spacing="1",
            ),
            rx.cond(
                c["scheduled"] != "",
                rx.hstack(rx.icon("calendar-clock", size=16), rx.text(t("admin_shop.scheduled_at"), ": ", rx.text.strong(c["scheduled"]), size="2"), align="center"),
            ),
            rx.cond(c["editable"] != "", _support_form(c)),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="consultation-card",
    )


@app_page("/admin/consultations", "admin_shop.consultations_title", guard="admin", on_load=[AdminShopState.load_consultations])
def admin_consultations_page() -> rx.Component:
    return rx.vstack(
        page_header("admin_shop.consultations_title", "admin_shop.consultations_subtitle"),
        rx.hstack(
            rx.text(t("admin_shop.col_support"), weight="medium"),
            rx.box(
                rx.el.select(
                    rx.el.option(t("admin_shop.all_support"), value=""),
                    *[rx.el.option(t(f"support.{s}"), value=s) for s in SUPPORT_STATUSES],
                    value=AdminShopState.support_filter,
                    on_change=AdminShopState.filter_consultations,
                    class_name="aesp-select",
                    aria_label="support filter",
                    id="support-filter",
                ),
                min_width="12em",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(t("admin_shop.zone_note"), size="1", color_scheme="gray"),
        rx.cond(AdminShopState.consultations.length() == 0, card(rx.text(t("admin_shop.consultations_empty"), color_scheme="gray"))),
        rx.grid(rx.foreach(AdminShopState.consultations, _consultation_card), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        width="100%",
        spacing="4",
    )
