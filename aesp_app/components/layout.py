"""The shell every page shares, and `app_page`, the one decorator that registers a page
with its guard and wraps it in the shell."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx

from aesp_app.components.ui import loading, t
from aesp_app.i18n import translate
from aesp_app.states.auth import PAGE_LOADERS, AuthState
from aesp_app.states.i18n import I18nState

# (label key, path) per audience; what a role may do is checked on the server, this is only navigation.
NAV_ANONYMOUS = [("nav.home", "/"), ("nav.shop", "/shop"), ("nav.cart", "/cart"), ("nav.login", "/login"), ("nav.register", "/register")]
NAV_LEARNER = [("nav.dashboard", "/dashboard"), ("nav.practice", "/practice"), ("nav.shop", "/shop"), ("nav.cart", "/cart")]
NAV_MENTOR = [("nav.mentor", "/mentor"), ("nav.shop", "/shop")]
NAV_ADMIN = [("nav.admin", "/admin"), ("nav.admin_users", "/admin/users"), ("nav.admin_orders", "/admin/orders"), ("nav.admin_products", "/admin/products"), ("nav.admin_outbox", "/admin/outbox")]
# In the menu under the member's name (and in the phone menu).
NAV_ACCOUNT = [("nav.profile", "/profile"), ("nav.orders", "/orders"), ("nav.purchases", "/purchases")]

# Every page, registered once on the app by aesp_app.py (app.add_page).
PAGES: list[tuple[Callable[[], rx.Component], dict]] = []

GUARDS = {
    None: AuthState.check_session,
    "login": AuthState.require_login,
    "learner": AuthState.require_learner,
    "mentor": AuthState.require_mentor,
    "admin": AuthState.require_admin,
    "visitor": AuthState.redirect_if_logged_in,
}
ALLOWED_ROLES = {"login": ("learner", "mentor", "admin"), "learner": ("learner",), "mentor": ("mentor", "admin"), "admin": ("admin",)}


def _links(items: list[tuple[str, str]], *, vertical: bool = False) -> rx.Component:
    links = [
        rx.link(
            t(key), href=path, underline="none", color_scheme="gray", high_contrast=True, weight="medium", white_space="nowrap",
            id=f"nav-{path.strip('/').replace('/', '-') or 'home'}" + ("-m" if vertical else ""),
        )
        for key, path in items
    ]
    return rx.vstack(*links, spacing="3") if vertical else rx.hstack(*links, spacing="5", align="center")


def _role_links(vertical: bool = False) -> rx.Component:
    account = NAV_ACCOUNT if vertical else []
    return rx.cond(
        AuthState.is_admin,
        _links(NAV_ADMIN + account, vertical=vertical),
        rx.cond(
            AuthState.is_mentor,
            _links(NAV_MENTOR + account, vertical=vertical),
            rx.cond(AuthState.is_authenticated, _links(NAV_LEARNER + account, vertical=vertical), _links(NAV_ANONYMOUS, vertical=vertical)),
        ),
    )


def language_switch() -> rx.Component:
    def option(code: str, label: str) -> rx.Component:
        return rx.button(
            label,
            size="1",
            variant=rx.cond(I18nState.language == code, "solid", "soft"),
            on_click=I18nState.set_language(code),
            aria_label=f"language {code}",
            id=f"lang-{code}",
        )

    return rx.hstack(option("vi", "VI"), option("en", "EN"), spacing="1")


def user_menu() -> rx.Component:
    return rx.cond(
        AuthState.is_authenticated,
        rx.hstack(
            rx.box(
                rx.menu.root(
                    rx.menu.trigger(
                        rx.button(
                            rx.text(AuthState.display_name, id="nav-user", white_space="nowrap", max_width="12em", overflow="hidden", text_overflow="ellipsis"),
                            rx.icon("chevron-down", size=14),
                            variant="ghost",
                            color_scheme="gray",
                            high_contrast=True,
                        )
                    ),
                    rx.menu.content(*[rx.menu.item(rx.link(t(key), href=path, underline="none", color_scheme="gray", high_contrast=True, width="100%")) for key, path in NAV_ACCOUNT]),
                ),
                display=["none", "none", "block"],
            ),
            rx.button(t("nav.logout"), variant="outline", size="2", on_click=AuthState.logout, id="logout-button", white_space="nowrap"),
            spacing="3",
            align="center",
        ),
    )


def navbar() -> rx.Component:
    brand = rx.link(
        rx.hstack(
            rx.icon("mic", size=22, color=rx.color("indigo", 9)),
            rx.text("AESP", size="5", weight="bold"),
            spacing="2",
            align="center",
        ),
        href="/",
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )
    mobile_menu = rx.menu.root(
        rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label=t("nav.menu"), id="mobile-menu")),
        rx.menu.content(rx.box(_role_links(vertical=True), padding="0.75em")),
    )
    return rx.el.nav(
        rx.hstack(
            rx.hstack(brand, rx.box(_role_links(), display=["none", "none", "block"], margin_left="1.5em"), align="center"),
            rx.spacer(),
            rx.hstack(language_switch(), user_menu(), rx.box(mobile_menu, display=["block", "block", "none"]), spacing="3", align="center"),
            width="100%",
            align="center",
            max_width="1100px",
            margin_x="auto",
            padding_x="1em",
            padding_y="0.75em",
        ),
        style={
            "borderBottom": f"1px solid {rx.color('gray', 5)}",
            "background": rx.color("gray", 1),
            "position": "sticky",
            "top": "0",
            "zIndex": "10",
            "width": "100%",
        },
    )


def footer() -> rx.Component:
    return rx.box(
        rx.text(t("footer.text"), size="1", color_scheme="gray", text_align="center"),
        padding="2em 1em",
        width="100%",
    )


def forbidden_view() -> rx.Component:
    return rx.vstack(
        rx.heading(t("access.denied_title"), size="6"),
        rx.text(t("access.denied_body")),
        rx.link(t("notfound.home"), href=AuthState.home_path),
        spacing="3",
        padding_y="3em",
        id="forbidden",
    )


def shell(content: rx.Component, guard: str | None) -> rx.Component:
    if guard in ALLOWED_ROLES:
        allowed = rx.Var.create(list(ALLOWED_ROLES[guard])).contains(AuthState.role)
        content = rx.cond(AuthState.session_checked & allowed, content, loading())
    # A column as tall as the screen: the footer stays at the bottom of short pages.
    return rx.flex(
        navbar(),
        rx.el.main(rx.box(content, max_width="1100px", margin_x="auto", padding_x="1em", padding_y="1.5em", width="100%"), style={"flex": "1", "width": "100%"}),
        footer(),
        direction="column",
        width="100%",
        background=rx.color("gray", 2),
        min_height="100vh",
    )


def app_page(
    route: str,
    title_key: str,
    *,
    guard: str | None = None,
    on_load: Sequence | None = None,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register ROUTE: the guard runs first on load (redirecting visitors who may not see the
    page), then the page's own loaders, which authorize again on the server."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        if guard in ALLOWED_ROLES:
            # The guard chains the page's loaders once it has let the visitor in.
            PAGE_LOADERS[route] = tuple(on_load or ())
            events = [GUARDS[guard]]
        else:
            events = [GUARDS[guard], *(on_load or [])]

        def page() -> rx.Component:
            return shell(render(), guard)

        page.__name__ = render.__name__
        PAGES.append((page, {"route": route, "title": f"{translate(title_key, 'vi')} · AESP", "on_load": events}))
        return page

    return decorator
