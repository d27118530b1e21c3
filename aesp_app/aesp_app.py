"""The Reflex application: pages, the error handler, and the HTTP routes that are not pages."""

import logging

import reflex as rx

from aesp_app import pages  # noqa: F401  (imports every @app_page)
from aesp_app.components.layout import PAGES
from aesp_app.api.routes import build_api
from aesp_app.i18n import translate
from aesp_app.pages.home import not_found_page

log = logging.getLogger("aesp")


def backend_exception_handler(exception: Exception):
    """An unexpected error: log it with its traceback, tell the user in both languages.
    Units of work roll back on errors, so nothing half-done is kept."""
    log.error("unhandled error in an event handler", exc_info=exception)
    return rx.toast.error(f"{translate('error.unexpected', 'vi')} / {translate('error.unexpected', 'en')}", duration=8000)


app = rx.App(
    stylesheets=["/styles.css"],
    html_lang="vi",
    backend_exception_handler=backend_exception_handler,
    api_transformer=build_api(),
)
for _render, _options in PAGES:
    app.add_page(_render, **_options)
app.add_page(not_found_page, route="404", title="404 · AESP")

MAINTENANCE_INTERVAL_SECONDS = 600


@app.register_lifespan_task
async def shop_maintenance():
    """Every ten minutes: unpaid orders lapse and stale guest carts go (idempotent, so several
    workers doing it is harmless)."""
    import asyncio

    from aesp_app.db import session_scope
    from aesp_app.services.shop.maintenance import run_maintenance

    def run() -> dict:
        with session_scope() as session:
            return run_maintenance(session)

    while True:
        try:
            counts = await asyncio.to_thread(run)
            if any(counts.values()):
                log.info("shop maintenance: %s", counts)
        except Exception:  # noqa: BLE001 - keep the loop alive; the next pass retries
            log.exception("shop maintenance failed")
        await asyncio.sleep(MAINTENANCE_INTERVAL_SECONDS)
