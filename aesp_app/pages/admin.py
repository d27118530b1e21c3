"""Admin: accounts and the mail outbox."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, page_header, pager, t
from aesp_app.models.accounts import Role, UserStatus
from aesp_app.states.admin import AdminState
from aesp_app.states.i18n import I18nState

ROLES = [r.value for r in Role]
STATUSES = [s.value for s in UserStatus]


def _user_row(u: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(u["username"], weight="medium"), rx.text(u["email"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(
            rx.el.select(
                *[rx.el.option(t(f"role.{r}"), value=r) for r in ROLES],
                value=u["role"],
                disabled=u["is_self"] != "",
                on_change=lambda value: AdminState.set_role(u["id"], value),
                class_name="aesp-select",
                aria_label="role",
            )
        ),
        rx.table.cell(
            rx.el.select(
                *[rx.el.option(t(f"status.{s}"), value=s) for s in STATUSES],
                value=u["status"],
                disabled=u["is_self"] != "",
                on_change=lambda value: AdminState.set_status(u["id"], value),
                class_name="aesp-select",
                aria_label="status",
            )
        ),
        rx.table.cell(u["joined"]),
    )


def _pager(on_prev, on_next, page: rx.Var, more: rx.Var) -> rx.Component:  # noqa: ANN001
    return pager(t("common.page").replace("{page}", (page + 1).to_string()), on_prev=on_prev, on_next=on_next, has_prev=page > 0, has_next=more)


@app_page("/admin/users", "admin_users.title", guard="admin", on_load=[AdminState.load_users])
def admin_users_page() -> rx.Component:
    return rx.vstack(
        page_header("admin_users.title"),
        rx.form(
            rx.hstack(
                rx.input(name="search", placeholder=t("admin_users.search"), max_length=100, size="3", flex="1", min_width="12em"),
                rx.box(
                    rx.el.select(
                        rx.el.option(t("admin_users.all_roles"), value=""),
                        *[rx.el.option(t(f"role.{r}"), value=r) for r in ROLES],
                        name="role",
                        class_name="aesp-select",
                    ),
                    width="11em",
                ),
                rx.button(rx.icon("search"), type="submit", size="3", aria_label="search"),
                width="100%",
                wrap="wrap",
            ),
            on_submit=AdminState.search_users,
            reset_on_submit=False,
            width="100%",
        ),
        card(
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("admin_users.col_user")),
                            rx.table.column_header_cell(t("admin_users.col_role")),
                            rx.table.column_header_cell(t("admin_users.col_status")),
                            rx.table.column_header_cell(t("admin_users.col_joined")),
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.users, _user_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(AdminState.users.length() == 0, rx.text(t("admin_users.empty"), color_scheme="gray")),
            _pager(AdminState.users_page(-1), AdminState.users_page(1), AdminState.user_page, AdminState.users_more),
        ),
        width="100%",
        spacing="4",
    )


def _mail_row(m: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m["to"]),
        rx.table.cell(m["subject"]),
        rx.table.cell(rx.badge(I18nState.tr["mailstatus." + m["status"].to(str)])),
        rx.table.cell(m["time"], white_space="nowrap"),
        rx.table.cell(rx.button(t("outbox.view"), size="1", variant="soft", on_click=AdminState.show_mail(m["id"]), class_name="open-mail")),
    )


@app_page("/admin/outbox", "outbox.title", guard="admin", on_load=[AdminState.load_outbox])
def admin_outbox_page() -> rx.Component:
    return rx.vstack(
        page_header("outbox.title", "outbox.subtitle"),
        rx.form(
            rx.hstack(
                rx.input(name="to", type="email", placeholder=t("outbox.filter"), max_length=255, flex="1", size="3", id="outbox-filter"),
                rx.button(rx.icon("search"), type="submit", size="3", aria_label="search"),
                width="100%",
            ),
            on_submit=AdminState.filter_outbox,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            AdminState.open_mail.contains("id"),
            card(
                rx.hstack(rx.heading(AdminState.open_mail["subject"], size="4"), rx.spacer(), rx.button(t("outbox.close"), variant="soft", on_click=AdminState.close_mail), width="100%"),
                rx.text(AdminState.open_mail["to"], color_scheme="gray", size="2"),
                rx.box(
                    rx.el.pre(AdminState.open_mail["body"], style={"whiteSpace": "pre-wrap", "wordBreak": "break-all", "fontFamily": "inherit"}),
                    id="mail-body",
                ),
            ),
        ),
        card(
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("outbox.col_to")),
                            rx.table.column_header_cell(t("outbox.col_subject")),
                            rx.table.column_header_cell(t("outbox.col_status")),
                            rx.table.column_header_cell(t("outbox.col_time")),
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.mails, _mail_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(AdminState.mails.length() == 0, rx.text(t("outbox.empty"), color_scheme="gray")),
            _pager(AdminState.outbox_page(-1), AdminState.outbox_page(1), AdminState.mail_page, AdminState.mails_more),
        ),
        width="100%",
        spacing="4",
    )
