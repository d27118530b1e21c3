"""The Reflex application: theme, pages, and the HTTP routes that are not pages."""

from __future__ import annotations

import reflex as rx

from aesp_app import pages  # noqa: F401  (registers every @app_page)
from aesp_app.pages.home import not_found_page

app = rx.App(
    stylesheets=["/styles.css"],
    html_lang="vi",
)
app.add_page(not_found_page, route="404", title="404 · AESP")
