"""Importing this package registers every page."""

from aesp_app.pages import admin, auth, home, orders, profile, shop  # noqa: F401
