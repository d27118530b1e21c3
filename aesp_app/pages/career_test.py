"""/tests/[code]: the online career test (Holland RIASEC) of a purchased package."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, error_callout, loading, t
from aesp_app.states.career_test import CareerTestState
from aesp_app.states.i18n import I18nState

CHOICES = ("1", "2", "3", "4", "5")
SCALE_KEYS = {
    "1": "career_test.scale_1",
    "2": "career_test.scale_2",
    "3": "career_test.scale_3",
    "4": "career_test.scale_4",
    "5": "career_test.scale_5",
}
TYPE_COLORS = {"R": "orange", "I": "blue", "A": "purple", "S": "green", "E": "red", "C": "cyan"}


def _both(vi: rx.Var, en: rx.Var, **props) -> rx.Component:  # noqa: ANN003
    """The statement in the interface language, the other language beneath it."""
    return rx.vstack(
        rx.text(rx.cond(I18nState.language == "en", en, vi), weight="medium", **props),
        rx.text(rx.cond(I18nState.language == "en", vi, en), size="1", color_scheme="gray"),
        spacing="0",
        align="start",
    )


def _choice(question_id: rx.Var, value: str) -> rx.Component:
    return rx.el.label(
        rx.radio_group.item(value=value, id="q" + question_id.to(str) + "-" + value),
        rx.text(value, size="2", weight="medium"),
        rx.text(t(SCALE_KEYS[value]), size="1", color_scheme="gray", class_name="likert-label"),
        class_name="likert-choice",
        html_for="q" + question_id.to(str) + "-" + value,
    )


def _question(q: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(q["number"], variant="soft", radius="full"),
                _both(q["vi"], q["en"]),
                align="start",
                spacing="3",
                width="100%",
            ),
            rx.radio_group.root(
                rx.hstack(*[_choice(q["id"], v) for v in CHOICES], justify="between", width="100%", spacing="1"),
                value=CareerTestState.answers.get(q["id"], ""),
                on_change=lambda value: CareerTestState.answer(q["id"], value),
                disabled=CareerTestState.completed,
                width="100%",
                aria_label=rx.cond(I18nState.language == "en", q["en"], q["vi"]),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="question-" + q["id"].to(str),
        class_name="test-question",
    )


def _progress() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.text(t("career_test.progress"), size="2", weight="medium"),
                rx.spacer(),
                rx.text(CareerTestState.answered.to_string() + " / " + CareerTestState.total.to_string(), size="2", id="test-progress"),
                width="100%",
            ),
            rx.progress(value=CareerTestState.progress, max=100, width="100%"),
            spacing="1",
            width="100%",
        ),
        position="sticky",
        top="0",
        z_index="5",
        background=rx.color("gray", 1),
        padding_y="0.75em",
        width="100%",
    )


def _score_bar(s: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(s["type"], color_scheme=rx.match(s["type"], *TYPE_COLORS.items(), "gray"), variant=rx.cond(s["top"] != "", "solid", "soft")),
            rx.text(I18nState.tr["riasec." + s["type"].to(str)], weight=rx.cond(s["top"] != "", "bold", "regular")),
            rx.spacer(),
            rx.text(s["percent"], "%", weight="bold"),
            width="100%",
            align="center",
        ),
        rx.box(
            rx.box(
                width=s["percent"].to(str) + "%",
                height="100%",
                border_radius="999px",
                background=rx.match(s["type"], *[(k, rx.color(c, 9)) for k, c in TYPE_COLORS.items()], rx.color("gray", 9)),
            ),
            width="100%",
            height="10px",
            border_radius="999px",
            background=rx.color("gray", 4),
            overflow="hidden",
            role="progressbar",
            aria_valuenow=s["percent"],
            aria_valuemin="0",
            aria_valuemax="100",
        ),
        spacing="1",
        width="100%",
        class_name="riasec-score",
    )


def _field(f: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(f["type"], color_scheme=rx.match(f["type"], *TYPE_COLORS.items(), "gray")),
        _both(f["vi"], f["en"]),
        align="start",
        spacing="2",
        width="100%",
    )


def _result() -> rx.Component:
    return rx.vstack(
        card(
            rx.hstack(
                rx.icon("award", size=28, color=rx.color("green", 9)),
                rx.heading(t("career_test.result_title"), size="5"),
                align="center",
            ),
            rx.text(t("career_test.result_intro"), color_scheme="gray"),
            rx.hstack(
                rx.text(t("career_test.your_code"), weight="medium"),
                rx.heading(CareerTestState.result_code, size="8", id="riasec-code", letter_spacing="0.15em"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.vstack(rx.foreach(CareerTestState.scores, _score_bar), spacing="3", width="100%"),
            rx.cond(CareerTestState.info["completed_at"] != "",
                    rx.text(t("career_test.completed_at"), ": ", CareerTestState.info["completed_at"], size="1", color_scheme="gray")),
        ),
        card(
            rx.heading(t("career_test.fields_title"), size="4"),
            rx.text(t("career_test.fields_intro"), size="2", color_scheme="gray"),
            rx.grid(rx.foreach(CareerTestState.fields, _field), columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
        ),
        card(
            rx.heading(t("career_test.types_title"), size="4"),
            rx.grid(
                *[
                    rx.hstack(
                        rx.badge(kind, color_scheme=color),
                        rx.vstack(rx.text(t(f"riasec.{kind}"), weight="medium"), rx.text(t(f"riasec.{kind}_desc"), size="2", color_scheme="gray"), spacing="0"),
                        align="start",
                    )
                    for kind, color in TYPE_COLORS.items()
                ],
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
        ),
        width="100%",
        spacing="4",
        id="test-result",
    )


def _header() -> rx.Component:
    info = CareerTestState.info
    return rx.vstack(
        rx.heading(rx.cond(info["product"] != "", info["product"], t("career_test.title")), size="7", as_="h1"),
        rx.hstack(
            rx.cond(info["package"] != "", rx.badge(info["package"], variant="soft")),
            rx.code(info["code"], size="1", class_name="access-code"),
            wrap="wrap",
            align="center",
        ),
        rx.text(
            t("career_test.access_info")
            .replace("{count}", info["access_count"].to(str))
            .replace("{first}", info["first_access"].to(str))
            .replace("{last}", info["last_access"].to(str)),
            size="1",
            color_scheme="gray",
            id="access-info",
        ),
        spacing="2",
        width="100%",
    )


@app_page("/tests/[code]", "career_test.title", guard="login", on_load=[CareerTestState.load])
def career_test_page() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ~CareerTestState.loaded,
            loading(),
            rx.cond(
                CareerTestState.error != "",
                card(
                    error_callout(CareerTestState.error),
                    rx.link(rx.button(t("career_test.back"), variant="soft"), href="/purchases"),
                ),
                rx.vstack(
                    _header(),
                    rx.cond(
                        CareerTestState.completed,
                        _result(),
                        rx.vstack(
                            rx.callout(t("career_test.instructions"), icon="info", color_scheme="blue", width="100%"),
                            _progress(),
                            rx.foreach(CareerTestState.questions, _question),
                            card(
                                rx.cond(
                                    CareerTestState.all_answered,
                                    rx.text(t("career_test.ready")),
                                    rx.text(t("career_test.remaining").replace("{count}", (CareerTestState.total - CareerTestState.answered).to_string())),
                                ),
                                rx.button(
                                    t("career_test.submit"),
                                    size="3",
                                    width="100%",
                                    on_click=CareerTestState.submit,
                                    disabled=~CareerTestState.all_answered,
                                    loading=CareerTestState.busy,
                                    id="test-submit",
                                ),
                            ),
                            spacing="3",
                            width="100%",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        rx.el.style(
            ".likert-choice{display:flex;flex-direction:column;align-items:center;gap:2px;flex:1;cursor:pointer;text-align:center;min-width:0}"
            ".likert-label{line-height:1.2}"
            "@media (max-width:520px){.likert-label{display:none}}"
        ),
        width="100%",
        max_width="860px",
        margin_x="auto",
    )
