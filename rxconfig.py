"""Reflex configuration, derived from the application's settings (aesp_app/settings.py)."""

import reflex as rx

from aesp_app.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="aesp_app",
    db_url=_settings.database_url,
    redis_url=_settings.redis_url or None,
    state_manager_mode="redis" if _settings.redis_url else "memory",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(appearance="light", accent_color="indigo", radius="large"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
