"""Who is using the app: the login session (two cookies, see below), the page guards, and
`authorize`, the check every event handler makes first.

The browser holds an opaque token in one of two cookies: `aesp_session` has no max-age, so
it ends with the browser session; `aesp_remember` lives for SESSION_DAYS_REMEMBER days.
The database keeps only the token's SHA-256 (user_sessions). Nothing secret is a public var.
"""

from __future__ import annotations

import dataclasses
import logging

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services import accounts, profiles
from aesp_app.services.errors import ServiceError
from aesp_app.settings import get_settings
from aesp_app.states.i18n import I18nState

security_log = logging.getLogger("aesp.security")

ANONYMOUS = "anonymous"
# Route pattern (as Reflex reports it, e.g. "/orders/[code]") -> the loaders of a guarded page.
PAGE_LOADERS: dict[str, tuple] = {}
ROLE_HOME = {Role.ADMIN.value: "/admin", Role.MENTOR.value: "/mentor", Role.LEARNER.value: "/dashboard"}


@dataclasses.dataclass(frozen=True)
class Viewer:
    """The user behind the current event, read from the server-side session."""

    id: int
    role: str
    username: str
    email: str
    language: str
    timezone: str


def _safe_next(path: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if not path or not isinstance(path, str) or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return ""
    return path[:300]


class AuthState(rx.State):
    session_token: str = rx.Cookie("", name="aesp_session", same_site="lax")
    remember_token: str = rx.Cookie(
        "", name="aesp_remember", max_age=get_settings().session_days_remember * 24 * 3600, same_site="lax"
    )

    # Display only; every handler re-reads the user from the session.
    user_id: int = 0
    username: str = ""
    display_name: str = ""
    role: str = ""
    email_verified: bool = False
    onboarding_done: bool = True
    session_checked: bool = False

    # Login form
    login_error: str = ""
    login_needs_verification: bool = False
    login_busy: bool = False

    @rx.var
    def is_authenticated(self) -> bool:
        return self.user_id > 0

    @rx.var
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @rx.var
    def is_mentor(self) -> bool:
        return self.role == Role.MENTOR.value

    @rx.var
    def home_path(self) -> str:
        return ROLE_HOME.get(self.role, "/")

    def _token(self) -> str:
        return self.session_token or self.remember_token

    def _viewer(self) -> Viewer | None:
        token = self._token()
        if not token:
            return None
        with session_scope() as session:
            user = accounts.user_for_token(session, token)
            if user is None:
                return None
            return Viewer(
                id=user.id, role=user.role, username=user.username, email=user.email, language=user.language, timezone=user.timezone
            )

    def _set_display(self, viewer: Viewer | None) -> None:
        if viewer is None:
            self.user_id, self.username, self.display_name, self.role = 0, "", "", ""
            self.email_verified, self.onboarding_done = False, True
            return
        with session_scope() as session:
            user = accounts.get_user(session, viewer.id)
            profile = profiles.get_or_create_profile(session, user_id=viewer.id)
            self.user_id, self.username, self.role = user.id, user.username, user.role
            self.display_name = user.full_name or user.username
            self.email_verified = user.email_verified
            self.onboarding_done = profile.onboarding_completed or user.role != Role.LEARNER.value

    def _clear_tokens(self) -> None:
        self.session_token = ""
        self.remember_token = ""

    # --- page guards (on_load) -----------------------------------------------------------

    @rx.event
    async def check_session(self):
        """Runs on every page load: refresh the display vars from the server-side session."""
        await self._refresh()

    async def _refresh(self) -> None:
        viewer = self._viewer()
        if viewer is None and self._token():
            self._clear_tokens()  # expired or revoked
        self._set_display(viewer)
        self.session_checked = True
        if viewer is not None:
            i18n = await self.get_state(I18nState)
            if i18n.lang != viewer.language:
                i18n.lang = viewer.language

    @rx.event
    async def require_login(self):
        return await self._require_login() or self._page_loaders()

    def _page_loaders(self) -> list:
        """A guarded page's own loaders run only once its guard let the visitor in (see
        components/layout.app_page): no loader refuses, logs or toasts for a visitor the guard
        already sent away. The loaders still authorize on their own."""
        return list(PAGE_LOADERS.get(self.router.route_id, ()))

    async def _require_login(self):
        await self._refresh()
        if self.user_id == 0:
            i18n = await self.get_state(I18nState)
            return [rx.toast.info(i18n._text("access.login_needed")), rx.redirect(f"/login?next={self.router.url.path}")]

    async def _require_role(self, *roles: Role):
        denial = await self._require_login()
        if denial:
            return denial
        if self.role not in {r.value for r in roles}:
            security_log.warning("page denied: %s for user %s (%s)", self.router.url.path, self.user_id, self.role)
            return rx.redirect("/forbidden")
        return self._page_loaders()

    @rx.event
    async def require_admin(self):
        return await self._require_role(Role.ADMIN)

    @rx.event
    async def require_mentor(self):
        return await self._require_role(Role.MENTOR, Role.ADMIN)

    @rx.event
    async def require_learner(self):
        return await self._require_role(Role.LEARNER)

    @rx.event
    async def redirect_if_logged_in(self):
        await self._refresh()
        if self.user_id:
            return rx.redirect(self.home_path)

    # --- login and logout ----------------------------------------------------------------

    @rx.event
    async def login(self, form: dict):
        i18n = await self.get_state(I18nState)
        self.login_error, self.login_needs_verification = "", False
        if not isinstance(form, dict):
            self.login_error = i18n._text("error.invalid_input")
            return
        identifier = str(form.get("identifier", ""))[:255]
        password = str(form.get("password", ""))[:1000]
        remember = form.get("remember") in (True, "on", "true", "1")
        try:
            with session_scope() as session:
                result = accounts.login(
                    session,
                    identifier=identifier,
                    password=password,
                    remember=remember,
                    ip_address=self.router.session.client_ip or "",
                    user_agent=self.router.headers.user_agent or "",
                )
                viewer = Viewer(
                    id=result.user.id, role=result.user.role, username=result.user.username, email=result.user.email,
                    language=result.user.language, timezone=result.user.timezone,
                )
                token = result.token
        except ServiceError as err:
            self.login_error = i18n._text(err.message_key, **err.params)
            self.login_needs_verification = err.code == accounts.AccountError.ACCOUNT_PENDING
            return
        # One cookie or the other decides whether the login outlives the browser session.
        if remember:
            self.remember_token, self.session_token = token, ""
        else:
            self.session_token, self.remember_token = token, ""
        self._set_display(viewer)
        i18n.lang = viewer.language
        from aesp_app.states.cart import merge_guest_cart_on_login

        await merge_guest_cart_on_login(self, viewer.id)
        target = _safe_next(self.router.url.query_parameters.get("next")) or self.home_path
        if self.role == Role.LEARNER.value and not self.onboarding_done and target == "/dashboard":
            target = "/onboarding"
        return [rx.toast.success(i18n._text("login.success", name=self.display_name)), rx.redirect(target)]

    @rx.event
    def logout(self):
        token = self._token()
        if token:
            with session_scope() as session:
                accounts.logout(session, token=token)
        self._clear_tokens()
        self._set_display(None)
        return rx.redirect("/")


async def current_viewer(state: rx.State) -> Viewer | None:
    auth = await state.get_state(AuthState)
    return auth._viewer()


def _handler_name(state: rx.State) -> str:
    # In background events `state` is a StateProxy: ask it, not its type.
    return state.get_full_name()


async def authorize(state: rx.State, *roles: Role, action: str = "") -> Viewer | list:
    """The first call of every protected handler.

    Returns the Viewer when the session's user has one of `roles` (any logged-in user when
    none are given); otherwise logs the refusal and returns the events that tell the user.
    Usage: `viewer = await authorize(self, Role.ADMIN); if not isinstance(viewer, Viewer): return viewer`
    """
    viewer = await current_viewer(state)
    i18n = await state.get_state(I18nState)
    if viewer is None:
        security_log.warning("denied %s.%s: anonymous", _handler_name(state), action)
        back = _safe_next(state.router.url.path)
        return [rx.toast.error(i18n._text("error.login_required")), rx.redirect(f"/login?next={back}" if back and back != "/" else "/login")]
    if roles and viewer.role not in {r.value for r in roles}:
        security_log.warning("denied %s.%s: user %s (%s)", _handler_name(state), action, viewer.id, viewer.role)
        return [rx.toast.error(i18n._text("error.forbidden"))]
    return viewer


async def remember_language(state: rx.State, lang: str) -> None:
    viewer = await current_viewer(state)
    if viewer is not None:
        with session_scope() as session:
            profiles.set_language(session, user_id=viewer.id, language=lang)
