"""The Reflex application: pages, the error handler, and the HTTP routes that are not pages."""

import logging

import reflex as rx

from aesp_app import pages  # noqa: F401  (registers every @app_page)
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
app.add_page(not_found_page, route="404", title="404 · AESP")
