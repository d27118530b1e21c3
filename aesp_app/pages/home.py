"""Landing page, role homes, 404 and the access-denied page."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page, forbidden_view
from aesp_app.components.ui import card, page_header, t
from aesp_app.states.admin import AdminState
from aesp_app.states.auth import AuthState
from aesp_app.states.dashboard import DashboardState
from aesp_app.states.i18n import I18nState
from aesp_app.states.mentor import MentorState
from aesp_app.states.practice import PracticeTopicsState


def _feature(icon: str, title_key: str, body_key: str) -> rx.Component:
    return card(
        rx.icon(icon, size=28, color=rx.color("indigo", 9)),
        rx.heading(t(title_key), size="4"),
        rx.text(t(body_key), color_scheme="gray"),
    )


@app_page("/", "app.tagline")
def landing_page() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading(t("landing.hero_title"), size=rx.breakpoints(initial="7", md="9"), as_="h1", id="hero-title"),
            rx.text(t("landing.hero_body"), size="4", color_scheme="gray", max_width="40em"),
            rx.cond(
                AuthState.is_authenticated,
                rx.link(rx.button(t("nav.dashboard"), size="4"), href=AuthState.home_path),
                rx.hstack(
                    rx.link(rx.button(t("landing.cta_start"), size="4", id="cta-start"), href="/register"),
                    rx.link(rx.button(t("landing.cta_login"), size="4", variant="outline"), href="/login"),
                    wrap="wrap",
                    spacing="3",
                ),
            ),
            spacing="5",
            padding_y=rx.breakpoints(initial="2em", md="4em"),
        ),
        rx.grid(
            _feature("audio-lines", "landing.feature_practice_title", "landing.feature_practice_body"),
            _feature("list-checks", "landing.feature_feedback_title", "landing.feature_feedback_body"),
            _feature("users", "landing.feature_mentor_title", "landing.feature_mentor_body"),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        spacing="6",
    )


def _stat(label_key: str, value: rx.Var, stat_id: str) -> rx.Component:
    return card(rx.text(t(label_key), color_scheme="gray", size="2"), rx.heading(value, size="7", id=stat_id))


@app_page("/dashboard", "nav.dashboard", guard="learner", on_load=[DashboardState.load])
def dashboard_page() -> rx.Component:
    s = DashboardState.summary
    return rx.vstack(
        rx.heading(t("dashboard.title").replace("{name}", AuthState.display_name), size="7", as_="h1", id="dashboard-title"),
        rx.cond(
            s["onboarding_done"] == "",
            rx.callout(
                rx.hstack(rx.text(t("dashboard.onboarding_prompt")), rx.link(t("dashboard.onboarding_cta"), href="/onboarding"), wrap="wrap"),
                icon="sparkles",
            ),
        ),
        rx.grid(
            _stat("dashboard.level", rx.cond(s["level"] != "", s["level"], "—"), "stat-level"),
            _stat("dashboard.streak", t("dashboard.days").replace("{count}", s["streak"].to(str)), "stat-streak"),
            _stat("dashboard.xp", s["xp"], "stat-xp"),
            _stat("dashboard.sessions", s["sessions"], "stat-sessions"),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="4",
            width="100%",
        ),
        rx.grid(
            rx.cond(
                s["challenge_id"] != "",
                card(
                    rx.hstack(rx.icon("star", color=rx.color("amber", 9)), rx.text(t("practice.daily_challenge"), weight="medium"), align="center"),
                    rx.heading(s["challenge_title"], size="5", id="daily-challenge"),
                    rx.button(t("practice.start"), " · +", s["challenge_xp"], " XP", on_click=PracticeTopicsState.start(s["challenge_id"].to(int), False)),
                ),
            ),
            card(
                rx.heading(t("dashboard.practice_title"), size="5"),
                rx.text(t("dashboard.practice_body"), color_scheme="gray"),
                rx.hstack(
                    rx.link(rx.button(t("nav.practice"), size="3"), href="/practice"),
                    rx.link(t("practice.history"), href="/practice/history"),
                    align="center",
                    spacing="4",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )


@app_page("/mentor", "mentor.title", guard="mentor", on_load=[MentorState.load])
def mentor_page() -> rx.Component:
    return rx.vstack(
        page_header("mentor.title", "mentor.subtitle"),
        card(
            rx.heading(t("mentor.learners"), size="4"),
            rx.cond(MentorState.learners.length() == 0, rx.text(t("mentor.no_learners"), color_scheme="gray")),
            rx.foreach(
                MentorState.learners,
                lambda x: rx.hstack(
                    rx.vstack(rx.text(x["name"], weight="medium"), rx.text(x["email"], size="1", color_scheme="gray"), spacing="0", flex="1"),
                    rx.cond(x["level"] != "", rx.badge(I18nState.tr["difficulty." + x["level"].to(str)])),
                    rx.text(t("dashboard.sessions"), ": ", x["sessions"], size="2"),
                    rx.text(t("dashboard.streak"), ": ", x["streak"], size="2"),
                    rx.cond(x["overall"] != "", rx.badge(x["overall"], color_scheme="green")),
                    width="100%", align="center", wrap="wrap",
                ),
            ),
        ),
        card(
            rx.heading(t("mentor.sessions"), size="4"),
            rx.cond(MentorState.sessions.length() == 0, rx.text(t("mentor.no_sessions"), color_scheme="gray")),
            rx.foreach(
                MentorState.sessions,
                lambda x: rx.hstack(
                    rx.link(x["learner"], " — ", x["topic"], href="/practice/sessions/" + x["id"].to(str), flex="1"),
                    rx.text(x["date"], size="2", color_scheme="gray"),
                    rx.cond(x["score"] != "", rx.badge(x["score"]), rx.badge(t("practice.in_progress"), color_scheme="orange")),
                    width="100%", align="center", wrap="wrap",
                ),
            ),
        ),
        width="100%",
        spacing="4",
    )


@app_page("/admin", "admin.title", guard="admin", on_load=[AdminState.load_overview])
def admin_page() -> rx.Component:
    return rx.vstack(
        page_header("admin.title", "admin.subtitle"),
        rx.grid(
            rx.link(card(rx.text(t("admin.users_count"), color_scheme="gray"), rx.heading(AdminState.users_count, size="7")), href="/admin/users", underline="none"),
            rx.link(card(rx.text(t("admin.outbox_count"), color_scheme="gray"), rx.heading(AdminState.outbox_count, size="7")), href="/admin/outbox", underline="none"),
            *[
                rx.link(card(rx.hstack(rx.icon(icon, size=22), rx.heading(t(key), size="4"), align="center")), href=path, underline="none")
                for icon, key, path in (
                    ("receipt", "nav.admin_orders", "/admin/orders"),
                    ("package", "nav.admin_products", "/admin/products"),
                    ("calendar-clock", "nav.admin_consultations", "/admin/consultations"),
                )
            ],
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


@app_page("/forbidden", "access.denied_title")
def forbidden_page() -> rx.Component:
    return forbidden_view()


def not_found_page() -> rx.Component:
    from aesp_app.components.layout import shell

    return shell(
        rx.vstack(
            rx.heading("404", size="9", color=rx.color("indigo", 9)),
            rx.heading(t("notfound.title"), size="6", id="not-found"),
            rx.text(t("notfound.body")),
            rx.link(t("notfound.home"), href="/"),
            spacing="3",
            padding_y="3em",
            align="center",
        ),
        None,
    )
