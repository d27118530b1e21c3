"""Cart, checkout, orders, purchases and the payment pages."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, error_callout, page_header, t
from aesp_app.states.cart import CartState
from aesp_app.states.i18n import I18nState
from aesp_app.states.orders import MomoReturnState, OrdersState, PaymentReturnState, SandboxState


def status_badge(prefix: str, value: rx.Var, color: rx.Var | str = "gray") -> rx.Component:
    return rx.badge(I18nState.tr[prefix + value.to(str)], color_scheme=color)


def _cart_line(line: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(line["title"], href=line["href"], weight="medium"),
            rx.text(line["package"], size="2", color_scheme="gray"),
            rx.cond(line["unavailable"] != "", rx.badge(t("cart.unavailable"), color_scheme="red")),
            spacing="1",
            align="start",
            flex="1",
            min_width="12em",
        ),
        rx.hstack(
            rx.icon_button(rx.icon("minus", size=14), size="1", variant="soft", aria_label="-",
                           on_click=CartState.set_quantity(line["id"], line["quantity"].to(int) - 1),
                           disabled=line["quantity"] == "1"),
            rx.text(line["quantity"], class_name="cart-qty"),
            rx.icon_button(rx.icon("plus", size=14), size="1", variant="soft", aria_label="+",
                           on_click=CartState.set_quantity(line["id"], line["quantity"].to(int) + 1)),
            align="center",
            spacing="2",
        ),
        rx.vstack(
            rx.text(line["line_total"], weight="bold"),
            rx.cond(line["original"] != "", rx.text(line["original"], size="1", color_scheme="gray", text_decoration="line-through")),
            align="end",
            spacing="0",
            min_width="8em",
        ),
        rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", color_scheme="red", aria_label=t("cart.remove"),
                       on_click=CartState.remove(line["id"]), class_name="cart-remove"),
        width="100%",
        align="center",
        wrap="wrap",
        spacing="4",
        padding_y="0.75em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="cart-line",
    )


@app_page("/cart", "cart.title", on_load=[CartState.load])
def cart_page() -> rx.Component:
    return rx.vstack(
        page_header("cart.title"),
        rx.cond(
            CartState.lines.length() == 0,
            card(rx.text(t("cart.empty")), rx.link(t("cart.browse"), href="/shop")),
            rx.grid(
                card(rx.foreach(CartState.lines, _cart_line)),
                card(
                    rx.hstack(rx.text(t("cart.total"), weight="medium"), rx.spacer(), rx.heading(CartState.total, size="6", id="cart-total"), width="100%"),
                    rx.cond(CartState.has_unavailable, rx.callout(t("cart.has_unavailable"), color_scheme="orange", icon="triangle_alert")),
                    error_callout(CartState.error),
                    rx.form(
                        rx.vstack(
                            rx.text(t("checkout.method"), weight="medium"),
                            rx.radio_group.root(
                                rx.flex(
                                    rx.radio_group.item(rx.text("VNPay"), value="vnpay", id="method-vnpay"),
                                    rx.radio_group.item(rx.text("MoMo"), value="momo", id="method-momo"),
                                    rx.radio_group.item(rx.text(t("checkout.bank_transfer")), value="bank_transfer", id="method-bank"),
                                    direction="column",
                                    spacing="2",
                                ),
                                name="payment_method",
                                default_value="vnpay",
                            ),
                            rx.button(t("checkout.submit"), type="submit", size="3", width="100%", id="checkout-submit"),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=CartState.checkout,
                        reset_on_submit=False,
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
        ),
        width="100%",
    )


def _order_row(o: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(o["code"], href="/orders/" + o["code"].to(str))),
        rx.table.cell(o["created"]),
        rx.table.cell(o["total"]),
        rx.table.cell(status_badge("orderstatus.", o["status"])),
        rx.table.cell(status_badge("paystatus.", o["payment_status"])),
    )


@app_page("/orders", "orders.title", guard="login", on_load=[OrdersState.load_orders])
def orders_page() -> rx.Component:
    return rx.vstack(
        page_header("orders.title"),
        card(
            rx.cond(
                OrdersState.orders.length() == 0,
                rx.text(t("orders.empty")),
                rx.box(
                    rx.table.root(
                        rx.table.header(rx.table.row(
                            rx.table.column_header_cell(t("orders.col_code")),
                            rx.table.column_header_cell(t("orders.col_date")),
                            rx.table.column_header_cell(t("orders.col_total")),
                            rx.table.column_header_cell(t("orders.col_status")),
                            rx.table.column_header_cell(t("orders.col_payment")),
                        )),
                        rx.table.body(rx.foreach(OrdersState.orders, _order_row)),
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
            ),
        ),
        width="100%",
    )


def access_code_card(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(p["product"], weight="bold"), rx.spacer(), status_badge("ppstatus.", p["status"], "green"), width="100%"),
            rx.text(p["package"], size="2", color_scheme="gray"),
            rx.hstack(rx.text(t("purchases.access_code"), size="2"), rx.code(p["code"], class_name="access-code"), wrap="wrap"),
            rx.cond(
                p["type"] == "career_test",
                rx.link(rx.button(t("purchases.take_test"), size="2"), href="/tests/" + p["code"].to(str)),
            ),
            rx.cond(
                p["type"] == "consultation",
                rx.hstack(
                    rx.text(t("purchases.support"), size="2"),
                    status_badge("support.", p["support"]),
                    rx.cond(p["scheduled"] != "", rx.text(p["scheduled"], size="2")),
                    wrap="wrap",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


@app_page("/orders/[code]", "orders.detail_title", guard="login", on_load=[OrdersState.load_order])
def order_detail_page() -> rx.Component:
    o = OrdersState.order
    return rx.vstack(
        rx.cond(
            OrdersState.not_found,
            card(rx.heading(t("shop.order_not_found"), size="5"), rx.link(t("orders.title"), href="/orders")),
            rx.vstack(
                rx.hstack(
                    rx.heading(t("orders.detail_title"), " ", o["code"], size="6", as_="h1", id="order-code"),
                    status_badge("paystatus.", o["payment_status"], rx.cond(o["payment_status"] == "paid", "green", "orange")),
                    align="center",
                    wrap="wrap",
                ),
                card(
                    rx.foreach(
                        OrdersState.items,
                        lambda i: rx.hstack(
                            rx.vstack(rx.text(i["product"], weight="medium"), rx.text(i["package"], size="2", color_scheme="gray"), spacing="0", flex="1"),
                            rx.text("× ", i["quantity"]),
                            rx.text(i["total"], weight="bold", min_width="7em", text_align="right"),
                            width="100%",
                            align="center",
                        ),
                    ),
                    rx.divider(),
                    rx.hstack(rx.text(t("cart.total")), rx.spacer(), rx.heading(o["total"], size="5"), width="100%"),
                ),
                rx.cond(
                    o["payable"] != "",
                    card(
                        rx.text(t("orders.pay_now")),
                        rx.cond(
                            OrdersState.bank.contains("account"),
                            rx.vstack(
                                rx.heading(t("checkout.bank_transfer"), size="4"),
                                rx.text(t("bank.instructions")),
                                rx.text(t("bank.bank"), ": ", OrdersState.bank["bank"]),
                                rx.text(t("bank.account"), ": ", rx.code(OrdersState.bank["account"])),
                                rx.text(t("bank.name"), ": ", OrdersState.bank["name"]),
                                rx.text(t("bank.amount"), ": ", rx.text.strong(OrdersState.bank["amount"])),
                                rx.text(t("bank.note"), ": ", rx.code(OrdersState.bank["note"])),
                                spacing="1",
                                id="bank-instructions",
                            ),
                        ),
                        rx.hstack(
                            rx.button(t("orders.pay_vnpay"), on_click=OrdersState.pay("vnpay"), id="pay-vnpay"),
                            rx.button(t("orders.pay_momo"), on_click=OrdersState.pay("momo"), variant="outline", id="pay-momo"),
                            wrap="wrap",
                        ),
                    ),
                ),
                rx.cond(
                    OrdersState.purchased.length() > 0,
                    rx.vstack(rx.heading(t("purchases.title"), size="5"), rx.foreach(OrdersState.purchased, access_code_card), width="100%"),
                ),
                width="100%",
                spacing="4",
            ),
        ),
        width="100%",
    )


@app_page("/purchases", "purchases.title", guard="login", on_load=[OrdersState.load_purchases])
def purchases_page() -> rx.Component:
    return rx.vstack(
        page_header("purchases.title", "purchases.subtitle"),
        rx.cond(
            OrdersState.purchased.length() == 0,
            card(rx.text(t("purchases.empty")), rx.link(t("cart.browse"), href="/shop")),
            rx.grid(rx.foreach(OrdersState.purchased, access_code_card), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        ),
        width="100%",
    )


def _payment_result(state, refresh=None) -> rx.Component:  # noqa: ANN001
    """The return page of a gateway: it shows the result; only the IPN confirms the order."""
    r = state.result
    waiting = rx.callout(t("payment.waiting"), color_scheme="blue", icon="clock")
    return rx.center(
        rx.box(
            card(
                rx.cond(
                    r["success"] != "",
                    rx.icon("circle-check", size=48, color=rx.color("green", 9)),
                    rx.icon("circle-x", size=48, color=rx.color("red", 9)),
                ),
                rx.heading(rx.cond(r["success"] != "", t("payment.success"), rx.cond(r["cancelled"] != "", t("payment.cancelled"), t("payment.failed"))), size="6", id="payment-result"),
                rx.text(r["message"], color_scheme="gray"),
                rx.cond(r["amount"] != "", rx.text(t("bank.amount"), ": ", r["amount"])),
                rx.cond(
                    r["success"] != "",
                    rx.cond(
                        state.order_paid,
                        rx.callout(t("payment.confirmed"), color_scheme="green", icon="circle_check", id="payment-confirmed"),
                        rx.hstack(waiting, rx.button(t("payment.check_again"), variant="soft", on_click=refresh)) if refresh is not None else waiting,
                    ),
                ),
                rx.cond(r["order_code"] != "", rx.link(rx.button(t("payment.view_order"), size="3"), href="/orders/" + r["order_code"].to(str), id="view-order")),
            ),
            width="100%",
            max_width="520px",
        ),
        width="100%",
    )


def _sandbox(state, title_key: str) -> rx.Component:  # noqa: ANN001
    """A gateway's stand-in payment page (only without real keys)."""
    info = state.info
    return rx.center(
        rx.box(
            card(
                rx.hstack(rx.icon("credit-card", size=28), rx.heading(t(title_key), size="6"), align="center"),
                rx.callout(t("sandbox.notice"), color_scheme="amber", icon="flask-conical"),
                error_callout(state.error),
                rx.cond(
                    info.contains("amount"),
                    rx.vstack(
                        rx.text(t("sandbox.merchant"), ": ", rx.code(info["merchant"])),
                        rx.text(t("sandbox.order"), ": ", info["order_info"]),
                        rx.text(t("sandbox.txn"), ": ", rx.code(info["txn_ref"])),
                        rx.heading(info["amount"], size="7", id="sandbox-amount"),
                        rx.hstack(
                            rx.button(t("sandbox.pay"), size="3", on_click=state.complete("pay"), loading=state.busy, id="sandbox-pay"),
                            rx.button(t("sandbox.cancel"), size="3", variant="outline", color_scheme="red", on_click=state.complete("cancel"), id="sandbox-cancel"),
                            wrap="wrap",
                        ),
                        spacing="2",
                    ),
                ),
            ),
            width="100%",
            max_width="520px",
        ),
        width="100%",
    )


@app_page("/payment/vnpay/return", "payment.return_title", on_load=[PaymentReturnState.load])
def vnpay_return_page() -> rx.Component:
    return _payment_result(PaymentReturnState, PaymentReturnState.refresh)


@app_page("/payment/vnpay/sandbox", "sandbox.title", on_load=[SandboxState.load_vnpay])
def vnpay_sandbox_page() -> rx.Component:
    return _sandbox(SandboxState, "sandbox.title")


@app_page("/payment/momo/return", "payment.return_title", on_load=[MomoReturnState.load])
def momo_return_page() -> rx.Component:
    return _payment_result(MomoReturnState, MomoReturnState.load)


@app_page("/payment/momo/sandbox", "sandbox.momo_title", on_load=[SandboxState.load_momo])
def momo_sandbox_page() -> rx.Component:
    return _sandbox(SandboxState, "sandbox.momo_title")
