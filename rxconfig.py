"""Reflex configuration, derived from the application's settings (aesp_app/settings.py)."""

import os

import reflex as rx

from aesp_app.settings import ConfigError, get_settings

_settings = get_settings()
try:
    _settings.validate()
except ConfigError as _error:
    # One sentence, no traceback: production must not start with a bad setting.
    if _settings.is_production:
        raise SystemExit(f"Configuration error: {_error}") from None

# Recorded answers travel over the websocket as base64 (≤ 5 MB of audio, ~6.7 MB encoded): the
# socket must accept them so the server can check and refuse oversize audio with its own message.
os.environ.setdefault("REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE", str(8 * 1024 * 1024))

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
