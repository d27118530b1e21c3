"""The member's profile, security and onboarding."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, error_callout, form_field, page_header, select_field, t
from aesp_app.services.profiles import GOALS, LEVELS, PREFERENCES
from aesp_app.states.auth import AuthState
from aesp_app.states.profile import ProfileState

TIMEZONES = ["Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "UTC"]


def _grid(*children: rx.Component) -> rx.Component:
    return rx.grid(*children, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%")


def _profile_form() -> rx.Component:
    f = ProfileState.form
    return rx.form(
        rx.vstack(
            error_callout(ProfileState.error),
            _grid(
                form_field("form.full_name", "full_name", default_value=f["full_name"], max_length=100),
                form_field("profile.phone", "phone", type="tel", default_value=f["phone"], max_length=20),
                form_field("profile.birth_date", "birth_date", type="date", default_value=f["birth_date"]),
                select_field(
                    "profile.gender", "gender",
                    [("", "profile.gender_unset"), ("male", "profile.gender_male"), ("female", "profile.gender_female"), ("other", "profile.gender_other")],
                    default_value=f["gender"],
                ),
                form_field("profile.address", "address", default_value=f["address"], max_length=255),
                form_field("profile.city", "city", default_value=f["city"], max_length=100),
                form_field("profile.country", "country", default_value=f["country"], max_length=100),
                form_field("profile.avatar_url", "avatar_url", type="url", default_value=f["avatar_url"], max_length=500),
                rx.vstack(
                    rx.el.label(t("profile.timezone"), html_for="timezone", style={"fontWeight": "500", "fontSize": "0.95em"}),
                    rx.el.select(*[rx.el.option(z, value=z) for z in TIMEZONES], name="timezone", id="timezone", default_value=f["timezone"], class_name="aesp-select"),
                    spacing="1", width="100%", align="start",
                ),
                rx.vstack(
                    rx.el.label(t("profile.language"), html_for="language", style={"fontWeight": "500", "fontSize": "0.95em"}),
                    rx.el.select(rx.el.option("Tiếng Việt", value="vi"), rx.el.option("English", value="en"), name="language", id="language", default_value=f["language"], class_name="aesp-select"),
                    spacing="1", width="100%", align="start",
                ),
            ),
            rx.cond(
                AuthState.is_mentor,
                form_field("profile.specialty", "specialty", default_value=f["specialty"], max_length=100),
            ),
            rx.vstack(
                rx.el.label(t("profile.bio"), html_for="bio", style={"fontWeight": "500", "fontSize": "0.95em"}),
                rx.text_area(name="bio", id="bio", default_value=f["bio"], max_length=2000, width="100%", rows="4"),
                width="100%", spacing="1",
            ),
            rx.button(t("form.save"), type="submit", size="3", id="profile-save"),
            spacing="4",
            width="100%",
            align="start",
        ),
        on_submit=ProfileState.save,
        reset_on_submit=False,
        key=ProfileState.form["full_name"] + ProfileState.form["language"],
        width="100%",
        id="profile-form",
    )


def _security() -> rx.Component:
    return rx.vstack(
        rx.heading(t("profile.security_title"), size="5"),
        rx.form(
            rx.vstack(
                error_callout(ProfileState.password_error),
                _grid(
                    form_field("form.current_password", "current_password", type="password", required=True, autocomplete="current-password"),
                    rx.box(),
                    form_field("form.new_password", "new_password", type="password", required=True, autocomplete="new-password"),
                    form_field("form.password_confirm", "new_password_confirm", type="password", required=True, autocomplete="new-password"),
                ),
                rx.button(t("profile.change_password"), type="submit", variant="outline", id="password-submit"),
                spacing="3",
                width="100%",
                align="start",
            ),
            on_submit=ProfileState.change_password,
            reset_on_submit=True,
            width="100%",
        ),
        rx.heading(t("profile.sessions_title"), size="4", margin_top="1em"),
        rx.foreach(
            ProfileState.sessions,
            lambda s: rx.hstack(
                rx.icon("monitor-smartphone", size=18),
                rx.text(s["agent"], size="2", trim="both", max_width="28em", overflow="hidden", white_space="nowrap", text_overflow="ellipsis"),
                rx.badge(s["ip"]),
                rx.cond(s["remember"] != "", rx.badge(t("profile.session_remembered"), color_scheme="green")),
                rx.text(t("profile.session_expires").replace("{date}", s["expires"]), size="1", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
                width="100%",
            ),
        ),
        rx.button(t("profile.logout_others"), variant="soft", color_scheme="red", on_click=ProfileState.logout_other_sessions, id="logout-others"),
        spacing="3",
        width="100%",
        align="start",
    )


@app_page("/profile", "profile.title", guard="login", on_load=[ProfileState.load])
def profile_page() -> rx.Component:
    return rx.vstack(
        page_header("profile.title", "profile.subtitle"),
        card(
            rx.hstack(
                rx.avatar(src=ProfileState.form["avatar_url"], fallback=AuthState.display_name.to(str)[:2], size="5"),
                rx.vstack(
                    rx.heading(AuthState.display_name, size="5", id="profile-name"),
                    rx.text(ProfileState.email, color_scheme="gray", id="profile-email"),
                    rx.hstack(
                        rx.badge(t("role.learner"), display=rx.cond(ProfileState.role == "learner", "inline-flex", "none")),
                        rx.badge(t("role.mentor"), display=rx.cond(ProfileState.role == "mentor", "inline-flex", "none")),
                        rx.badge(t("role.admin"), display=rx.cond(ProfileState.role == "admin", "inline-flex", "none")),
                        rx.cond(
                            ProfileState.email_verified,
                            rx.badge(t("profile.email_verified"), color_scheme="green"),
                            rx.badge(t("profile.email_unverified"), color_scheme="orange"),
                        ),
                        wrap="wrap",
                    ),
                    rx.text(t("profile.member_since").replace("{date}", ProfileState.member_since), size="1", color_scheme="gray"),
                    spacing="1",
                ),
                spacing="4",
                align="center",
                wrap="wrap",
            ),
            _profile_form(),
        ),
        card(_security()),
        spacing="5",
        width="100%",
    )


@app_page("/onboarding", "onboarding.title", guard="learner", on_load=[ProfileState.load_onboarding])
def onboarding_page() -> rx.Component:
    o = ProfileState.onboarding

    def choices(label_key: str, name: str, values: tuple[str, ...], prefix: str) -> rx.Component:
        return rx.vstack(
            rx.text(t(label_key), weight="medium"),
            rx.radio_group.root(
                rx.flex(
                    *[rx.radio_group.item(rx.text(t(f"{prefix}.{v}")), value=v, id=f"{name}-{v}") for v in values],
                    direction="column",
                    spacing="2",
                ),
                name=name,
                default_value=o[name],
                required=True,
            ),
            spacing="2",
            width="100%",
            align="start",
        )

    return rx.center(
        rx.box(
            card(
                rx.heading(t("onboarding.title"), size="6", as_="h1"),
                rx.text(t("onboarding.subtitle"), color_scheme="gray"),
                rx.form(
                    rx.vstack(
                        error_callout(ProfileState.onboarding_error),
                        choices("onboarding.level", "level", LEVELS, "level"),
                        choices("onboarding.goal", "goal", GOALS, "goal"),
                        choices("onboarding.preference", "preference", PREFERENCES, "preference"),
                        rx.button(t("onboarding.submit"), type="submit", size="3", id="onboarding-submit"),
                        spacing="5",
                        width="100%",
                        align="start",
                    ),
                    on_submit=ProfileState.save_onboarding,
                    reset_on_submit=False,
                    width="100%",
                ),
            ),
            width="100%",
            max_width="560px",
        ),
        width="100%",
    )
