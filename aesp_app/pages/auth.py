"""Log in, sign up, e-mail confirmation and password reset."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, error_callout, form_field, info_callout, t
from aesp_app.states.account import AccountState
from aesp_app.states.auth import AuthState


def _narrow(*children: rx.Component) -> rx.Component:
    return rx.center(rx.box(*children, width="100%", max_width="460px"), width="100%")


@app_page("/login", "login.title", guard="visitor")
def login_page() -> rx.Component:
    return _narrow(
        card(
            rx.heading(t("login.title"), size="6", as_="h1"),
            rx.text(t("login.subtitle"), color_scheme="gray"),
            rx.form(
                rx.vstack(
                    error_callout(AuthState.login_error),
                    rx.cond(
                        AuthState.login_needs_verification,
                        rx.link(t("login.resend_verification"), href="/verify-email", id="resend-link"),
                    ),
                    form_field("form.username_or_email", "identifier", required=True, autocomplete="username", max_length=255),
                    form_field("form.password", "password", type="password", required=True, autocomplete="current-password"),
                    rx.el.label(
                        rx.hstack(rx.checkbox(name="remember", id="remember"), rx.text(t("form.remember_me"), size="2"), spacing="2", align="center"),
                    ),
                    rx.button(t("login.submit"), type="submit", size="3", width="100%", id="login-submit", loading=AuthState.login_busy),
                    spacing="4",
                    width="100%",
                ),
                on_submit=AuthState.login,
                reset_on_submit=False,
                id="login-form",
            ),
            rx.hstack(
                rx.link(t("login.forgot"), href="/forgot-password", size="2"),
                rx.spacer(),
                rx.text(t("login.no_account"), " ", rx.link(t("nav.register"), href="/register"), size="2"),
                width="100%",
                wrap="wrap",
            ),
        )
    )


@app_page("/register", "register.title", guard="visitor")
def register_page() -> rx.Component:
    return _narrow(
        card(
            rx.heading(t("register.title"), size="6", as_="h1"),
            rx.text(t("register.subtitle"), color_scheme="gray"),
            rx.form(
                rx.vstack(
                    error_callout(AccountState.register_error),
                    form_field("form.full_name", "full_name", max_length=100, autocomplete="name"),
                    form_field("form.username", "username", required=True, max_length=30, autocomplete="username", hint=t("register.username_hint")),
                    form_field("form.email", "email", type="email", required=True, max_length=255, autocomplete="email"),
                    form_field(
                        "form.password", "password", type="password", required=True, autocomplete="new-password",
                        hint=t("register.password_hint").replace("{min}", AccountState.password_min.to_string()),
                    ),
                    form_field("form.password_confirm", "password_confirm", type="password", required=True, autocomplete="new-password"),
                    rx.button(t("register.submit"), type="submit", size="3", width="100%", id="register-submit"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=AccountState.register,
                reset_on_submit=False,
                id="register-form",
            ),
            rx.text(t("register.have_account"), " ", rx.link(t("nav.login"), href="/login"), size="2"),
        )
    )


@app_page("/register/done", "register.done_title")
def register_done_page() -> rx.Component:
    return _narrow(
        card(
            rx.icon("mail-check", size=40, color=rx.color("indigo", 9)),
            rx.heading(t("register.done_title"), size="6", as_="h1"),
            rx.text(t("register.done_body").replace("{email}", AccountState.registered_email), id="register-done"),
            rx.link(t("nav.login"), href="/login"),
        )
    )


def _resend_form() -> rx.Component:
    return rx.vstack(
        rx.heading(t("verify.resend_title"), size="4"),
        info_callout(AccountState.resend_message),
        rx.form(
            rx.hstack(
                rx.input(name="email", type="email", required=True, placeholder=t("form.email"), size="3", width="100%", max_length=255),
                rx.button(t("verify.resend_submit"), type="submit", size="3"),
                width="100%",
                wrap="wrap",
            ),
            on_submit=AccountState.resend_verification,
            width="100%",
        ),
        width="100%",
        spacing="3",
    )


@app_page("/verify-email", "verify.title", on_load=[AccountState.verify_from_link])
def verify_page() -> rx.Component:
    return _narrow(
        card(
            rx.heading(t("verify.title"), size="6", as_="h1"),
            rx.cond(
                AccountState.verify_checked,
                rx.callout(
                    AccountState.verify_message,
                    icon=rx.cond(AccountState.verify_ok, "circle_check", "triangle_alert"),
                    color_scheme=rx.cond(AccountState.verify_ok, "green", "red"),
                    id="verify-result",
                ),
                rx.text(t("verify.checking")),
            ),
            rx.cond(
                AccountState.verify_ok,
                rx.link(t("nav.login"), href="/login", id="verify-login-link"),
                rx.vstack(rx.text(t("verify.maybe_done"), " ", rx.link(t("nav.login"), href="/login"), size="2"), _resend_form(), width="100%", spacing="4"),
            ),
        )
    )


@app_page("/forgot-password", "forgot.title")
def forgot_page() -> rx.Component:
    return _narrow(
        card(
            rx.heading(t("forgot.title"), size="6", as_="h1"),
            rx.text(t("forgot.subtitle"), color_scheme="gray"),
            error_callout(AccountState.forgot_error),
            info_callout(AccountState.forgot_message),
            rx.form(
                rx.vstack(
                    form_field("form.email", "email", type="email", required=True, max_length=255, autocomplete="email"),
                    rx.button(t("forgot.submit"), type="submit", size="3", width="100%", id="forgot-submit"),
                    width="100%",
                    spacing="4",
                ),
                on_submit=AccountState.request_reset,
                width="100%",
            ),
        )
    )


@app_page("/reset-password", "reset.title", on_load=[AccountState.load_reset])
def reset_page() -> rx.Component:
    return _narrow(
        card(
            rx.heading(t("reset.title"), size="6", as_="h1"),
            rx.cond(
                AccountState.reset_token == "",
                rx.vstack(rx.text(t("reset.missing_token")), rx.link(t("forgot.submit"), href="/forgot-password")),
                rx.form(
                    rx.vstack(
                        error_callout(AccountState.reset_error),
                        form_field("form.new_password", "password", type="password", required=True, autocomplete="new-password"),
                        form_field("form.password_confirm", "password_confirm", type="password", required=True, autocomplete="new-password"),
                        rx.button(t("reset.submit"), type="submit", size="3", width="100%", id="reset-submit"),
                        width="100%",
                        spacing="4",
                    ),
                    on_submit=AccountState.reset_password,
                    reset_on_submit=False,
                    width="100%",
                ),
            ),
        )
    )
