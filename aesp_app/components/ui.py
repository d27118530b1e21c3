"""Small building blocks shared by every page: translated text, the one form_field helper,
messages and headers. Pure functions of state vars."""

from __future__ import annotations

import reflex as rx

from aesp_app.states.i18n import I18nState


def t(key: str) -> rx.Var:
    """The current language's text for KEY (a client-side lookup in the loaded catalogue)."""
    return I18nState.tr[key]


def page_header(title_key: str, subtitle_key: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.heading(t(title_key), size="7", as_="h1"),
        rx.text(t(subtitle_key), color_scheme="gray") if subtitle_key else rx.fragment(),
        spacing="1",
        margin_bottom="1em",
        width="100%",
    )


def form_field(
    label_key: str,
    name: str,
    *,
    type: str = "text",
    required: bool = False,
    hint: rx.Var | str | None = None,
    default_value: rx.Var | str | None = None,
    max_length: int | None = None,
    autocomplete: str | None = None,
    placeholder: rx.Var | str | None = None,
) -> rx.Component:
    """A labelled input for rx.form. The browser checks the obvious; the server checks all."""
    props = {"name": name, "id": name, "type": type, "required": required, "width": "100%", "size": "3"}
    if default_value is not None:
        props["default_value"] = default_value
    if max_length:
        props["max_length"] = max_length
    if autocomplete:
        props["auto_complete"] = autocomplete
    if placeholder is not None:
        props["placeholder"] = placeholder
    return rx.vstack(
        rx.el.label(t(label_key), html_for=name, style={"fontWeight": "500", "fontSize": "0.95em"}),
        rx.input(**props),
        rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
        spacing="1",
        width="100%",
        align="start",
    )


def select_field(label_key: str, name: str, options: list[tuple[str, str]], *, default_value: rx.Var | str = "", required: bool = False) -> rx.Component:
    """A native select (works with rx.form and on phones). options: (value, label key)."""
    return rx.vstack(
        rx.el.label(t(label_key), html_for=name, style={"fontWeight": "500", "fontSize": "0.95em"}),
        rx.el.select(
            *[rx.el.option(t(label), value=value) for value, label in options],
            name=name,
            id=name,
            default_value=default_value,
            required=required,
            class_name="aesp-select",
        ),
        spacing="1",
        width="100%",
        align="start",
    )


def error_callout(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%", id="form-error"),
    )


def info_callout(message: rx.Var, color: str = "green") -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="info", color_scheme=color, width="100%", role="status"))


def card(*children: rx.Component, **props) -> rx.Component:  # noqa: ANN003
    return rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", size="3", **props)


def loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), rx.text(t("common.loading"), margin_left="0.5em"), padding="3em", width="100%")


def pager(label: rx.Var | rx.Component, *, on_prev, on_next, has_prev: rx.Var, has_next: rx.Var) -> rx.Component:  # noqa: ANN001
    """Previous / where we are / next, the same on every list page."""
    return rx.hstack(
        rx.button(t("common.previous"), variant="soft", on_click=on_prev, disabled=~has_prev, class_name="pager-prev"),
        rx.text(label),
        rx.button(t("common.next"), variant="soft", on_click=on_next, disabled=~has_next, class_name="pager-next"),
        align="center",
        spacing="3",
    )
